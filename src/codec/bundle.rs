//! The labbook bundle: our own format for moving tracking data between browsers, lossless.
//!
//! A bundle is a JSON document (`bundle.json`), alone or inside a zip that also holds each
//! run's artifact files under `artifacts/<run id>/<path>`. Version 1:
//!
//! ```json
//! {
//!   "format": "labbook-bundle",
//!   "format_version": 1,
//!   "experiments": [ /* as experiments/get shows an experiment */ ],
//!   "runs": [{
//!     /* info, data, inputs: as runs/get shows a run */
//!     "metric_history": [{"key": "loss", "steps": [0, 1], "timestamps": [1, 2], "values": [0.5, "NaN"]}],
//!     "artifacts": [{"path": "model/MLmodel", "file_size": 312}]
//!   }],
//!   "logged_models": [ /* as logged-models/get shows one, plus "artifacts" as for runs */ ],
//!   "registered_models": [ /* as registered-models/get shows one, without latest_versions */ ],
//!   "model_versions": [ /* as model-versions/get shows one, plus "stage_history":
//!                          [{"from": "None", "to": "Staging", "timestamp": 1}] */ ]
//! }
//! ```
//!
//! Doubles follow protobuf's JSON mapping (`"NaN"`, `"Infinity"`), as in MLflow's REST API.
//! Each key's history keeps its points in the order they were logged.

use serde_json::{json, Map, Value};

use super::protojson::{double_from_json, double_to_json};
use super::rest::{
    experiment_from_json, experiment_to_json, int_from_json, logged_model_from_json,
    logged_model_to_json, model_version_from_json, model_version_to_json,
    registered_model_from_json, registered_model_to_json, run_from_json, run_to_json,
    stage_history_to_json,
};
use crate::domain::{
    ArtifactBytes, DomainError, LoggedModelSnapshot, Metric, RunSnapshot, Snapshot,
};

pub const FORMAT: &str = "labbook-bundle";
pub const FORMAT_VERSION: u64 = 1;
/// The name of the JSON document inside a bundle zip.
pub const BUNDLE_JSON: &str = "bundle.json";

fn history_to_json(history: &[Metric]) -> Value {
    let mut keys: Vec<&str> = Vec::new();
    for point in history {
        if !keys.contains(&point.key.as_str()) {
            keys.push(&point.key);
        }
    }
    keys.iter()
        .map(|key| {
            let points: Vec<&Metric> = history.iter().filter(|m| m.key == *key).collect();
            json!({
                "key": key,
                "steps": points.iter().map(|m| m.step).collect::<Vec<_>>(),
                "timestamps": points.iter().map(|m| m.timestamp).collect::<Vec<_>>(),
                "values": points.iter().map(|m| double_to_json(m.value)).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn artifact_list(artifacts: &[ArtifactBytes]) -> Value {
    artifacts
        .iter()
        .map(|a| json!({ "path": a.path, "file_size": a.bytes.len() }))
        .collect()
}

fn listed_paths(value: &Value) -> Vec<String> {
    value["artifacts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["path"].as_str().map(str::to_owned))
        .collect()
}

/// Encodes a snapshot as a bundle document. Artifact bytes are not in it: a zip bundle
/// carries them beside it.
pub fn encode(snapshot: &Snapshot) -> Value {
    let runs: Vec<Value> = snapshot
        .runs
        .iter()
        .map(|r| {
            let mut run = run_to_json(&r.run);
            run["metric_history"] = history_to_json(&r.history);
            run["artifacts"] = artifact_list(&r.artifacts);
            run
        })
        .collect();
    let mut document = Map::new();
    document.insert("format".into(), FORMAT.into());
    document.insert("format_version".into(), FORMAT_VERSION.into());
    document.insert(
        "experiments".into(),
        snapshot
            .experiments
            .iter()
            .map(experiment_to_json)
            .collect(),
    );
    document.insert("runs".into(), Value::Array(runs));
    document.insert(
        "logged_models".into(),
        snapshot
            .logged_models
            .iter()
            .map(|m| {
                let mut json = logged_model_to_json(&m.model, &[]);
                json["artifacts"] = artifact_list(&m.artifacts);
                json
            })
            .collect(),
    );
    document.insert(
        "registered_models".into(),
        snapshot
            .registered_models
            .iter()
            .map(|m| registered_model_to_json(m, &[]))
            .collect(),
    );
    document.insert(
        "model_versions".into(),
        snapshot
            .model_versions
            .iter()
            .map(|v| {
                let mut json = model_version_to_json(v, None);
                json["stage_history"] = stage_history_to_json(v);
                json
            })
            .collect(),
    );
    Value::Object(document)
}

fn at(file: &str, place: &str, error: DomainError) -> DomainError {
    DomainError::invalid(format!("{file}: {place}: {}", error.message))
}

fn history_from_json(value: &Value, place: &str, file: &str) -> Result<Vec<Metric>, DomainError> {
    let series = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(series) => series,
        _ => {
            return Err(DomainError::invalid(format!(
                "{file}: {place}: expected a list"
            )))
        }
    };
    let mut points = Vec::new();
    for (i, entry) in series.iter().enumerate() {
        let place = format!("{place}[{i}]");
        let key = entry["key"]
            .as_str()
            .ok_or_else(|| DomainError::invalid(format!("{file}: {place}: 'key' is missing")))?;
        let column = |name: &str| -> Result<&Vec<Value>, DomainError> {
            entry[name].as_array().ok_or_else(|| {
                DomainError::invalid(format!("{file}: {place}: '{name}' is not a list"))
            })
        };
        let (steps, timestamps, values) =
            (column("steps")?, column("timestamps")?, column("values")?);
        if steps.len() != values.len() || timestamps.len() != values.len() {
            return Err(DomainError::invalid(format!(
                "{file}: {place}: 'steps', 'timestamps' and 'values' have different lengths ({}, {}, {})",
                steps.len(),
                timestamps.len(),
                values.len()
            )));
        }
        for j in 0..values.len() {
            let bad = |what: &str, v: &Value| {
                DomainError::invalid(format!("{file}: {place}.{what}[{j}]: not a number: {v}"))
            };
            points.push(Metric {
                key: key.to_owned(),
                step: int_from_json(&steps[j]).ok_or_else(|| bad("steps", &steps[j]))?,
                timestamp: int_from_json(&timestamps[j])
                    .ok_or_else(|| bad("timestamps", &timestamps[j]))?,
                value: double_from_json(&values[j]).ok_or_else(|| bad("values", &values[j]))?,
            });
        }
    }
    Ok(points)
}

/// A decoded bundle: the snapshot (without artifact bytes) and, per run or logged model, the
/// artifact paths the bundle lists.
pub struct Decoded {
    pub snapshot: Snapshot,
    pub listed_artifacts: Vec<(String, Vec<String>)>,
}

/// Decodes a bundle document read from `file`. Errors name the file and the place in it.
pub fn decode(file: &str, text: &str) -> Result<Decoded, DomainError> {
    let document = super::parse_json(file, text)?;
    if document["format"] != FORMAT {
        return Err(DomainError::invalid(format!(
            "{file}: not a labbook bundle (its \"format\" is not \"{FORMAT}\")"
        )));
    }
    match document["format_version"].as_u64() {
        Some(FORMAT_VERSION) => {}
        other => {
            return Err(DomainError::invalid(format!(
                "{file}: bundle format version {} is not one this labbook reads (it reads {FORMAT_VERSION})",
                other.map_or("missing".to_owned(), |v| v.to_string())
            )))
        }
    }
    let mut snapshot = Snapshot::default();
    let empty = Vec::new();
    for (i, value) in document["experiments"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .enumerate()
    {
        let place = format!("experiments[{i}]");
        snapshot
            .experiments
            .push(experiment_from_json(value).map_err(|e| at(file, &place, e))?);
    }
    let mut listed_artifacts = Vec::new();
    for (i, value) in document["runs"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .enumerate()
    {
        let place = format!("runs[{i}]");
        let run = run_from_json(value).map_err(|e| at(file, &place, e))?;
        let history = history_from_json(
            &value["metric_history"],
            &format!("{place}.metric_history"),
            file,
        )?;
        listed_artifacts.push((run.info.run_id.clone(), listed_paths(value)));
        snapshot.runs.push(RunSnapshot {
            run,
            history,
            artifacts: Vec::new(),
        });
    }
    for (i, value) in document["logged_models"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .enumerate()
    {
        let place = format!("logged_models[{i}]");
        let model = logged_model_from_json(value).map_err(|e| at(file, &place, e))?;
        listed_artifacts.push((model.model_id.clone(), listed_paths(value)));
        snapshot.logged_models.push(LoggedModelSnapshot {
            model,
            artifacts: Vec::new(),
        });
    }
    for (i, value) in document["registered_models"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .enumerate()
    {
        let place = format!("registered_models[{i}]");
        snapshot
            .registered_models
            .push(registered_model_from_json(value).map_err(|e| at(file, &place, e))?);
    }
    for (i, value) in document["model_versions"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .enumerate()
    {
        let place = format!("model_versions[{i}]");
        snapshot
            .model_versions
            .push(model_version_from_json(value).map_err(|e| at(file, &place, e))?);
    }
    Ok(Decoded {
        snapshot,
        listed_artifacts,
    })
}

/// Where a run's or logged model's artifact lives inside a bundle zip.
pub fn artifact_entry(run_id: &str, path: &str) -> String {
    format!("artifacts/{run_id}/{path}")
}

/// Puts artifact bytes found in a bundle zip back with their runs and logged models; says
/// which listed files were missing.
pub fn attach_artifacts(
    decoded: &mut Decoded,
    mut read: impl FnMut(&str) -> Option<Vec<u8>>,
) -> Vec<String> {
    let mut missing = Vec::new();
    let snapshot = &mut decoded.snapshot;
    for (owner, paths) in &decoded.listed_artifacts {
        let target = match snapshot
            .runs
            .iter_mut()
            .find(|r| &r.run.info.run_id == owner)
        {
            Some(run) => &mut run.artifacts,
            None => match snapshot
                .logged_models
                .iter_mut()
                .find(|m| &m.model.model_id == owner)
            {
                Some(model) => &mut model.artifacts,
                None => continue,
            },
        };
        for path in paths {
            match read(&artifact_entry(owner, path)) {
                Some(bytes) => target.push(ArtifactBytes {
                    path: path.clone(),
                    bytes,
                }),
                None => missing.push(artifact_entry(owner, path)),
            }
        }
    }
    missing
}
