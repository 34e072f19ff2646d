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
//! - tags and params are `[key, value]` pairs in the order first logged; doubles follow
//!   protobuf's JSON mapping (`"NaN"`, `"Infinity"`).

use serde::{Deserialize, Serialize};

use crate::codec::protojson;
use crate::domain::{
    Dataset, DatasetInput, DomainError, Experiment, LifecycleStage, Metric, Param, Run, RunData,
    RunInfo, RunStatus, Tag,
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
    #[serde(with = "protojson::double")]
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
            metrics: r
                .data
                .metrics
                .iter()
                .map(|m| MetricRecord {
                    key: m.key.clone(),
                    value: m.value,
                    timestamp: m.timestamp,
                    step: m.step,
                })
                .collect(),
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
                metrics: self
                    .metrics
                    .into_iter()
                    .map(|m| Metric {
                        key: m.key,
                        value: m.value,
                        timestamp: m.timestamp,
                        step: m.step,
                    })
                    .collect(),
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

/// Encodes a record as the JSON text that is stored.
pub fn to_json<T: Serialize>(record: &T) -> String {
    // Records hold only strings, integers, protojson doubles and vectors: always serializable.
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
}
