//! Responses saved from an MLflow server's REST API, read back as data: `experiments/search`
//! and `get`, `runs/search` and `get`, `metrics/get-history` (and the bulk form, whose points
//! name their run), `registered-models/search` and `get`, `model-versions/search` and `get`.
//!
//! All the responses chosen together are one source, so runs find their experiments and
//! histories their runs across files. A run's history is the points of its metrics found in
//! the responses; without any, its latest values. Histories saved without a run id cannot be
//! placed and are reported.

use std::collections::HashMap;

use serde_json::Value;

use super::rest::{
    experiment_from_json, model_version_from_json, registered_model_from_json, run_from_json,
};
use crate::domain::{DomainError, Metric, RunSnapshot, Snapshot};

/// Whether a JSON document looks like a saved MLflow REST response.
pub fn detect(document: &Value) -> bool {
    [
        "experiments",
        "experiment",
        "runs",
        "run",
        "metrics",
        "registered_models",
        "registered_model",
        "model_versions",
        "model_version",
    ]
    .iter()
    .any(|key| document.get(key).is_some())
}

fn items<'a>(document: &'a Value, list: &str, single: &str) -> Vec<&'a Value> {
    match (document.get(list), document.get(single)) {
        (Some(Value::Array(items)), _) => items.iter().collect(),
        (_, Some(item)) if item.is_object() => vec![item],
        _ => Vec::new(),
    }
}

/// Decodes the responses, each `(file name, document)`, into one snapshot.
pub fn decode(documents: &[(String, Value)]) -> Result<Snapshot, DomainError> {
    let mut snapshot = Snapshot::default();
    let mut histories: HashMap<(String, String), Vec<Metric>> = HashMap::new();
    for (file, document) in documents {
        let at = |place: String, e: DomainError| {
            DomainError::invalid(format!("{file}: {place}: {}", e.message))
        };
        for (i, value) in items(document, "experiments", "experiment")
            .into_iter()
            .enumerate()
        {
            let experiment =
                experiment_from_json(value).map_err(|e| at(format!("experiments[{i}]"), e))?;
            if !snapshot
                .experiments
                .iter()
                .any(|e| e.experiment_id == experiment.experiment_id)
            {
                snapshot.experiments.push(experiment);
            }
        }
        for (i, value) in items(document, "runs", "run").into_iter().enumerate() {
            let run = run_from_json(value).map_err(|e| at(format!("runs[{i}]"), e))?;
            if !snapshot
                .runs
                .iter()
                .any(|r| r.run.info.run_id == run.info.run_id)
            {
                snapshot.runs.push(RunSnapshot {
                    run,
                    history: Vec::new(),
                    artifacts: Vec::new(),
                });
            }
        }
        if let Some(Value::Array(points)) = document.get("metrics") {
            let mut unplaced = 0;
            for (i, point) in points.iter().enumerate() {
                let metric = super::rest::metric_from_json(point)
                    .map_err(|e| at(format!("metrics[{i}]"), e))?;
                match point.get("run_id").and_then(Value::as_str) {
                    Some(run_id) => histories
                        .entry((run_id.to_owned(), metric.key.clone()))
                        .or_default()
                        .push(metric),
                    None => unplaced += 1,
                }
            }
            if unplaced > 0 {
                snapshot.warnings.push(format!(
                    "{file}: {unplaced} metric points do not say which run they belong to (a metrics/get-history response); they were not imported"
                ));
            }
        }
        for (i, value) in items(document, "registered_models", "registered_model")
            .into_iter()
            .enumerate()
        {
            let model = registered_model_from_json(value)
                .map_err(|e| at(format!("registered_models[{i}]"), e))?;
            for (j, version) in value
                .get("latest_versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let version = model_version_from_json(version)
                    .map_err(|e| at(format!("registered_models[{i}].latest_versions[{j}]"), e))?;
                if !snapshot
                    .model_versions
                    .iter()
                    .any(|v| v.name == version.name && v.version == version.version)
                {
                    snapshot.model_versions.push(version);
                }
            }
            snapshot.registered_models.retain(|m| m.name != model.name);
            snapshot.registered_models.push(model);
        }
        for (i, value) in items(document, "model_versions", "model_version")
            .into_iter()
            .enumerate()
        {
            let version = model_version_from_json(value)
                .map_err(|e| at(format!("model_versions[{i}]"), e))?;
            snapshot
                .model_versions
                .retain(|v| !(v.name == version.name && v.version == version.version));
            snapshot.model_versions.push(version);
        }
    }
    for run in &mut snapshot.runs {
        let run_id = run.run.info.run_id.clone();
        for latest in &run.run.data.metrics {
            match histories.remove(&(run_id.clone(), latest.key.clone())) {
                Some(points) => run.history.extend(points),
                None => run.history.push(latest.clone()),
            }
        }
    }
    if !histories.is_empty() {
        snapshot.warnings.push(format!(
            "{} metric histories belong to runs not in the files given; they were not imported",
            histories.len()
        ));
    }
    snapshot.adopt_orphan_runs(|_, experiment_id| format!("Imported experiment {experiment_id}"));
    Ok(snapshot)
}
