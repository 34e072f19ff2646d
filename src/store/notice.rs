//! What a write changed, as its listeners hear it: which experiments, which runs (by
//! experiment), which metric histories (by run and key), whose artifacts, and whether the
//! registry or logged models changed. Pure, built from the [`Change`]s of one write and merged
//! when several writes are told at once.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::Change;
use crate::domain::Run;

/// A write bigger than this (an import) is told as "everything may have changed": listing
/// what changed would cost more than reading it again.
const MANY_CHANGES: usize = 512;

/// The scope of one or more writes (told to other tabs as its JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// Anything may have changed: read everything again.
    pub everything: bool,
    /// Experiments created or changed (name, tags, state).
    pub experiments: BTreeSet<String>,
    /// Runs created or changed (info, params, tags, latest metrics, inputs), by experiment.
    pub runs: BTreeMap<String, BTreeSet<String>>,
    /// Metric histories appended to, by run: the keys (all of them when `None`, a history
    /// cleared and written anew).
    pub metrics: BTreeMap<String, Option<BTreeSet<String>>>,
    /// Runs and logged models whose artifacts changed.
    pub artifacts: BTreeSet<String>,
    /// Registered models or model versions changed.
    pub registry: bool,
    /// MLflow 3 logged models changed.
    pub logged_models: bool,
    /// The runs created or changed, as the writes left them, by id: a reader of one of them
    /// need not read it again. Only within the tab that wrote them; other tabs read them.
    #[serde(skip)]
    pub written_runs: BTreeMap<String, Run>,
}

impl ChangeSet {
    /// Everything may have changed (e.g. another tab wrote, or an import).
    pub fn everything() -> ChangeSet {
        ChangeSet {
            everything: true,
            ..ChangeSet::default()
        }
    }

    /// The scope of the changes of one write.
    pub fn of(changes: &[Change]) -> ChangeSet {
        if changes.len() > MANY_CHANGES {
            return ChangeSet::everything();
        }
        let mut set = ChangeSet::default();
        for change in changes {
            match change {
                Change::PutExperiment(e) => {
                    set.experiments.insert(e.experiment_id.clone());
                }
                Change::PutRun(run) => {
                    set.runs
                        .entry(run.info.experiment_id.clone())
                        .or_default()
                        .insert(run.info.run_id.clone());
                    set.written_runs
                        .insert(run.info.run_id.clone(), run.clone());
                }
                Change::ClearMetrics { run_id } => {
                    set.metrics.insert(run_id.clone(), None);
                }
                Change::AppendMetrics { run_id, points } => {
                    if let Some(keys) = set
                        .metrics
                        .entry(run_id.clone())
                        .or_insert(Some(BTreeSet::new()))
                    {
                        keys.extend(points.iter().map(|p| p.key.clone()));
                    }
                }
                Change::PutArtifact { run_id, .. } => {
                    set.artifacts.insert(run_id.clone());
                }
                Change::PutRegisteredModel(_)
                | Change::PutModelVersion(_)
                | Change::DeleteRegisteredModel { .. }
                | Change::DeleteModelVersion { .. } => set.registry = true,
                Change::PutLoggedModel(_) => set.logged_models = true,
            }
        }
        set
    }

    /// Adds what `other` changed.
    pub fn merge(&mut self, other: ChangeSet) {
        self.everything |= other.everything;
        self.experiments.extend(other.experiments);
        for (experiment, runs) in other.runs {
            self.runs.entry(experiment).or_default().extend(runs);
        }
        for (run, keys) in other.metrics {
            match (self.metrics.get_mut(&run), keys) {
                (Some(Some(mine)), Some(theirs)) => mine.extend(theirs),
                (Some(mine), None) => *mine = None,
                (Some(None), Some(_)) => {}
                (None, keys) => {
                    self.metrics.insert(run, keys);
                }
            }
        }
        self.artifacts.extend(other.artifacts);
        self.registry |= other.registry;
        self.logged_models |= other.logged_models;
        self.written_runs.extend(other.written_runs);
    }

    /// Whether experiments were created or changed (a list of them should be read again).
    pub fn touches_experiments(&self) -> bool {
        self.everything || !self.experiments.is_empty()
    }

    /// The runs of these experiments that changed (empty when `everything`: read them all).
    pub fn runs_of(&self, experiment_ids: &[String]) -> Vec<String> {
        experiment_ids
            .iter()
            .filter_map(|e| self.runs.get(e))
            .flatten()
            .cloned()
            .collect()
    }

    /// Whether the run `run_id` changed (its record, not its histories).
    pub fn touches_run(&self, run_id: &str) -> bool {
        self.everything || self.runs.values().any(|runs| runs.contains(run_id))
    }

    /// Whether the history of `key` of `run_id` changed.
    pub fn touches_history(&self, run_id: &str, key: &str) -> bool {
        self.everything
            || self
                .metrics
                .get(run_id)
                .is_some_and(|keys| keys.as_ref().is_none_or(|k| k.contains(key)))
    }

    /// Whether the history of `key` of `run_id` only grew: points were appended to it, and it
    /// was not cleared or written anew. A reader holding it then reads only the new points.
    pub fn appended_to(&self, run_id: &str, key: &str) -> bool {
        !self.everything
            && self
                .metrics
                .get(run_id)
                .is_some_and(|keys| keys.as_ref().is_some_and(|k| k.contains(key)))
    }

    /// Whether the artifacts of `owner` (a run or logged model id) changed.
    pub fn touches_artifacts(&self, owner: &str) -> bool {
        self.everything || self.artifacts.contains(owner)
    }

    /// Whether registered models or versions changed.
    pub fn touches_registry(&self) -> bool {
        self.everything || self.registry
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Experiment, LifecycleStage, Metric};

    fn point(key: &str) -> Metric {
        Metric {
            key: key.into(),
            value: 1.0,
            timestamp: 0,
            step: 0,
        }
    }

    fn append(run: &str, keys: &[&str]) -> Change {
        Change::AppendMetrics {
            run_id: run.into(),
            points: keys.iter().map(|k| point(k)).collect(),
        }
    }

    #[test]
    fn a_logged_point_touches_only_its_history() {
        let set = ChangeSet::of(&[append("r1", &["loss"])]);
        assert!(set.touches_history("r1", "loss"));
        assert!(!set.touches_history("r1", "acc"));
        assert!(!set.touches_history("r2", "loss"));
        assert!(set.appended_to("r1", "loss"));
        assert!(!set.appended_to("r1", "acc"));
        assert!(!set.touches_run("r1"));
        assert!(!set.touches_experiments());
        assert!(!set.touches_registry());
    }

    #[test]
    fn merging_keeps_every_scope() {
        let mut set = ChangeSet::of(&[append("r1", &["loss"])]);
        set.merge(ChangeSet::of(&[
            append("r1", &["acc"]),
            append("r2", &["loss"]),
        ]));
        assert!(set.touches_history("r1", "acc") && set.touches_history("r1", "loss"));
        assert!(set.touches_history("r2", "loss"));
        set.merge(ChangeSet::of(&[Change::ClearMetrics {
            run_id: "r1".into(),
        }]));
        assert!(set.touches_history("r1", "anything"));
        assert!(
            !set.appended_to("r1", "loss"),
            "a cleared history is read anew"
        );
        assert!(set.appended_to("r2", "loss"));
        set.merge(ChangeSet::of(&[append("r1", &["x"])]));
        assert_eq!(set.metrics.get("r1"), Some(&None));
        assert!(!ChangeSet::everything().appended_to("r2", "loss"));
        let experiment = Experiment {
            experiment_id: "7".into(),
            name: "e".into(),
            artifact_location: String::new(),
            lifecycle_stage: LifecycleStage::Active,
            creation_time: None,
            last_update_time: None,
            tags: vec![],
        };
        set.merge(ChangeSet::of(&[Change::PutExperiment(experiment)]));
        assert!(set.touches_experiments());
        assert!(!set.everything);
        set.merge(ChangeSet::everything());
        assert!(set.touches_run("any") && set.touches_registry());
    }

    #[test]
    fn runs_written_come_with_the_notice_but_not_to_other_tabs() {
        let mut run = Run {
            info: crate::domain::RunInfo {
                run_id: "r1".into(),
                experiment_id: "1".into(),
                run_name: "fit".into(),
                user_id: String::new(),
                status: crate::domain::RunStatus::Running,
                start_time: None,
                end_time: None,
                artifact_uri: String::new(),
                lifecycle_stage: LifecycleStage::Active,
            },
            data: Default::default(),
            inputs: Vec::new(),
        };
        let mut set = ChangeSet::of(&[Change::PutRun(run.clone())]);
        run.info.run_name = "renamed".into();
        set.merge(ChangeSet::of(&[Change::PutRun(run.clone())]));
        assert_eq!(
            set.written_runs.get("r1"),
            Some(&run),
            "the later write wins"
        );
        assert_eq!(set.runs_of(&["1".into()]), ["r1"]);
        let told: ChangeSet = serde_json::from_str(&serde_json::to_string(&set).unwrap()).unwrap();
        assert!(told.written_runs.is_empty());
        assert_eq!(told.runs_of(&["1".into()]), ["r1"]);
    }

    #[test]
    fn an_import_is_everything() {
        let many: Vec<Change> = (0..=MANY_CHANGES)
            .map(|i| append(&format!("r{i}"), &["m"]))
            .collect();
        assert!(ChangeSet::of(&many).everything);
        assert_eq!(ChangeSet::of(&[]), ChangeSet::default());
    }
}
