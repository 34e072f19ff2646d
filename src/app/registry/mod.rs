//! The model registry's pages: the list of registered models and the board of all of them, a
//! model's page with its board, a version's page with its `MLmodel`, and the run page's
//! "Register model". Loaders (`data`, `version_data`) read through the tracker into plain
//! types; the pages only show them and hold what is being typed, dragged or asked.

mod board;
mod columns;
mod data;
mod links;
mod mlmodel;
mod model;
mod models;
mod register;
mod tags;
mod version;
mod version_data;

pub use model::ModelPage;
pub use models::ModelsPage;
pub use register::RegisterModel;
pub use version::VersionPage;
