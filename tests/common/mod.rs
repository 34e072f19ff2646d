//! What the native test files share: the MLflow fixtures beside the checkout, a fresh tracker
//! over `MemStore`, an import, and calls to the REST API. Each test file uses some of it.
#![allow(dead_code)] // Each test file is its own crate and uses only part of this module.

use std::path::{Path, PathBuf};

use futures::executor::block_on;
use labbook::api::{handle, ApiError};
use labbook::codec::archive::{Limits, SourceFile, ZipReader};
use labbook::domain::Snapshot;
use labbook::store::import::ImportReport;
use labbook::store::{MemStore, Tracker};
use serde_json::Value;

/// `../shared/fixtures`: the data real MLflow wrote.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

/// The bytes of fixture file `path` (relative to [`fixtures`]).
pub fn fixture_bytes(path: &str) -> Vec<u8> {
    let full = fixtures().join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// Fixture file `path` read as JSON.
pub fn fixture_json(path: &str) -> Value {
    serde_json::from_slice(&fixture_bytes(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The files of zip `bytes`, as an import reads them; the zip is called `name`.
pub fn unzip(name: &str, bytes: Vec<u8>) -> Vec<SourceFile> {
    ZipReader::open(name, bytes, Limits::default())
        .unwrap()
        .into_files()
        .unwrap()
}

/// The files of fixture zip `path`.
pub fn fixture_zip(path: &str) -> Vec<SourceFile> {
    unzip(path, fixture_bytes(path))
}

/// An empty tracker over memory, with MLflow's `Default` experiment.
pub fn tracker() -> Tracker<MemStore> {
    let tracker = Tracker::new(MemStore::new());
    block_on(tracker.ensure_default_experiment()).unwrap();
    tracker
}

/// Imports `snapshot` into `tracker`, without progress or cancelling.
pub fn import(tracker: &Tracker<MemStore>, snapshot: Snapshot) -> ImportReport {
    block_on(tracker.import(snapshot, &mut |_, _| Ok(()))).unwrap()
}

/// A fresh tracker with `snapshot` imported.
pub fn imported(snapshot: Snapshot) -> Tracker<MemStore> {
    let tracker = tracker();
    import(&tracker, snapshot);
    tracker
}

/// Calls the REST API; a null `body` is no body.
pub fn call(
    tracker: &Tracker<MemStore>,
    method: &str,
    path: &str,
    body: Value,
) -> Result<Value, ApiError> {
    let body = (!body.is_null()).then_some(body);
    block_on(handle(tracker, method, path, body))
}

/// Calls the REST API and expects an answer, not an error.
pub fn rest(tracker: &Tracker<MemStore>, method: &str, path: &str, body: Value) -> Value {
    call(tracker, method, path, body).unwrap_or_else(|e| panic!("{method} {path}: {e:?}"))
}
