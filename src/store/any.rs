//! The store the app runs on: IndexedDB, or memory when the browser refuses IndexedDB.

use super::idb::{IdbStore, IdbWrite};
use super::mem::MemWrite;
use super::{Change, MemStore, Progress, Records, Store, Write};
use crate::domain::{
    ArtifactFile, DomainError, Experiment, History, LoggedModel, ModelVersion, RegisteredModel, Run,
};

/// Either persistent store or the in-memory fallback, chosen once at start-up.
pub enum AnyStore {
    Idb(IdbStore),
    Mem(MemStore),
}

macro_rules! delegate {
    ($self:ident, $store:ident => $call:expr) => {
        delegate!($self, AnyStore, $store => $call)
    };
    ($self:ident, $kind:ident, $inner:ident => $call:expr) => {
        match $self {
            $kind::Idb($inner) => $call,
            $kind::Mem($inner) => $call,
        }
    };
}

impl Records for AnyStore {
    async fn experiments(&self) -> Result<Vec<Experiment>, DomainError> {
        delegate!(self, s => s.experiments().await)
    }

    async fn runs(&self, experiment_ids: &[String]) -> Result<Vec<Run>, DomainError> {
        delegate!(self, s => s.runs(experiment_ids).await)
    }

    async fn run(&self, run_id: &str) -> Result<Option<Run>, DomainError> {
        delegate!(self, s => s.run(run_id).await)
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
}

/// A write to either store.
pub enum AnyWrite<'a> {
    Idb(IdbWrite<'a>),
    Mem(MemWrite<'a>),
}

impl Records for AnyWrite<'_> {
    async fn experiments(&self) -> Result<Vec<Experiment>, DomainError> {
        delegate!(self, AnyWrite, w => w.experiments().await)
    }

    async fn runs(&self, experiment_ids: &[String]) -> Result<Vec<Run>, DomainError> {
        delegate!(self, AnyWrite, w => w.runs(experiment_ids).await)
    }

    async fn run(&self, run_id: &str) -> Result<Option<Run>, DomainError> {
        delegate!(self, AnyWrite, w => w.run(run_id).await)
    }

    async fn registered_models(&self) -> Result<Vec<RegisteredModel>, DomainError> {
        delegate!(self, AnyWrite, w => w.registered_models().await)
    }

    async fn model_versions(&self) -> Result<Vec<ModelVersion>, DomainError> {
        delegate!(self, AnyWrite, w => w.model_versions().await)
    }

    async fn logged_models(&self) -> Result<Vec<LoggedModel>, DomainError> {
        delegate!(self, AnyWrite, w => w.logged_models().await)
    }
}

impl Write for AnyWrite<'_> {
    async fn apply_tracked(
        self,
        changes: Vec<Change>,
        progress: Progress<'_>,
    ) -> Result<(), DomainError> {
        delegate!(self, AnyWrite, w => w.apply_tracked(changes, progress).await)
    }
}

impl Store for AnyStore {
    type Write<'a> = AnyWrite<'a>;

    async fn begin_write(&self) -> Result<AnyWrite<'_>, DomainError> {
        Ok(match self {
            AnyStore::Idb(s) => AnyWrite::Idb(s.begin_write().await?),
            AnyStore::Mem(s) => AnyWrite::Mem(s.begin_write().await?),
        })
    }

    async fn metric_history(
        &self,
        run_id: &str,
        key: &str,
        from: usize,
    ) -> Result<History, DomainError> {
        delegate!(self, s => s.metric_history(run_id, key, from).await)
    }

    async fn artifacts(&self, run_id: &str) -> Result<Vec<ArtifactFile>, DomainError> {
        delegate!(self, s => s.artifacts(run_id).await)
    }

    async fn artifact(&self, run_id: &str, path: &str) -> Result<Option<Vec<u8>>, DomainError> {
        delegate!(self, s => s.artifact(run_id, path).await)
    }
}
