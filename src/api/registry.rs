//! The model registry endpoints of the REST API: registered models and model versions, read
//! and written, with the JSON and errors of `mlflow server`.

use serde_json::{json, Value};

use super::{page_json, Args};
use crate::codec::rest::{
    list_from_json, model_version_to_json, registered_model_to_json, tag_from_json,
};
use crate::domain::{
    latest_versions, DomainError, ModelSelector, ModelUri, ModelVersion, RegisteredModel, Stage,
    Tag,
};
use crate::search::{sort_models, sort_versions, Page, Target};

use super::{filter_arg, order_arg};
use crate::store::{NewModelVersion, Store, Tracker};

/// The largest page of registered models MLflow hands out, and its default.
const MODELS_MAX: usize = 1000;
const MODELS_DEFAULT: usize = 100;
/// The same for model versions.
const VERSIONS_MAX: usize = 200_000;
const VERSIONS_DEFAULT: usize = 10_000;

fn versions_of<'a>(versions: &'a [ModelVersion], name: &str) -> Vec<&'a ModelVersion> {
    versions.iter().filter(|v| v.name == name).collect()
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
    answer_model(tracker, &model).await
}

/// `{"registered_model": …}` for `model`, with its latest versions.
async fn answer_model<S: Store>(
    tracker: &Tracker<S>,
    model: &RegisteredModel,
) -> Result<Value, DomainError> {
    let versions = tracker.model_versions().await?;
    Ok(json!({ "registered_model": model_json(model, &versions) }))
}

/// `{"model_version": …}` for `version`, with its aliases.
async fn answer_version<S: Store>(
    tracker: &Tracker<S>,
    version: &ModelVersion,
) -> Result<Value, DomainError> {
    let model = tracker.registered_model(&version.name).await?;
    Ok(
        json!({ "model_version": model_version_to_json(version, Some(&model.aliases_of(version.version))) }),
    )
}

fn tags_arg(args: &Args) -> Result<Vec<Tag>, DomainError> {
    list_from_json(args.raw("tags"), tag_from_json)
}

fn tag_arg(args: &Args) -> Result<Tag, DomainError> {
    Ok(Tag::new(args.req_str("key")?, args.req_str("value")?))
}

pub async fn create_model<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let model = tracker
        .create_registered_model(
            &args.req_str("name")?,
            tags_arg(args)?,
            args.opt_str("description")?.unwrap_or_default(),
        )
        .await?;
    answer_model(tracker, &model).await
}

pub async fn rename_model<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let model = tracker
        .rename_registered_model(&args.req_str("name")?, &args.req_str("new_name")?)
        .await?;
    answer_model(tracker, &model).await
}

pub async fn update_model<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let name = args.req_str("name")?;
    let model = match args.opt_str("description")? {
        Some(description) => tracker.update_registered_model(&name, description).await?,
        None => tracker.registered_model(&name).await?,
    };
    answer_model(tracker, &model).await
}

/// The registry writes that answer `{}`, by what they do: `registered-models/delete`,
/// `set-tag` and `delete-tag`, `alias` set and delete; `model-versions/delete`, `set-tag` and
/// `delete-tag`.
pub enum QuietWrite {
    DeleteModel,
    SetModelTag,
    DeleteModelTag,
    SetAlias,
    DeleteAlias,
    DeleteVersion,
    SetVersionTag,
    DeleteVersionTag,
}

pub async fn quiet_write<S: Store>(
    tracker: &Tracker<S>,
    write: QuietWrite,
    args: &Args,
) -> Result<Value, DomainError> {
    let name = args.req_str("name")?;
    match write {
        QuietWrite::DeleteModel => tracker.delete_registered_model(&name).await?,
        QuietWrite::SetModelTag => {
            tracker
                .set_registered_model_tag(&name, tag_arg(args)?)
                .await?
        }
        QuietWrite::DeleteModelTag => {
            tracker
                .delete_registered_model_tag(&name, &args.req_str("key")?)
                .await?
        }
        QuietWrite::SetAlias => {
            tracker
                .set_alias(&name, &args.req_str("alias")?, version_number(args)?)
                .await?
        }
        QuietWrite::DeleteAlias => tracker.delete_alias(&name, &args.req_str("alias")?).await?,
        QuietWrite::DeleteVersion => {
            tracker
                .delete_model_version(&name, version_number(args)?)
                .await?
        }
        QuietWrite::SetVersionTag => {
            tracker
                .set_model_version_tag(&name, version_number(args)?, tag_arg(args)?)
                .await?
        }
        QuietWrite::DeleteVersionTag => {
            tracker
                .delete_model_version_tag(&name, version_number(args)?, &args.req_str("key")?)
                .await?
        }
    }
    Ok(json!({}))
}

pub async fn create_version<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let version = tracker
        .create_model_version(NewModelVersion {
            name: args.req_str("name")?,
            source: args.req_str("source")?,
            run_id: args.opt_str("run_id")?,
            run_link: args.opt_str("run_link")?.unwrap_or_default(),
            description: args.opt_str("description")?.unwrap_or_default(),
            tags: tags_arg(args)?,
            model_id: args.opt_str("model_id")?,
            user_id: String::new(),
        })
        .await?;
    answer_version(tracker, &version).await
}

pub async fn update_version<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let name = args.req_str("name")?;
    let number = version_number(args)?;
    let version = match args.opt_str("description")? {
        Some(description) => {
            tracker
                .update_model_version(&name, number, description)
                .await?
        }
        None => tracker.model_version(&name, number).await?,
    };
    answer_version(tracker, &version).await
}

pub async fn transition_stage<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let stage: Stage = args
        .req_str("stage")?
        .parse()
        .map_err(DomainError::invalid)?;
    let version = tracker
        .transition_stage(
            &args.req_str("name")?,
            version_number(args)?,
            stage,
            args.opt_bool("archive_existing_versions")?.unwrap_or(false),
        )
        .await?;
    answer_version(tracker, &version).await
}

/// The version the `name` and `version` arguments name.
async fn version_arg<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<ModelVersion, DomainError> {
    tracker
        .model_version(&args.req_str("name")?, version_number(args)?)
        .await
}

/// Where a version's files are: its source (labbook keeps no other copy).
pub async fn download_uri<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let version = version_arg(tracker, args).await?;
    Ok(json!({ "artifact_uri": version.source }))
}

/// `labbook/models/resolve?uri=models:/…`: the version a `models:/` URI names.
pub async fn resolve<S: Store>(tracker: &Tracker<S>, args: &Args) -> Result<Value, DomainError> {
    let version = tracker.resolve_model_uri(&args.req_str("uri")?).await?;
    answer_version(tracker, &version).await
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
        .map(|v| model_version_to_json(v, Some(&model.aliases_of(v.version))))
        .collect();
    if latest.is_empty() {
        return Ok(json!({}));
    }
    Ok(json!({ "model_versions": latest }))
}

pub async fn get_alias<S: Store>(tracker: &Tracker<S>, args: &Args) -> Result<Value, DomainError> {
    let uri = ModelUri {
        name: args.req_str("name")?,
        selector: ModelSelector::Alias(args.req_str("alias")?),
    };
    let version = tracker.version_at(&uri).await?;
    answer_version(tracker, &version).await
}

pub async fn get_version<S: Store>(
    tracker: &Tracker<S>,
    args: &Args,
) -> Result<Value, DomainError> {
    let version = version_arg(tracker, args).await?;
    answer_version(tracker, &version).await
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
