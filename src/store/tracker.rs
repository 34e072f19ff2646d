//! MLflow's tracking rules over any [`Store`]: the one way data changes.
//!
//! Every write begins a store write ([`Store::begin_write`]), reads what it needs through it,
//! checks it with the pure functions of [`crate::domain`], and hands it one list of changes to
//! apply: the reads and the changes are one step, which no other write of any tab comes
//! between. Reads on their own need nothing. After each successful write the listeners are
//! called, which is how the UI learns of runs logged through the in-page REST API.

use std::cell::RefCell;
use std::rc::Rc;

use super::import::{plan, Existing, ImportReport};
use super::{Change, ChangeSet, Progress, Records, Store, Write};
use crate::clock::now_ms;
use crate::domain::validation::{
    validate_experiment_id, validate_experiment_name, validate_experiment_tag, validate_run_id,
};
use crate::domain::{
    apply_log_batch, apply_log_inputs, apply_run_update, compare_ids, delete_run_tag,
    ensure_active, next_experiment_id, normalize_artifact_path, upsert_tag, ArtifactBytes,
    ArtifactFile, DatasetInput, DomainError, Experiment, History, LifecycleStage, LogBatch,
    LoggedModel, LoggedModelSnapshot, Metric, ModelVersion, RegisteredModel, Run, RunData, RunInfo,
    RunSnapshot, RunStatus, RunUpdate, Snapshot, Tag, ViewType, DEFAULT_EXPERIMENT_ID,
    DEFAULT_EXPERIMENT_NAME, RUN_NAME_TAG,
};
use crate::search::{sort_runs, Filter, OrderKey};

/// What an export takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportScope {
    Everything,
    Experiment(String),
    Runs(Vec<String>),
}

/// What `runs/create` takes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewRun {
    pub experiment_id: String,
    pub user_id: String,
    pub run_name: Option<String>,
    pub start_time: Option<i64>,
    pub tags: Vec<Tag>,
}

type Listener = Rc<dyn Fn(&ChangeSet)>;

/// Enforces MLflow's rules on top of a [`Store`]; see the module docs.
pub struct Tracker<S> {
    store: S,
    listeners: RefCell<Vec<Listener>>,
}

impl<S: Store> Tracker<S> {
    pub fn new(store: S) -> Tracker<S> {
        Tracker {
            store,
            listeners: RefCell::new(Vec::new()),
        }
    }

    /// The store underneath, for writes that bypass the rules on purpose (an import that
    /// restores data as it was) and for tests.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Calls `listener` after every successful write, with what it changed.
    pub fn subscribe(&self, listener: impl Fn(&ChangeSet) + 'static) {
        self.listeners.borrow_mut().push(Rc::new(listener));
    }

    /// Begins a write: read through it what the write's checks need, then [`Tracker::commit`].
    pub(super) async fn begin(&self) -> Result<S::Write<'_>, DomainError> {
        self.store.begin_write().await
    }

    /// Applies `changes` in `write`, and tells the listeners.
    pub(super) async fn commit(
        &self,
        write: S::Write<'_>,
        changes: Vec<Change>,
    ) -> Result<(), DomainError> {
        self.commit_tracked(write, changes, &mut |_, _| Ok(()))
            .await
    }

    async fn commit_tracked(
        &self,
        write: S::Write<'_>,
        changes: Vec<Change>,
        progress: Progress<'_>,
    ) -> Result<(), DomainError> {
        let scope = ChangeSet::of(&changes);
        write.apply_tracked(changes, progress).await?;
        let listeners: Vec<Listener> = self.listeners.borrow().clone();
        for listener in listeners {
            listener(&scope);
        }
        Ok(())
    }

    /// Everything in `scope`, for an export: experiments, runs with every metric history, and
    /// artifact bytes when `with_artifacts`.
    pub async fn export(
        &self,
        scope: &ExportScope,
        with_artifacts: bool,
    ) -> Result<Snapshot, DomainError> {
        let all = self.store.experiments().await?;
        let mut runs = match scope {
            ExportScope::Everything => {
                let ids: Vec<String> = all.iter().map(|e| e.experiment_id.clone()).collect();
                self.store.runs(&ids).await?
            }
            ExportScope::Experiment(id) => self.store.runs(std::slice::from_ref(id)).await?,
            ExportScope::Runs(ids) => {
                let mut runs = Vec::new();
                for id in ids {
                    runs.push(self.run(id).await?);
                }
                runs
            }
        };
        runs.sort_by(|a, b| a.info.run_id.cmp(&b.info.run_id));
        let mut experiments: Vec<Experiment> = all
            .into_iter()
            .filter(|e| match scope {
                ExportScope::Everything => true,
                ExportScope::Experiment(id) => e.experiment_id == *id,
                ExportScope::Runs(_) => {
                    runs.iter().any(|r| r.info.experiment_id == e.experiment_id)
                }
            })
            .collect();
        if let ExportScope::Experiment(id) = scope {
            if experiments.is_empty() {
                return Err(DomainError::experiment_not_found(id));
            }
        }
        experiments.sort_by(|a, b| compare_ids(&a.experiment_id, &b.experiment_id));
        // The registry goes with the runs its versions come from (everything: all of it).
        let run_ids: Vec<&str> = runs.iter().map(|r| r.info.run_id.as_str()).collect();
        let model_versions: Vec<ModelVersion> = self
            .store
            .model_versions()
            .await?
            .into_iter()
            .filter(|v| {
                *scope == ExportScope::Everything
                    || v.run_id.as_deref().is_some_and(|id| run_ids.contains(&id))
            })
            .collect();
        let registered_models: Vec<RegisteredModel> = self
            .store
            .registered_models()
            .await?
            .into_iter()
            .filter(|m| {
                *scope == ExportScope::Everything || model_versions.iter().any(|v| v.name == m.name)
            })
            .collect();
        let mut logged_models = Vec::new();
        for model in self.store.logged_models().await? {
            let wanted = match scope {
                ExportScope::Everything => true,
                ExportScope::Experiment(id) => model.experiment_id == *id,
                ExportScope::Runs(_) => model
                    .source_run_id
                    .as_deref()
                    .is_some_and(|id| run_ids.contains(&id)),
            };
            if wanted {
                let artifacts = self.artifact_bytes(&model.model_id, with_artifacts).await?;
                logged_models.push(LoggedModelSnapshot { model, artifacts });
            }
        }
        let mut snapshot = Snapshot {
            experiments,
            registered_models,
            model_versions,
            logged_models,
            ..Snapshot::default()
        };
        for run in runs {
            let mut history = Vec::new();
            for metric in &run.data.metrics {
                history.extend(
                    self.store
                        .metric_history(&run.info.run_id, &metric.key, 0)
                        .await?
                        .to_metrics(&metric.key),
                );
            }
            let artifacts = self
                .artifact_bytes(&run.info.run_id, with_artifacts)
                .await?;
            snapshot.runs.push(RunSnapshot {
                run,
                history,
                artifacts,
            });
        }
        Ok(snapshot)
    }

    /// Every file of a run or logged model with its bytes, or none unless `wanted`.
    async fn artifact_bytes(
        &self,
        owner: &str,
        wanted: bool,
    ) -> Result<Vec<ArtifactBytes>, DomainError> {
        let mut artifacts = Vec::new();
        if wanted {
            for file in self.store.artifacts(owner).await? {
                if let Some(bytes) = self.store.artifact(owner, &file.path).await? {
                    artifacts.push(ArtifactBytes {
                        path: file.path,
                        bytes,
                    });
                }
            }
        }
        Ok(artifacts)
    }

    /// MLflow 3 logged models, by id.
    pub async fn logged_models(&self) -> Result<Vec<LoggedModel>, DomainError> {
        self.store.logged_models().await
    }

    /// A logged model's files (all, sorted by path).
    pub async fn logged_model_artifacts(
        &self,
        model_id: &str,
    ) -> Result<Vec<ArtifactFile>, DomainError> {
        let mut files = self.store.artifacts(model_id).await?;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// Registered models, in name order.
    pub async fn registered_models(&self) -> Result<Vec<RegisteredModel>, DomainError> {
        self.store.registered_models().await
    }

    /// Model versions, by model name then version.
    pub async fn model_versions(&self) -> Result<Vec<ModelVersion>, DomainError> {
        self.store.model_versions().await
    }

    /// Merges a snapshot into the store (see [`super::import`] for the rules), all or nothing.
    /// `progress` hears `(changes written, changes in all)` and may cancel by answering an error.
    pub async fn import(
        &self,
        snapshot: Snapshot,
        progress: Progress<'_>,
    ) -> Result<ImportReport, DomainError> {
        let write = self.begin().await?;
        let experiments = write.experiments().await?;
        let ids: Vec<String> = experiments
            .iter()
            .map(|e| e.experiment_id.clone())
            .collect();
        let runs = write.runs(&ids).await?;
        let registered_models = write.registered_models().await?;
        let model_versions = write.model_versions().await?;
        let logged_models = write.logged_models().await?;
        let existing = Existing {
            experiments: &experiments,
            runs: &runs,
            registered_models: &registered_models,
            model_versions: &model_versions,
            logged_models: &logged_models,
        };
        let (changes, report) = plan(existing, snapshot)?;
        if !changes.is_empty() {
            self.commit_tracked(write, changes, progress).await?;
        }
        Ok(report)
    }

    /// Creates the `Default` experiment (id 0) if the database has none, as MLflow does.
    pub async fn ensure_default_experiment(&self) -> Result<(), DomainError> {
        let write = self.begin().await?;
        let experiments = write.experiments().await?;
        if experiments
            .iter()
            .any(|e| e.experiment_id == DEFAULT_EXPERIMENT_ID)
        {
            return Ok(());
        }
        let now = now_ms();
        self.commit(
            write,
            vec![Change::PutExperiment(Experiment {
                experiment_id: DEFAULT_EXPERIMENT_ID.to_owned(),
                name: DEFAULT_EXPERIMENT_NAME.to_owned(),
                artifact_location: default_artifact_location(DEFAULT_EXPERIMENT_ID),
                lifecycle_stage: LifecycleStage::Active,
                creation_time: Some(now),
                last_update_time: Some(now),
                tags: Vec::new(),
            })],
        )
        .await
    }

    // Experiments.

    /// The experiments in `view`, newest id first is up to the caller; here in id order.
    pub async fn experiments(&self, view: ViewType) -> Result<Vec<Experiment>, DomainError> {
        let mut experiments = self.store.experiments().await?;
        experiments.retain(|e| view.includes(e.lifecycle_stage));
        experiments.sort_by(|a, b| compare_ids(&a.experiment_id, &b.experiment_id));
        Ok(experiments)
    }

    pub async fn experiment(&self, experiment_id: &str) -> Result<Experiment, DomainError> {
        experiment_in(&self.store, experiment_id).await
    }

    pub async fn experiment_by_name(&self, name: &str) -> Result<Experiment, DomainError> {
        self.store
            .experiments()
            .await?
            .into_iter()
            .find(|e| e.name == name)
            .ok_or_else(|| {
                DomainError::not_found(format!("Could not find experiment with name '{name}'"))
            })
    }

    /// Creates an experiment and returns its id: one more than the largest numeric id so far.
    pub async fn create_experiment(
        &self,
        name: &str,
        artifact_location: Option<String>,
        tags: Vec<Tag>,
    ) -> Result<String, DomainError> {
        validate_experiment_name(name)?;
        for tag in &tags {
            validate_experiment_tag(tag)?;
        }
        let write = self.begin().await?;
        let experiments = write.experiments().await?;
        ensure_name_free(&experiments, name)?;
        let experiment_id = next_experiment_id(&experiments).to_string();
        let now = now_ms();
        let mut unique_tags: Vec<Tag> = Vec::new();
        for tag in &tags {
            upsert_tag(&mut unique_tags, &tag.key, &tag.value);
        }
        let experiment = Experiment {
            artifact_location: artifact_location
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| default_artifact_location(&experiment_id)),
            experiment_id: experiment_id.clone(),
            name: name.to_owned(),
            lifecycle_stage: LifecycleStage::Active,
            creation_time: Some(now),
            last_update_time: Some(now),
            tags: unique_tags,
        };
        self.commit(write, vec![Change::PutExperiment(experiment)])
            .await?;
        Ok(experiment_id)
    }

    pub async fn rename_experiment(
        &self,
        experiment_id: &str,
        new_name: &str,
    ) -> Result<(), DomainError> {
        validate_experiment_name(new_name)?;
        let write = self.begin().await?;
        let mut experiment = experiment_in(&write, experiment_id).await?;
        if experiment.lifecycle_stage != LifecycleStage::Active {
            return Err(DomainError::invalid(
                "Cannot rename a non-active experiment.",
            ));
        }
        if experiment.name != new_name {
            ensure_name_free(&write.experiments().await?, new_name)?;
        }
        experiment.name = new_name.to_owned();
        experiment.last_update_time = Some(now_ms());
        self.commit(write, vec![Change::PutExperiment(experiment)])
            .await
    }

    /// Marks an experiment and all its runs deleted, as MLflow's SQL store does.
    pub async fn delete_experiment(&self, experiment_id: &str) -> Result<(), DomainError> {
        if experiment_id == DEFAULT_EXPERIMENT_ID {
            return Err(DomainError::invalid(
                "Cannot delete the default experiment '0'. This is an internally reserved experiment.",
            ));
        }
        self.set_experiment_lifecycle(experiment_id, LifecycleStage::Deleted)
            .await
    }

    /// Brings back a deleted experiment and all its runs.
    pub async fn restore_experiment(&self, experiment_id: &str) -> Result<(), DomainError> {
        self.set_experiment_lifecycle(experiment_id, LifecycleStage::Active)
            .await
    }

    async fn set_experiment_lifecycle(
        &self,
        experiment_id: &str,
        stage: LifecycleStage,
    ) -> Result<(), DomainError> {
        let write = self.begin().await?;
        let mut experiment = experiment_in(&write, experiment_id).await?;
        let required = match stage {
            LifecycleStage::Active => LifecycleStage::Deleted,
            LifecycleStage::Deleted => LifecycleStage::Active,
        };
        if experiment.lifecycle_stage != required {
            return Err(DomainError::invalid(format!(
                "Cannot {} experiment {experiment_id}: it is {}.",
                if stage == LifecycleStage::Active {
                    "restore"
                } else {
                    "delete"
                },
                experiment.lifecycle_stage.as_str()
            )));
        }
        experiment.lifecycle_stage = stage;
        experiment.last_update_time = Some(now_ms());
        let mut changes = vec![Change::PutExperiment(experiment)];
        for mut run in write.runs(&[experiment_id.to_owned()]).await? {
            if run.info.lifecycle_stage != stage {
                run.info.lifecycle_stage = stage;
                changes.push(Change::PutRun(run));
            }
        }
        self.commit(write, changes).await
    }

    pub async fn set_experiment_tag(
        &self,
        experiment_id: &str,
        tag: Tag,
    ) -> Result<(), DomainError> {
        validate_experiment_tag(&tag)?;
        let write = self.begin().await?;
        let mut experiment = experiment_in(&write, experiment_id).await?;
        ensure_experiment_active(&experiment)?;
        upsert_tag(&mut experiment.tags, &tag.key, &tag.value);
        experiment.last_update_time = Some(now_ms());
        self.commit(write, vec![Change::PutExperiment(experiment)])
            .await
    }

    // Runs.

    pub async fn run(&self, run_id: &str) -> Result<Run, DomainError> {
        run_in(&self.store, run_id).await
    }

    /// The runs of the given experiments in `view`, in no particular order.
    pub async fn runs(
        &self,
        experiment_ids: &[String],
        view: ViewType,
    ) -> Result<Vec<Run>, DomainError> {
        let mut runs = self.store.runs(experiment_ids).await?;
        runs.retain(|r| view.includes(r.info.lifecycle_stage));
        Ok(runs)
    }

    /// The runs of `experiment_ids` in `view` that match `filter`, in `order`'s order (then
    /// MLflow's tie-breaks): what `runs/search` and `mlflow.search_runs` answer, before paging.
    pub async fn search_runs(
        &self,
        experiment_ids: &[String],
        view: ViewType,
        filter: &Filter,
        order: &[OrderKey],
    ) -> Result<Vec<Run>, DomainError> {
        let mut runs = self.runs(experiment_ids, view).await?;
        runs.retain(|r| filter.matches_run(r));
        sort_runs(&mut runs, order);
        Ok(runs)
    }

    pub async fn create_run(&self, new: NewRun) -> Result<Run, DomainError> {
        let name_tag = new
            .tags
            .iter()
            .find(|t| t.key == RUN_NAME_TAG)
            .map(|t| t.value.clone());
        let run_name = match (new.run_name.filter(|n| !n.is_empty()), name_tag) {
            (Some(name), Some(tag)) if name != tag => {
                return Err(DomainError::invalid(format!(
                    "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='{name}', mlflow.runName='{tag}')."
                )))
            }
            (Some(name), _) | (None, Some(name)) => name,
            (None, None) => random_run_name(uuid::Uuid::new_v4().as_u128()),
        };
        let write = self.begin().await?;
        let experiment = experiment_in(&write, &new.experiment_id).await?;
        ensure_experiment_active(&experiment)?;
        let run_id = uuid::Uuid::new_v4().simple().to_string();
        let mut run = Run {
            info: RunInfo {
                artifact_uri: format!(
                    "{}/{run_id}/artifacts",
                    experiment.artifact_location.trim_end_matches('/')
                ),
                run_id,
                experiment_id: experiment.experiment_id,
                run_name: run_name.clone(),
                user_id: new.user_id,
                status: RunStatus::Running,
                start_time: Some(new.start_time.unwrap_or_else(now_ms)),
                end_time: None,
                lifecycle_stage: LifecycleStage::Active,
            },
            data: RunData::default(),
            inputs: Vec::new(),
        };
        let mut tags = new.tags;
        if !tags.iter().any(|t| t.key == RUN_NAME_TAG) {
            tags.push(Tag::new(RUN_NAME_TAG, run_name));
        }
        apply_log_batch(
            &mut run,
            &LogBatch {
                tags,
                ..LogBatch::default()
            },
        )?;
        self.commit(write, vec![Change::PutRun(run.clone())])
            .await?;
        Ok(run)
    }

    pub async fn update_run(&self, run_id: &str, update: RunUpdate) -> Result<Run, DomainError> {
        self.change_run(run_id, |run| apply_run_update(run, &update))
            .await
    }

    pub async fn delete_run(&self, run_id: &str) -> Result<(), DomainError> {
        self.set_run_lifecycle(run_id, LifecycleStage::Deleted)
            .await
    }

    pub async fn restore_run(&self, run_id: &str) -> Result<(), DomainError> {
        self.set_run_lifecycle(run_id, LifecycleStage::Active).await
    }

    async fn set_run_lifecycle(
        &self,
        run_id: &str,
        stage: LifecycleStage,
    ) -> Result<(), DomainError> {
        let write = self.begin().await?;
        let mut run = run_in(&write, run_id).await?;
        run.info.lifecycle_stage = stage;
        self.commit(write, vec![Change::PutRun(run)]).await
    }

    /// Logs metrics, params and tags to a run in one atomic write.
    pub async fn log_batch(&self, run_id: &str, batch: LogBatch) -> Result<(), DomainError> {
        let write = self.begin().await?;
        let mut run = run_in(&write, run_id).await?;
        apply_log_batch(&mut run, &batch)?;
        let mut changes = vec![Change::PutRun(run)];
        if !batch.metrics.is_empty() {
            changes.push(Change::AppendMetrics {
                run_id: run_id.to_owned(),
                points: batch.metrics,
            });
        }
        self.commit(write, changes).await
    }

    pub async fn delete_tag(&self, run_id: &str, key: &str) -> Result<(), DomainError> {
        self.change_run(run_id, |run| delete_run_tag(run, key))
            .await
            .map(drop)
    }

    pub async fn log_inputs(
        &self,
        run_id: &str,
        inputs: Vec<DatasetInput>,
    ) -> Result<(), DomainError> {
        self.change_run(run_id, |run| apply_log_inputs(run, &inputs))
            .await
            .map(drop)
    }

    async fn change_run(
        &self,
        run_id: &str,
        change: impl FnOnce(&mut Run) -> Result<(), DomainError>,
    ) -> Result<Run, DomainError> {
        let write = self.begin().await?;
        let mut run = run_in(&write, run_id).await?;
        change(&mut run)?;
        self.commit(write, vec![Change::PutRun(run.clone())])
            .await?;
        Ok(run)
    }

    /// Every point of a metric, in the order logged; empty if the run never logged it.
    pub async fn metric_history(
        &self,
        run_id: &str,
        key: &str,
    ) -> Result<Vec<Metric>, DomainError> {
        self.run(run_id).await?;
        Ok(self
            .store
            .metric_history(run_id, key, 0)
            .await?
            .to_metrics(key))
    }

    /// The points of a metric logged after its first `from`, in the order logged: what a
    /// reader holding `from` points lacks. Empty if there are none (or no such run).
    pub async fn metric_history_from(
        &self,
        run_id: &str,
        key: &str,
        from: usize,
    ) -> Result<History, DomainError> {
        self.store.metric_history(run_id, key, from).await
    }

    // Artifacts.

    pub async fn artifacts(&self, run_id: &str) -> Result<Vec<ArtifactFile>, DomainError> {
        self.run(run_id).await?;
        let mut files = self.store.artifacts(run_id).await?;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    pub async fn artifact(&self, run_id: &str, path: &str) -> Result<Vec<u8>, DomainError> {
        self.run(run_id).await?;
        self.store.artifact(run_id, path).await?.ok_or_else(|| {
            DomainError::not_found(format!("No artifact at '{path}' in run {run_id}"))
        })
    }

    /// One file of a run or of a logged model (`owner` is either id).
    pub async fn file(&self, owner: &str, path: &str) -> Result<Vec<u8>, DomainError> {
        self.store
            .artifact(owner, path)
            .await?
            .ok_or_else(|| DomainError::not_found(format!("No file at '{path}' in {owner}")))
    }

    /// Stores one artifact file; `path` is relative to the run's artifact root.
    pub async fn put_artifact(
        &self,
        run_id: &str,
        path: &str,
        bytes: Vec<u8>,
    ) -> Result<(), DomainError> {
        let path = normalize_artifact_path(path)?;
        let write = self.begin().await?;
        let run = run_in(&write, run_id).await?;
        ensure_active(&run)?;
        self.commit(
            write,
            vec![Change::PutArtifact {
                run_id: run_id.to_owned(),
                path,
                bytes,
            }],
        )
        .await
    }
}

/// The experiment `experiment_id` among `records`.
pub(super) async fn experiment_in(
    records: &impl Records,
    experiment_id: &str,
) -> Result<Experiment, DomainError> {
    validate_experiment_id(experiment_id)?;
    records
        .experiments()
        .await?
        .into_iter()
        .find(|e| e.experiment_id == experiment_id)
        .ok_or_else(|| DomainError::experiment_not_found(experiment_id))
}

/// The run `run_id` among `records`.
pub(super) async fn run_in(records: &impl Records, run_id: &str) -> Result<Run, DomainError> {
    validate_run_id(run_id)?;
    records
        .run(run_id)
        .await?
        .ok_or_else(|| DomainError::run_not_found(run_id))
}

/// Where an experiment's artifacts are said to live, as `mlflow server --serve-artifacts` says.
fn default_artifact_location(experiment_id: &str) -> String {
    format!("mlflow-artifacts:/{experiment_id}")
}

fn ensure_name_free(experiments: &[Experiment], name: &str) -> Result<(), DomainError> {
    match experiments.iter().find(|e| e.name == name) {
        None => Ok(()),
        Some(e) if e.lifecycle_stage == LifecycleStage::Deleted => {
            Err(DomainError::already_exists(format!(
                "Experiment(name={name}) already exists in deleted state (id {}). Restore it, or choose another name.",
                e.experiment_id
            )))
        }
        Some(_) => Err(DomainError::already_exists(format!(
            "Experiment(name={name}) already exists."
        ))),
    }
}

fn ensure_experiment_active(experiment: &Experiment) -> Result<(), DomainError> {
    if experiment.lifecycle_stage == LifecycleStage::Active {
        Ok(())
    } else {
        Err(DomainError::invalid(format!(
            "The experiment {} must be in the 'active' state. Current state is {}.",
            experiment.experiment_id,
            experiment.lifecycle_stage.as_str()
        )))
    }
}

/// A readable name for a run started without one, like MLflow's `adjective-animal-123`.
pub fn random_run_name(seed: u128) -> String {
    const ADJECTIVES: [&str; 16] = [
        "amber", "brave", "calm", "clever", "dapper", "eager", "gentle", "jolly", "kind", "lively",
        "merry", "nimble", "quiet", "rapid", "sunny", "witty",
    ];
    const ANIMALS: [&str; 16] = [
        "otter", "heron", "lynx", "panda", "finch", "koala", "moose", "gecko", "tapir", "wren",
        "bison", "crane", "dingo", "ibis", "lemur", "yak",
    ];
    let adjective = ADJECTIVES[(seed % 16) as usize];
    let animal = ANIMALS[((seed >> 8) % 16) as usize];
    let number = (seed >> 16) % 1000;
    format!("{adjective}-{animal}-{number}")
}
