//! Import and export: files in through the file input, a folder picker or a drop anywhere on
//! the page; bundles out as JSON or zip. Long work shows progress, pauses often enough to keep
//! the page responsive, and can be cancelled with nothing written.

mod export;
mod import;
mod job;
mod page;
mod progress;

pub use export::{export, ExportFormat};
pub use job::ImportJob;
pub use page::{install_drop_target, ImportExportPage};
