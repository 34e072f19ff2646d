//! Tracking entities: experiments, runs and what a run holds.

use std::fmt;
use std::str::FromStr;

/// Whether an experiment or a run is in use or in the bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LifecycleStage {
    Active,
    Deleted,
}

impl LifecycleStage {
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleStage::Active => "active",
            LifecycleStage::Deleted => "deleted",
        }
    }
}

impl FromStr for LifecycleStage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "active" => Ok(LifecycleStage::Active),
            "deleted" => Ok(LifecycleStage::Deleted),
            other => Err(format!("unknown lifecycle stage '{other}'")),
        }
    }
}

/// Which lifecycle stages a listing includes (MLflow's `ViewType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViewType {
    #[default]
    ActiveOnly,
    DeletedOnly,
    All,
}

impl ViewType {
    pub fn includes(self, stage: LifecycleStage) -> bool {
        match self {
            ViewType::ActiveOnly => stage == LifecycleStage::Active,
            ViewType::DeletedOnly => stage == LifecycleStage::Deleted,
            ViewType::All => true,
        }
    }
}

impl FromStr for ViewType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ACTIVE_ONLY" | "1" => Ok(ViewType::ActiveOnly),
            "DELETED_ONLY" | "2" => Ok(ViewType::DeletedOnly),
            "ALL" | "3" => Ok(ViewType::All),
            other => Err(format!(
                "unknown view type '{other}': expected ACTIVE_ONLY, DELETED_ONLY or ALL"
            )),
        }
    }
}

/// The state of a run, as MLflow's `RunStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RunStatus {
    Running,
    Scheduled,
    Finished,
    Failed,
    Killed,
}

impl RunStatus {
    pub const ALL: [RunStatus; 5] = [
        RunStatus::Running,
        RunStatus::Scheduled,
        RunStatus::Finished,
        RunStatus::Failed,
        RunStatus::Killed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "RUNNING",
            RunStatus::Scheduled => "SCHEDULED",
            RunStatus::Finished => "FINISHED",
            RunStatus::Failed => "FAILED",
            RunStatus::Killed => "KILLED",
        }
    }

    /// The integer the MLflow file store writes into `meta.yaml`.
    pub fn code(self) -> i64 {
        match self {
            RunStatus::Running => 1,
            RunStatus::Scheduled => 2,
            RunStatus::Finished => 3,
            RunStatus::Failed => 4,
            RunStatus::Killed => 5,
        }
    }

    pub fn from_code(code: i64) -> Option<RunStatus> {
        RunStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// A finished, failed or killed run has ended.
    pub fn is_terminated(self) -> bool {
        matches!(
            self,
            RunStatus::Finished | RunStatus::Failed | RunStatus::Killed
        )
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RunStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RunStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown run status '{s}': expected RUNNING, SCHEDULED, FINISHED, FAILED or KILLED"
                )
            })
    }
}

/// A key and a value: experiment tags, run tags, registry tags, dataset input tags.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

impl Tag {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Tag {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// A run parameter. Once logged, its value never changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Param {
    pub key: String,
    pub value: String,
}

impl Param {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Param {
        Param {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// One point of a metric history. The value may be NaN or infinite, as in MLflow.
/// Two points are equal when every field is; NaN equals NaN here, since data, not arithmetic,
/// is being compared.
#[derive(Debug, Clone)]
pub struct Metric {
    pub key: String,
    pub value: f64,
    /// Milliseconds since the Unix epoch.
    pub timestamp: i64,
    pub step: i64,
}

impl Metric {
    /// Whether `self` should replace `current` as the latest value of its key.
    ///
    /// MLflow keeps the point with the greatest step, then the greatest timestamp,
    /// then the greatest value (NaN counting as the greatest), as its SQL store does.
    pub fn supersedes(&self, current: &Metric) -> bool {
        (self.step, self.timestamp) > (current.step, current.timestamp)
            || ((self.step, self.timestamp) == (current.step, current.timestamp)
                && value_rank(self.value) >= value_rank(current.value))
    }
}

impl PartialEq for Metric {
    fn eq(&self, other: &Metric) -> bool {
        self.key == other.key
            && self.step == other.step
            && self.timestamp == other.timestamp
            && self.value.to_bits() == other.value.to_bits()
    }
}

fn value_rank(value: f64) -> f64 {
    if value.is_nan() {
        f64::INFINITY
    } else {
        value
    }
}

/// A data set a run used.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dataset {
    pub name: String,
    pub digest: String,
    pub source_type: String,
    pub source: String,
    pub schema: Option<String>,
    pub profile: Option<String>,
}

/// A data set as one run used it, with the tags of that use (e.g. `mlflow.data.context`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DatasetInput {
    pub tags: Vec<Tag>,
    pub dataset: Dataset,
}

impl DatasetInput {
    /// The key MLflow deduplicates dataset inputs of a run by.
    pub fn identity(&self) -> (&str, &str) {
        (&self.dataset.name, &self.dataset.digest)
    }
}

/// An experiment: a named group of runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Experiment {
    pub experiment_id: String,
    pub name: String,
    pub artifact_location: String,
    pub lifecycle_stage: LifecycleStage,
    pub creation_time: Option<i64>,
    pub last_update_time: Option<i64>,
    pub tags: Vec<Tag>,
}

impl Experiment {
    pub fn tag(&self, key: &str) -> Option<&str> {
        find_value(&self.tags, key)
    }

    /// The markdown description, kept in the tag `mlflow.note.content`.
    pub fn description(&self) -> Option<&str> {
        self.tag(super::NOTE_TAG)
    }
}

/// What MLflow calls `RunInfo`: a run's identity and state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunInfo {
    pub run_id: String,
    pub experiment_id: String,
    pub run_name: String,
    pub user_id: String,
    pub status: RunStatus,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub artifact_uri: String,
    pub lifecycle_stage: LifecycleStage,
}

/// What MLflow calls `RunData`: the latest value of each metric, params and tags,
/// each in the order first logged.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunData {
    pub metrics: Vec<Metric>,
    pub params: Vec<Param>,
    pub tags: Vec<Tag>,
}

/// A run with everything but its metric histories and artifacts.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub info: RunInfo,
    pub data: RunData,
    pub inputs: Vec<DatasetInput>,
}

impl RunInfo {
    /// Milliseconds from start to end, or to `now` for a run still going.
    pub fn duration_ms(&self, now: i64) -> Option<i64> {
        let start = self.start_time?;
        let end = match self.end_time {
            Some(end) => end,
            None if !self.status.is_terminated() => now,
            None => return None,
        };
        Some((end - start).max(0))
    }
}

impl Run {
    /// The run's name, or its id when it has none (as MLflow's UI shows it).
    pub fn display_name(&self) -> &str {
        if self.info.run_name.is_empty() {
            &self.info.run_id
        } else {
            &self.info.run_name
        }
    }

    pub fn param(&self, key: &str) -> Option<&str> {
        self.data
            .params
            .iter()
            .find(|p| p.key == key)
            .map(|p| p.value.as_str())
    }

    pub fn tag(&self, key: &str) -> Option<&str> {
        find_value(&self.data.tags, key)
    }

    pub fn latest_metric(&self, key: &str) -> Option<&Metric> {
        self.data.metrics.iter().find(|m| m.key == key)
    }

    /// The markdown description, kept in the tag `mlflow.note.content`.
    pub fn description(&self) -> Option<&str> {
        self.tag(super::NOTE_TAG)
    }

    /// The parent run of a nested run.
    pub fn parent_run_id(&self) -> Option<&str> {
        self.tag(super::PARENT_RUN_TAG)
    }
}

/// Sets `key` to `value` in an ordered list of tags, keeping the first position of the key.
pub fn upsert_tag(tags: &mut Vec<Tag>, key: &str, value: &str) {
    match tags.iter_mut().find(|t| t.key == key) {
        Some(tag) => tag.value = value.to_owned(),
        None => tags.push(Tag::new(key, value)),
    }
}

fn find_value<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter().find(|t| t.key == key).map(|t| t.value.as_str())
}

/// A file of a run's artifacts, as listed (its bytes are kept apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactFile {
    /// Relative to the run's artifact root, `/`-separated.
    pub path: String,
    pub size: u64,
}

/// One entry of an artifact folder listing, as MLflow's `FileInfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub path: String,
    pub is_dir: bool,
    pub file_size: Option<u64>,
}

/// Lists the direct children of `folder` ("" for the root) among a run's files, folders first
/// collapsed, sorted by path, as MLflow's artifact repositories do.
pub fn list_folder(files: &[ArtifactFile], folder: &str) -> Vec<FileInfo> {
    let prefix = if folder.is_empty() {
        String::new()
    } else {
        format!("{}/", folder.trim_end_matches('/'))
    };
    let mut entries: Vec<FileInfo> = Vec::new();
    for file in files {
        let Some(rest) = file.path.strip_prefix(&prefix) else {
            continue;
        };
        match rest.split_once('/') {
            Some((dir, _)) => {
                let path = format!("{prefix}{dir}");
                if !entries.iter().any(|e| e.path == path) {
                    entries.push(FileInfo {
                        path,
                        is_dir: true,
                        file_size: None,
                    });
                }
            }
            None if !rest.is_empty() => entries.push(FileInfo {
                path: file.path.clone(),
                is_dir: false,
                file_size: Some(file.size),
            }),
            None => {}
        }
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    entries
}
