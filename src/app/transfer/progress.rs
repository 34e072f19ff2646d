//! Where an import has got to and how it ended (a report, a failure in words, or a cancel),
//! and the pacing that keeps the page responsive while it decodes.

use std::cell::Cell;

use gloo::timers::future::TimeoutFuture;

use crate::domain::DomainError;
use crate::store::import::ImportReport;

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
