//! An import's state, shared by the Import / Export page and the page-wide drop target: its
//! progress, its outcome (a report, a failure in words, or a cancel), and the pacing that
//! keeps the page responsive while it decodes.

use std::cell::Cell;
use std::rc::Rc;

use gloo::timers::future::TimeoutFuture;
use leptos::prelude::*;

use crate::app::AppState;
use crate::domain::DomainError;
use crate::store::import::ImportReport;

use super::import::run_import;

/// How long the page works before it lets the browser paint and handle input.
const SLICE_MS: f64 = 25.0;

/// Where an import has got to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub phase: String,
    pub done: usize,
    pub total: usize,
    pub unit: &'static str,
    pub bytes: f64,
}

/// The state of the import panel.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportState {
    Idle,
    Running(Progress),
    Done(ImportReport),
    Failed(String),
    /// Cancelled by the user: nothing was written.
    Cancelled,
}

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

/// Yields to the browser when the current slice of work has run long enough.
pub struct Pacer {
    since: f64,
}

impl Pacer {
    pub fn new() -> Pacer {
        Pacer {
            since: js_sys::Date::now(),
        }
    }

    /// Yields when due; fails once `cancelled` is set, which unwinds the work.
    pub async fn pace(&mut self, cancelled: &Cell<bool>) -> Result<(), DomainError> {
        if js_sys::Date::now() - self.since > SLICE_MS {
            TimeoutFuture::new(0).await;
            self.since = js_sys::Date::now();
        }
        if cancelled.get() {
            Err(DomainError::internal("the import was cancelled"))
        } else {
            Ok(())
        }
    }
}
