//! The store the app runs on: IndexedDB, or memory when the browser refuses IndexedDB.

use super::idb::IdbStore;
use super::{Change, Exclusive, MemStore, Progress, Store};
use crate::domain::{
    ArtifactFile, DomainError, Experiment, LoggedModel, Metric, ModelVersion, RegisteredModel, Run,
};

/// Either persistent store or the in-memory fallback, chosen once at start-up.
pub enum AnyStore {
    Idb(IdbStore),
    Mem(MemStore),
}

macro_rules! delegate {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            AnyStore::Idb($store) => $call,
            AnyStore::Mem($store) => $call,
        }
    };
}

impl Store for AnyStore {
    async fn experiments(&self) -> Result<Vec<Experiment>, DomainError> {
        delegate!(self, s => s.experiments().await)
    }

    async fn runs(&self, experiment_ids: &[String]) -> Result<Vec<Run>, DomainError> {
        delegate!(self, s => s.runs(experiment_ids).await)
    }

    async fn run(&self, run_id: &str) -> Result<Option<Run>, DomainError> {
        delegate!(self, s => s.run(run_id).await)
    }

    async fn exclusive(&self) -> Result<Exclusive, DomainError> {
        delegate!(self, s => s.exclusive().await)
    }

    async fn metric_history(
        &self,
        run_id: &str,
        key: &str,
        from: usize,
    ) -> Result<Vec<Metric>, DomainError> {
        delegate!(self, s => s.metric_history(run_id, key, from).await)
    }

    async fn artifacts(&self, run_id: &str) -> Result<Vec<ArtifactFile>, DomainError> {
        delegate!(self, s => s.artifacts(run_id).await)
    }

    async fn artifact(&self, run_id: &str, path: &str) -> Result<Option<Vec<u8>>, DomainError> {
        delegate!(self, s => s.artifact(run_id, path).await)
    }

    async fn registered_models(&self) -> Result<Vec<RegisteredModel>, DomainError> {
        delegate!(self, s => s.registered_models().await)
    }

    async fn model_versions(&self) -> Result<Vec<ModelVersion>, DomainError> {
        delegate!(self, s => s.model_versions().await)
    }

    async fn logged_models(&self) -> Result<Vec<LoggedModel>, DomainError> {
        delegate!(self, s => s.logged_models().await)
    }

    async fn apply_tracked(
        &self,
        changes: Vec<Change>,
        progress: Progress<'_>,
    ) -> Result<(), DomainError> {
        delegate!(self, s => s.apply_tracked(changes, progress).await)
    }
}
