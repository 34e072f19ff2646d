//! Writes a snapshot as an MLflow file store (`mlruns/`), the layout MLflow 3 writes, so that
//! `mlflow ui` (with `MLFLOW_ALLOW_FILE_STORE=true` on 3.13+) or `MlflowClient` reads it back.
//!
//! Folders end in `/` and have no bytes. Artifact locations are written relative (`mlruns/<experiment>/<run>/artifacts`): run MLflow
//! from the folder that holds `mlruns`. Deleted experiments go to `mlruns/.trash/`.

use std::collections::HashMap;

use super::archive::SourceFile;
use crate::domain::{
    Dataset, Experiment, LifecycleStage, LoggedModelSnapshot, Metric, ModelVersion,
    RegisteredModel, RunSnapshot, Snapshot,
};

const ROOT: &str = "mlruns";

/// A YAML scalar: strings double-quoted (JSON's escapes are YAML's), numbers bare.
enum Scalar<'a> {
    Text(&'a str),
    Int(i64),
    Null,
}

fn yaml(entries: &[(&str, Scalar)]) -> Vec<u8> {
    let mut out = String::new();
    for (key, value) in entries {
        let value = match value {
            Scalar::Text(text) => serde_json::Value::from(*text).to_string(),
            Scalar::Int(n) => n.to_string(),
            Scalar::Null => "null".to_owned(),
        };
        out.push_str(&format!("{key}: {value}\n"));
    }
    out.into_bytes()
}

fn opt_int(value: Option<i64>) -> Scalar<'static> {
    value.map_or(Scalar::Null, Scalar::Int)
}

/// A metric file line as MLflow writes it: Python's spelling of NaN and the infinities.
fn metric_line(metric: &Metric) -> String {
    let value = if metric.value.is_nan() {
        "nan".to_owned()
    } else {
        metric.value.to_string()
    };
    format!("{} {} {}\n", metric.timestamp, value, metric.step)
}

/// A stable 32-hex-digit id for a data set, from what identifies it.
fn dataset_id(dataset: &Dataset) -> String {
    let mut hash: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for byte in dataset
        .name
        .bytes()
        .chain([0])
        .chain(dataset.digest.bytes())
    {
        hash ^= byte as u128;
        hash = hash.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013B);
    }
    format!("{hash:032x}")
}

#[derive(Default)]
struct Writer {
    files: Vec<SourceFile>,
    by_path: HashMap<String, usize>,
}

impl Writer {
    /// Writes a file; a data set shared by several runs is written once.
    fn put(&mut self, path: String, bytes: Vec<u8>) {
        match self.by_path.get(&path) {
            Some(&index) => self.files[index].bytes = bytes,
            None => {
                self.by_path.insert(path.clone(), self.files.len());
                self.files.push(SourceFile { path, bytes });
            }
        }
    }

    /// Creates the folders MLflow expects in a run's or logged model's folder, even empty:
    /// it does not take a run folder without `metrics/`, `params/` and `artifacts/`.
    fn folders(&mut self, dir: &str) {
        for folder in ["artifacts", "metrics", "params", "tags"] {
            self.put(format!("{dir}/{folder}/"), Vec::new());
        }
    }

    /// Adds to the end of a file, creating it if needed.
    fn append(&mut self, path: String, bytes: Vec<u8>) {
        match self.by_path.get(&path) {
            Some(&index) => self.files[index].bytes.extend(bytes),
            None => self.put(path, bytes),
        }
    }

    fn experiment_dir(experiment: &Experiment) -> String {
        match experiment.lifecycle_stage {
            LifecycleStage::Active => format!("{ROOT}/{}", experiment.experiment_id),
            LifecycleStage::Deleted => format!("{ROOT}/.trash/{}", experiment.experiment_id),
        }
    }

    fn experiment(&mut self, experiment: &Experiment, dir: &str) {
        let location = format!("{ROOT}/{}", experiment.experiment_id);
        self.put(
            format!("{dir}/meta.yaml"),
            yaml(&[
                ("artifact_location", Scalar::Text(&location)),
                ("creation_time", opt_int(experiment.creation_time)),
                ("experiment_id", Scalar::Text(&experiment.experiment_id)),
                ("last_update_time", opt_int(experiment.last_update_time)),
                (
                    "lifecycle_stage",
                    Scalar::Text(experiment.lifecycle_stage.as_str()),
                ),
                ("name", Scalar::Text(&experiment.name)),
            ]),
        );
        for tag in &experiment.tags {
            self.put(
                format!("{dir}/tags/{}", tag.key),
                tag.value.clone().into_bytes(),
            );
        }
    }

    fn run(&mut self, snapshot: &RunSnapshot, experiment_dir: &str) {
        let info = &snapshot.run.info;
        let dir = format!("{experiment_dir}/{}", info.run_id);
        let artifact_uri = format!("{ROOT}/{}/{}/artifacts", info.experiment_id, info.run_id);
        self.put(
            format!("{dir}/meta.yaml"),
            yaml(&[
                ("artifact_uri", Scalar::Text(&artifact_uri)),
                ("end_time", opt_int(info.end_time)),
                ("entry_point_name", Scalar::Text("")),
                ("experiment_id", Scalar::Text(&info.experiment_id)),
                (
                    "lifecycle_stage",
                    Scalar::Text(info.lifecycle_stage.as_str()),
                ),
                ("run_id", Scalar::Text(&info.run_id)),
                ("run_name", Scalar::Text(&info.run_name)),
                ("run_uuid", Scalar::Text(&info.run_id)),
                ("source_name", Scalar::Text("")),
                ("source_type", Scalar::Int(4)),
                ("source_version", Scalar::Text("")),
                ("start_time", opt_int(info.start_time)),
                ("status", Scalar::Int(info.status.code())),
                ("user_id", Scalar::Text(&info.user_id)),
            ]),
        );
        self.folders(&dir);
        let run = &snapshot.run;
        for param in &run.data.params {
            self.put(
                format!("{dir}/params/{}", param.key),
                param.value.clone().into_bytes(),
            );
        }
        for tag in &run.data.tags {
            self.put(
                format!("{dir}/tags/{}", tag.key),
                tag.value.clone().into_bytes(),
            );
        }
        let mut keys: Vec<&str> = Vec::new();
        for point in &snapshot.history {
            if !keys.contains(&point.key.as_str()) {
                keys.push(&point.key);
            }
        }
        for key in keys {
            let lines: String = snapshot
                .history
                .iter()
                .filter(|m| m.key == key)
                .map(metric_line)
                .collect();
            self.put(format!("{dir}/metrics/{key}"), lines.into_bytes());
        }
        for input in &run.inputs {
            let id = dataset_id(&input.dataset);
            let d = &input.dataset;
            let mut entries = vec![
                ("digest", Scalar::Text(&d.digest)),
                ("name", Scalar::Text(&d.name)),
                ("source", Scalar::Text(&d.source)),
                ("source_type", Scalar::Text(&d.source_type)),
            ];
            if let Some(profile) = &d.profile {
                entries.push(("profile", Scalar::Text(profile)));
            }
            if let Some(schema) = &d.schema {
                entries.push(("schema", Scalar::Text(schema)));
            }
            self.put(
                format!("{experiment_dir}/datasets/{id}/meta.yaml"),
                yaml(&entries),
            );
            let mut meta = yaml(&[
                ("destination_id", Scalar::Text(&info.run_id)),
                ("destination_type", Scalar::Text("RUN")),
                ("source_id", Scalar::Text(&id)),
                ("source_type", Scalar::Text("DATASET")),
            ]);
            if input.tags.is_empty() {
                meta.extend_from_slice(b"tags: {}\n");
            } else {
                meta.extend_from_slice(b"tags:\n");
                for tag in &input.tags {
                    let line = format!(
                        "  {}: {}\n",
                        serde_json::Value::from(tag.key.as_str()),
                        serde_json::Value::from(tag.value.as_str())
                    );
                    meta.extend_from_slice(line.as_bytes());
                }
            }
            self.put(format!("{dir}/inputs/{id}/meta.yaml"), meta);
        }
        for artifact in &snapshot.artifacts {
            self.put(
                format!("{dir}/artifacts/{}", artifact.path),
                artifact.bytes.clone(),
            );
        }
    }

    fn logged_model(&mut self, snapshot: &LoggedModelSnapshot, experiment_dir: &str) {
        let model = &snapshot.model;
        let dir = format!("{experiment_dir}/models/{}", model.model_id);
        let location = format!(
            "{ROOT}/{}/models/{}/artifacts",
            model.experiment_id, model.model_id
        );
        self.put(
            format!("{dir}/meta.yaml"),
            yaml(&[
                ("artifact_location", Scalar::Text(&location)),
                ("creation_timestamp", Scalar::Int(model.creation_timestamp)),
                ("experiment_id", Scalar::Text(&model.experiment_id)),
                (
                    "last_updated_timestamp",
                    Scalar::Int(model.last_updated_timestamp),
                ),
                ("model_id", Scalar::Text(&model.model_id)),
                (
                    "model_type",
                    model
                        .model_type
                        .as_deref()
                        .map_or(Scalar::Null, Scalar::Text),
                ),
                ("name", Scalar::Text(&model.name)),
                (
                    "source_run_id",
                    model
                        .source_run_id
                        .as_deref()
                        .map_or(Scalar::Null, Scalar::Text),
                ),
                ("status", Scalar::Int(model.status.code())),
                ("status_message", Scalar::Null),
            ]),
        );
        self.folders(&dir);
        for param in &model.params {
            self.put(
                format!("{dir}/params/{}", param.key),
                param.value.clone().into_bytes(),
            );
        }
        for tag in &model.tags {
            self.put(
                format!("{dir}/tags/{}", tag.key),
                tag.value.clone().into_bytes(),
            );
        }
        // A logged model's metric lines name the run that logged them, as a fourth field.
        let run = model.source_run_id.as_deref().unwrap_or("None");
        for metric in &model.metrics {
            let line = format!("{} {run}\n", metric_line(metric).trim_end());
            self.append(format!("{dir}/metrics/{}", metric.key), line.into_bytes());
        }
        for artifact in &snapshot.artifacts {
            self.put(
                format!("{dir}/artifacts/{}", artifact.path),
                artifact.bytes.clone(),
            );
        }
    }

    fn registered_model(&mut self, model: &RegisteredModel, versions: &[&ModelVersion]) {
        let dir = format!("{ROOT}/models/{}", model.name);
        let mut meta = yaml(&[
            ("creation_timestamp", Scalar::Int(model.creation_timestamp)),
            ("description", Scalar::Text(&model.description)),
            (
                "last_updated_timestamp",
                Scalar::Int(model.last_updated_timestamp),
            ),
            ("name", Scalar::Text(&model.name)),
        ]);
        if !model.aliases.is_empty() {
            meta.extend_from_slice(b"aliases:\n");
            for (alias, version) in &model.aliases {
                let line = format!(
                    "  {}: '{version}'\n",
                    serde_json::Value::from(alias.as_str())
                );
                meta.extend_from_slice(line.as_bytes());
            }
        }
        self.put(format!("{dir}/meta.yaml"), meta);
        for tag in &model.tags {
            self.put(
                format!("{dir}/tags/{}", tag.key),
                tag.value.clone().into_bytes(),
            );
        }
        for (alias, version) in &model.aliases {
            self.put(
                format!("{dir}/aliases/{alias}"),
                version.to_string().into_bytes(),
            );
        }
        for version in versions {
            let version_dir = format!("{dir}/version-{}", version.version);
            self.put(
                format!("{version_dir}/meta.yaml"),
                yaml(&[
                    (
                        "creation_timestamp",
                        Scalar::Int(version.creation_timestamp),
                    ),
                    (
                        "current_stage",
                        Scalar::Text(version.current_stage.as_str()),
                    ),
                    ("description", Scalar::Text(&version.description)),
                    (
                        "last_updated_timestamp",
                        Scalar::Int(version.last_updated_timestamp),
                    ),
                    (
                        "model_id",
                        version
                            .model_id
                            .as_deref()
                            .map_or(Scalar::Null, Scalar::Text),
                    ),
                    ("name", Scalar::Text(&version.name)),
                    (
                        "run_id",
                        version.run_id.as_deref().map_or(Scalar::Null, Scalar::Text),
                    ),
                    ("run_link", Scalar::Text(&version.run_link)),
                    ("source", Scalar::Text(&version.source)),
                    ("status", Scalar::Text(version.status.as_str())),
                    ("status_message", Scalar::Null),
                    ("user_id", Scalar::Text(&version.user_id)),
                    ("version", Scalar::Int(version.version as i64)),
                ]),
            );
            for tag in &version.tags {
                self.put(
                    format!("{version_dir}/tags/{}", tag.key),
                    tag.value.clone().into_bytes(),
                );
            }
        }
    }
}

/// The files of an `mlruns` folder holding the snapshot.
pub fn encode(snapshot: &Snapshot) -> Vec<SourceFile> {
    let mut writer = Writer::default();
    for experiment in &snapshot.experiments {
        let dir = Writer::experiment_dir(experiment);
        writer.experiment(experiment, &dir);
        for run in snapshot.runs_of(&experiment.experiment_id) {
            writer.run(run, &dir);
        }
        for model in snapshot
            .logged_models
            .iter()
            .filter(|m| m.model.experiment_id == experiment.experiment_id)
        {
            writer.logged_model(model, &dir);
        }
    }
    for model in &snapshot.registered_models {
        let versions = snapshot.versions_of(&model.name);
        writer.registered_model(model, &versions);
    }
    writer.files
}
