//! How logging changes a run: pure functions that check a request against MLflow's rules
//! and, only when all of it is valid, apply it.

use super::validation::{
    validate_batch_limits, validate_dataset_input, validate_metric, validate_param,
    validate_param_keys_unique, validate_run_tag,
};
use super::{
    upsert_tag, DatasetInput, DomainError, LifecycleStage, Metric, Param, Run, RunStatus, Tag,
    RUN_NAME_TAG,
};

/// What one `log-batch` call logs to a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogBatch {
    pub metrics: Vec<Metric>,
    pub params: Vec<Param>,
    pub tags: Vec<Tag>,
}

impl LogBatch {
    /// A batch of metric points alone.
    pub fn of_metrics(metrics: Vec<Metric>) -> LogBatch {
        LogBatch {
            metrics,
            ..LogBatch::default()
        }
    }
}

/// Refuses to change a deleted run, as MLflow does.
pub fn ensure_active(run: &Run) -> Result<(), DomainError> {
    if run.info.lifecycle_stage == LifecycleStage::Active {
        Ok(())
    } else {
        Err(DomainError::invalid(format!(
            "The run {} must be in the 'active' state. Current state is {}.",
            run.info.run_id,
            run.info.lifecycle_stage.as_str()
        )))
    }
}

/// Checks a batch against the run and MLflow's limits, then applies it: params are added
/// (a param may be logged again only with the same value), tags are set, and each metric key's
/// latest value is updated. On error the run is left as it was.
pub fn apply_log_batch(run: &mut Run, batch: &LogBatch) -> Result<(), DomainError> {
    ensure_active(run)?;
    validate_batch_limits(batch.metrics.len(), batch.params.len(), batch.tags.len())?;
    validate_param_keys_unique(&batch.params)?;
    for metric in &batch.metrics {
        validate_metric(metric)?;
    }
    for param in &batch.params {
        validate_param(param)?;
        if let Some(old) = run.param(&param.key) {
            if old != param.value {
                return Err(DomainError::invalid(format!(
                    "Changing param values is not allowed. Param with key='{}' was already logged with value='{}' for run ID='{}'. Attempted logging new value '{}'.",
                    param.key, old, run.info.run_id, param.value
                )));
            }
        }
    }
    for tag in &batch.tags {
        validate_run_tag(tag)?;
    }

    for param in &batch.params {
        if run.param(&param.key).is_none() {
            run.data.params.push(param.clone());
        }
    }
    for tag in &batch.tags {
        set_run_tag(run, tag);
    }
    for metric in &batch.metrics {
        update_latest_metric(&mut run.data.metrics, metric);
    }
    Ok(())
}

/// Sets a tag; `mlflow.runName` also renames the run, as in MLflow.
pub fn set_run_tag(run: &mut Run, tag: &Tag) {
    if tag.key == RUN_NAME_TAG {
        run.info.run_name = tag.value.clone();
    }
    upsert_tag(&mut run.data.tags, &tag.key, &tag.value);
}

/// Keeps `latest` holding, per key, the point that supersedes all others logged so far.
pub fn update_latest_metric(latest: &mut Vec<Metric>, metric: &Metric) {
    match latest.iter_mut().find(|m| m.key == metric.key) {
        Some(current) => {
            if metric.supersedes(current) {
                *current = metric.clone();
            }
        }
        None => latest.push(metric.clone()),
    }
}

/// The latest value of each key over a whole history, as MLflow keeps them.
pub fn latest_of(history: &[Metric]) -> Vec<Metric> {
    let mut latest = Vec::new();
    for point in history {
        update_latest_metric(&mut latest, point);
    }
    latest
}

/// A run's name as stored, or else the one in its `mlflow.runName` tag, or else empty.
pub fn run_name_or_tag(name: Option<String>, tags: &[Tag]) -> String {
    name.filter(|n| !n.is_empty())
        .or_else(|| {
            tags.iter()
                .find(|t| t.key == RUN_NAME_TAG)
                .map(|t| t.value.clone())
        })
        .unwrap_or_default()
}

/// Removes a tag, or says it was not there.
pub fn delete_run_tag(run: &mut Run, key: &str) -> Result<(), DomainError> {
    ensure_active(run)?;
    let before = run.data.tags.len();
    run.data.tags.retain(|t| t.key != key);
    if run.data.tags.len() == before {
        return Err(DomainError::not_found(format!(
            "No tag with name: {key} in run with id {}",
            run.info.run_id
        )));
    }
    Ok(())
}

/// What `runs/update` may change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunUpdate {
    pub status: Option<RunStatus>,
    pub end_time: Option<i64>,
    pub run_name: Option<String>,
}

pub fn apply_run_update(run: &mut Run, update: &RunUpdate) -> Result<(), DomainError> {
    ensure_active(run)?;
    if let Some(status) = update.status {
        run.info.status = status;
    }
    if let Some(end_time) = update.end_time {
        run.info.end_time = Some(end_time);
    }
    if let Some(name) = &update.run_name {
        if !name.is_empty() {
            set_run_tag(run, &Tag::new(RUN_NAME_TAG, name.clone()));
        }
    }
    Ok(())
}

/// Adds dataset inputs, skipping any the run already has (same name and digest).
pub fn apply_log_inputs(run: &mut Run, inputs: &[DatasetInput]) -> Result<(), DomainError> {
    ensure_active(run)?;
    for input in inputs {
        validate_dataset_input(input)?;
    }
    for input in inputs {
        if !run.inputs.iter().any(|i| i.identity() == input.identity()) {
            run.inputs.push(input.clone());
        }
    }
    Ok(())
}
