//! MLflow's fluent tracking API (`mlflow.set_experiment`, `mlflow.start_run`, `mlflow.log_*`,
//! `mlflow.log_input`, `mlflow.search_runs`, ...) over the one [`Tracker`], with MLflow's names, defaults and
//! messages: a run logged to without one active starts one, nested runs get
//! `mlflow.parentRunId`, `log_dict` writes JSON or YAML as MLflow does. Every call is a
//! tracker write like the REST API's, with the same checks and the same change notices.
//! `binding` exposes it as `window.labbook.mlflow`.

pub mod autolog;
pub mod binding;
mod files;
pub mod hyperopt;

use std::cell::RefCell;
use std::rc::Rc;

use crate::clock::now_ms;
use crate::domain::{
    Dataset, DatasetInput, DomainError, Experiment, LifecycleStage, LogBatch, Metric, Param, Run,
    RunStatus, RunUpdate, Tag, ViewType, DEFAULT_EXPERIMENT_ID, NOTE_TAG, PARENT_RUN_TAG,
};
use crate::search::{parse_order_by, Filter, Target};
use crate::store::{NewRun, Store, Tracker};

pub use files::{dict_file, python_float, python_json, python_str};

/// The tag MLflow gives a data set's use: `training`, `validation`, ...
pub const DATASET_CONTEXT_TAG: &str = "mlflow.data.context";

/// What `start_run` takes, as `mlflow.start_run` does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StartRun {
    /// Resume this run instead of creating one.
    pub run_id: Option<String>,
    /// The experiment to start it in; else the one set, else `Default`.
    pub experiment_id: Option<String>,
    pub run_name: Option<String>,
    /// Start it under the active run.
    pub nested: bool,
    pub tags: Vec<Tag>,
    pub description: Option<String>,
}

/// MLflow's fluent client: the experiment set and the runs active, innermost last.
pub struct Fluent<S> {
    tracker: Rc<Tracker<S>>,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    experiment_id: Option<String>,
    active: Vec<String>,
    autolog: bool,
}

impl<S: Store> Fluent<S> {
    pub fn new(tracker: Rc<Tracker<S>>) -> Fluent<S> {
        Fluent {
            tracker,
            state: RefCell::default(),
        }
    }

    pub fn tracker(&self) -> &Tracker<S> {
        &self.tracker
    }

    /// Makes the experiment called `name` the one runs start in, creating it if missing.
    pub async fn set_experiment(&self, name: &str) -> Result<Experiment, DomainError> {
        let experiment = match self.tracker.experiment_by_name(name).await {
            Ok(experiment) => experiment,
            Err(_) => {
                let id = self
                    .tracker
                    .create_experiment(name, None, Vec::new())
                    .await?;
                self.tracker.experiment(&id).await?
            }
        };
        if experiment.lifecycle_stage == LifecycleStage::Deleted {
            return Err(DomainError::invalid(format!(
                "Cannot set a deleted experiment '{name}' as the active experiment. You can restore the experiment, or permanently delete the experiment to create a new one."
            )));
        }
        self.state.borrow_mut().experiment_id = Some(experiment.experiment_id.clone());
        Ok(experiment)
    }

    /// The id of the experiment runs start in.
    pub fn experiment_id(&self) -> String {
        self.state
            .borrow()
            .experiment_id
            .clone()
            .unwrap_or_else(|| DEFAULT_EXPERIMENT_ID.to_owned())
    }

    /// Starts a run (or resumes `run_id`) and makes it the active one. With a run already
    /// active, only a nested run may start; it is tagged with its parent.
    pub async fn start_run(&self, options: StartRun) -> Result<Run, DomainError> {
        let parent = self.active_run();
        if let (Some(active), false) = (&parent, options.nested) {
            return Err(DomainError::invalid(format!(
                "Run with UUID {active} is already active. To start a new run, first end the current run with mlflow.end_run(). To start a nested run, call start_run with nested=True"
            )));
        }
        let run = match &options.run_id {
            Some(run_id) => {
                let run = self.tracker.run(run_id).await?;
                if run.info.lifecycle_stage == LifecycleStage::Deleted {
                    return Err(DomainError::invalid(format!(
                        "Cannot start run with ID {run_id} because it is in the deleted state."
                    )));
                }
                self.tracker
                    .update_run(
                        run_id,
                        RunUpdate {
                            status: Some(RunStatus::Running),
                            end_time: None,
                            run_name: options.run_name.clone(),
                        },
                    )
                    .await?
            }
            None => {
                let mut tags = options.tags.clone();
                if let Some(parent) = parent.filter(|_| options.nested) {
                    tags.push(Tag::new(PARENT_RUN_TAG, parent));
                }
                if let Some(description) = &options.description {
                    tags.push(Tag::new(NOTE_TAG, description.clone()));
                }
                self.tracker
                    .create_run(NewRun {
                        experiment_id: options
                            .experiment_id
                            .clone()
                            .unwrap_or_else(|| self.experiment_id()),
                        run_name: options.run_name.clone(),
                        tags,
                        ..NewRun::default()
                    })
                    .await?
            }
        };
        self.state.borrow_mut().active.push(run.info.run_id.clone());
        Ok(run)
    }

    /// Turns autologging on or off: with it on, every fit of a built-in estimator logs what
    /// MLflow's scikit-learn and XGBoost autologging log ([`autolog::log_fit`]).
    pub fn autolog(&self, enabled: bool) {
        self.state.borrow_mut().autolog = enabled;
    }

    pub fn autologging(&self) -> bool {
        self.state.borrow().autolog
    }

    /// The innermost active run's id.
    pub fn active_run(&self) -> Option<String> {
        self.state.borrow().active.last().cloned()
    }

    /// Ends the innermost active run with `status` (MLflow's default is `FINISHED`); nothing
    /// to end is no error.
    pub async fn end_run(&self, status: RunStatus) -> Result<(), DomainError> {
        let Some(run_id) = self.state.borrow_mut().active.pop() else {
            return Ok(());
        };
        self.tracker
            .update_run(
                &run_id,
                RunUpdate {
                    status: Some(status),
                    end_time: Some(now_ms()),
                    run_name: None,
                },
            )
            .await
            .map(drop)
    }

    /// Runs `body` in a new run, which ends `FINISHED` when it succeeds, `FAILED` when it
    /// fails and `KILLED` when it is cancelled ([`Stopped::Cancelled`]).
    pub async fn with_run<T>(
        &self,
        options: StartRun,
        body: impl AsyncFnOnce(&Run) -> Result<T, Stopped>,
    ) -> Result<T, Stopped> {
        let run = self.start_run(options).await?;
        let outcome = body(&run).await;
        let status = match &outcome {
            Ok(_) => RunStatus::Finished,
            Err(Stopped::Cancelled) => RunStatus::Killed,
            Err(Stopped::Failed(_)) => RunStatus::Failed,
        };
        self.end_run(status).await?;
        outcome
    }

    /// The active run, started (as MLflow does) when there is none.
    async fn run_id(&self) -> Result<String, DomainError> {
        match self.active_run() {
            Some(run_id) => Ok(run_id),
            None => Ok(self.start_run(StartRun::default()).await?.info.run_id),
        }
    }

    async fn log(&self, batch: LogBatch) -> Result<(), DomainError> {
        let run_id = self.run_id().await?;
        self.tracker.log_batch(&run_id, batch).await
    }

    pub async fn log_param(&self, key: &str, value: &str) -> Result<(), DomainError> {
        self.log_params(&[(key.to_owned(), value.to_owned())]).await
    }

    pub async fn log_params(&self, params: &[(String, String)]) -> Result<(), DomainError> {
        self.log(LogBatch {
            params: params.iter().map(|(k, v)| Param::new(k, v)).collect(),
            ..LogBatch::default()
        })
        .await
    }

    /// Logs `value` at `step` (0 unless given) and `timestamp` (now unless given).
    pub async fn log_metric(
        &self,
        key: &str,
        value: f64,
        step: Option<i64>,
        timestamp: Option<i64>,
    ) -> Result<(), DomainError> {
        let timestamp = timestamp.unwrap_or_else(now_ms);
        self.log(LogBatch::of_metrics(vec![point(
            key, value, step, timestamp,
        )]))
        .await
    }

    /// Logs each of `metrics` at `step` (0 unless given), all at the same time.
    pub async fn log_metrics(
        &self,
        metrics: &[(String, f64)],
        step: Option<i64>,
    ) -> Result<(), DomainError> {
        let timestamp = now_ms();
        self.log(LogBatch::of_metrics(
            metrics
                .iter()
                .map(|(k, v)| point(k, *v, step, timestamp))
                .collect(),
        ))
        .await
    }

    pub async fn set_tag(&self, key: &str, value: &str) -> Result<(), DomainError> {
        self.set_tags(&[(key.to_owned(), value.to_owned())]).await
    }

    pub async fn set_tags(&self, tags: &[(String, String)]) -> Result<(), DomainError> {
        self.log(LogBatch {
            tags: tags.iter().map(|(k, v)| Tag::new(k, v)).collect(),
            ..LogBatch::default()
        })
        .await
    }

    /// Stores `bytes` as the active run's artifact `artifact_file` (a path in its artifacts).
    pub async fn log_artifact(
        &self,
        artifact_file: &str,
        bytes: Vec<u8>,
    ) -> Result<(), DomainError> {
        let run_id = self.run_id().await?;
        self.tracker
            .put_artifact(&run_id, artifact_file, bytes)
            .await
    }

    pub async fn log_text(&self, text: &str, artifact_file: &str) -> Result<(), DomainError> {
        self.log_artifact(artifact_file, text.as_bytes().to_vec())
            .await
    }

    /// Stores `dictionary` as `artifact_file`: YAML for `.yaml`/`.yml`, else JSON, written as
    /// MLflow's `log_dict` writes them.
    pub async fn log_dict(
        &self,
        dictionary: &serde_json::Value,
        artifact_file: &str,
    ) -> Result<(), DomainError> {
        self.log_artifact(
            artifact_file,
            dict_file(dictionary, artifact_file).into_bytes(),
        )
        .await
    }

    /// Records that the active run used `dataset`, in `context` (`training`, ...) if given.
    pub async fn log_input(
        &self,
        dataset: Dataset,
        context: Option<&str>,
    ) -> Result<(), DomainError> {
        let run_id = self.run_id().await?;
        let tags = context
            .map(|c| vec![Tag::new(DATASET_CONTEXT_TAG, c)])
            .unwrap_or_default();
        self.tracker
            .log_inputs(&run_id, vec![DatasetInput { tags, dataset }])
            .await
    }

    /// The active runs of `experiment_ids` (the experiment set when empty) that match
    /// `filter`, in `order_by`'s order (newest first unless told), at most `max_results`.
    pub async fn search_runs(
        &self,
        experiment_ids: &[String],
        filter: &str,
        order_by: &[String],
        max_results: usize,
    ) -> Result<Vec<Run>, DomainError> {
        let experiment_ids = if experiment_ids.is_empty() {
            vec![self.experiment_id()]
        } else {
            experiment_ids.to_vec()
        };
        let filter = Filter::parse(Target::Runs, filter)?;
        let order = order_by
            .iter()
            .map(|clause| parse_order_by(Target::Runs, clause))
            .collect::<Result<Vec<_>, _>>()?;
        let mut runs = self
            .tracker
            .search_runs(&experiment_ids, ViewType::ActiveOnly, &filter, &order)
            .await?;
        runs.truncate(max_results);
        Ok(runs)
    }
}

/// Why a run's body stopped early: cancelled (the run is `KILLED`), or failed (`FAILED`).
#[derive(Debug, Clone, PartialEq)]
pub enum Stopped {
    Cancelled,
    Failed(DomainError),
}

impl From<DomainError> for Stopped {
    fn from(error: DomainError) -> Stopped {
        Stopped::Failed(error)
    }
}

fn point(key: &str, value: f64, step: Option<i64>, timestamp: i64) -> Metric {
    Metric {
        key: key.to_owned(),
        value,
        timestamp,
        step: step.unwrap_or(0),
    }
}

#[cfg(test)]
mod tests;
