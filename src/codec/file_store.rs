//! MLflow's file store (`mlruns/`) as MLflow 2.x and 3.x write it, read from the files of a
//! zip or a picked folder.
//!
//! Layout: `<root>/<experiment id>/meta.yaml` and `tags/<key>`; deleted experiments under
//! `<root>/.trash/`; runs at `<experiment>/<run id>/` with `meta.yaml`, `params/<key>`,
//! `metrics/<key>` (lines `<timestamp> <value> [<step>]`), `tags/<key>` (a key with `/` is a
//! sub-folder), `inputs/<id>/meta.yaml` pointing at `<experiment>/datasets/<id>/meta.yaml`, and
//! `artifacts/`. `<experiment>/models/` (MLflow 3 logged models), `datasets/` and `tags/` are
//! not runs. The registry is under `<root>/models/<name>/`.
//!
//! Artifact URIs inside the data are paths of the machine that wrote them; a run's files are
//! taken from its `artifacts/` folder in what the user gave, wherever the URI pointed.
//!
//! Decoding goes run by run ([`FileStore::next_run`]) so the caller can pause between runs.

use std::collections::{BTreeMap, HashMap};

use super::archive::SourceFile;
use super::yaml::Meta;
use crate::domain::{
    latest_of, run_name_or_tag, ArtifactBytes, Dataset, DatasetInput, DomainError, Experiment,
    LifecycleStage, LoggedModel, LoggedModelSnapshot, LoggedModelStatus, Metric, ModelVersion,
    ModelVersionStatus, Param, RegisteredModel, Run, RunData, RunInfo, RunSnapshot, RunStatus,
    Snapshot, Stage, Tag,
};

/// Folders of an experiment that are not runs.
const NOT_RUNS: [&str; 5] = ["tags", "datasets", "models", "traces", "meta.yaml"];

fn text_of(file: &SourceFile) -> Result<&str, DomainError> {
    std::str::from_utf8(&file.bytes)
        .map_err(|_| DomainError::invalid(format!("{}: not UTF-8 text", file.path)))
}

/// Whether a `meta.yaml` text is an experiment's (not a run's, model's or data set's).
fn is_experiment_meta(text: &str) -> bool {
    let has = |key: &str| text.lines().any(|line| line.starts_with(key));
    has("experiment_id:")
        && has("name:")
        && has("artifact_location:")
        && !has("run_id:")
        && !has("run_uuid:")
        && !has("model_id:")
        && !has("digest:")
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `dir/name`, or `name` at the top; `join(dir, "")` is the prefix of everything in `dir`.
fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// An MLflow file store found among the files given, decoded run by run.
pub struct FileStore {
    files: Vec<SourceFile>,
    by_path: HashMap<String, usize>,
    /// Experiment folder, files directly in its `tags/` and `datasets/`, by folder.
    experiment_dirs: Vec<String>,
    /// Run folder and the indexes of its files, in path order.
    runs: Vec<(String, Vec<usize>)>,
    /// Data sets by experiment folder and data set id.
    datasets: HashMap<(String, String), Dataset>,
    next: usize,
    snapshot: Snapshot,
}

impl FileStore {
    /// Whether the files hold an MLflow file store.
    pub fn detect(files: &[SourceFile]) -> bool {
        files
            .iter()
            .any(|f| f.path.ends_with("meta.yaml") && text_of(f).is_ok_and(is_experiment_meta))
    }

    /// Finds the experiments and runs and reads the experiments; runs come with `next_run`.
    pub fn new(mut files: Vec<SourceFile>) -> Result<FileStore, DomainError> {
        // Folder entries (`…/`) carry nothing.
        files.retain(|f| !f.path.ends_with('/'));
        let mut experiment_dirs: Vec<String> = files
            .iter()
            .filter(|f| f.path == "meta.yaml" || f.path.ends_with("/meta.yaml"))
            .filter(|f| text_of(f).is_ok_and(is_experiment_meta))
            .map(|f| parent(&f.path).to_owned())
            .collect();
        experiment_dirs.sort();
        if experiment_dirs.is_empty() {
            return Err(DomainError::invalid(
                "no MLflow experiment found: expected an mlruns folder with <experiment id>/meta.yaml inside",
            ));
        }
        let prefixes: Vec<String> = experiment_dirs.iter().map(|d| join(d, "")).collect();
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, file) in files.iter().enumerate() {
            let Some((dir, prefix)) = experiment_dirs
                .iter()
                .zip(&prefixes)
                .find(|(_, prefix)| file.path.starts_with(prefix.as_str()))
            else {
                continue;
            };
            let rest = &file.path[prefix.len()..];
            let Some((first, _)) = rest.split_once('/') else {
                continue;
            };
            if !NOT_RUNS.contains(&first) {
                groups.entry(join(dir, first)).or_default().push(index);
            }
        }
        let by_path: HashMap<String, usize> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        let runs: Vec<(String, Vec<usize>)> = groups
            .into_iter()
            .filter(|(dir, _)| by_path.contains_key(&join(dir, "meta.yaml")))
            .collect();
        let mut store = FileStore {
            files,
            by_path,
            experiment_dirs,
            runs,
            datasets: HashMap::new(),
            next: 0,
            snapshot: Snapshot::default(),
        };
        store.read_experiments()?;
        store.read_registry()?;
        store.read_logged_models()?;
        Ok(store)
    }

    /// MLflow 3 logged models under `<experiment>/models/m-<id>/`: `meta.yaml`, `params/`,
    /// `metrics/`, `tags/` and `artifacts/`.
    fn read_logged_models(&mut self) -> Result<(), DomainError> {
        for dir in &self.experiment_dirs {
            let prefix = format!("{dir}/models/");
            let mut models: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (index, file) in self.files.iter().enumerate() {
                if let Some((id, _)) = file
                    .path
                    .strip_prefix(&prefix)
                    .and_then(|r| r.split_once('/'))
                {
                    models.entry(id.to_owned()).or_default().push(index);
                }
            }
            for (id, indexes) in models {
                let model_dir = format!("{prefix}{id}");
                let Some(meta_file) = self.file(&format!("{model_dir}/meta.yaml")) else {
                    continue;
                };
                let meta = Meta::parse(&meta_file.path, text_of(meta_file)?)?;
                let mut params = Vec::new();
                let mut tags = Vec::new();
                let mut metrics = Vec::new();
                let mut artifacts = Vec::new();
                for &index in &indexes {
                    let file = &self.files[index];
                    let rest = &file.path[model_dir.len() + 1..];
                    match rest.split_once('/') {
                        Some(("params", key)) => params.push(Param::new(key, text_of(file)?)),
                        Some(("tags", key)) => tags.push(Tag::new(key, text_of(file)?)),
                        Some(("metrics", key)) => metrics.extend(parse_metric_file(file, key)?),
                        Some(("artifacts", path)) => artifacts.push(ArtifactBytes {
                            path: path.to_owned(),
                            bytes: file.bytes.clone(),
                        }),
                        _ => {}
                    }
                }
                params.sort_by(|a, b| a.key.cmp(&b.key));
                tags.sort_by(|a, b| a.key.cmp(&b.key));
                let status_code = meta.int("status")?.unwrap_or(2);
                let status = LoggedModelStatus::from_code(status_code).ok_or_else(|| {
                    DomainError::invalid(format!(
                        "{}: unknown logged model status {status_code}",
                        meta.file()
                    ))
                })?;
                self.snapshot.logged_models.push(LoggedModelSnapshot {
                    model: LoggedModel {
                        model_id: meta.text("model_id").unwrap_or_else(|| id.clone()),
                        experiment_id: meta.required_text("experiment_id")?,
                        name: meta.text("name").unwrap_or_default(),
                        artifact_location: meta.text("artifact_location").unwrap_or_default(),
                        creation_timestamp: meta.int("creation_timestamp")?.unwrap_or(0),
                        last_updated_timestamp: meta.int("last_updated_timestamp")?.unwrap_or(0),
                        status,
                        model_type: meta.text("model_type"),
                        source_run_id: meta.text("source_run_id"),
                        params,
                        tags,
                        metrics,
                    },
                    artifacts,
                });
            }
        }
        Ok(())
    }

    /// The registry under `<root>/models/<name>/`: `meta.yaml`, `tags/`, `aliases/` (MLflow 3)
    /// and `version-<n>/` with its own `meta.yaml` and `tags/`.
    fn read_registry(&mut self) -> Result<(), DomainError> {
        let Some(root) = self
            .experiment_dirs
            .iter()
            .find(|d| !d.contains(".trash"))
            .map(|d| parent(d).to_owned())
        else {
            return Ok(());
        };
        let prefix = join(&root, "models/");
        let mut models: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, file) in self.files.iter().enumerate() {
            if let Some(rest) = file.path.strip_prefix(&prefix) {
                if let Some((name, _)) = rest.split_once('/') {
                    models.entry(name.to_owned()).or_default().push(index);
                }
            }
        }
        for (folder, indexes) in models {
            let dir = format!("{prefix}{folder}");
            let Some(meta_file) = self.file(&format!("{dir}/meta.yaml")) else {
                continue;
            };
            let meta = Meta::parse(&meta_file.path, text_of(meta_file)?)?;
            let mut tags = Vec::new();
            let mut aliases: Vec<(String, u64)> = Vec::new();
            let mut versions: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            let alias_number = |file: &str, text: &str| {
                text.trim().parse::<u64>().map_err(|_| {
                    DomainError::invalid(format!(
                        "{file}: alias version '{}' is not a number",
                        text.trim()
                    ))
                })
            };
            for (alias, version) in meta.pairs("aliases") {
                aliases.push((alias, alias_number(meta.file(), &version)?));
            }
            for &index in &indexes {
                let file = &self.files[index];
                let rest = &file.path[dir.len() + 1..];
                if let Some(key) = rest.strip_prefix("tags/") {
                    tags.push(Tag::new(key, text_of(file)?));
                } else if let Some(alias) = rest.strip_prefix("aliases/") {
                    let number = alias_number(&file.path, text_of(file)?)?;
                    if !aliases.iter().any(|(a, _)| a == alias) {
                        aliases.push((alias.to_owned(), number));
                    }
                } else if let Some((version, _)) = rest.split_once('/') {
                    if version.starts_with("version-") {
                        versions.entry(version.to_owned()).or_default().push(index);
                    }
                }
            }
            let name = meta.required_text("name")?;
            for (version_dir, files) in versions {
                let version_dir = format!("{dir}/{version_dir}");
                let Some(version_file) = self.file(&format!("{version_dir}/meta.yaml")) else {
                    continue;
                };
                let version = Meta::parse(&version_file.path, text_of(version_file)?)?;
                let number = version.int("version")?.filter(|n| *n > 0).ok_or_else(|| {
                    DomainError::invalid(format!("{}: 'version' is missing", version.file()))
                })? as u64;
                let mut version_tags = Vec::new();
                for &index in &files {
                    let file = &self.files[index];
                    if let Some(key) = file.path.strip_prefix(&format!("{version_dir}/tags/")) {
                        version_tags.push(Tag::new(key, text_of(file)?));
                    }
                }
                version_tags.sort_by(|a, b| a.key.cmp(&b.key));
                // MLflow 2 lists a version's aliases in its own meta.yaml.
                if let Some(yaml_rust2::Yaml::Array(list)) = version.raw("aliases") {
                    for alias in list.iter().filter_map(|a| a.as_str()) {
                        if !aliases.iter().any(|(a, _)| a == alias) {
                            aliases.push((alias.to_owned(), number));
                        }
                    }
                }
                let place = |e: String| DomainError::invalid(format!("{}: {e}", version.file()));
                let status_text = version.text("status").unwrap_or_else(|| "READY".to_owned());
                self.snapshot.model_versions.push(ModelVersion {
                    name: name.clone(),
                    version: number,
                    creation_timestamp: version.int("creation_timestamp")?.unwrap_or(0),
                    last_updated_timestamp: version.int("last_updated_timestamp")?.unwrap_or(0),
                    current_stage: version
                        .text("current_stage")
                        .unwrap_or_else(|| "None".to_owned())
                        .parse::<Stage>()
                        .map_err(place)?,
                    description: version.text("description").unwrap_or_default(),
                    user_id: version.text("user_id").unwrap_or_default(),
                    source: version.text("source").unwrap_or_default(),
                    run_id: version.text("run_id").filter(|r| !r.is_empty()),
                    run_link: version.text("run_link").unwrap_or_default(),
                    status: ModelVersionStatus::parse(&status_text)
                        .ok_or_else(|| place(format!("unknown status '{status_text}'")))?,
                    status_message: version.text("status_message").unwrap_or_default(),
                    tags: version_tags,
                    model_id: version.text("model_id").filter(|m| !m.is_empty()),
                    stage_history: Vec::new(),
                });
            }
            tags.sort_by(|a, b| a.key.cmp(&b.key));
            aliases.sort();
            self.snapshot.registered_models.push(RegisteredModel {
                name,
                creation_timestamp: meta.int("creation_timestamp")?.unwrap_or(0),
                last_updated_timestamp: meta.int("last_updated_timestamp")?.unwrap_or(0),
                description: meta.text("description").unwrap_or_default(),
                tags,
                aliases,
                last_version: 0,
            });
        }
        Ok(())
    }

    fn file(&self, path: &str) -> Option<&SourceFile> {
        self.by_path.get(path).map(|&i| &self.files[i])
    }

    fn read_experiments(&mut self) -> Result<(), DomainError> {
        for dir in &self.experiment_dirs {
            let meta_path = join(dir, "meta.yaml");
            let meta_file = self
                .file(&meta_path)
                .ok_or_else(|| DomainError::invalid(format!("{meta_path} is missing")))?;
            let meta = Meta::parse(&meta_path, text_of(meta_file)?)?;
            let stage_text = meta.text("lifecycle_stage").unwrap_or_else(|| {
                if dir.contains(".trash") {
                    "deleted".to_owned()
                } else {
                    "active".to_owned()
                }
            });
            let mut tags = Vec::new();
            let tag_prefix = format!("{dir}/tags/");
            let dataset_prefix = format!("{dir}/datasets/");
            for file in &self.files {
                if let Some(key) = file.path.strip_prefix(&tag_prefix) {
                    tags.push(Tag::new(key, text_of(file)?));
                } else if let Some(rest) = file.path.strip_prefix(&dataset_prefix) {
                    if let Some(id) = rest.strip_suffix("/meta.yaml") {
                        let dataset = Meta::parse(&file.path, text_of(file)?)?;
                        self.datasets.insert(
                            (dir.clone(), id.to_owned()),
                            Dataset {
                                name: dataset.required_text("name")?,
                                digest: dataset.required_text("digest")?,
                                source_type: dataset.text("source_type").unwrap_or_default(),
                                source: dataset.text("source").unwrap_or_default(),
                                schema: dataset.text("schema"),
                                profile: dataset.text("profile"),
                            },
                        );
                    }
                }
            }
            tags.sort_by(|a, b| a.key.cmp(&b.key));
            self.snapshot.experiments.push(Experiment {
                experiment_id: meta.required_text("experiment_id")?,
                name: meta.required_text("name")?,
                artifact_location: meta.text("artifact_location").unwrap_or_default(),
                lifecycle_stage: stage_text
                    .parse::<LifecycleStage>()
                    .map_err(|e| DomainError::invalid(format!("{meta_path}: {e}")))?,
                creation_time: meta.int("creation_time")?,
                last_update_time: meta.int("last_update_time")?,
                tags,
            });
        }
        Ok(())
    }

    pub fn runs_total(&self) -> usize {
        self.runs.len()
    }

    pub fn runs_done(&self) -> usize {
        self.next
    }

    /// Decodes the next run; `None` when all are done.
    pub fn next_run(&mut self) -> Option<Result<(), DomainError>> {
        let (dir, indexes) = self.runs.get(self.next)?.clone();
        self.next += 1;
        Some(
            self.read_run(&dir, &indexes)
                .map(|run| self.snapshot.runs.push(run)),
        )
    }

    /// The snapshot, once every run is decoded.
    pub fn finish(mut self) -> Result<Snapshot, DomainError> {
        while let Some(result) = self.next_run() {
            result?;
        }
        Ok(self.snapshot)
    }

    fn read_run(&self, dir: &str, indexes: &[usize]) -> Result<RunSnapshot, DomainError> {
        let meta_path = format!("{dir}/meta.yaml");
        let meta_file = self
            .file(&meta_path)
            .ok_or_else(|| DomainError::invalid(format!("{meta_path} is missing")))?;
        let meta = Meta::parse(&meta_path, text_of(meta_file)?)?;
        let run_id = match meta.text("run_id").filter(|s| !s.is_empty()) {
            Some(id) => id,
            None => meta.required_text("run_uuid")?,
        };
        let status_code = meta.int("status")?.unwrap_or(3);
        let status = RunStatus::from_code(status_code).ok_or_else(|| {
            DomainError::invalid(format!("{meta_path}: unknown run status {status_code}"))
        })?;
        let lifecycle_stage = meta
            .text("lifecycle_stage")
            .unwrap_or_else(|| "active".to_owned())
            .parse::<LifecycleStage>()
            .map_err(|e| DomainError::invalid(format!("{meta_path}: {e}")))?;
        let experiment_dir = parent(dir).to_owned();

        let mut params = Vec::new();
        let mut tags = Vec::new();
        let mut history = Vec::new();
        let mut artifacts = Vec::new();
        let mut inputs = Vec::new();
        for &index in indexes {
            let file = &self.files[index];
            let rest = &file.path[dir.len() + 1..];
            let Some((section, key)) = rest.split_once('/') else {
                continue;
            };
            match section {
                "params" => params.push(Param::new(key, text_of(file)?)),
                "tags" => tags.push(Tag::new(key, text_of(file)?)),
                "metrics" => history.extend(parse_metric_file(file, key)?),
                "artifacts" => artifacts.push(ArtifactBytes {
                    path: key.to_owned(),
                    bytes: file.bytes.clone(),
                }),
                "inputs" if key.ends_with("/meta.yaml") => {
                    let input = Meta::parse(&file.path, text_of(file)?)?;
                    if input.text("source_type").as_deref() != Some("DATASET") {
                        continue;
                    }
                    let dataset_id = input.required_text("source_id")?;
                    let dataset = self
                        .datasets
                        .get(&(experiment_dir.clone(), dataset_id.clone()))
                        .ok_or_else(|| {
                            DomainError::invalid(format!(
                                "{}: data set {dataset_id} is not in {experiment_dir}/datasets/",
                                file.path
                            ))
                        })?;
                    inputs.push(DatasetInput {
                        tags: input
                            .pairs("tags")
                            .into_iter()
                            .map(|(k, v)| Tag::new(k, v))
                            .collect(),
                        dataset: dataset.clone(),
                    });
                }
                _ => {}
            }
        }
        params.sort_by(|a, b| a.key.cmp(&b.key));
        tags.sort_by(|a, b| a.key.cmp(&b.key));
        inputs.sort_by(|a, b| {
            let context = |i: &DatasetInput| {
                i.tags
                    .iter()
                    .find(|t| t.key == crate::domain::DATASET_CONTEXT_TAG)
                    .map(|t| t.value.clone())
            };
            (context(a), &a.dataset.name).cmp(&(context(b), &b.dataset.name))
        });
        let latest = latest_of(&history);
        let run_name = run_name_or_tag(meta.text("run_name"), &tags);
        Ok(RunSnapshot {
            run: Run {
                info: RunInfo {
                    run_id,
                    experiment_id: meta.required_text("experiment_id")?,
                    run_name,
                    user_id: meta.text("user_id").unwrap_or_default(),
                    status,
                    start_time: meta.int("start_time")?,
                    end_time: meta.int("end_time")?,
                    artifact_uri: meta.text("artifact_uri").unwrap_or_default(),
                    lifecycle_stage,
                },
                data: RunData {
                    metrics: latest,
                    params,
                    tags,
                },
                inputs,
            },
            history,
            artifacts,
        })
    }
}

/// Reads a metric file: one point a line, `<timestamp> <value> [<step>]`; `nan` and `inf`
/// as Python writes them.
pub fn parse_metric_file(file: &SourceFile, key: &str) -> Result<Vec<Metric>, DomainError> {
    let text = text_of(file)?;
    let mut points = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let bad = || {
            DomainError::invalid(format!(
                "{}, line {}: expected '<timestamp> <value> [<step>]', found '{}'",
                file.path,
                number + 1,
                line.chars().take(80).collect::<String>()
            ))
        };
        if fields.len() < 2 {
            return Err(bad());
        }
        let timestamp: i64 = fields[0].parse().map_err(|_| bad())?;
        let value: f64 = fields[1].parse().map_err(|_| bad())?;
        let step: i64 = match fields.get(2) {
            Some(step) => step.parse().map_err(|_| bad())?,
            None => 0,
        };
        points.push(Metric {
            key: key.to_owned(),
            value,
            timestamp,
            step,
        });
    }
    Ok(points)
}
