//! The model registry endpoints of the REST API (reading, for now): registered models and
//! model versions as `mlflow server` shows them.

use serde_json::{json, Value};

use super::{page_json, Args};
use crate::codec::rest::{model_version_to_json, registered_model_to_json};
use crate::domain::{latest_versions, DomainError, ModelVersion, RegisteredModel, Stage};
use crate::search::{sort_models, sort_versions, Page, Target};

use super::{filter_arg, order_arg};
use crate::store::{Store, Tracker};

/// The largest page of registered models MLflow hands out, and its default.
const MODELS_MAX: usize = 1000;
const MODELS_DEFAULT: usize = 100;
/// The same for model versions.
const VERSIONS_MAX: usize = 200_000;
const VERSIONS_DEFAULT: usize = 10_000;

fn versions_of<'a>(versions: &'a [ModelVersion], name: &str) -> Vec<&'a ModelVersion> {
    versions.iter().filter(|v| v.name == name).collect()
}

fn aliases_of(model: &RegisteredModel, version: u64) -> Vec<String> {
    let mut aliases: Vec<String> = model
        .aliases
        .iter()
        .filter(|(_, v)| *v == version)
        .map(|(a, _)| a.clone())
        .collect();
    aliases.sort();
    aliases
}

fn model_json(model: &RegisteredModel, versions: &[ModelVersion]) -> Value {
    registered_model_to_json(model, &latest_versions(&versions_of(versions, &model.name)))
}

fn version_number(args: &Args) -> Result<u64, DomainError> {
    let text = args.req_str("version")?;
    text.trim().parse::<u64>().map_err(|_| {
        DomainError::invalid(format!("Model version must be an integer, got '{text}'"))
    })
}

pub async fn search_models<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let max_results = args.max_results(MODELS_DEFAULT, MODELS_MAX)?;
    let filter = filter_arg(args, Target::RegisteredModels)?;
    let order = order_arg(args, Target::RegisteredModels)?;
    let mut models = tracker.registered_models().await?;
    models.retain(|m| filter.matches_model(m));
    sort_models(&mut models, &order);
    let versions = tracker.model_versions().await?;
    let token = args.opt_str("page_token")?;
    let page = Page::cut(models, max_results, token.as_deref(), true)?;
    Ok(page_json(page, "registered_models", |m| {
        model_json(m, &versions)
    }))
}

pub async fn get_model<S: Store>(tracker: &Tracker<S>, args: &Args) -> Result<Value, DomainError> {
    let model = tracker.registered_model(&args.req_str("name")?).await?;
    let versions = tracker.model_versions().await?;
    Ok(json!({ "registered_model": model_json(&model, &versions) }))
}

pub async fn latest<S: Store>(tracker: &Tracker<S>, args: &Args) -> Result<Value, DomainError> {
    let model = tracker.registered_model(&args.req_str("name")?).await?;
    let stages = args
        .str_list("stages")?
        .iter()
        .map(|s| s.parse::<Stage>().map_err(DomainError::invalid))
        .collect::<Result<Vec<_>, _>>()?;
    let versions = tracker.model_versions().await?;
    let latest: Vec<Value> = latest_versions(&versions_of(&versions, &model.name))
        .into_iter()
        .filter(|v| stages.is_empty() || stages.contains(&v.current_stage))
        .map(|v| model_version_to_json(v, Some(&aliases_of(&model, v.version))))
        .collect();
    if latest.is_empty() {
        return Ok(json!({}));
    }
    Ok(json!({ "model_versions": latest }))
}

pub async fn get_alias<S: Store>(tracker: &Tracker<S>, args: &Args) -> Result<Value, DomainError> {
    let name = args.req_str("name")?;
    let alias = args.req_str("alias")?;
    let model = tracker.registered_model(&name).await?;
    let number = model
        .aliases
        .iter()
        .find(|(a, _)| *a == alias)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            DomainError::not_found(format!("Registered model alias {alias} not found."))
        })?;
    let version = find_version(tracker, &name, number).await?;
    Ok(
        json!({ "model_version": model_version_to_json(&version, Some(&aliases_of(&model, number))) }),
    )
}

async fn find_version<S: Store>(
    tracker: &Tracker<S>,
    name: &str,
    number: u64,
) -> Result<ModelVersion, DomainError> {
    tracker
        .model_versions()
        .await?
        .into_iter()
        .find(|v| v.name == name && v.version == number)
        .ok_or_else(|| {
            DomainError::not_found(format!(
                "Model Version (name={name}, version={number}) not found"
            ))
        })
}

pub async fn get_version<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let name = args.req_str("name")?;
    let number = version_number(args)?;
    let version = find_version(tracker, &name, number).await?;
    let model = tracker.registered_model(&name).await?;
    Ok(
        json!({ "model_version": model_version_to_json(&version, Some(&aliases_of(&model, number))) }),
    )
}

/// Model versions, ordered as asked, then by name and newest version first, as MLflow does.
pub async fn search_versions<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let max_results = args.max_results(VERSIONS_DEFAULT, VERSIONS_MAX)?;
    let filter = filter_arg(args, Target::ModelVersions)?;
    let order = order_arg(args, Target::ModelVersions)?;
    let mut versions = tracker.model_versions().await?;
    versions.retain(|v| filter.matches_version(v));
    sort_versions(&mut versions, &order);
    let token = args.opt_str("page_token")?;
    let page = Page::cut(versions, max_results, token.as_deref(), true)?;
    Ok(page_json(page, "model_versions", |v| {
        model_version_to_json(v, None)
    }))
}
