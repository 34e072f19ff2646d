//! The import job, shared by the Import / Export page and the page-wide drop target: it
//! starts an import, follows its progress and outcome, and cancels it.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::app::AppState;

use super::import::run_import;
use super::progress::{ImportState, Progress};

/// Shared by the panel and the page-wide drop target.
#[derive(Clone, Copy)]
pub struct ImportJob {
    app: AppState,
    pub state: RwSignal<ImportState>,
    cancel: StoredValue<Rc<Cell<bool>>, LocalStorage>,
}

impl ImportJob {
    pub fn new(app: AppState) -> ImportJob {
        ImportJob {
            app,
            state: RwSignal::new(ImportState::Idle),
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
        leptos::task::spawn_local(async move {
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
