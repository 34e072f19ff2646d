//! Model registry entities, and MLflow 3's logged models.

use std::fmt;
use std::str::FromStr;

use super::{Metric, Param, Tag};

/// The stage of a model version. MLflow still honours stages, though since 2.9 it prefers aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    None,
    Staging,
    Production,
    Archived,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::None,
        Stage::Staging,
        Stage::Production,
        Stage::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::None => "None",
            Stage::Staging => "Staging",
            Stage::Production => "Production",
            Stage::Archived => "Archived",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = String;
    /// Stage names are matched without regard to case, as MLflow does.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stage::ALL
            .into_iter()
            .find(|stage| stage.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("Invalid Model Version stage: {s}. Value must be one of None, Staging, Production, Archived.")
            })
    }
}

/// The version of each stage with the highest number, as MLflow's `latest_versions`, in
/// version order.
pub fn latest_versions<'a>(versions: &[&'a ModelVersion]) -> Vec<&'a ModelVersion> {
    let mut latest: Vec<&ModelVersion> = Vec::new();
    for version in versions {
        match latest
            .iter_mut()
            .find(|v| v.current_stage == version.current_stage)
        {
            Some(current) if current.version < version.version => *current = version,
            Some(_) => {}
            None => latest.push(version),
        }
    }
    latest.sort_by_key(|v| v.version);
    latest
}

/// A registered model: a name under which versions are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredModel {
    pub name: String,
    pub creation_timestamp: i64,
    pub last_updated_timestamp: i64,
    pub description: String,
    pub tags: Vec<Tag>,
    /// Alias name and the version it points at; one version per alias.
    pub aliases: Vec<(String, u64)>,
    /// The highest version number given so far, deleted versions included (0 when unknown:
    /// then the versions present tell), so a number is never given twice.
    pub last_version: u64,
}

/// The status of a model version's registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelVersionStatus {
    PendingRegistration,
    FailedRegistration,
    Ready,
}

impl ModelVersionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ModelVersionStatus::PendingRegistration => "PENDING_REGISTRATION",
            ModelVersionStatus::FailedRegistration => "FAILED_REGISTRATION",
            ModelVersionStatus::Ready => "READY",
        }
    }

    pub fn parse(text: &str) -> Option<ModelVersionStatus> {
        [
            ModelVersionStatus::PendingRegistration,
            ModelVersionStatus::FailedRegistration,
            ModelVersionStatus::Ready,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// One version of a registered model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelVersion {
    pub name: String,
    pub version: u64,
    pub creation_timestamp: i64,
    pub last_updated_timestamp: i64,
    pub current_stage: Stage,
    pub description: String,
    pub user_id: String,
    /// Where the model's files are: a run artifact path, or `models:/m-<id>` in MLflow 3.
    pub source: String,
    pub run_id: Option<String>,
    pub run_link: String,
    pub status: ModelVersionStatus,
    pub status_message: String,
    pub tags: Vec<Tag>,
    /// The MLflow 3 logged model this version registers, if any.
    pub model_id: Option<String>,
    /// Every stage change, oldest first.
    pub stage_history: Vec<StageTransition>,
}

impl ModelVersion {
    /// Version `version` of model `name`, just registered: stage None, ready, nothing else
    /// set yet.
    pub fn new(name: &str, version: u64, source: &str) -> ModelVersion {
        ModelVersion {
            name: name.to_owned(),
            version,
            creation_timestamp: 0,
            last_updated_timestamp: 0,
            current_stage: Stage::None,
            description: String::new(),
            user_id: String::new(),
            source: source.to_owned(),
            run_id: None,
            run_link: String::new(),
            status: ModelVersionStatus::Ready,
            status_message: String::new(),
            tags: Vec::new(),
            model_id: None,
            stage_history: Vec::new(),
        }
    }
}

/// A stage change of a model version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageTransition {
    pub from: Stage,
    pub to: Stage,
    pub timestamp: i64,
}

/// The state of an MLflow 3 logged model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoggedModelStatus {
    Pending,
    Ready,
    Failed,
}

impl LoggedModelStatus {
    const ALL: [LoggedModelStatus; 3] = [
        LoggedModelStatus::Pending,
        LoggedModelStatus::Ready,
        LoggedModelStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LoggedModelStatus::Pending => "LOGGED_MODEL_PENDING",
            LoggedModelStatus::Ready => "LOGGED_MODEL_READY",
            LoggedModelStatus::Failed => "LOGGED_MODEL_UPLOAD_FAILED",
        }
    }

    /// The number MLflow's protobuf enum (and its file store) uses.
    pub fn code(self) -> i64 {
        match self {
            LoggedModelStatus::Pending => 1,
            LoggedModelStatus::Ready => 2,
            LoggedModelStatus::Failed => 3,
        }
    }

    pub fn from_code(code: i64) -> Option<LoggedModelStatus> {
        LoggedModelStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub fn parse(text: &str) -> Option<LoggedModelStatus> {
        LoggedModelStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// An MLflow 3 logged model (`m-<id>`): a model with its own params, metrics and files,
/// usually produced by a run.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedModel {
    pub model_id: String,
    pub experiment_id: String,
    pub name: String,
    pub artifact_location: String,
    pub creation_timestamp: i64,
    pub last_updated_timestamp: i64,
    pub status: LoggedModelStatus,
    pub model_type: Option<String>,
    pub source_run_id: Option<String>,
    pub params: Vec<Param>,
    pub tags: Vec<Tag>,
    pub metrics: Vec<Metric>,
}
