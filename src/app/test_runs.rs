//! Runs for the app's native tests, built in one place.

use crate::domain::{
    DomainError, LifecycleStage, Metric, Param, Run, RunData, RunInfo, RunStatus, Tag,
    PARENT_RUN_TAG,
};
use crate::store::{NewRun, Store, Tracker};

/// A finished run named and identified `id` with these params and latest metrics.
pub fn run(id: &str, params: &[(&str, &str)], metrics: &[(&str, f64)]) -> Run {
    Run {
        info: RunInfo {
            run_id: id.into(),
            experiment_id: "0".into(),
            run_name: id.into(),
            user_id: String::new(),
            status: RunStatus::Finished,
            start_time: None,
            end_time: None,
            artifact_uri: String::new(),
            lifecycle_stage: LifecycleStage::Active,
        },
        data: RunData {
            params: params.iter().map(|(k, v)| Param::new(*k, *v)).collect(),
            metrics: metrics
                .iter()
                .map(|(k, v)| Metric {
                    key: (*k).into(),
                    value: *v,
                    timestamp: 0,
                    step: 0,
                })
                .collect(),
            ..RunData::default()
        },
        inputs: vec![],
    }
}

/// `run` with the tag `key` set to `value`.
pub fn tagged(mut run: Run, key: &str, value: &str) -> Run {
    run.data.tags.push(Tag::new(key, value));
    run
}

/// `run` nested under the run `parent`.
pub fn child_of(run: Run, parent: &str) -> Run {
    tagged(run, PARENT_RUN_TAG, parent)
}

/// Creates an experiment `e` with one run named `fit` in `tracker`; answers the run's id.
pub async fn experiment_with_a_run<S: Store>(tracker: &Tracker<S>) -> Result<String, DomainError> {
    let experiment = tracker.create_experiment("e", None, vec![]).await?;
    let run = tracker
        .create_run(NewRun {
            experiment_id: experiment,
            run_name: Some("fit".into()),
            ..NewRun::default()
        })
        .await?;
    Ok(run.info.run_id)
}
