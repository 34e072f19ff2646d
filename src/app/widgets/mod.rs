//! Small pieces shared by the pages: forms and their errors, descriptions, downloads and chart
//! export.

mod description;
mod export;
mod forms;

pub use description::{DescriptionEditor, EditorState};
pub use export::{download, ExportButtons};
pub use forms::{run_action, ErrorLine, NameAction, NameForm, UrlChoice};
