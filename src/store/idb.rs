//! The IndexedDB store: the only code in labbook that touches IndexedDB.
//!
//! Object stores (database version 1):
//! - `experiments`: key experiment id, value the JSON text of an [`ExperimentRecord`].
//! - `runs`: key run id, value `{e: experiment id, j: JSON text of a RunRecord}`, indexed by `e`.
//! - `series`: key `[run id, metric key]`, value the number of points in its history.
//! - `chunks`: key `[run id, metric key, chunk number]`, value `{s, t, v}`: steps and
//!   timestamps as `BigInt64Array`, values as `Float64Array`, up to [`CHUNK_POINTS`] points.
//! - `artifacts`: key `[run id, path]`, value `{b: Blob, n: size}`.
//!
//! Added in database version 3 (nothing to convert; older code must not read it):
//! - `chunks` also holds a chunk's tail: records keyed `[run id, metric key, chunk number,
//!   first point's index in the history]`, each with the few points appended at once. Chunk
//!   `n`'s points are its record `[run, key, n]` (if any), then its tail records in key
//!   order; every [`TAIL_POINTS`] points (and when the chunk is full) they are written back
//!   into the one record. So a point logged costs a small record, not the chunk's rewrite.
//!
//! Added in database version 2:
//! - `registered_models`: key model name, value the JSON text of a `RegisteredModelRecord`.
//! - `model_versions`: key `[model name, version]`, value the JSON text of a
//!   `ModelVersionRecord`.
//! - `logged_models`: key model id, value the JSON text of a `LoggedModelRecord`; a logged
//!   model's files are in `artifacts` under its id.
//!
//! Every write ([`Store::begin_write`]) is one read-write transaction over all of them: what it
//! reads, then what it changes. It commits only at the end, and an error anywhere drops the
//! transaction, which rolls it back. JavaScript
//! errors become [`DomainError`]s here and go no further.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use indexed_db_futures::{KeyPath, KeyRange};
use js_sys::{Array, BigInt64Array, Float64Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::record::{
    from_json, to_json, ExperimentRecord, LoggedModelRecord, ModelVersionRecord,
    RegisteredModelRecord, RunRecord,
};
use super::{Change, Progress, Records, References, Store, Write};
use crate::domain::{
    ArtifactFile, DomainError, Experiment, History, LoggedModel, Metric, ModelVersion,
    RegisteredModel, Run, StorageUse,
};

/// The IndexedDB schema version this code opens databases at.
pub const DB_VERSION: u32 = 3;
/// The most points one metric chunk record holds.
pub const CHUNK_POINTS: usize = 8192;
/// A chunk's tail records are written back into it every this many points; appends of at
/// least this many points go straight into the chunk record.
pub const TAIL_POINTS: usize = 128;

const EXPERIMENTS: &str = "experiments";
const RUNS: &str = "runs";
const RUNS_BY_EXPERIMENT: &str = "by_experiment";
const SERIES: &str = "series";
const CHUNKS: &str = "chunks";
const ARTIFACTS: &str = "artifacts";
const REGISTERED_MODELS: &str = "registered_models";
const MODEL_VERSIONS: &str = "model_versions";
const LOGGED_MODELS: &str = "logged_models";
const ALL_STORES: [&str; 8] = [
    EXPERIMENTS,
    RUNS,
    SERIES,
    CHUNKS,
    ARTIFACTS,
    REGISTERED_MODELS,
    MODEL_VERSIONS,
    LOGGED_MODELS,
];

/// How a write the browser refused for want of space begins; [`IdbStore::apply_tracked`]
/// adds how much is used to it.
const STORAGE_FULL: &str = "the browser refused to store more";

/// Turns an IndexedDB or JavaScript error into a message a user can act on.
/// Its words, never a debug dump; the kind of exception (which the words may not name) is
/// read from its debug form only to tell a full disk.
fn idb_error(context: &str, error: impl std::fmt::Display + std::fmt::Debug) -> DomainError {
    if format!("{error:?}").contains("QuotaExceeded") {
        DomainError::internal(format!("{STORAGE_FULL} ({context})"))
    } else {
        DomainError::internal(format!("{context}: IndexedDB failed: {error}"))
    }
}

/// Calls `navigator.storage.<method>()`, where the browser has it, and awaits its promise.
async fn ask_storage(method: &str) -> Option<JsValue> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).ok()?;
    let storage = Reflect::get(&navigator, &"storage".into())
        .ok()
        .filter(|storage| !storage.is_undefined() && !storage.is_null())?;
    let call: js_sys::Function = Reflect::get(&storage, &method.into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: js_sys::Promise = call.call0(&storage).ok()?.dyn_into().ok()?;
    JsFuture::from(promise).await.ok()
}

/// How much this origin stores and may store, if the browser says.
pub async fn storage_use() -> Option<StorageUse> {
    let estimate = ask_storage("estimate").await?;
    let field = |name: &str| Reflect::get(&estimate, &name.into()).ok()?.as_f64();
    Some(StorageUse {
        usage: field("usage")? as u64,
        quota: field("quota")? as u64,
    })
}

/// Whether the browser keeps this origin's data until the user deletes it (rather than
/// clearing it when space runs low).
pub async fn storage_persisted() -> bool {
    ask_storage("persisted")
        .await
        .and_then(|answer| answer.as_bool())
        .unwrap_or(false)
}

/// Asks the browser to keep this origin's data until the user deletes it; whether it agreed.
pub async fn ask_to_persist() -> bool {
    ask_storage("persist")
        .await
        .and_then(|answer| answer.as_bool())
        .unwrap_or(false)
}

fn js_error(context: &str, error: JsValue) -> DomainError {
    idb_error(context, js_error_text(&error))
}

/// The words of a JavaScript exception or rejection: an `Error`'s (or `DOMException`'s) name
/// and message, a thrown string as it is, anything else as JSON. Never a debug dump.
pub fn js_error_text(error: &JsValue) -> String {
    if let Some(e) = error.dyn_ref::<js_sys::Error>() {
        let (name, message) = (String::from(e.name()), String::from(e.message()));
        return match (name.as_str(), message.is_empty()) {
            ("Error" | "", false) => message,
            (_, false) => format!("{name}: {message}"),
            (_, true) => name,
        };
    }
    if let Some(text) = error.as_string() {
        return text;
    }
    js_sys::JSON::stringify(error)
        .ok()
        .and_then(|s| s.as_string())
        .filter(|s| s != "{}" && s != "undefined")
        .unwrap_or_else(|| "an unknown JavaScript error".to_owned())
}

/// Awaits a `get_all`/`get_all_keys` request built with `.primitive()`.
async fn all<F, I>(
    context: &str,
    request: indexed_db_futures::Result<F>,
) -> Result<Vec<JsValue>, DomainError>
where
    F: std::future::Future<Output = indexed_db_futures::Result<I>>,
    I: Iterator<Item = indexed_db_futures::Result<JsValue>>,
{
    request
        .map_err(|e| idb_error(context, e))?
        .await
        .map_err(|e| idb_error(context, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| idb_error(context, e))
}

/// Awaits a `get`/`get_key` request built with `.primitive()`.
async fn one<F>(
    context: &str,
    request: indexed_db_futures::Result<F>,
) -> Result<Option<JsValue>, DomainError>
where
    F: std::future::Future<Output = indexed_db_futures::Result<Option<JsValue>>>,
{
    request
        .map_err(|e| idb_error(context, e))?
        .await
        .map_err(|e| idb_error(context, e))
}

/// Writes `value` at `key` in `store`; the write completes with the transaction.
fn put(
    store: &indexed_db_futures::object_store::ObjectStore<'_>,
    key: JsValue,
    value: JsValue,
) -> Result<(), DomainError> {
    sent(
        "writing",
        store
            .put(value)
            .with_key(key)
            .without_key_type()
            .primitive(),
    )
}

/// Issues a request built with `.primitive()`; it completes with the transaction.
fn sent<T>(context: &str, request: indexed_db_futures::Result<T>) -> Result<(), DomainError> {
    request.map(drop).map_err(|e| idb_error(context, e))
}

/// Keeps experiments, runs, metric histories and artifacts in one IndexedDB database.
///
/// Every tab of the origin may open the same database. A write's reads and its changes are one
/// read-write transaction ([`IdbWrite`]), so a check and the write it guards are one step
/// across tabs. When
/// another tab opens the database at a newer version, this one closes it (so the upgrade is
/// not blocked) and says so on its next use and to [`IdbStore::when_replaced`]'s callback.
pub struct IdbStore {
    db: Database,
    replaced: Rc<Replaced>,
}

/// Told why, in words, when another tab takes the database away.
type Tell = Box<dyn Fn(String)>;

/// Whether another tab took the database away from this one, and whom to tell.
#[derive(Default)]
struct Replaced {
    why: Cell<Option<Why>>,
    tell: RefCell<Option<Tell>>,
}

#[derive(Debug, Clone, Copy)]
enum Why {
    /// A newer labbook opened it at its version.
    Upgraded,
    /// It was deleted (site data cleared, or a test).
    Deleted,
}

impl Replaced {
    /// Fails, in words, once the database was taken away.
    fn check(&self) -> Result<(), DomainError> {
        match self.why.get() {
            None => Ok(()),
            Some(Why::Upgraded) => Err(DomainError::internal(
                "labbook was opened in another tab at a newer version, which upgraded its database; this tab stopped using it so nothing is written twice. Reload this tab. Nothing was written.",
            )),
            Some(Why::Deleted) => Err(DomainError::internal(
                "labbook's database was deleted while this tab had it open (site data cleared, or erased in another tab). Reload this tab. Nothing was written.",
            )),
        }
    }
}

impl IdbStore {
    /// Opens (creating or upgrading as needed) the database called `name`.
    pub async fn open(name: &str) -> Result<IdbStore, DomainError> {
        IdbStore::open_or_wait(name, || {}).await
    }

    /// As [`IdbStore::open`], calling `waiting` if an upgrade must wait for a tab that keeps
    /// the database open at an older version (the open finishes once that tab lets go).
    pub async fn open_or_wait(
        name: &str,
        waiting: impl FnOnce() + 'static,
    ) -> Result<IdbStore, DomainError> {
        let db = Database::open(name)
            .with_version(DB_VERSION)
            .with_on_blocked(move |_| {
                waiting();
                Ok(())
            })
            .with_on_upgrade_needed(|event, db| {
                // Each step upgrades from the version before it, so a database of any older
                // version climbs through every step in order and loses nothing.
                let old = event.old_version() as u32;
                if old < 1 {
                    db.create_object_store(EXPERIMENTS).build()?;
                    let runs = db.create_object_store(RUNS).build()?;
                    runs.create_index(RUNS_BY_EXPERIMENT, KeyPath::One("e"))
                        .build()?;
                    db.create_object_store(SERIES).build()?;
                    db.create_object_store(CHUNKS).build()?;
                    db.create_object_store(ARTIFACTS).build()?;
                }
                if old < 2 {
                    db.create_object_store(REGISTERED_MODELS).build()?;
                    db.create_object_store(MODEL_VERSIONS).build()?;
                    db.create_object_store(LOGGED_MODELS).build()?;
                }
                // Version 3 reads chunks' tail records, which older code would miss: nothing
                // to convert, but older tabs must let go and older code must not open it.
                Ok(())
            })
            .await
            .map_err(|e| {
                let text = format!("{e:?}");
                if text.contains("VersionError") {
                    DomainError::internal(format!(
                        "database '{name}' was written by a newer version of labbook than this one (which reads up to version {DB_VERSION}); nothing in it was changed. Reload to get the newer version"
                    ))
                } else {
                    idb_error(&format!("opening database '{name}'"), e)
                }
            })?;
        let replaced = Rc::new(Replaced::default());
        let mut changes = db
            .version_changes()
            .map_err(|e| idb_error(&format!("opening database '{name}'"), e))?;
        let watching = Rc::clone(&replaced);
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(change) = changes.recv().await {
                changes.db().clone().close();
                watching.why.set(Some(match change.new_version() {
                    Some(_) => Why::Upgraded,
                    None => Why::Deleted,
                }));
                if let (Some(tell), Err(why)) = (watching.tell.borrow().as_ref(), watching.check())
                {
                    tell(why.message);
                }
            }
        });
        Ok(IdbStore { db, replaced })
    }

    /// Calls `tell`, with why in words, when a newer labbook in another tab takes the
    /// database over or it is deleted (this tab then no longer reads or writes it).
    pub fn when_replaced(&self, tell: impl Fn(String) + 'static) {
        *self.replaced.tell.borrow_mut() = Some(Box::new(tell));
    }

    /// Deletes the database called `name` (used by tests and by "erase everything").
    pub async fn delete(name: &str) -> Result<(), DomainError> {
        Database::delete_by_name(name)
            .map_err(|e| idb_error(&format!("deleting database '{name}'"), e))?
            .await
            .map_err(|e| idb_error(&format!("deleting database '{name}'"), e))
    }

    fn transaction(
        &self,
        stores: &[&str],
        mode: TransactionMode,
    ) -> Result<Transaction<'_>, DomainError> {
        self.replaced.check()?;
        self.db
            .transaction(stores.to_vec())
            .with_mode(mode)
            .build()
            .map_err(|e| idb_error("starting a transaction", e))
    }
}

fn key2(a: &str, b: &str) -> JsValue {
    Array::of2(&a.into(), &b.into()).into()
}

fn key3(a: &str, b: &str, n: f64) -> JsValue {
    Array::of3(&a.into(), &b.into(), &n.into()).into()
}

fn key4(a: &str, b: &str, n: f64, m: f64) -> JsValue {
    Array::of4(&a.into(), &b.into(), &n.into(), &m.into()).into()
}

fn get_field(object: &JsValue, name: &str) -> Result<JsValue, DomainError> {
    Reflect::get(object, &name.into()).map_err(|e| js_error("reading a stored record", e))
}

fn set_field(object: &Object, name: &str, value: &JsValue) -> Result<(), DomainError> {
    Reflect::set(object, &name.into(), value)
        .map(drop)
        .map_err(|e| js_error("building a record", e))
}

/// One chunk of a metric history as stored: steps and timestamps as `BigInt64Array`s, values
/// as a `Float64Array`.
fn chunk_to_js(chunk: &History) -> Result<JsValue, DomainError> {
    let object = Object::new();
    set_field(&object, "s", &BigInt64Array::from(chunk.steps()).into())?;
    set_field(
        &object,
        "t",
        &BigInt64Array::from(chunk.timestamps()).into(),
    )?;
    set_field(&object, "v", &Float64Array::from(chunk.values()).into())?;
    Ok(object.into())
}

/// How many points a stored chunk or tail record holds.
fn record_len(value: &JsValue) -> Result<usize, DomainError> {
    get_field(value, "v")?
        .dyn_into::<Float64Array>()
        .map(|values| values.length() as usize)
        .map_err(|_| DomainError::internal("a stored metric chunk is damaged"))
}

/// The points of a stored chunk from its `skip`th on.
fn chunk_from_js(value: &JsValue, skip: usize) -> Result<History, DomainError> {
    let damaged = || DomainError::internal("a stored metric chunk is damaged");
    let bigints = |name: &str| -> Result<Vec<i64>, DomainError> {
        let all = get_field(value, name)?
            .dyn_into::<BigInt64Array>()
            .map_err(|_| damaged())?;
        Ok(all.subarray(skip as u32, all.length()).to_vec())
    };
    let values = get_field(value, "v")?
        .dyn_into::<Float64Array>()
        .map_err(|_| damaged())?;
    Ok(History::of_columns(
        bigints("s")?,
        bigints("t")?,
        values.subarray(skip as u32, values.length()).to_vec(),
    ))
}

/// Every record of a store of JSON texts, decoded, in key order.
async fn read_records<R: for<'de> serde::Deserialize<'de>, T>(
    tx: &Transaction<'_>,
    store_name: &str,
    what: &str,
    into_domain: impl Fn(R) -> Result<T, DomainError>,
) -> Result<Vec<T>, DomainError> {
    let context = format!("reading {what}s");
    let store = tx
        .object_store(store_name)
        .map_err(|e| idb_error(&context, e))?;
    let values = all(&context, store.get_all().primitive()).await?;
    values
        .into_iter()
        .map(|v| {
            let text = v.as_string().unwrap_or_default();
            into_domain(from_json::<R>(what, "?", &text)?)
        })
        .collect()
}

/// The reads of [`Records`], over any transaction that covers their stores: a read's own, or
/// a write's.
mod read {
    use super::*;

    pub async fn experiments(tx: &Transaction<'_>) -> Result<Vec<Experiment>, DomainError> {
        read_records(tx, EXPERIMENTS, "experiment", |r: ExperimentRecord| {
            r.into_domain()
        })
        .await
    }

    pub async fn runs(
        tx: &Transaction<'_>,
        experiment_ids: &[String],
    ) -> Result<Vec<Run>, DomainError> {
        let store = tx
            .object_store(RUNS)
            .map_err(|e| idb_error("reading runs", e))?;
        let index = store
            .index(RUNS_BY_EXPERIMENT)
            .map_err(|e| idb_error("reading runs", e))?;
        let mut runs = Vec::new();
        for experiment_id in experiment_ids {
            let values = all(
                "reading runs",
                index
                    .get_all()
                    .with_query::<JsValue, _>(KeyRange::Only(JsValue::from(experiment_id.as_str())))
                    .primitive(),
            )
            .await?;
            for value in values {
                runs.push(run_from_js(&value)?);
            }
        }
        Ok(runs)
    }

    pub async fn run(tx: &Transaction<'_>, run_id: &str) -> Result<Option<Run>, DomainError> {
        let store = tx
            .object_store(RUNS)
            .map_err(|e| idb_error("reading a run", e))?;
        let value = one(
            "reading a run",
            store.get(JsValue::from(run_id)).primitive(),
        )
        .await?;
        value.map(|v| run_from_js(&v)).transpose()
    }

    pub async fn registered_models(
        tx: &Transaction<'_>,
    ) -> Result<Vec<RegisteredModel>, DomainError> {
        read_records(
            tx,
            REGISTERED_MODELS,
            "registered model",
            |r: RegisteredModelRecord| r.into_domain(),
        )
        .await
    }

    pub async fn model_versions(tx: &Transaction<'_>) -> Result<Vec<ModelVersion>, DomainError> {
        read_records(
            tx,
            MODEL_VERSIONS,
            "model version",
            |r: ModelVersionRecord| r.into_domain(),
        )
        .await
    }

    pub async fn logged_models(tx: &Transaction<'_>) -> Result<Vec<LoggedModel>, DomainError> {
        read_records(tx, LOGGED_MODELS, "logged model", |r: LoggedModelRecord| {
            r.into_domain()
        })
        .await
    }
}

impl Records for IdbStore {
    async fn experiments(&self) -> Result<Vec<Experiment>, DomainError> {
        read::experiments(&self.transaction(&[EXPERIMENTS], TransactionMode::Readonly)?).await
    }

    async fn runs(&self, experiment_ids: &[String]) -> Result<Vec<Run>, DomainError> {
        read::runs(
            &self.transaction(&[RUNS], TransactionMode::Readonly)?,
            experiment_ids,
        )
        .await
    }

    async fn run(&self, run_id: &str) -> Result<Option<Run>, DomainError> {
        read::run(
            &self.transaction(&[RUNS], TransactionMode::Readonly)?,
            run_id,
        )
        .await
    }

    async fn registered_models(&self) -> Result<Vec<RegisteredModel>, DomainError> {
        read::registered_models(&self.transaction(&[REGISTERED_MODELS], TransactionMode::Readonly)?)
            .await
    }

    async fn model_versions(&self) -> Result<Vec<ModelVersion>, DomainError> {
        read::model_versions(&self.transaction(&[MODEL_VERSIONS], TransactionMode::Readonly)?).await
    }

    async fn logged_models(&self) -> Result<Vec<LoggedModel>, DomainError> {
        read::logged_models(&self.transaction(&[LOGGED_MODELS], TransactionMode::Readonly)?).await
    }
}

/// A write under way: one read-write transaction over every object store, so what it reads
/// and what it writes are one step for every connection to the database (IndexedDB runs
/// read-write transactions of overlapping scope one after another, in every tab). It
/// remembers what its reads found, so the integrity check of its changes does not read it
/// again.
pub struct IdbWrite<'a> {
    tx: Transaction<'a>,
    found: RefCell<Found>,
}

/// What a write's reads found: runs (with their experiments) and experiments.
#[derive(Default)]
struct Found {
    runs: HashSet<String>,
    experiments: HashSet<String>,
}

impl Found {
    fn runs<'r>(&mut self, runs: impl IntoIterator<Item = &'r Run>) {
        for run in runs {
            self.runs.insert(run.info.run_id.clone());
            self.experiments.insert(run.info.experiment_id.clone());
        }
    }
}

impl Records for IdbWrite<'_> {
    async fn experiments(&self) -> Result<Vec<Experiment>, DomainError> {
        let experiments = read::experiments(&self.tx).await?;
        self.found
            .borrow_mut()
            .experiments
            .extend(experiments.iter().map(|e| e.experiment_id.clone()));
        Ok(experiments)
    }

    async fn runs(&self, experiment_ids: &[String]) -> Result<Vec<Run>, DomainError> {
        let runs = read::runs(&self.tx, experiment_ids).await?;
        self.found.borrow_mut().runs(&runs);
        Ok(runs)
    }

    async fn run(&self, run_id: &str) -> Result<Option<Run>, DomainError> {
        let run = read::run(&self.tx, run_id).await?;
        self.found.borrow_mut().runs(&run);
        Ok(run)
    }

    async fn registered_models(&self) -> Result<Vec<RegisteredModel>, DomainError> {
        read::registered_models(&self.tx).await
    }

    async fn model_versions(&self) -> Result<Vec<ModelVersion>, DomainError> {
        read::model_versions(&self.tx).await
    }

    async fn logged_models(&self) -> Result<Vec<LoggedModel>, DomainError> {
        read::logged_models(&self.tx).await
    }
}

impl Write for IdbWrite<'_> {
    async fn apply_tracked(
        self,
        changes: Vec<Change>,
        progress: Progress<'_>,
    ) -> Result<(), DomainError> {
        match self.write(changes, progress).await {
            Err(e) if e.message.starts_with(STORAGE_FULL) => {
                let used = storage_use()
                    .await
                    .map(|u| format!(": {}", u.describe()))
                    .unwrap_or_default();
                Err(DomainError::internal(format!(
                    "{STORAGE_FULL}{used}. Free disk space, or export and delete old experiments, then try again. Nothing was written."
                )))
            }
            done => done,
        }
    }
}

impl Store for IdbStore {
    type Write<'a> = IdbWrite<'a>;

    async fn begin_write(&self) -> Result<IdbWrite<'_>, DomainError> {
        Ok(IdbWrite {
            tx: self.transaction(&ALL_STORES, TransactionMode::Readwrite)?,
            found: RefCell::default(),
        })
    }

    async fn metric_history(
        &self,
        run_id: &str,
        key: &str,
        from: usize,
    ) -> Result<History, DomainError> {
        const READING: &str = "reading a metric history";
        let tx = self.transaction(&[CHUNKS], TransactionMode::Readonly)?;
        let store = tx.object_store(CHUNKS).map_err(|e| idb_error(READING, e))?;
        let chunk = (from / CHUNK_POINTS) as f64;
        // Read from chunk `from` falls in, or from the tail record it falls in (a reader
        // following the end of a history then reads a few points, not the chunk).
        let mut start = (key3(run_id, key, chunk), from - from % CHUNK_POINTS);
        if !from.is_multiple_of(CHUNK_POINTS) {
            let tails = all(
                READING,
                store
                    .get_all_keys()
                    .with_query::<JsValue, _>(tail_range(run_id, key, chunk))
                    .primitive(),
            )
            .await?;
            if let Some(first) = tails
                .iter()
                .rev()
                .map(|k| Array::from(k).get(3).as_f64().unwrap_or(f64::INFINITY) as usize)
                .find(|&first| first <= from)
            {
                start = (key4(run_id, key, chunk, first as f64), first);
            }
        }
        let records = all(
            READING,
            store
                .get_all()
                .with_query::<JsValue, _>(KeyRange::Bound(
                    start.0,
                    false,
                    key3(run_id, key, f64::INFINITY),
                    false,
                ))
                .primitive(),
        )
        .await?;
        let mut skip = from - start.1;
        let mut history = History::default();
        for value in &records {
            let points = chunk_from_js(value, skip)?;
            skip -= skip.min(record_len(value)?);
            history.append(&points);
        }
        Ok(history)
    }

    async fn artifacts(&self, run_id: &str) -> Result<Vec<ArtifactFile>, DomainError> {
        let tx = self.transaction(&[ARTIFACTS], TransactionMode::Readonly)?;
        let store = tx
            .object_store(ARTIFACTS)
            .map_err(|e| idb_error("listing artifacts", e))?;
        let range = run_range(run_id);
        let keys = all(
            "listing artifacts",
            store
                .get_all_keys()
                .with_query::<JsValue, _>(range.clone())
                .primitive(),
        )
        .await?;
        let values = all(
            "listing artifacts",
            store.get_all().with_query::<JsValue, _>(range).primitive(),
        )
        .await?;
        keys.iter()
            .zip(&values)
            .map(|(key, value)| {
                let path = Array::from(key).get(1).as_string().unwrap_or_default();
                let size = get_field(value, "n")?.as_f64().unwrap_or(0.0) as u64;
                Ok(ArtifactFile { path, size })
            })
            .collect()
    }

    async fn artifact(&self, run_id: &str, path: &str) -> Result<Option<Vec<u8>>, DomainError> {
        let tx = self.transaction(&[ARTIFACTS], TransactionMode::Readonly)?;
        let store = tx
            .object_store(ARTIFACTS)
            .map_err(|e| idb_error("reading an artifact", e))?;
        let value = one(
            "reading an artifact",
            store.get(key2(run_id, path)).primitive(),
        )
        .await?;
        drop(tx);
        let Some(value) = value else {
            return Ok(None);
        };
        let blob: web_sys::Blob = get_field(&value, "b")?
            .dyn_into()
            .map_err(|_| DomainError::internal(format!("stored artifact {path} is damaged")))?;
        let buffer = JsFuture::from(blob.array_buffer())
            .await
            .map_err(|e| js_error("reading an artifact's bytes", e))?;
        Ok(Some(Uint8Array::new(&buffer).to_vec()))
    }
}

impl IdbWrite<'_> {
    /// [`Write::apply_tracked`]: every change, in the write's transaction.
    async fn write(self, changes: Vec<Change>, progress: Progress<'_>) -> Result<(), DomainError> {
        const WRITING: &str = "writing";
        let total = changes.len();
        let mut done = 0;
        progress(done, total)?;
        let tx = self.tx;
        let open = |name: &str| tx.object_store(name).map_err(|e| idb_error(WRITING, e));
        let (experiments, runs, series, chunks, artifacts) = (
            open(EXPERIMENTS)?,
            open(RUNS)?,
            open(SERIES)?,
            open(CHUNKS)?,
            open(ARTIFACTS)?,
        );
        let (registered_models, model_versions, logged_models) = (
            open(REGISTERED_MODELS)?,
            open(MODEL_VERSIONS)?,
            open(LOGGED_MODELS)?,
        );

        // What the write's reads found is there; the rest of what the changes refer to is
        // looked up.
        let references = References::of(&changes);
        let known = self.found.into_inner();
        let mut found_experiments = known.experiments;
        for id in &references.experiments {
            if !found_experiments.contains(id)
                && one(
                    WRITING,
                    experiments.get_key(JsValue::from(id.as_str())).primitive(),
                )
                .await?
                .is_some()
            {
                found_experiments.insert(id.clone());
            }
        }
        let mut found_runs = known.runs;
        for id in &references.runs {
            // Artifacts may belong to a logged model rather than a run.
            let owners = if id.starts_with("m-") {
                &logged_models
            } else {
                &runs
            };
            if !found_runs.contains(id)
                && one(
                    WRITING,
                    owners.get_key(JsValue::from(id.as_str())).primitive(),
                )
                .await?
                .is_some()
            {
                found_runs.insert(id.clone());
            }
        }
        references.check(
            |id| found_experiments.contains(id),
            |id| found_runs.contains(id),
        )?;

        // Points per series, in the order logged, so each series is written once; with the
        // number of changes that brought them, for progress.
        let mut appended: BTreeMap<(String, String), (Vec<Metric>, usize)> = BTreeMap::new();
        let mut checkpoint = Checkpoint::new();
        for change in changes {
            if !matches!(change, Change::AppendMetrics { .. }) {
                done += 1;
            }
            checkpoint
                .maybe(&experiments, progress, done, total)
                .await?;
            match change {
                Change::PutExperiment(experiment) => {
                    let text = to_json(&ExperimentRecord::from(&experiment));
                    put(
                        &experiments,
                        JsValue::from(experiment.experiment_id.as_str()),
                        JsValue::from(text),
                    )?;
                }
                Change::PutRun(run) => {
                    let object = Object::new();
                    set_field(&object, "e", &run.info.experiment_id.as_str().into())?;
                    set_field(&object, "j", &to_json(&RunRecord::from(&run)).into())?;
                    put(
                        &runs,
                        JsValue::from(run.info.run_id.as_str()),
                        JsValue::from(object),
                    )?;
                }
                Change::PutRegisteredModel(model) => {
                    let text = to_json(&RegisteredModelRecord::from(&model));
                    put(
                        &registered_models,
                        JsValue::from(model.name.as_str()),
                        JsValue::from(text),
                    )?;
                }
                Change::PutLoggedModel(model) => {
                    let text = to_json(&LoggedModelRecord::from(&model));
                    put(
                        &logged_models,
                        JsValue::from(model.model_id.as_str()),
                        JsValue::from(text),
                    )?;
                }
                Change::PutModelVersion(version) => {
                    let text = to_json(&ModelVersionRecord::from(&version));
                    let key: JsValue = Array::of2(
                        &version.name.as_str().into(),
                        &(version.version as f64).into(),
                    )
                    .into();
                    put(&model_versions, key, JsValue::from(text))?;
                }
                Change::DeleteRegisteredModel { name } => {
                    sent(
                        WRITING,
                        registered_models
                            .delete::<JsValue, _>(JsValue::from(name.as_str()))
                            .primitive(),
                    )?;
                }
                Change::DeleteModelVersion { name, version } => {
                    let key: JsValue =
                        Array::of2(&name.as_str().into(), &(version as f64).into()).into();
                    sent(
                        WRITING,
                        model_versions.delete::<JsValue, _>(key).primitive(),
                    )?;
                }
                Change::ClearMetrics { run_id } => {
                    appended.retain(|(run, _), _| *run != run_id);
                    let range = run_range(&run_id);
                    sent(
                        WRITING,
                        series.delete::<JsValue, _>(range.clone()).primitive(),
                    )?;
                    sent(WRITING, chunks.delete::<JsValue, _>(range).primitive())?;
                }
                Change::AppendMetrics { run_id, points } => {
                    let mut keys_seen: Vec<&str> = Vec::new();
                    for point in &points {
                        if !keys_seen.contains(&point.key.as_str()) {
                            keys_seen.push(&point.key);
                        }
                    }
                    // The change counts as done with the first of its series.
                    if let Some(first) = keys_seen.first() {
                        appended
                            .entry((run_id.clone(), (*first).to_owned()))
                            .or_default()
                            .1 += 1;
                    }
                    for point in points {
                        appended
                            .entry((run_id.clone(), point.key.clone()))
                            .or_default()
                            .0
                            .push(point);
                    }
                }
                Change::PutArtifact {
                    run_id,
                    path,
                    bytes,
                } => {
                    let parts = Array::of1(&Uint8Array::from(&bytes[..]));
                    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)
                        .map_err(|e| js_error(WRITING, e))?;
                    let object = Object::new();
                    set_field(&object, "b", &blob)?;
                    set_field(&object, "n", &(bytes.len() as f64).into())?;
                    put(&artifacts, key2(&run_id, &path), JsValue::from(object))?;
                }
            }
        }

        for ((run_id, key), (points, changes_done)) in appended {
            done += changes_done;
            checkpoint
                .maybe(&experiments, progress, done, total)
                .await?;
            let count = one(WRITING, series.get(key2(&run_id, &key)).primitive()).await?;
            let count = count.and_then(|c| c.as_f64()).unwrap_or(0.0) as usize;
            let mut at = count;
            for part in chunk_parts(count, &points) {
                let chunk = (at / CHUNK_POINTS) as f64;
                let part = History::of_points(part);
                let within = at % CHUNK_POINTS;
                let filled = within + part.len();
                if within == 0 {
                    // A chunk's first points: its record.
                    put_chunk(&chunks, &run_id, &key, chunk, &part)?;
                } else if part.len() >= TAIL_POINTS || filled == CHUNK_POINTS {
                    // A big append, or the chunk's last points: the chunk in one record.
                    let (mut whole, tails) = read_chunk(&chunks, &run_id, &key, chunk).await?;
                    whole.append(&part);
                    if tails {
                        fold_chunk(&chunks, &run_id, &key, chunk, &whole)?;
                    } else {
                        put_chunk(&chunks, &run_id, &key, chunk, &whole)?;
                    }
                } else {
                    put(
                        &chunks,
                        key4(&run_id, &key, chunk, at as f64),
                        chunk_to_js(&part)?,
                    )?;
                    if filled / TAIL_POINTS > within / TAIL_POINTS {
                        let (whole, _) = read_chunk(&chunks, &run_id, &key, chunk).await?;
                        fold_chunk(&chunks, &run_id, &key, chunk, &whole)?;
                    }
                }
                at += part.len();
            }
            put(&series, key2(&run_id, &key), JsValue::from(at as f64))?;
        }

        tx.commit().await.map_err(|e| idb_error(WRITING, e))?;
        progress(total, total)
    }
}

/// Every key of a run in a store keyed `[run id, ...]`.
fn run_range(run_id: &str) -> KeyRange<JsValue> {
    KeyRange::Bound(
        Array::of1(&run_id.into()).into(),
        false,
        Array::of2(&run_id.into(), &Array::new()).into(),
        false,
    )
}

/// Lets a long transaction breathe: every few tens of milliseconds it waits for the requests
/// issued so far (the page stays responsive meanwhile) and reports progress.
struct Checkpoint {
    last: f64,
}

impl Checkpoint {
    const EVERY_MS: f64 = 30.0;

    fn new() -> Checkpoint {
        Checkpoint {
            last: js_sys::Date::now(),
        }
    }

    async fn maybe(
        &mut self,
        any_store: &indexed_db_futures::object_store::ObjectStore<'_>,
        progress: Progress<'_>,
        done: usize,
        total: usize,
    ) -> Result<(), DomainError> {
        if js_sys::Date::now() - self.last < Self::EVERY_MS {
            return Ok(());
        }
        // Requests run in order, so this one finishes after every write issued before it.
        one("writing", any_store.get(JsValue::from("")).primitive()).await?;
        self.last = js_sys::Date::now();
        progress(done, total)
    }
}

/// Writes chunk `chunk` of a history as one record (it has no tail records).
fn put_chunk(
    chunks: &indexed_db_futures::object_store::ObjectStore<'_>,
    run_id: &str,
    key: &str,
    chunk: f64,
    points: &History,
) -> Result<(), DomainError> {
    put(chunks, key3(run_id, key, chunk), chunk_to_js(points)?)
}

/// Writes chunk `chunk` of a history as one record, its tail records gone.
fn fold_chunk(
    chunks: &indexed_db_futures::object_store::ObjectStore<'_>,
    run_id: &str,
    key: &str,
    chunk: f64,
    points: &History,
) -> Result<(), DomainError> {
    put_chunk(chunks, run_id, key, chunk, points)?;
    sent(
        "writing",
        chunks
            .delete::<JsValue, _>(tail_range(run_id, key, chunk))
            .primitive(),
    )
}

/// Every point of chunk `chunk` of a history, which has points already (so its record is
/// there, written with its first points), and whether it has tail records after it.
async fn read_chunk(
    chunks: &indexed_db_futures::object_store::ObjectStore<'_>,
    run_id: &str,
    key: &str,
    chunk: f64,
) -> Result<(History, bool), DomainError> {
    let records = all(
        "writing",
        chunks
            .get_all()
            .with_query::<JsValue, _>(KeyRange::Bound(
                key3(run_id, key, chunk),
                false,
                key4(run_id, key, chunk, f64::INFINITY),
                false,
            ))
            .primitive(),
    )
    .await?;
    let mut points = History::default();
    for value in &records {
        points.append(&chunk_from_js(value, 0)?);
    }
    Ok((points, records.len() > 1))
}

/// The keys of the tail records of chunk `chunk` of a history.
fn tail_range(run_id: &str, key: &str, chunk: f64) -> KeyRange<JsValue> {
    KeyRange::Bound(
        key4(run_id, key, chunk, f64::NEG_INFINITY),
        false,
        key4(run_id, key, chunk, f64::INFINITY),
        false,
    )
}

/// `points` appended to a history of `count` points, cut where chunks end.
fn chunk_parts(count: usize, points: &[Metric]) -> Vec<&[Metric]> {
    let mut parts = Vec::new();
    let (mut at, mut rest) = (count, points);
    while !rest.is_empty() {
        let take = (CHUNK_POINTS - at % CHUNK_POINTS).min(rest.len());
        parts.push(&rest[..take]);
        rest = &rest[take..];
        at += take;
    }
    parts
}

fn run_from_js(value: &JsValue) -> Result<Run, DomainError> {
    let text = get_field(value, "j")?.as_string().unwrap_or_default();
    from_json::<RunRecord>("run", "?", &text)?.into_domain()
}
