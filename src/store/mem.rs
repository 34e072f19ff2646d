//! The in-memory store: the reference for every other store, and the fallback when the
//! browser will not open IndexedDB.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use super::{Change, Progress, Records, References, Store, Write};
use crate::domain::{
    ArtifactFile, DomainError, Experiment, History, LoggedModel, ModelVersion, RegisteredModel, Run,
};

#[derive(Default)]
struct State {
    experiments: BTreeMap<String, Experiment>,
    runs: BTreeMap<String, Run>,
    histories: HashMap<(String, String), History>,
    artifacts: BTreeMap<(String, String), Vec<u8>>,
    registered_models: BTreeMap<String, RegisteredModel>,
    model_versions: BTreeMap<(String, u64), ModelVersion>,
    logged_models: BTreeMap<String, LoggedModel>,
}

/// Keeps everything in memory; lost when the page closes.
#[derive(Default)]
pub struct MemStore {
    state: RefCell<State>,
}

impl MemStore {
    pub fn new() -> MemStore {
        MemStore::default()
    }
}

impl Records for MemStore {
    async fn experiments(&self) -> Result<Vec<Experiment>, DomainError> {
        Ok(self.state.borrow().experiments.values().cloned().collect())
    }

    async fn runs(&self, experiment_ids: &[String]) -> Result<Vec<Run>, DomainError> {
        Ok(self
            .state
            .borrow()
            .runs
            .values()
            .filter(|r| experiment_ids.contains(&r.info.experiment_id))
            .cloned()
            .collect())
    }

    async fn run(&self, run_id: &str) -> Result<Option<Run>, DomainError> {
        Ok(self.state.borrow().runs.get(run_id).cloned())
    }

    async fn registered_models(&self) -> Result<Vec<RegisteredModel>, DomainError> {
        Ok(self
            .state
            .borrow()
            .registered_models
            .values()
            .cloned()
            .collect())
    }

    async fn model_versions(&self) -> Result<Vec<ModelVersion>, DomainError> {
        Ok(self
            .state
            .borrow()
            .model_versions
            .values()
            .cloned()
            .collect())
    }

    async fn logged_models(&self) -> Result<Vec<LoggedModel>, DomainError> {
        Ok(self
            .state
            .borrow()
            .logged_models
            .values()
            .cloned()
            .collect())
    }
}

/// A write to memory: it reads the store as it is and applies its changes at once, with no
/// await between its reads and its changes that could let another write in.
pub struct MemWrite<'a>(&'a MemStore);

impl Records for MemWrite<'_> {
    async fn experiments(&self) -> Result<Vec<Experiment>, DomainError> {
        self.0.experiments().await
    }

    async fn runs(&self, experiment_ids: &[String]) -> Result<Vec<Run>, DomainError> {
        self.0.runs(experiment_ids).await
    }

    async fn run(&self, run_id: &str) -> Result<Option<Run>, DomainError> {
        self.0.run(run_id).await
    }

    async fn registered_models(&self) -> Result<Vec<RegisteredModel>, DomainError> {
        self.0.registered_models().await
    }

    async fn model_versions(&self) -> Result<Vec<ModelVersion>, DomainError> {
        self.0.model_versions().await
    }

    async fn logged_models(&self) -> Result<Vec<LoggedModel>, DomainError> {
        self.0.logged_models().await
    }
}

impl Store for MemStore {
    type Write<'a> = MemWrite<'a>;

    async fn begin_write(&self) -> Result<MemWrite<'_>, DomainError> {
        Ok(MemWrite(self))
    }

    async fn metric_history(
        &self,
        run_id: &str,
        key: &str,
        from: usize,
    ) -> Result<History, DomainError> {
        Ok(self
            .state
            .borrow()
            .histories
            .get(&(run_id.to_owned(), key.to_owned()))
            .map(|history| history.since(from))
            .unwrap_or_default())
    }

    async fn artifacts(&self, run_id: &str) -> Result<Vec<ArtifactFile>, DomainError> {
        Ok(self
            .state
            .borrow()
            .artifacts
            .iter()
            .filter(|((run, _), _)| run == run_id)
            .map(|((_, path), bytes)| ArtifactFile {
                path: path.clone(),
                size: bytes.len() as u64,
            })
            .collect())
    }

    async fn artifact(&self, run_id: &str, path: &str) -> Result<Option<Vec<u8>>, DomainError> {
        Ok(self
            .state
            .borrow()
            .artifacts
            .get(&(run_id.to_owned(), path.to_owned()))
            .cloned())
    }
}

impl Write for MemWrite<'_> {
    /// Memory applies everything at once, with no await in between: `progress` hears of the
    /// start (where it may still cancel) and of the end.
    async fn apply_tracked(
        self,
        changes: Vec<Change>,
        progress: Progress<'_>,
    ) -> Result<(), DomainError> {
        let total = changes.len();
        progress(0, total)?;
        let mut state = self.0.state.borrow_mut();
        References::of(&changes).check(
            |id| state.experiments.contains_key(id),
            |id| state.runs.contains_key(id) || state.logged_models.contains_key(id),
        )?;
        for change in changes {
            match change {
                Change::PutExperiment(e) => {
                    state.experiments.insert(e.experiment_id.clone(), e);
                }
                Change::PutRun(r) => {
                    state.runs.insert(r.info.run_id.clone(), r);
                }
                Change::ClearMetrics { run_id } => {
                    state.histories.retain(|(run, _), _| *run != run_id);
                }
                Change::AppendMetrics { run_id, points } => {
                    for point in points {
                        state
                            .histories
                            .entry((run_id.clone(), point.key))
                            .or_default()
                            .push(point.step, point.timestamp, point.value);
                    }
                }
                Change::PutArtifact {
                    run_id,
                    path,
                    bytes,
                } => {
                    state.artifacts.insert((run_id, path), bytes);
                }
                Change::PutRegisteredModel(model) => {
                    state.registered_models.insert(model.name.clone(), model);
                }
                Change::PutLoggedModel(model) => {
                    state.logged_models.insert(model.model_id.clone(), model);
                }
                Change::PutModelVersion(version) => {
                    state
                        .model_versions
                        .insert((version.name.clone(), version.version), version);
                }
                Change::DeleteRegisteredModel { name } => {
                    state.registered_models.remove(&name);
                }
                Change::DeleteModelVersion { name, version } => {
                    state.model_versions.remove(&(name, version));
                }
            }
        }
        drop(state);
        progress(total, total)
    }
}
