//! What the run page shows, read through the tracker: the run, its experiment's name and the
//! runs nested under it, each read again only when a write changed it.

use crate::domain::{LifecycleStage, Run, ViewType};
use crate::store::{Store, Tracker};

/// A run with what its page says around it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunDetails {
    pub run: Run,
    /// The name of the run's experiment, when it can be read.
    pub experiment_name: Option<String>,
    /// The active runs nested under this one: id and name.
    pub children: Vec<(String, String)>,
}

impl RunDetails {
    /// How the page names the run's experiment: by name, or by id when it cannot be read.
    pub fn experiment_label(&self) -> String {
        match &self.experiment_name {
            Some(name) => name.clone(),
            None => format!("Experiment {}", self.run.info.experiment_id),
        }
    }

    /// What the page is about, for the browser's title: the run, then its experiment.
    pub fn title(&self) -> String {
        format!("{} · {}", self.run.display_name(), self.experiment_label())
    }

    /// Whether the run is active (not deleted): only then is there a form to log to it.
    pub fn is_active(&self) -> bool {
        self.run.info.lifecycle_stage == LifecycleStage::Active
    }

    pub fn is_deleted(&self) -> bool {
        self.run.info.lifecycle_stage == LifecycleStage::Deleted
    }

    /// The keys of the run's metrics, one chart each.
    pub fn metric_keys(&self) -> Vec<String> {
        self.run
            .data
            .metrics
            .iter()
            .map(|m| m.key.clone())
            .collect()
    }
}

/// The name of experiment `experiment_id`, when it can be read.
pub async fn experiment_name<S: Store>(
    tracker: &Tracker<S>,
    experiment_id: &str,
) -> Option<String> {
    tracker.experiment(experiment_id).await.ok().map(|e| e.name)
}

/// The active runs of experiment `experiment_id` nested under run `run_id`: id and name. None
/// when the runs cannot be listed.
pub async fn children<S: Store>(
    tracker: &Tracker<S>,
    experiment_id: &str,
    run_id: &str,
) -> Vec<(String, String)> {
    tracker
        .runs(&[experiment_id.to_owned()], ViewType::ActiveOnly)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.parent_run_id() == Some(run_id))
        .map(|r| (r.info.run_id.clone(), r.display_name().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use futures::executor::block_on;

    use super::*;
    use crate::domain::{LogBatch, Metric, Tag, PARENT_RUN_TAG};
    use crate::store::{MemStore, NewRun};

    fn new_run(experiment_id: &str, name: &str, tags: Vec<Tag>) -> NewRun {
        NewRun {
            experiment_id: experiment_id.into(),
            run_name: Some(name.into()),
            tags,
            ..NewRun::default()
        }
    }

    #[test]
    fn a_run_comes_with_its_experiment_s_name_and_its_children() {
        let tracker = Tracker::new(MemStore::new());
        block_on(async {
            let experiment = tracker
                .create_experiment("nyc-taxi-experiment", None, vec![])
                .await
                .unwrap();
            let parent = tracker
                .create_run(new_run(&experiment, "baseline", vec![]))
                .await
                .unwrap();
            let parent_id = parent.info.run_id.clone();
            let nested = vec![Tag::new(PARENT_RUN_TAG, &parent_id)];
            let child = tracker
                .create_run(new_run(&experiment, "fold-1", nested.clone()))
                .await
                .unwrap();
            let gone = tracker
                .create_run(new_run(&experiment, "fold-2", nested))
                .await
                .unwrap();
            tracker.delete_run(&gone.info.run_id).await.unwrap();
            let details = RunDetails {
                run: tracker.run(&gone.info.run_id).await.unwrap(),
                experiment_name: experiment_name(&tracker, &experiment).await,
                children: Vec::new(),
            };
            assert!(details.is_deleted() && !details.is_active());
            let details = RunDetails {
                run: parent,
                ..details
            };
            assert_eq!(details.title(), "baseline · nyc-taxi-experiment");
            assert!(details.is_active());
            assert_eq!(
                children(&tracker, &experiment, &parent_id).await,
                [(child.info.run_id.clone(), "fold-1".to_owned())]
            );
            assert!(children(&tracker, &experiment, &child.info.run_id)
                .await
                .is_empty());
            assert_eq!(experiment_name(&tracker, "999").await, None);
        });
    }

    #[test]
    fn an_unreadable_experiment_is_named_by_its_id() {
        let tracker = Tracker::new(MemStore::new());
        let experiment = block_on(tracker.create_experiment("e", None, vec![])).unwrap();
        let run = block_on(tracker.create_run(new_run(&experiment, "r", vec![]))).unwrap();
        let batch = LogBatch {
            metrics: vec![Metric {
                key: "rmse".into(),
                value: 3.5,
                timestamp: 1,
                step: 0,
            }],
            ..LogBatch::default()
        };
        block_on(tracker.log_batch(&run.info.run_id, batch)).unwrap();
        let details = RunDetails {
            run: block_on(tracker.run(&run.info.run_id)).unwrap(),
            experiment_name: None,
            children: Vec::new(),
        };
        assert_eq!(
            details.experiment_label(),
            format!("Experiment {experiment}")
        );
        assert_eq!(details.metric_keys(), ["rmse"]);
    }
}
