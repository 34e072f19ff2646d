//! Stored record layouts, versioned and separate from the domain types.
//!
//! A record is what a persistent store writes; it converts to and from the domain explicitly.
//! Each record carries `v`, the layout it was written in. A newer layout gets a new version
//! number and a conversion from every older one, so old databases keep opening.
//!
//! Layout 1 (the current one):
//! - experiment: `{v, id, name, artifact_location, lifecycle, created, updated, tags}`
//! - run: `{v, id, experiment_id, name, user, status, start, end, artifact_uri, lifecycle,
//!   params, tags, metrics, inputs}`; `metrics` holds the latest value of each key.
//! - registered model: `{v, name, created, updated, description, tags, aliases}`; aliases are
//!   `[alias, version]` pairs.
//! - model version: `{v, name, version, created, updated, stage, description, user, source,
//!   run_id, run_link, status, status_message, tags, model_id, stage_history}`.
//! - logged model: `{v, id, experiment_id, name, artifact_location, created, updated, status,
//!   model_type, source_run_id, params, tags, metrics}`.
//! - tags and params are `[key, value]` pairs in the order first logged; doubles are JSON
//!   numbers, with NaN and the infinities as the strings `"NaN"`, `"Infinity"` and
//!   `"-Infinity"` (the layout's own encoding, which no other format's changes reach).

use serde::{Deserialize, Serialize};

use crate::domain::{
    Dataset, DatasetInput, DomainError, Experiment, LifecycleStage, LoggedModel, LoggedModelStatus,
    Metric, ModelVersion, ModelVersionStatus, Param, RegisteredModel, Run, RunData, RunInfo,
    RunStatus, Stage, StageTransition, Tag,
};

/// The layout version this code writes.
pub const LAYOUT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperimentRecord {
    pub v: u32,
    pub id: String,
    pub name: String,
    pub artifact_location: String,
    pub lifecycle: String,
    pub created: Option<i64>,
    pub updated: Option<i64>,
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub v: u32,
    pub id: String,
    pub experiment_id: String,
    pub name: String,
    pub user: String,
    pub status: String,
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub artifact_uri: String,
    pub lifecycle: String,
    pub params: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
    pub metrics: Vec<MetricRecord>,
    pub inputs: Vec<InputRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricRecord {
    pub key: String,
    #[serde(with = "stored_double")]
    pub value: f64,
    pub timestamp: i64,
    pub step: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputRecord {
    pub tags: Vec<(String, String)>,
    pub name: String,
    pub digest: String,
    pub source_type: String,
    pub source: String,
    pub schema: Option<String>,
    pub profile: Option<String>,
}

fn pairs<T>(items: &[T], pair: impl Fn(&T) -> (&String, &String)) -> Vec<(String, String)> {
    items
        .iter()
        .map(|item| {
            let (k, v) = pair(item);
            (k.clone(), v.clone())
        })
        .collect()
}

fn tags_of(pairs: Vec<(String, String)>) -> Vec<Tag> {
    pairs.into_iter().map(|(k, v)| Tag::new(k, v)).collect()
}

fn corrupt(what: &str, id: &str, why: String) -> DomainError {
    DomainError::internal(format!("stored {what} {id} is unreadable: {why}"))
}

fn check_version(what: &str, id: &str, v: u32) -> Result<(), DomainError> {
    if v == LAYOUT_VERSION {
        Ok(())
    } else {
        Err(corrupt(
            what,
            id,
            format!("it has layout {v}, this version of labbook reads layout {LAYOUT_VERSION}"),
        ))
    }
}

impl From<&Experiment> for ExperimentRecord {
    fn from(e: &Experiment) -> ExperimentRecord {
        ExperimentRecord {
            v: LAYOUT_VERSION,
            id: e.experiment_id.clone(),
            name: e.name.clone(),
            artifact_location: e.artifact_location.clone(),
            lifecycle: e.lifecycle_stage.as_str().to_owned(),
            created: e.creation_time,
            updated: e.last_update_time,
            tags: pairs(&e.tags, |t| (&t.key, &t.value)),
        }
    }
}

impl ExperimentRecord {
    pub fn into_domain(self) -> Result<Experiment, DomainError> {
        check_version("experiment", &self.id, self.v)?;
        let lifecycle_stage: LifecycleStage = self
            .lifecycle
            .parse()
            .map_err(|e| corrupt("experiment", &self.id, e))?;
        Ok(Experiment {
            experiment_id: self.id,
            name: self.name,
            artifact_location: self.artifact_location,
            lifecycle_stage,
            creation_time: self.created,
            last_update_time: self.updated,
            tags: tags_of(self.tags),
        })
    }
}

impl From<&Run> for RunRecord {
    fn from(r: &Run) -> RunRecord {
        RunRecord {
            v: LAYOUT_VERSION,
            id: r.info.run_id.clone(),
            experiment_id: r.info.experiment_id.clone(),
            name: r.info.run_name.clone(),
            user: r.info.user_id.clone(),
            status: r.info.status.as_str().to_owned(),
            start: r.info.start_time,
            end: r.info.end_time,
            artifact_uri: r.info.artifact_uri.clone(),
            lifecycle: r.info.lifecycle_stage.as_str().to_owned(),
            params: pairs(&r.data.params, |p| (&p.key, &p.value)),
            tags: pairs(&r.data.tags, |t| (&t.key, &t.value)),
            metrics: r.data.metrics.iter().map(MetricRecord::from).collect(),
            inputs: r
                .inputs
                .iter()
                .map(|i| InputRecord {
                    tags: pairs(&i.tags, |t| (&t.key, &t.value)),
                    name: i.dataset.name.clone(),
                    digest: i.dataset.digest.clone(),
                    source_type: i.dataset.source_type.clone(),
                    source: i.dataset.source.clone(),
                    schema: i.dataset.schema.clone(),
                    profile: i.dataset.profile.clone(),
                })
                .collect(),
        }
    }
}

impl RunRecord {
    pub fn into_domain(self) -> Result<Run, DomainError> {
        check_version("run", &self.id, self.v)?;
        let status: RunStatus = self
            .status
            .parse()
            .map_err(|e| corrupt("run", &self.id, e))?;
        let lifecycle_stage: LifecycleStage = self
            .lifecycle
            .parse()
            .map_err(|e| corrupt("run", &self.id, e))?;
        Ok(Run {
            info: RunInfo {
                run_id: self.id,
                experiment_id: self.experiment_id,
                run_name: self.name,
                user_id: self.user,
                status,
                start_time: self.start,
                end_time: self.end,
                artifact_uri: self.artifact_uri,
                lifecycle_stage,
            },
            data: RunData {
                metrics: self.metrics.into_iter().map(Metric::from).collect(),
                params: self
                    .params
                    .into_iter()
                    .map(|(k, v)| Param::new(k, v))
                    .collect(),
                tags: tags_of(self.tags),
            },
            inputs: self
                .inputs
                .into_iter()
                .map(|i| DatasetInput {
                    tags: tags_of(i.tags),
                    dataset: Dataset {
                        name: i.name,
                        digest: i.digest,
                        source_type: i.source_type,
                        source: i.source,
                        schema: i.schema,
                        profile: i.profile,
                    },
                })
                .collect(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisteredModelRecord {
    pub v: u32,
    pub name: String,
    pub created: i64,
    pub updated: i64,
    pub description: String,
    pub tags: Vec<(String, String)>,
    pub aliases: Vec<(String, u64)>,
    /// The highest version number given (absent in records written before deletes kept it).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub last_version: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelVersionRecord {
    pub v: u32,
    pub name: String,
    pub version: u64,
    pub created: i64,
    pub updated: i64,
    pub stage: String,
    pub description: String,
    pub user: String,
    pub source: String,
    pub run_id: Option<String>,
    pub run_link: String,
    pub status: String,
    pub status_message: String,
    pub tags: Vec<(String, String)>,
    pub model_id: Option<String>,
    /// `[from, to, timestamp]`, oldest first.
    pub stage_history: Vec<(String, String, i64)>,
}

impl From<&RegisteredModel> for RegisteredModelRecord {
    fn from(m: &RegisteredModel) -> RegisteredModelRecord {
        RegisteredModelRecord {
            v: LAYOUT_VERSION,
            name: m.name.clone(),
            created: m.creation_timestamp,
            updated: m.last_updated_timestamp,
            description: m.description.clone(),
            tags: pairs(&m.tags, |t| (&t.key, &t.value)),
            aliases: m.aliases.clone(),
            last_version: m.last_version,
        }
    }
}

impl RegisteredModelRecord {
    pub fn into_domain(self) -> Result<RegisteredModel, DomainError> {
        check_version("registered model", &self.name, self.v)?;
        Ok(RegisteredModel {
            name: self.name,
            creation_timestamp: self.created,
            last_updated_timestamp: self.updated,
            description: self.description,
            tags: tags_of(self.tags),
            aliases: self.aliases,
            last_version: self.last_version,
        })
    }
}

impl From<&ModelVersion> for ModelVersionRecord {
    fn from(m: &ModelVersion) -> ModelVersionRecord {
        ModelVersionRecord {
            v: LAYOUT_VERSION,
            name: m.name.clone(),
            version: m.version,
            created: m.creation_timestamp,
            updated: m.last_updated_timestamp,
            stage: m.current_stage.as_str().to_owned(),
            description: m.description.clone(),
            user: m.user_id.clone(),
            source: m.source.clone(),
            run_id: m.run_id.clone(),
            run_link: m.run_link.clone(),
            status: m.status.as_str().to_owned(),
            status_message: m.status_message.clone(),
            tags: pairs(&m.tags, |t| (&t.key, &t.value)),
            model_id: m.model_id.clone(),
            stage_history: m
                .stage_history
                .iter()
                .map(|t| {
                    (
                        t.from.as_str().to_owned(),
                        t.to.as_str().to_owned(),
                        t.timestamp,
                    )
                })
                .collect(),
        }
    }
}

impl ModelVersionRecord {
    pub fn into_domain(self) -> Result<ModelVersion, DomainError> {
        let id = format!("{} version {}", self.name, self.version);
        check_version("model version", &id, self.v)?;
        let stage = |s: &str| {
            s.parse::<Stage>()
                .map_err(|e| corrupt("model version", &id, e))
        };
        let status = ModelVersionStatus::parse(&self.status).ok_or_else(|| {
            corrupt(
                "model version",
                &id,
                format!("unknown status {}", self.status),
            )
        })?;
        let mut stage_history = Vec::new();
        for (from, to, timestamp) in &self.stage_history {
            stage_history.push(StageTransition {
                from: stage(from)?,
                to: stage(to)?,
                timestamp: *timestamp,
            });
        }
        Ok(ModelVersion {
            current_stage: stage(&self.stage)?,
            name: self.name,
            version: self.version,
            creation_timestamp: self.created,
            last_updated_timestamp: self.updated,
            description: self.description,
            user_id: self.user,
            source: self.source,
            run_id: self.run_id,
            run_link: self.run_link,
            status,
            status_message: self.status_message,
            tags: tags_of(self.tags),
            model_id: self.model_id,
            stage_history,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedModelRecord {
    pub v: u32,
    pub id: String,
    pub experiment_id: String,
    pub name: String,
    pub artifact_location: String,
    pub created: i64,
    pub updated: i64,
    pub status: String,
    pub model_type: Option<String>,
    pub source_run_id: Option<String>,
    pub params: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
    pub metrics: Vec<MetricRecord>,
}

impl From<&LoggedModel> for LoggedModelRecord {
    fn from(m: &LoggedModel) -> LoggedModelRecord {
        LoggedModelRecord {
            v: LAYOUT_VERSION,
            id: m.model_id.clone(),
            experiment_id: m.experiment_id.clone(),
            name: m.name.clone(),
            artifact_location: m.artifact_location.clone(),
            created: m.creation_timestamp,
            updated: m.last_updated_timestamp,
            status: m.status.as_str().to_owned(),
            model_type: m.model_type.clone(),
            source_run_id: m.source_run_id.clone(),
            params: pairs(&m.params, |p| (&p.key, &p.value)),
            tags: pairs(&m.tags, |t| (&t.key, &t.value)),
            metrics: m.metrics.iter().map(MetricRecord::from).collect(),
        }
    }
}

impl LoggedModelRecord {
    pub fn into_domain(self) -> Result<LoggedModel, DomainError> {
        check_version("logged model", &self.id, self.v)?;
        let status = LoggedModelStatus::parse(&self.status).ok_or_else(|| {
            corrupt(
                "logged model",
                &self.id,
                format!("unknown status {}", self.status),
            )
        })?;
        Ok(LoggedModel {
            model_id: self.id,
            experiment_id: self.experiment_id,
            name: self.name,
            artifact_location: self.artifact_location,
            creation_timestamp: self.created,
            last_updated_timestamp: self.updated,
            status,
            model_type: self.model_type,
            source_run_id: self.source_run_id,
            params: self
                .params
                .into_iter()
                .map(|(k, v)| Param::new(k, v))
                .collect(),
            tags: tags_of(self.tags),
            metrics: self.metrics.into_iter().map(Metric::from).collect(),
        })
    }
}

impl From<&Metric> for MetricRecord {
    fn from(m: &Metric) -> MetricRecord {
        MetricRecord {
            key: m.key.clone(),
            value: m.value,
            timestamp: m.timestamp,
            step: m.step,
        }
    }
}

impl From<MetricRecord> for Metric {
    fn from(m: MetricRecord) -> Metric {
        Metric {
            key: m.key,
            value: m.value,
            timestamp: m.timestamp,
            step: m.step,
        }
    }
}

/// How layout 1 stores a double, frozen with it: a finite value is a JSON number, NaN and the
/// infinities are the strings `"NaN"`, `"Infinity"` and `"-Infinity"`; a number written in a
/// string reads as that number.
mod stored_double {
    use serde::{Deserialize, Deserializer, Serializer};
    use serde_json::Value;

    pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        if value.is_nan() {
            serializer.serialize_str("NaN")
        } else if *value == f64::INFINITY {
            serializer.serialize_str("Infinity")
        } else if *value == f64::NEG_INFINITY {
            serializer.serialize_str("-Infinity")
        } else {
            serializer.serialize_f64(*value)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let double = match &value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => match s.as_str() {
                "NaN" => Some(f64::NAN),
                "Infinity" => Some(f64::INFINITY),
                "-Infinity" => Some(f64::NEG_INFINITY),
                other => other.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
            },
            _ => None,
        };
        double.ok_or_else(|| serde::de::Error::custom(format!("expected a double, got {value}")))
    }
}

/// Encodes a record as the JSON text that is stored.
pub fn to_json<T: Serialize>(record: &T) -> String {
    // Records hold only strings, integers, doubles and vectors: always serializable.
    serde_json::to_string(record).unwrap_or_default()
}

/// Decodes stored JSON text, naming the record on failure.
pub fn from_json<T: for<'de> Deserialize<'de>>(
    what: &str,
    id: &str,
    text: &str,
) -> Result<T, DomainError> {
    serde_json::from_str(text).map_err(|e| corrupt(what, id, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Metric, RunData, RunInfo};

    #[test]
    fn run_records_round_trip_every_bit() {
        let run = Run {
            info: RunInfo {
                run_id: "r".into(),
                experiment_id: "1".into(),
                run_name: "n".into(),
                user_id: "u".into(),
                status: RunStatus::Killed,
                start_time: Some(1),
                end_time: None,
                artifact_uri: "a".into(),
                lifecycle_stage: LifecycleStage::Deleted,
            },
            data: RunData {
                // Values whose last bit a fast float parser gets wrong.
                metrics: [
                    0.8759467317126207,
                    3.016019608398712,
                    f64::NAN,
                    f64::INFINITY,
                    5e-324,
                ]
                .iter()
                .enumerate()
                .map(|(i, v)| Metric {
                    key: format!("m{i}"),
                    value: *v,
                    timestamp: i as i64,
                    step: -(i as i64),
                })
                .collect(),
                params: vec![Param::new("p", "v")],
                tags: vec![Tag::new("t", "✓")],
            },
            inputs: vec![],
        };
        let text = to_json(&RunRecord::from(&run));
        let back = from_json::<RunRecord>("run", "r", &text)
            .unwrap()
            .into_domain()
            .unwrap();
        assert_eq!(back, run);
        let mut future = RunRecord::from(&run);
        future.v = 9;
        assert!(future
            .into_domain()
            .unwrap_err()
            .message
            .contains("layout 9"));
    }

    /// The stored form of a metric's value is frozen: databases written by earlier versions
    /// must read back the same, and this version must write what they wrote.
    #[test]
    fn stored_doubles_keep_their_layout() {
        let stored =
            |value: &str| format!(r#"{{"key":"m","value":{value},"timestamp":1,"step":2}}"#);
        let written = [
            (1.5, "1.5"),
            (3.0, "3.0"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (1e300, "1e+300"),
            (5e-324, "5e-324"),
            (f64::NAN, r#""NaN""#),
            (f64::INFINITY, r#""Infinity""#),
            (f64::NEG_INFINITY, r#""-Infinity""#),
        ];
        for (value, text) in written {
            let record = MetricRecord {
                key: "m".into(),
                value,
                timestamp: 1,
                step: 2,
            };
            assert_eq!(to_json(&record), stored(text), "{text}");
            let back: MetricRecord = from_json("metric", "m", &stored(text)).unwrap();
            assert_eq!(back.value.to_bits(), value.to_bits(), "{text}");
        }
        // Also read: integers, and numbers held in strings.
        for (text, value) in [
            ("7", 7.0),
            ("-2", -2.0),
            (r#"" 2.5 ""#, 2.5),
            (r#""1e3""#, 1e3),
        ] {
            let back: MetricRecord = from_json("metric", "m", &stored(text)).unwrap();
            assert_eq!(back.value, value, "{text}");
        }
        for text in ["true", "null", r#""abc""#, r#""inf""#, r#""nan""#, "[1]"] {
            assert!(
                from_json::<MetricRecord>("metric", "m", &stored(text)).is_err(),
                "{text}"
            );
        }
    }
}
