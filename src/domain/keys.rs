//! The keys runs are logged under: which tags are MLflow's own, and the distinct keys of a
//! set of runs.

use std::collections::BTreeSet;

use super::Run;

/// Whether a tag is one MLflow sets itself (`mlflow.runName`, `mlflow.user`, ...) rather than
/// one a user logged.
pub fn is_system_tag(key: &str) -> bool {
    key.starts_with("mlflow.")
}

/// The distinct metric, param and tag keys of some runs, each list sorted; system tags are
/// left out of `tags`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunKeys {
    pub metrics: Vec<String>,
    pub params: Vec<String>,
    pub tags: Vec<String>,
}

impl RunKeys {
    /// The keys of `runs`: a slice of runs, or any iterator over some.
    pub fn of<'a>(runs: impl IntoIterator<Item = &'a Run>) -> RunKeys {
        let (mut metrics, mut params, mut tags) =
            (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for run in runs {
            metrics.extend(run.data.metrics.iter().map(|m| m.key.as_str()));
            params.extend(run.data.params.iter().map(|p| p.key.as_str()));
            tags.extend(
                run.data
                    .tags
                    .iter()
                    .map(|t| t.key.as_str())
                    .filter(|k| !is_system_tag(k)),
            );
        }
        let owned = |keys: BTreeSet<&str>| keys.into_iter().map(str::to_owned).collect();
        RunKeys {
            metrics: owned(metrics),
            params: owned(params),
            tags: owned(tags),
        }
    }

    /// Whether every key of `run` is among these: a run written again with no new key leaves
    /// the keys of the runs it is among as they were.
    pub fn cover(&self, run: &Run) -> bool {
        let has =
            |keys: &[String], key: &str| keys.binary_search_by(|k| k.as_str().cmp(key)).is_ok();
        run.data.metrics.iter().all(|m| has(&self.metrics, &m.key))
            && run.data.params.iter().all(|p| has(&self.params, &p.key))
            && run
                .data
                .tags
                .iter()
                .filter(|t| !is_system_tag(&t.key))
                .all(|t| has(&self.tags, &t.key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LifecycleStage, Metric, Param, RunData, RunInfo, RunStatus, Tag};

    fn run(metrics: &[&str], params: &[&str], tags: &[&str]) -> Run {
        Run {
            info: RunInfo {
                run_id: "r".into(),
                experiment_id: "0".into(),
                run_name: String::new(),
                user_id: String::new(),
                status: RunStatus::Finished,
                start_time: None,
                end_time: None,
                artifact_uri: String::new(),
                lifecycle_stage: LifecycleStage::Active,
            },
            data: RunData {
                metrics: metrics
                    .iter()
                    .map(|k| Metric {
                        key: (*k).to_owned(),
                        value: 1.0,
                        timestamp: 0,
                        step: 0,
                    })
                    .collect(),
                params: params.iter().map(|k| Param::new(*k, "v")).collect(),
                tags: tags.iter().map(|k| Tag::new(*k, "v")).collect(),
            },
            inputs: Vec::new(),
        }
    }

    #[test]
    fn mlflow_tags_are_the_system_tags() {
        assert!(is_system_tag("mlflow.runName"));
        assert!(!is_system_tag("mlflow"));
        assert!(!is_system_tag("team.mlflow.x"));
    }

    #[test]
    fn keys_are_distinct_sorted_and_without_system_tags() {
        let runs = [
            run(&["loss", "acc"], &["lr"], &["mlflow.user", "team"]),
            run(&["acc", "f1"], &["depth", "lr"], &["owner", "team"]),
        ];
        let keys = RunKeys::of(&runs);
        assert_eq!(keys.metrics, ["acc", "f1", "loss"]);
        assert_eq!(keys.params, ["depth", "lr"]);
        assert_eq!(keys.tags, ["owner", "team"]);
        assert_eq!(RunKeys::of(runs.iter().skip(1)).metrics, ["acc", "f1"]);
        assert_eq!(RunKeys::of(&[]), RunKeys::default());
        assert!(runs.iter().all(|r| keys.cover(r)));
        assert!(keys.cover(&run(&["f1"], &[], &["mlflow.source.name"])));
        assert!(!keys.cover(&run(&["loss", "auc"], &[], &[])));
        assert!(!keys.cover(&run(&[], &["seed"], &[])));
        assert!(!keys.cover(&run(&[], &[], &["stage"])));
    }
}
