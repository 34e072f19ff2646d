//! The entities of experiment tracking and the model registry, and the rules they obey.
//!
//! Everything here is plain data and pure functions: no IO, no browser, no framework.
//! The names and shapes follow MLflow's entities so that the REST layer and the
//! importers map onto them one to one.

mod artifact_path;
mod entities;
mod error;
mod history;
mod ids;
mod keys;
mod registry;
mod size;
mod snapshot;
mod update;
pub mod validation;

pub use artifact_path::{normalize_artifact_path, tidy_relative_path};
pub use entities::*;
pub use error::{DomainError, ErrorCode};
pub use history::History;
pub use ids::{compare_ids, next_experiment_id};
pub use keys::{is_system_tag, RunKeys};
pub use registry::*;
pub use size::{bytes, StorageUse};
pub use snapshot::*;
pub use update::*;

/// The experiment every fresh database has, as in MLflow.
pub const DEFAULT_EXPERIMENT_ID: &str = "0";
/// Its name.
pub const DEFAULT_EXPERIMENT_NAME: &str = "Default";
/// The tag MLflow stores an experiment's or a run's markdown description in.
pub const NOTE_TAG: &str = "mlflow.note.content";
/// The tag of a dataset input naming what the data was used for (`train`, `eval`...).
pub const DATASET_CONTEXT_TAG: &str = "mlflow.data.context";
/// The tag that names a run's parent run.
pub const PARENT_RUN_TAG: &str = "mlflow.parentRunId";
/// The tag MLflow mirrors the run name into.
pub const RUN_NAME_TAG: &str = "mlflow.runName";
/// The tag MLflow mirrors the user into.
pub const USER_TAG: &str = "mlflow.user";
