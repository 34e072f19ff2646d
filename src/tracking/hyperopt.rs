//! hyperopt's `fmin`, tracked the way MLflow recommends: one parent run for the search and a
//! nested run per trial, with the trial's params, its `loss` and the tag `hyperopt_trial`
//! (hyperopt's `tid`). A trial whose objective fails or gives NaN ends `FAILED` and the
//! search goes on; a stop ends the running trial `KILLED` and keeps the finished ones. The
//! parent gets the best trial's params and metrics and the tag `best_run`.

use serde_json::Value;

use super::{python_str, Fluent, StartRun, Stopped};
use crate::domain::{DomainError, LogBatch, Param, RunStatus, Tag};
use crate::ml::hyperopt::{Algo, Limits, Outcome, Search, Space, Vals};
use crate::store::Store;

/// The tag a trial's run carries: its number in the search, from 0.
pub const TRIAL_TAG: &str = "hyperopt_trial";
/// The tag on the parent run naming the best trial's run.
pub const BEST_RUN_TAG: &str = "best_run";
/// The metric a trial's loss is logged as.
pub const LOSS_METRIC: &str = "loss";

/// What `fmin` takes besides the objective.
#[derive(Debug, Clone)]
pub struct Fmin {
    pub space: Space,
    pub algo: Algo,
    pub limits: Limits,
    pub seed: u64,
    /// The parent run's name, when `fmin` starts one (with no run active).
    pub run_name: Option<String>,
}

/// One trial as tracked: the search's record of it, its run, and the point it tried.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackedTrial {
    pub tid: usize,
    pub run_id: String,
    pub point: Value,
    pub vals: Vals,
    pub outcome: Outcome,
}

/// What a search ended with.
#[derive(Debug, Clone, PartialEq)]
pub struct FminResult {
    pub parent_run_id: String,
    pub trials: Vec<TrackedTrial>,
    /// The index in `trials` of the best, if any trial succeeded.
    pub best: Option<usize>,
    pub cancelled: bool,
}

impl FminResult {
    pub fn best_trial(&self) -> Option<&TrackedTrial> {
        self.best.map(|i| &self.trials[i])
    }
}

/// Runs the search: each trial in a nested run (under the active run, or under a parent run
/// started for the search), `objective` called with the point and the trial's run id while
/// that run is active. `stop` is asked before each trial and after each objective; when it
/// says so, the search ends. `on_trial` hears of each trial as it ends.
pub async fn fmin<S: Store>(
    fluent: &Fluent<S>,
    options: Fmin,
    mut objective: impl AsyncFnMut(&Value, &str) -> Result<f64, Stopped>,
    stop: &dyn Fn() -> bool,
    on_trial: &mut dyn FnMut(&TrackedTrial),
) -> Result<FminResult, DomainError> {
    let mut search = Search::new(options.space, options.algo, options.limits, options.seed)
        .map_err(|e| DomainError::invalid(e.0))?;
    let started = fluent.active_run().is_none();
    let parent_run_id = match fluent.active_run() {
        Some(run_id) => run_id,
        None => {
            fluent
                .start_run(StartRun {
                    run_name: options.run_name.clone(),
                    ..StartRun::default()
                })
                .await?
                .info
                .run_id
        }
    };
    let mut result = FminResult {
        parent_run_id,
        trials: Vec::new(),
        best: None,
        cancelled: false,
    };
    let searched = run_trials(
        fluent,
        &mut search,
        &mut objective,
        stop,
        on_trial,
        &mut result,
    )
    .await;
    let summed = match searched {
        Ok(()) => log_best(fluent, &mut result, &search).await,
        Err(e) => Err(e),
    };
    if started {
        let status = match (&summed, result.cancelled, result.best) {
            (Err(_), _, _) | (Ok(()), false, None) => RunStatus::Failed,
            (Ok(()), true, _) => RunStatus::Killed,
            (Ok(()), false, Some(_)) => RunStatus::Finished,
        };
        fluent.end_run(status).await?;
    }
    summed.map(|()| result)
}

async fn run_trials<S: Store>(
    fluent: &Fluent<S>,
    search: &mut Search,
    objective: &mut impl AsyncFnMut(&Value, &str) -> Result<f64, Stopped>,
    stop: &dyn Fn() -> bool,
    on_trial: &mut dyn FnMut(&TrackedTrial),
    result: &mut FminResult,
) -> Result<(), DomainError> {
    while !stop() {
        let Some(trial) = search.propose() else { break };
        let (tid, vals) = (trial.tid, trial.vals.clone());
        let point = search
            .space
            .evaluate(&vals)
            .map_err(|e| DomainError::invalid(e.0))?;
        let run = fluent
            .start_run(StartRun {
                nested: true,
                tags: vec![Tag::new(TRIAL_TAG, tid.to_string())],
                ..StartRun::default()
            })
            .await?;
        let run_id = run.info.run_id;
        let params: Vec<(String, String)> = search
            .space
            .flatten(&point)
            .iter()
            .map(|(key, value)| (key.clone(), python_str(value)))
            .collect();
        let logged = fluent.log_params(&params).await;
        let outcome = match logged {
            Ok(()) => match objective(&point, &run_id).await {
                _ if stop() => Outcome::Cancelled,
                Ok(loss) => Outcome::Loss(loss),
                Err(Stopped::Cancelled) => Outcome::Cancelled,
                Err(Stopped::Failed(e)) => Outcome::Failed(e.message),
            },
            Err(e) => Outcome::Failed(e.message),
        };
        search.record(tid, outcome);
        let outcome = search.trials()[tid]
            .outcome
            .clone()
            .unwrap_or(Outcome::Cancelled);
        let status = match &outcome {
            Outcome::Loss(loss) => {
                fluent.log_metric(LOSS_METRIC, *loss, None, None).await?;
                RunStatus::Finished
            }
            Outcome::Failed(_) => RunStatus::Failed,
            Outcome::Cancelled => RunStatus::Killed,
        };
        // The objective may have ended its run itself; end it only if it is still the
        // innermost.
        if fluent.active_run().as_deref() == Some(run_id.as_str()) {
            fluent.end_run(status).await?;
        }
        let tracked = TrackedTrial {
            tid,
            run_id,
            point,
            vals,
            outcome,
        };
        on_trial(&tracked);
        result.trials.push(tracked);
    }
    result.cancelled = search.cancelled() || stop();
    Ok(())
}

/// Gives the parent run the best trial's params (those it does not have yet), its metrics
/// and the `best_run` tag.
async fn log_best<S: Store>(
    fluent: &Fluent<S>,
    result: &mut FminResult,
    search: &Search,
) -> Result<(), DomainError> {
    let Some(best) = search.best() else {
        return Ok(());
    };
    result.best = result.trials.iter().position(|t| t.tid == best.tid);
    let Some(trial) = result.best_trial() else {
        return Ok(());
    };
    let tracker = fluent.tracker();
    let parent = tracker.run(&result.parent_run_id).await?;
    let best_run = tracker.run(&trial.run_id).await?;
    let params: Vec<(String, String)> = best_run
        .data
        .params
        .iter()
        .filter(|p| !parent.data.params.iter().any(|q| q.key == p.key))
        .map(|p| (p.key.clone(), p.value.clone()))
        .collect();
    let run_id = &result.parent_run_id;
    let metrics = best_run.data.metrics.clone();
    tracker
        .log_batch(
            run_id,
            LogBatch {
                metrics,
                params: params
                    .into_iter()
                    .map(|(key, value)| Param { key, value })
                    .collect(),
                tags: vec![Tag::new(BEST_RUN_TAG, trial.run_id.clone())],
            },
        )
        .await
}
