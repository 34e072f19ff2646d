//! The import job, shared by the Import / Export page and the page-wide drop target: it
//! starts an import, follows its progress and outcome, and cancels it.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::app::AppState;
use crate::domain::{bytes, StorageUse};
use crate::store::idb::storage_use;

use super::import::run_import;
use super::progress::{ImportState, Progress};

/// Shared by the panel and the page-wide drop target.
#[derive(Clone, Copy)]
pub struct ImportJob {
    app: AppState,
    pub state: RwSignal<ImportState>,
    /// Said before an import that may not fit in what the browser lets labbook store.
    pub space_warning: RwSignal<Option<String>>,
    cancel: StoredValue<Rc<Cell<bool>>, LocalStorage>,
}

impl ImportJob {
    pub fn new(app: AppState) -> ImportJob {
        ImportJob {
            app,
            state: RwSignal::new(ImportState::Idle),
            space_warning: RwSignal::new(None),
            cancel: StoredValue::new_local(Rc::new(Cell::new(false))),
        }
    }

    fn cancelled(&self) -> Rc<Cell<bool>> {
        self.cancel.get_value()
    }

    pub fn running(&self) -> bool {
        matches!(self.state.get_untracked(), ImportState::Running(_))
    }

    /// Imports the files given, as one import.
    pub fn start(self, files: Vec<web_sys::File>) {
        if files.is_empty() || self.running() {
            return;
        }
        let app = self.app;
        let cancelled = self.cancelled();
        cancelled.set(false);
        self.state.set(ImportState::Running(Progress {
            phase: "Starting".into(),
            ..Progress::default()
        }));
        let size: u64 = files.iter().map(|f| f.size() as u64).sum();
        self.space_warning.set(None);
        leptos::task::spawn_local(async move {
            if let Some(used) = storage_use().await {
                self.space_warning.set(space_warning(size, used));
            }
            let outcome = run_import(app.tracker(), files, self.state, &cancelled).await;
            self.state.set(match outcome {
                Ok(report) => ImportState::Done(report),
                // A cancel unwinds the import as an error; the flag says it was the user's.
                Err(_) if cancelled.get() => ImportState::Cancelled,
                Err(e) => ImportState::Failed(e.message),
            });
        });
    }

    pub fn cancel(&self) {
        self.cancelled().set(true);
    }
}

/// What files of `size` bytes (compressed, often) may need once decoded and stored.
const STORED_PER_FILE_BYTE: u64 = 2;

/// A warning when an import of `size` bytes may not fit in what is left of the quota.
fn space_warning(size: u64, used: StorageUse) -> Option<String> {
    let needed = size.saturating_mul(STORED_PER_FILE_BYTE);
    (needed > used.free()).then(|| {
        format!(
            "These files are {}, and {}: the import may not fit (it may need about {}). If it does not, nothing is written.",
            bytes(size),
            used.describe(),
            bytes(needed)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_that_may_not_fit_are_warned_of() {
        let used = StorageUse {
            usage: 90 * 1024 * 1024,
            quota: 100 * 1024 * 1024,
        };
        assert_eq!(space_warning(4 * 1024 * 1024, used), None);
        assert_eq!(
            space_warning(20 * 1024 * 1024, used).as_deref(),
            Some("These files are 20.0 MB, and labbook uses 90.0 MB of the 100.0 MB it may use: the import may not fit (it may need about 40.0 MB). If it does not, nothing is written.")
        );
    }
}
