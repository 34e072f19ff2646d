//! Model registry entities, and MLflow 3's logged models.

use std::fmt;
use std::str::FromStr;

use super::{DomainError, Metric, Param, Tag};

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

    /// Whether this is one of MLflow's active stages, Staging and Production: those whose
    /// other versions a transition can archive.
    pub fn is_active(self) -> bool {
        matches!(self, Stage::Staging | Stage::Production)
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

impl RegisteredModel {
    /// The version `alias` points at.
    pub fn alias(&self, alias: &str) -> Option<u64> {
        self.aliases
            .iter()
            .find(|(a, _)| a == alias)
            .map(|(_, v)| *v)
    }

    /// The aliases pointing at `version`, sorted.
    pub fn aliases_of(&self, version: u64) -> Vec<String> {
        let mut aliases: Vec<String> = self
            .aliases
            .iter()
            .filter(|(_, v)| *v == version)
            .map(|(a, _)| a.clone())
            .collect();
        aliases.sort();
        aliases
    }
}

/// MLflow's answer for a version that is not there.
pub fn model_version_not_found(name: &str, version: u64) -> DomainError {
    DomainError::not_found(format!(
        "Model Version (name={name}, version={version}) not found"
    ))
}

/// Which version of a model a `models:/` URI means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSelector {
    Version(u64),
    Alias(String),
    /// The newest version in the stage.
    Stage(Stage),
    /// The newest version.
    Latest,
}

/// A `models:/` URI: `models:/<name>/<version>`, `models:/<name>@<alias>`,
/// `models:/<name>/<stage>` or `models:/<name>/latest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelUri {
    pub name: String,
    pub selector: ModelSelector,
}

impl ModelUri {
    pub fn parse(uri: &str) -> Result<ModelUri, DomainError> {
        let bad = || {
            DomainError::invalid(format!(
                "Not a proper models:/ URI: {uri}. Models URIs must be of the form 'models:/model_name/suffix' or 'models:/model_name@alias' where suffix is a model version, stage, or the string 'latest' and where alias is a registered model alias."
            ))
        };
        let path = uri.strip_prefix("models:/").ok_or_else(bad)?;
        let path = path.trim_start_matches('/');
        let (name, selector) = if let Some((name, alias)) = path.split_once('@') {
            if alias.is_empty() || alias.contains('/') {
                return Err(bad());
            }
            (name, ModelSelector::Alias(alias.to_owned()))
        } else {
            let (name, suffix) = path.rsplit_once('/').ok_or_else(bad)?;
            let selector = if let Ok(number) = suffix.parse::<u64>() {
                ModelSelector::Version(number)
            } else if suffix.eq_ignore_ascii_case("latest") {
                ModelSelector::Latest
            } else {
                ModelSelector::Stage(suffix.parse().map_err(|_| bad())?)
            };
            (name, selector)
        };
        if name.is_empty() {
            return Err(bad());
        }
        Ok(ModelUri {
            name: name.to_owned(),
            selector,
        })
    }

    /// The number of the version this URI names among `versions`, the versions of `model`.
    pub fn pick(
        &self,
        model: &RegisteredModel,
        versions: &[ModelVersion],
    ) -> Result<u64, DomainError> {
        let name = &self.name;
        let newest = |keep: &dyn Fn(&ModelVersion) -> bool| {
            versions
                .iter()
                .filter(|v| v.name == *name && keep(v))
                .map(|v| v.version)
                .max()
        };
        match &self.selector {
            ModelSelector::Version(n) => {
                newest(&|v| v.version == *n).ok_or_else(|| model_version_not_found(name, *n))
            }
            ModelSelector::Alias(alias) => model.alias(alias).ok_or_else(|| {
                DomainError::not_found(format!("Registered model alias {alias} not found."))
            }),
            ModelSelector::Stage(stage) => {
                newest(&|v| v.current_stage == *stage).ok_or_else(|| {
                    DomainError::not_found(format!(
                        "No versions of model with name '{name}' and stage '{stage}' found"
                    ))
                })
            }
            ModelSelector::Latest => newest(&|_| true).ok_or_else(|| {
                DomainError::not_found(format!(
                    "No versions of model with name '{name}' and stage 'latest' found"
                ))
            }),
        }
    }
}

impl fmt::Display for ModelUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.selector {
            ModelSelector::Version(n) => write!(f, "models:/{}/{n}", self.name),
            ModelSelector::Alias(a) => write!(f, "models:/{}@{a}", self.name),
            ModelSelector::Stage(s) => write!(f, "models:/{}/{s}", self.name),
            ModelSelector::Latest => write!(f, "models:/{}/latest", self.name),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_and_production_are_the_active_stages() {
        let active: Vec<Stage> = Stage::ALL.into_iter().filter(|s| s.is_active()).collect();
        assert_eq!(active, [Stage::Staging, Stage::Production]);
    }

    #[test]
    fn model_uris_read_and_resolve_as_mlflow_means_them() {
        let model = RegisteredModel {
            name: "taxi".into(),
            creation_timestamp: 0,
            last_updated_timestamp: 0,
            description: String::new(),
            tags: vec![],
            aliases: vec![("champion".into(), 2), ("best".into(), 2)],
            last_version: 0,
        };
        let versions = [
            ModelVersion {
                current_stage: Stage::Production,
                ..ModelVersion::new("taxi", 1, "")
            },
            ModelVersion {
                current_stage: Stage::Production,
                ..ModelVersion::new("taxi", 2, "")
            },
            ModelVersion::new("taxi", 3, ""),
        ];
        let pick = |uri: &str| ModelUri::parse(uri).and_then(|u| u.pick(&model, &versions));
        assert_eq!(pick("models:/taxi/1").unwrap(), 1);
        assert_eq!(pick("models:/taxi@champion").unwrap(), 2);
        assert_eq!(pick("models:/taxi/production").unwrap(), 2);
        assert_eq!(pick("models:/taxi/latest").unwrap(), 3);
        assert_eq!(
            pick("models:/taxi/9").unwrap_err().message,
            "Model Version (name=taxi, version=9) not found"
        );
        assert!(pick("models:/taxi/Staging").is_err());
        assert!(pick("models:/taxi@nobody").is_err());
        for bad in [
            "runs:/x/model",
            "models:/taxi",
            "models:/@a",
            "models:/taxi/Shipped",
        ] {
            assert_eq!(
                ModelUri::parse(bad).unwrap_err().code,
                super::super::ErrorCode::InvalidParameterValue,
                "{bad}"
            );
        }
        let uri = ModelUri {
            name: "a/b".into(),
            selector: ModelSelector::Stage(Stage::Archived),
        };
        assert_eq!(uri.to_string(), "models:/a/b/Archived");
        assert_eq!(ModelUri::parse(&uri.to_string()).unwrap(), uri);
        assert_eq!(model.aliases_of(2), ["best", "champion"]);
        assert_eq!(model.alias("best"), Some(2));
    }
}
