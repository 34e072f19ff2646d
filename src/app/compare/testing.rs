//! Runs for the compare page's tests.

use crate::domain::{LifecycleStage, Metric, Param, Run, RunData, RunInfo, RunStatus};

/// A finished run named `id` with these params and latest metrics.
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
