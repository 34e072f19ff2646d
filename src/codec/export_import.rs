//! mlflow-export-import's native format (`export-all`, `export-experiment`, `export-model`),
//! read from the files of a zip or a picked folder, and written as an `export-all`.
//!
//! - `<experiment folder>/experiment.json`: `{mlflow: {experiment: {...tags as an object}}}`,
//!   with the experiment's runs in sub-folders;
//! - `<run folder>/run.json`: `{mlflow: {info, params: {k: v}, metrics: {k: [{value, timestamp,
//!   step}]}, tags: {k: v}}}` and the run's files under `<run folder>/artifacts/`;
//! - `<model folder>/model.json`: `{mlflow: {registered_model: {..., versions: [...]}}}`.
//!
//! Python's `json` writes NaN and the infinities as bare `NaN`, `Infinity` and `-Infinity`;
//! they are read as such. Runs whose experiment is not in the export (an `export-model`) go to
//! the experiment their model versions name (`_experiment_name`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::archive::SourceFile;
use super::rest::{int_from_json, tag_from_json, text_from_json};
use crate::codec::protojson::double_from_json;
use crate::domain::{
    latest_of, run_name_or_tag, ArtifactBytes, DomainError, Experiment, LifecycleStage, Metric,
    ModelVersion, ModelVersionStatus, Param, RegisteredModel, Run, RunData, RunInfo, RunSnapshot,
    RunStatus, Snapshot, Stage, Tag,
};

/// Whether the files hold an mlflow-export-import export.
pub fn detect(files: &[SourceFile]) -> bool {
    files.iter().any(|f| {
        let name = f.path.rsplit('/').next().unwrap_or_default();
        matches!(name, "run.json" | "experiment.json" | "model.json")
            && std::str::from_utf8(&f.bytes).is_ok_and(|t| t.contains("\"mlflow\""))
    })
}

/// Turns Python's bare `NaN`, `Infinity` and `-Infinity` into the strings protobuf's JSON
/// mapping uses, leaving string contents alone.
pub fn python_json_to_standard(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let replaced = ["-Infinity", "Infinity", "NaN"]
            .into_iter()
            .find(|token| rest.starts_with(token));
        match replaced {
            Some(token) => {
                out.push('"');
                out.push_str(token);
                out.push('"');
                rest = &rest[token.len()..];
            }
            None => {
                if c == '"' {
                    in_string = true;
                }
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

fn parse(file: &SourceFile) -> Result<Value, DomainError> {
    let text = std::str::from_utf8(&file.bytes)
        .map_err(|_| DomainError::invalid(format!("{}: not UTF-8 text", file.path)))?;
    super::parse_json(&file.path, &python_json_to_standard(text))
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn object_pairs(value: &Value) -> Vec<(String, String)> {
    match value {
        Value::Object(map) => map
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), text_from_json(v)?)))
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| tag_from_json(item).ok().map(|t| (t.key, t.value)))
            .collect(),
        _ => Vec::new(),
    }
}

fn tags(value: &Value) -> Vec<Tag> {
    object_pairs(value)
        .into_iter()
        .map(|(k, v)| Tag::new(k, v))
        .collect()
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(text_from_json)
}

fn int(value: &Value, key: &str) -> Option<i64> {
    value.get(key).and_then(int_from_json)
}

fn invalid(file: &str, what: String) -> DomainError {
    DomainError::invalid(format!("{file}: {what}"))
}

/// Decodes every experiment, run and model of an export.
pub fn decode(files: &[SourceFile]) -> Result<Snapshot, DomainError> {
    let mut snapshot = Snapshot::default();
    let mut experiment_dirs: BTreeMap<String, String> = BTreeMap::new();
    let mut run_files: Vec<&SourceFile> = Vec::new();
    let mut experiment_names: BTreeMap<String, String> = BTreeMap::new();
    for file in files {
        match file.path.rsplit('/').next().unwrap_or_default() {
            "experiment.json" => {
                let document = parse(file)?;
                let experiment = &document["mlflow"]["experiment"];
                if experiment.is_null() {
                    continue;
                }
                let id = text(experiment, "experiment_id")
                    .ok_or_else(|| invalid(&file.path, "'experiment_id' is missing".into()))?;
                let stage = text(experiment, "lifecycle_stage").unwrap_or_else(|| "active".into());
                snapshot.experiments.push(Experiment {
                    experiment_id: id.clone(),
                    name: text(experiment, "name")
                        .ok_or_else(|| invalid(&file.path, "'name' is missing".into()))?,
                    artifact_location: text(experiment, "artifact_location").unwrap_or_default(),
                    lifecycle_stage: stage
                        .parse::<LifecycleStage>()
                        .map_err(|e| invalid(&file.path, e))?,
                    creation_time: int(experiment, "creation_time"),
                    last_update_time: int(experiment, "last_update_time"),
                    tags: tags(&experiment["tags"]),
                });
                experiment_dirs.insert(parent(&file.path).to_owned(), id);
            }
            "run.json" => run_files.push(file),
            "model.json" => {
                let document = parse(file)?;
                let model = &document["mlflow"]["registered_model"];
                if model.is_null() {
                    continue;
                }
                decode_model(&file.path, model, &mut snapshot, &mut experiment_names)?;
            }
            _ => {}
        }
    }
    for file in run_files {
        let run_dir = parent(&file.path);
        let prefix = format!("{run_dir}/artifacts/");
        let artifacts = files
            .iter()
            .filter(|f| !f.path.ends_with('/'))
            .filter_map(|f| {
                f.path.strip_prefix(&prefix).map(|path| ArtifactBytes {
                    path: path.to_owned(),
                    bytes: f.bytes.clone(),
                })
            })
            .collect();
        let mut run = decode_run(file, artifacts)?;
        // A run of an exported experiment belongs to it, whatever id its own info says.
        if let Some(id) = experiment_dirs.get(parent(run_dir)) {
            run.run.info.experiment_id = id.clone();
        }
        snapshot.runs.push(run);
    }
    // Runs exported with a model, without their experiment: into the one the model names.
    snapshot.adopt_orphan_runs(|run_id, experiment_id| {
        experiment_names
            .get(run_id)
            .cloned()
            .unwrap_or_else(|| format!("Imported experiment {experiment_id}"))
    });
    Ok(snapshot)
}

fn decode_run(
    file: &SourceFile,
    artifacts: Vec<ArtifactBytes>,
) -> Result<RunSnapshot, DomainError> {
    let document = parse(file)?;
    let mlflow = &document["mlflow"];
    let info = &mlflow["info"];
    let run_id = text(info, "run_id")
        .or_else(|| text(info, "run_uuid"))
        .ok_or_else(|| invalid(&file.path, "'info.run_id' is missing".into()))?;
    let status = text(info, "status").unwrap_or_else(|| "FINISHED".into());
    let stage = text(info, "lifecycle_stage").unwrap_or_else(|| "active".into());
    let mut history = Vec::new();
    if let Value::Object(metrics) = &mlflow["metrics"] {
        for (key, points) in metrics {
            for (i, point) in points.as_array().into_iter().flatten().enumerate() {
                let bad = |what: &str| {
                    invalid(
                        &file.path,
                        format!("metrics.{key}[{i}]: '{what}' is missing or not a number"),
                    )
                };
                history.push(Metric {
                    key: key.clone(),
                    value: point
                        .get("value")
                        .and_then(double_from_json)
                        .ok_or_else(|| bad("value"))?,
                    timestamp: int(point, "timestamp").ok_or_else(|| bad("timestamp"))?,
                    step: int(point, "step").unwrap_or(0),
                });
            }
        }
    }
    let latest = latest_of(&history);
    let run_tags = tags(&mlflow["tags"]);
    let run_name = run_name_or_tag(text(info, "run_name"), &run_tags);
    Ok(RunSnapshot {
        run: Run {
            info: RunInfo {
                experiment_id: text(info, "experiment_id").unwrap_or_else(|| "0".into()),
                run_name,
                user_id: text(info, "user_id").unwrap_or_default(),
                status: status
                    .parse::<RunStatus>()
                    .map_err(|e| invalid(&file.path, e))?,
                start_time: int(info, "start_time"),
                end_time: int(info, "end_time"),
                artifact_uri: text(info, "artifact_uri").unwrap_or_default(),
                lifecycle_stage: stage
                    .parse::<LifecycleStage>()
                    .map_err(|e| invalid(&file.path, e))?,
                run_id,
            },
            data: RunData {
                metrics: latest,
                params: object_pairs(&mlflow["params"])
                    .into_iter()
                    .map(|(k, v)| Param::new(k, v))
                    .collect(),
                tags: run_tags,
            },
            inputs: Vec::new(),
        },
        history,
        artifacts,
    })
}

fn decode_model(
    file: &str,
    model: &Value,
    snapshot: &mut Snapshot,
    experiment_names: &mut BTreeMap<String, String>,
) -> Result<(), DomainError> {
    let name = text(model, "name").ok_or_else(|| invalid(file, "'name' is missing".into()))?;
    let mut aliases = Vec::new();
    for alias in model["aliases"].as_array().into_iter().flatten() {
        if let (Some(a), Some(v)) = (text(alias, "alias"), int(alias, "version")) {
            aliases.push((a, v as u64));
        }
    }
    aliases.sort();
    snapshot.registered_models.push(RegisteredModel {
        name: name.clone(),
        creation_timestamp: int(model, "creation_timestamp").unwrap_or(0),
        last_updated_timestamp: int(model, "last_updated_timestamp").unwrap_or(0),
        description: text(model, "description").unwrap_or_default(),
        tags: tags(&model["tags"]),
        aliases,
        last_version: 0,
    });
    for (i, version) in model["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let place = |e: String| invalid(file, format!("versions[{i}]: {e}"));
        let number = int(version, "version")
            .filter(|n| *n > 0)
            .ok_or_else(|| place("'version' is missing".into()))? as u64;
        let run_id = text(version, "run_id").filter(|r| !r.is_empty());
        if let (Some(run), Some(experiment)) = (&run_id, text(version, "_experiment_name")) {
            experiment_names.insert(run.clone(), experiment);
        }
        let status = text(version, "status").unwrap_or_else(|| "READY".into());
        snapshot.model_versions.push(ModelVersion {
            name: name.clone(),
            version: number,
            creation_timestamp: int(version, "creation_timestamp").unwrap_or(0),
            last_updated_timestamp: int(version, "last_updated_timestamp").unwrap_or(0),
            current_stage: text(version, "current_stage")
                .unwrap_or_else(|| "None".into())
                .parse::<Stage>()
                .map_err(place)?,
            description: text(version, "description").unwrap_or_default(),
            user_id: text(version, "user_id").unwrap_or_default(),
            source: text(version, "source").unwrap_or_default(),
            run_id,
            run_link: text(version, "run_link").unwrap_or_default(),
            status: ModelVersionStatus::parse(&status)
                .ok_or_else(|| place(format!("unknown status '{status}'")))?,
            status_message: text(version, "status_message").unwrap_or_default(),
            tags: tags(&version["tags"]),
            model_id: text(version, "model_id").filter(|m| !m.is_empty()),
            stage_history: Vec::new(),
        });
    }
    Ok(())
}

/// How NaN and the infinities are marked while the JSON is built; they become Python's bare
/// `NaN`, `Infinity` and `-Infinity` in the text, which mlflow-export-import reads back.
const SPECIAL: &str = "\u{0}special\u{0}";

fn value_json(value: f64) -> Value {
    if value.is_finite() {
        Value::from(value)
    } else {
        let name = if value.is_nan() {
            "NaN"
        } else if value > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        };
        Value::from(format!("{SPECIAL}{name}"))
    }
}

fn python_json(value: &Value) -> Vec<u8> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let marker = serde_json::Value::from(SPECIAL).to_string();
    let marker = &marker[1..marker.len() - 1];
    text.replace(&format!("\"{marker}NaN\""), "NaN")
        .replace(&format!("\"{marker}Infinity\""), "Infinity")
        .replace(&format!("\"{marker}-Infinity\""), "-Infinity")
        .into_bytes()
}

/// The `system` block mlflow-export-import opens each file with; `export_time` is in seconds.
fn system(script: &str, export_time: i64) -> Value {
    serde_json::json!({
        "package_version": "1.2.0",
        "script": script,
        "export_time": export_time,
        "mlflow_version": "3.17.2",
        "mlflow_tracking_uri": "labbook",
        "user": "labbook",
    })
}

fn object_of(pairs: impl Iterator<Item = (String, String)>) -> Value {
    Value::Object(pairs.map(|(k, v)| (k, Value::from(v))).collect())
}

fn run_json(run: &RunSnapshot, export_time: i64) -> Value {
    let info = &run.run.info;
    let mut metrics = serde_json::Map::new();
    for point in &run.history {
        let entry = serde_json::json!({
            "value": value_json(point.value),
            "timestamp": point.timestamp,
            "step": point.step,
        });
        match metrics.get_mut(&point.key) {
            Some(Value::Array(points)) => points.push(entry),
            _ => {
                metrics.insert(point.key.clone(), Value::Array(vec![entry]));
            }
        }
    }
    serde_json::json!({
        "system": system("export_run.py", export_time),
        "info": {},
        "mlflow": {
            "info": {
                "run_id": info.run_id,
                "experiment_id": info.experiment_id,
                "user_id": info.user_id,
                "status": info.status.as_str(),
                "start_time": info.start_time,
                "end_time": info.end_time,
                "lifecycle_stage": info.lifecycle_stage.as_str(),
                "artifact_uri": info.artifact_uri,
                "run_name": info.run_name,
            },
            "params": object_of(run.run.data.params.iter().map(|p| (p.key.clone(), p.value.clone()))),
            "metrics": Value::Object(metrics),
            "tags": object_of(run.run.data.tags.iter().map(|t| (t.key.clone(), t.value.clone()))),
        },
    })
}

fn model_json(
    model: &RegisteredModel,
    versions: &[&ModelVersion],
    experiments: &[Experiment],
    runs: &[RunSnapshot],
    export_time: i64,
) -> Value {
    let experiment_of = |run_id: &Option<String>| {
        let run = runs
            .iter()
            .find(|r| Some(&r.run.info.run_id) == run_id.as_ref())?;
        experiments
            .iter()
            .find(|e| e.experiment_id == run.run.info.experiment_id)
            .map(|e| e.name.clone())
    };
    let versions: Vec<Value> = versions
        .iter()
        .map(|v| {
            serde_json::json!({
                "name": v.name,
                "version": v.version.to_string(),
                "creation_timestamp": v.creation_timestamp,
                "last_updated_timestamp": v.last_updated_timestamp,
                "current_stage": v.current_stage.as_str(),
                "description": v.description,
                "user_id": v.user_id,
                "source": v.source,
                "run_id": v.run_id,
                "run_link": v.run_link,
                "status": v.status.as_str(),
                "status_message": Value::Null,
                "model_id": v.model_id,
                "tags": object_of(v.tags.iter().map(|t| (t.key.clone(), t.value.clone()))),
                "aliases": model.aliases.iter().filter(|(_, n)| *n == v.version).map(|(a, _)| a.clone()).collect::<Vec<_>>(),
                "_experiment_name": experiment_of(&v.run_id),
            })
        })
        .collect();
    serde_json::json!({
        "system": system("export_model.py", export_time),
        "info": {},
        "mlflow": {
            "registered_model": {
                "name": model.name,
                "creation_timestamp": model.creation_timestamp,
                "last_updated_timestamp": model.last_updated_timestamp,
                "description": model.description,
                "tags": model.tags.iter().map(|t| serde_json::json!({"key": t.key, "value": t.value})).collect::<Vec<_>>(),
                "aliases": model.aliases.iter().map(|(a, v)| serde_json::json!({"alias": a, "version": v.to_string()})).collect::<Vec<_>>(),
                "versions": versions,
            }
        },
    })
}

/// The files of an `export-all` folder holding the snapshot, as mlflow-export-import writes
/// one: `manifest.json`, `experiments/` (with each run's `run.json` and `artifacts/`) and
/// `models/`, stamped as exported at `now_ms` (milliseconds since the Unix epoch). Logged
/// models are not part of this format.
pub fn encode_at(snapshot: &Snapshot, now_ms: i64) -> Vec<SourceFile> {
    const TOP: &str = "export-all";
    let export_time = now_ms / 1000;
    let mut files = Vec::new();
    let mut put = |path: String, bytes: Vec<u8>| files.push(SourceFile { path, bytes });
    put(
        format!("{TOP}/manifest.json"),
        python_json(
            &serde_json::json!({"system": system("export_all.py", export_time), "info": {}, "mlflow": {}}),
        ),
    );
    let listed: Vec<Value> = snapshot
        .experiments
        .iter()
        .map(|e| {
            let runs = snapshot.runs_of(&e.experiment_id).len();
            serde_json::json!({"id": e.experiment_id, "name": e.name, "ok_runs": runs, "failed_runs": 0})
        })
        .collect();
    put(
        format!("{TOP}/experiments/experiments.json"),
        python_json(
            &serde_json::json!({"system": system("export_experiments.py", export_time), "info": {}, "mlflow": {"experiments": listed}}),
        ),
    );
    for experiment in &snapshot.experiments {
        let dir = format!("{TOP}/experiments/{}", experiment.experiment_id);
        let runs = snapshot.runs_of(&experiment.experiment_id);
        put(
            format!("{dir}/experiment.json"),
            python_json(&serde_json::json!({
                "system": system("export_experiment.py", export_time),
                "info": {"num_total_runs": runs.len(), "num_ok_runs": runs.len(), "num_failed_runs": 0, "failed_runs": []},
                "mlflow": {
                    "experiment": {
                        "experiment_id": experiment.experiment_id,
                        "name": experiment.name,
                        "artifact_location": experiment.artifact_location,
                        "lifecycle_stage": experiment.lifecycle_stage.as_str(),
                        "tags": object_of(experiment.tags.iter().map(|t| (t.key.clone(), t.value.clone()))),
                        "creation_time": experiment.creation_time,
                        "last_update_time": experiment.last_update_time,
                    },
                    "runs": runs.iter().map(|r| r.run.info.run_id.clone()).collect::<Vec<_>>(),
                },
            })),
        );
        for run in runs {
            let run_dir = format!("{dir}/{}", run.run.info.run_id);
            put(
                format!("{run_dir}/run.json"),
                python_json(&run_json(run, export_time)),
            );
            for artifact in &run.artifacts {
                put(
                    format!("{run_dir}/artifacts/{}", artifact.path),
                    artifact.bytes.clone(),
                );
            }
        }
    }
    let names: Vec<&str> = snapshot
        .registered_models
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    put(
        format!("{TOP}/models/models.json"),
        python_json(
            &serde_json::json!({"system": system("export_models.py", export_time), "info": {}, "mlflow": {"models": names}}),
        ),
    );
    for model in &snapshot.registered_models {
        let versions = snapshot.versions_of(&model.name);
        put(
            format!("{TOP}/models/{}/model.json", model.name),
            python_json(&model_json(
                model,
                &versions,
                &snapshot.experiments,
                &snapshot.runs,
                export_time,
            )),
        );
    }
    files
}

#[cfg(test)]
mod tests {
    use super::python_json_to_standard;

    #[test]
    fn python_specials_become_strings_outside_strings_only() {
        assert_eq!(
            python_json_to_standard(
                r#"{"a": NaN, "b": -Infinity, "c": "NaN and Infinity", "d": [Infinity]}"#
            ),
            r#"{"a": "NaN", "b": "-Infinity", "c": "NaN and Infinity", "d": ["Infinity"]}"#
        );
        assert_eq!(
            python_json_to_standard(r#"{"e": "quote \" NaN"}"#),
            r#"{"e": "quote \" NaN"}"#
        );
    }
}
