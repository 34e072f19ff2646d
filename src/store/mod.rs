//! Where experiments, runs, metric histories and artifacts are kept.
//!
//! [`Store`] is a small, storage-only interface: it reads records and applies a list of
//! [`Change`]s atomically. It knows nothing of MLflow's rules; [`Tracker`] enforces those on
//! top of any store, serializes writes and tells listeners when data changed.
//!
//! [`MemStore`] is the reference implementation (native tests, and the fallback when the
//! browser refuses IndexedDB); `IdbStore` keeps everything in IndexedDB and is the only code
//! that touches it.

mod any;
pub mod idb;
pub mod import;
mod mem;
mod notice;
pub mod record;
mod registry;
mod tracker;

pub use any::AnyStore;
pub use mem::MemStore;
pub use notice::ChangeSet;
pub use registry::NewModelVersion;
pub use tracker::{ExportScope, NewRun, Tracker};

use crate::domain::{
    ArtifactFile, DomainError, Experiment, History, LoggedModel, Metric, ModelVersion,
    RegisteredModel, Run,
};

/// One write. A list of changes is applied all together or not at all.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Creates or replaces an experiment.
    PutExperiment(Experiment),
    /// Creates or replaces a run (info, params, tags, latest metrics, inputs).
    /// Its experiment must exist.
    PutRun(Run),
    /// Removes every metric history of a run (before it is written anew).
    ClearMetrics { run_id: String },
    /// Appends points to the histories of a run's metrics, in the order given.
    /// The run must exist.
    AppendMetrics { run_id: String, points: Vec<Metric> },
    /// Creates or replaces one artifact file of a run, or of a logged model (`run_id` is then
    /// the model's id). The run or model must exist.
    PutArtifact {
        run_id: String,
        path: String,
        bytes: Vec<u8>,
    },
    /// Creates or replaces a registered model.
    PutRegisteredModel(RegisteredModel),
    /// Creates or replaces a model version. Its run need not be here, as in MLflow.
    PutModelVersion(ModelVersion),
    /// Removes a registered model (its versions go by their own changes).
    DeleteRegisteredModel { name: String },
    /// Removes a model version.
    DeleteModelVersion { name: String, version: u64 },
    /// Creates or replaces an MLflow 3 logged model. Its experiment must exist.
    PutLoggedModel(LoggedModel),
}

/// The records a write decides on: experiments, runs and the registry, read as they are at
/// that moment. Both a [`Store`] (for reads on their own) and a [`Write`] (for the reads of a
/// write, inside it) have them.
#[allow(async_fn_in_trait)] // Single-threaded (wasm32): the futures need not be `Send`.
pub trait Records {
    /// Every experiment, deleted ones included, in id order.
    async fn experiments(&self) -> Result<Vec<Experiment>, DomainError>;
    /// The runs of the given experiments, deleted ones included, without metric histories.
    async fn runs(&self, experiment_ids: &[String]) -> Result<Vec<Run>, DomainError>;
    async fn run(&self, run_id: &str) -> Result<Option<Run>, DomainError>;
    /// Every registered model, in name order.
    async fn registered_models(&self) -> Result<Vec<RegisteredModel>, DomainError>;
    /// Every model version, by model name then version.
    async fn model_versions(&self) -> Result<Vec<ModelVersion>, DomainError>;
    /// Every logged model, by id.
    async fn logged_models(&self) -> Result<Vec<LoggedModel>, DomainError>;
}

/// The storage interface. Every method is async because IndexedDB is.
///
/// Implementations check only referential integrity when a write applies its changes (a run's
/// experiment, a metric's or artifact's run must exist); everything else is the [`Tracker`]'s
/// job.
#[allow(async_fn_in_trait)]
pub trait Store: Records {
    /// A write under way: see [`Store::begin_write`].
    type Write<'a>: Write
    where
        Self: 'a;
    /// Begins a write: what it reads ([`Records`]) and the changes it then applies are one
    /// step, which no other write (of this tab, or of any other tab or window sharing the
    /// store) can come between; dropped without applying, it writes nothing. Between its
    /// reads and its apply a write awaits nothing else (IndexedDB ends a transaction that
    /// waits on anything but itself).
    async fn begin_write(&self) -> Result<Self::Write<'_>, DomainError>;
    /// The points of one metric of a run in the order logged, from the `from`th on (0 for
    /// all of them): a reader that has the first `from` reads only what was appended since.
    async fn metric_history(
        &self,
        run_id: &str,
        key: &str,
        from: usize,
    ) -> Result<History, DomainError>;
    /// Every artifact file of a run, sorted by path.
    async fn artifacts(&self, run_id: &str) -> Result<Vec<ArtifactFile>, DomainError>;
    async fn artifact(&self, run_id: &str, path: &str) -> Result<Option<Vec<u8>>, DomainError>;
    /// Applies every change, or none of them, as a write of its own.
    async fn apply(&self, changes: Vec<Change>) -> Result<(), DomainError> {
        self.begin_write()
            .await?
            .apply_tracked(changes, &mut |_, _| Ok(()))
            .await
    }
}

/// A write begun by [`Store::begin_write`]: it reads, then applies.
#[allow(async_fn_in_trait)]
pub trait Write: Records {
    /// Applies every change or none, telling `progress` how many of how many are done as it
    /// goes; an error from `progress` (a cancel) stops it with nothing written.
    async fn apply_tracked(
        self,
        changes: Vec<Change>,
        progress: Progress<'_>,
    ) -> Result<(), DomainError>;
}

/// Told `(done, total)` during a long write; answering an error stops the write.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize) -> Result<(), DomainError>;

/// The experiments and runs (or logged models, which own artifacts too) a list of changes
/// refers to but does not itself create: each must already be in the store for the changes
/// to apply.
#[derive(Debug, Default, PartialEq)]
struct References {
    experiments: Vec<String>,
    runs: Vec<String>,
}

impl References {
    fn of(changes: &[Change]) -> References {
        let mut created_experiments: Vec<&str> = Vec::new();
        let mut created_runs: Vec<&str> = Vec::new();
        for change in changes {
            match change {
                Change::PutExperiment(e) => created_experiments.push(&e.experiment_id),
                Change::PutRun(r) => created_runs.push(&r.info.run_id),
                Change::PutLoggedModel(m) => created_runs.push(&m.model_id),
                _ => {}
            }
        }
        let mut refs = References::default();
        for change in changes {
            let (wanted, created, id) = match change {
                Change::PutExperiment(_)
                | Change::PutRegisteredModel(_)
                | Change::PutModelVersion(_)
                | Change::DeleteRegisteredModel { .. }
                | Change::DeleteModelVersion { .. } => continue,
                Change::PutRun(r) => (
                    &mut refs.experiments,
                    &created_experiments,
                    &r.info.experiment_id,
                ),
                Change::PutLoggedModel(m) => (
                    &mut refs.experiments,
                    &created_experiments,
                    &m.experiment_id,
                ),
                Change::ClearMetrics { run_id }
                | Change::AppendMetrics { run_id, .. }
                | Change::PutArtifact { run_id, .. } => (&mut refs.runs, &created_runs, run_id),
            };
            if !created.contains(&id.as_str()) && !wanted.contains(id) {
                wanted.push(id.clone());
            }
        }
        refs
    }

    /// Fails, naming the first missing one, unless every reference exists.
    fn check(
        &self,
        experiment_exists: impl Fn(&str) -> bool,
        run_exists: impl Fn(&str) -> bool,
    ) -> Result<(), DomainError> {
        if let Some(id) = self.experiments.iter().find(|id| !experiment_exists(id)) {
            return Err(DomainError::internal(format!(
                "cannot write a run of experiment {id}: it is not in the database"
            )));
        }
        if let Some(id) = self.runs.iter().find(|id| !run_exists(id)) {
            return Err(DomainError::internal(format!(
                "cannot write to run {id}: it is not in the database"
            )));
        }
        Ok(())
    }
}
