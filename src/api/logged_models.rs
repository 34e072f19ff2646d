//! MLflow 3's logged-model endpoints: `logged-models/search`, `logged-models/<id>` and
//! `logged-models/<id>/artifacts/directories`.

use serde_json::{json, Map, Value};

use super::{page_json, Args};
use crate::codec::rest::{file_info_to_json, logged_model_to_json};
use crate::domain::{list_folder, DomainError, LoggedModel, ModelVersion};
use crate::search::Page;
use crate::store::{Store, Tracker};

const SEARCH_DEFAULT: usize = 100;
const SEARCH_MAX: usize = 1000;

fn registrations(model: &LoggedModel, versions: &[ModelVersion]) -> Vec<(String, u64)> {
    versions
        .iter()
        .filter(|v| v.model_id.as_deref() == Some(model.model_id.as_str()))
        .map(|v| (v.name.clone(), v.version))
        .collect()
}

/// Logged models of the given experiments, newest first.
pub async fn search<S: Store>(tracker: &Tracker<S>, args: &Args) -> Result<Value, DomainError> {
    let max_results = args.max_results(SEARCH_DEFAULT, SEARCH_MAX)?;
    if args
        .opt_str("filter")?
        .is_some_and(|f| !f.trim().is_empty())
    {
        return Err(DomainError::invalid(
            "filters on logged models are not supported yet: search without one and narrow the list by experiment",
        ));
    }
    let experiment_ids = args.str_list("experiment_ids")?;
    let mut models: Vec<LoggedModel> = tracker
        .logged_models()
        .await?
        .into_iter()
        .filter(|m| experiment_ids.contains(&m.experiment_id))
        .collect();
    models.sort_by(|a, b| {
        b.creation_timestamp
            .cmp(&a.creation_timestamp)
            .then_with(|| a.model_id.cmp(&b.model_id))
    });
    let versions = tracker.model_versions().await?;
    let token = args.opt_str("page_token")?;
    let page = Page::cut(models, max_results, token.as_deref(), true)?;
    Ok(page_json(page, "models", |m| {
        logged_model_to_json(m, &registrations(m, &versions))
    }))
}

async fn find<S: Store>(tracker: &Tracker<S>, model_id: &str) -> Result<LoggedModel, DomainError> {
    tracker
        .logged_models()
        .await?
        .into_iter()
        .find(|m| m.model_id == model_id)
        .ok_or_else(|| {
            DomainError::not_found(format!("Logged model with ID '{model_id}' not found."))
        })
}

/// `GET logged-models/<id>` and `GET logged-models/<id>/artifacts/directories`.
pub async fn by_id<S: Store>(
    tracker: &Tracker<S>,
    rest: &str,
    args: &Args,
) -> Result<Value, DomainError> {
    let (model_id, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let model = find(tracker, model_id).await?;
    match tail {
        "" => {
            let versions = tracker.model_versions().await?;
            Ok(json!({ "model": logged_model_to_json(&model, &registrations(&model, &versions)) }))
        }
        "artifacts/directories" => {
            let folder = args.opt_str("artifact_directory_path")?.unwrap_or_default();
            let files = tracker.logged_model_artifacts(&model.model_id).await?;
            let listing = list_folder(&files, folder.trim_matches('/'));
            let mut answer = Map::new();
            answer.insert("root_uri".into(), model.artifact_location.into());
            if !listing.is_empty() {
                answer.insert(
                    "files".into(),
                    listing.iter().map(file_info_to_json).collect(),
                );
            }
            Ok(Value::Object(answer))
        }
        other => Err(DomainError::not_found(format!(
            "No endpoint logged-models/{model_id}/{other}"
        ))),
    }
}
