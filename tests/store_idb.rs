//! `IdbStore` in headless Chromium: the conformance suite, upgrading a database written by
//! schema version 1, and a failed write leaving nothing behind. Each test opens a database
//! with a fresh random name.
#![cfg(target_arch = "wasm32")]

mod conformance;

use labbook::domain::{LifecycleStage, RunStatus, Stage, ViewType};
use labbook::store::idb::IdbStore;
use labbook::store::{Store, Tracker};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_name() -> String {
    format!("labbook-test-{}", uuid::Uuid::new_v4().simple())
}

async fn fresh() -> IdbStore {
    IdbStore::open(&fresh_name()).await.unwrap()
}

macro_rules! idb_cases {
    ($($case:ident),* $(,)?) => {
        $(
            #[wasm_bindgen_test]
            async fn $case() {
                conformance::$case(fresh().await).await;
            }
        )*
    };
}

for_each_case!(idb_cases);

// A frozen copy of what schema version 1 writes, in plain IndexedDB calls, independent of
// the Rust code: if a later version changes the layout, this database must still open.
#[wasm_bindgen(inline_js = r#"
export function write_v1_database(name) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore("experiments");
      db.createObjectStore("runs").createIndex("by_experiment", "e");
      db.createObjectStore("series");
      db.createObjectStore("chunks");
      db.createObjectStore("artifacts");
    };
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(["experiments", "runs", "series", "chunks", "artifacts"], "readwrite");
      tx.objectStore("experiments").put(JSON.stringify({
        v: 1, id: "0", name: "Default", artifact_location: "mlflow-artifacts:/0",
        lifecycle: "active", created: 1000, updated: 1000, tags: []
      }), "0");
      tx.objectStore("experiments").put(JSON.stringify({
        v: 1, id: "1", name: "old-experiment", artifact_location: "mlflow-artifacts:/1",
        lifecycle: "active", created: 2000, updated: 2500,
        tags: [["mlflow.note.content", "written by v1"]]
      }), "1");
      const run = {
        v: 1, id: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", experiment_id: "1", name: "old-run",
        user: "alice", status: "FINISHED", start: 3000, end: 4000,
        artifact_uri: "mlflow-artifacts:/1/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/artifacts",
        lifecycle: "active", params: [["lr", "0.1"]],
        tags: [["mlflow.runName", "old-run"]],
        metrics: [{key: "loss", value: "NaN", timestamp: 3500, step: 2}],
        inputs: []
      };
      tx.objectStore("runs").put({e: "1", j: JSON.stringify(run)}, run.id);
      tx.objectStore("series").put(3, [run.id, "loss"]);
      tx.objectStore("chunks").put({
        s: new BigInt64Array([0n, 1n, 2n]),
        t: new BigInt64Array([3100n, 3200n, 3500n]),
        v: new Float64Array([1.5, Infinity, NaN])
      }, [run.id, "loss", 0]);
      tx.objectStore("artifacts").put({b: new Blob(["hello v1"]), n: 8}, [run.id, "notes/readme.txt"]);
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn write_v1_database(name: &str) -> Result<JsValue, JsValue>;
}

// A frozen copy of what schema version 2 writes: version 1's stores and the registry's, a
// registered model with a version, and a history whose last chunk is partial (version 2
// rewrote it on every append; version 3 adds tail records after it).
#[wasm_bindgen(inline_js = r#"
export function write_v2_database(name) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name, 2);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore("experiments");
      db.createObjectStore("runs").createIndex("by_experiment", "e");
      for (const store of ["series", "chunks", "artifacts", "registered_models", "model_versions", "logged_models"]) {
        db.createObjectStore(store);
      }
    };
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(Array.from(db.objectStoreNames), "readwrite");
      tx.objectStore("experiments").put(JSON.stringify({
        v: 1, id: "1", name: "taxi", artifact_location: "mlflow-artifacts:/1",
        lifecycle: "active", created: 2000, updated: 2000, tags: []
      }), "1");
      const id = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
      const run = {
        v: 1, id, experiment_id: "1", name: "fit", user: "bo", status: "RUNNING", start: 3000,
        end: null, artifact_uri: "mlflow-artifacts:/1/" + id + "/artifacts", lifecycle: "active",
        params: [], tags: [["mlflow.runName", "fit"]],
        metrics: [{key: "loss", value: 0.5, timestamp: 8191, step: 8191}], inputs: []
      };
      tx.objectStore("runs").put({e: "1", j: JSON.stringify(run)}, id);
      const full = (n, first) => ({
        s: BigInt64Array.from({length: n}, (_, i) => BigInt(first + i)),
        t: BigInt64Array.from({length: n}, (_, i) => BigInt(first + i)),
        v: Float64Array.from({length: n}, (_, i) => (first + i) / 2)
      });
      tx.objectStore("chunks").put(full(8192, 0), [id, "loss", 0]);
      tx.objectStore("chunks").put(full(10, 8192), [id, "loss", 1]);
      tx.objectStore("series").put(8202, [id, "loss"]);
      tx.objectStore("registered_models").put(JSON.stringify({
        v: 1, name: "taxi-model", created: 4000, updated: 4100, description: "v2 model",
        tags: [["team", "ml"]], aliases: [["champion", 1]], last_version: 1
      }), "taxi-model");
      tx.objectStore("model_versions").put(JSON.stringify({
        v: 1, name: "taxi-model", version: 1, created: 4000, updated: 4100, stage: "Production",
        description: "", user: "bo", source: "runs:/" + id + "/model", run_id: id, run_link: "",
        status: "READY", status_message: "", tags: [], model_id: null,
        stage_history: [["None", "Production", 4100]]
      }), ["taxi-model", 1]);
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn write_v2_database(name: &str) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen_test]
async fn opens_a_version_2_database_with_nothing_lost() {
    let name = fresh_name();
    write_v2_database(&name).await.unwrap();
    let tracker = Tracker::new(IdbStore::open(&name).await.unwrap());
    let model = tracker.registered_model("taxi-model").await.unwrap();
    assert_eq!(model.description, "v2 model");
    assert_eq!(model.aliases, [("champion".to_owned(), 1)]);
    let version = tracker.model_version("taxi-model", 1).await.unwrap();
    assert_eq!(version.current_stage, Stage::Production);
    assert_eq!(version.stage_history.len(), 1);
    // The next version number follows the one version 2 gave.
    let next = tracker
        .create_model_version(labbook::store::NewModelVersion {
            name: "taxi-model".into(),
            source: "runs:/x/model".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(next.version, 2);
    // The history's partial last chunk, then points logged by this version after it.
    let run_id = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    for step in 8202..8205 {
        tracker
            .log_batch(
                run_id,
                labbook::domain::LogBatch {
                    metrics: vec![labbook::domain::Metric {
                        key: "loss".to_owned(),
                        value: step as f64 / 2.0,
                        timestamp: step,
                        step,
                    }],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    let history = tracker.metric_history(run_id, "loss").await.unwrap();
    assert_eq!(history.len(), 8205);
    assert!(history
        .iter()
        .enumerate()
        .all(|(i, p)| p.step == i as i64 && p.value == i as f64 / 2.0));
    for from in [8191, 8192, 8201, 8202, 8204, 8205] {
        let rest = tracker
            .metric_history_from(run_id, "loss", from)
            .await
            .unwrap()
            .to_metrics("loss");
        assert_eq!(rest, history[from..], "from {from}");
    }
}

#[wasm_bindgen_test]
async fn opens_a_version_1_database_with_nothing_lost() {
    let name = fresh_name();
    write_v1_database(&name).await.unwrap();
    let tracker = Tracker::new(IdbStore::open(&name).await.unwrap());
    let experiments = tracker.experiments(ViewType::All).await.unwrap();
    assert_eq!(experiments.len(), 2);
    let old = tracker.experiment_by_name("old-experiment").await.unwrap();
    assert_eq!(old.description(), Some("written by v1"));
    assert_eq!(old.last_update_time, Some(2500));
    let run_id = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let run = tracker.run(run_id).await.unwrap();
    assert_eq!(run.info.status, RunStatus::Finished);
    assert_eq!(run.info.lifecycle_stage, LifecycleStage::Active);
    assert_eq!(run.param("lr"), Some("0.1"));
    assert!(run.latest_metric("loss").unwrap().value.is_nan());
    let history = tracker.metric_history(run_id, "loss").await.unwrap();
    let steps: Vec<i64> = history.iter().map(|m| m.step).collect();
    assert_eq!(steps, vec![0, 1, 2]);
    assert_eq!(history[1].value, f64::INFINITY);
    assert_eq!(history[2].timestamp, 3500);
    assert_eq!(
        tracker.artifact(run_id, "notes/readme.txt").await.unwrap(),
        b"hello v1".to_vec()
    );
    // And the upgraded database takes new writes after the old ones.
    tracker
        .log_batch(
            run_id,
            labbook::domain::LogBatch {
                metrics: vec![labbook::domain::Metric {
                    key: "loss".to_owned(),
                    value: 0.25,
                    timestamp: 5000,
                    step: 3,
                }],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let history = tracker.metric_history(run_id, "loss").await.unwrap();
    assert_eq!(history.len(), 4);
    assert_eq!(history[3].value, 0.25);
    // The new point sits in a tail record after the old partial chunk: read from within both.
    for from in [2, 3, 4] {
        let rest = tracker
            .metric_history_from(run_id, "loss", from)
            .await
            .unwrap()
            .to_metrics("loss");
        assert_eq!(rest, history[from..], "from {from}");
    }
    // Version 2 added the registry's stores: empty after the upgrade, and writable.
    assert!(tracker.registered_models().await.unwrap().is_empty());
    let model = labbook::domain::RegisteredModel {
        name: "m".into(),
        creation_timestamp: 1,
        last_updated_timestamp: 1,
        description: String::new(),
        tags: vec![],
        aliases: vec![],
        last_version: 0,
    };
    tracker
        .store()
        .apply(vec![labbook::store::Change::PutRegisteredModel(
            model.clone(),
        )])
        .await
        .unwrap();
    assert_eq!(tracker.registered_models().await.unwrap(), vec![model]);
}

#[wasm_bindgen_test]
async fn an_import_cancelled_mid_write_leaves_nothing() {
    use labbook::domain::{Experiment, Metric, Run, RunData, RunInfo, RunSnapshot, Snapshot};
    let tracker = Tracker::new(fresh().await);
    tracker.ensure_default_experiment().await.unwrap();
    let mut snapshot = Snapshot::default();
    snapshot.experiments.push(Experiment {
        experiment_id: "7".into(),
        name: "big".into(),
        artifact_location: String::new(),
        lifecycle_stage: LifecycleStage::Active,
        creation_time: Some(1),
        last_update_time: Some(1),
        tags: vec![],
    });
    for r in 0..200 {
        let history: Vec<Metric> = (0..2000)
            .map(|s| Metric {
                key: "loss".into(),
                value: s as f64,
                timestamp: s,
                step: s,
            })
            .collect();
        snapshot.runs.push(RunSnapshot {
            run: Run {
                info: RunInfo {
                    run_id: format!("{r:032x}"),
                    experiment_id: "7".into(),
                    run_name: format!("run-{r}"),
                    user_id: String::new(),
                    status: RunStatus::Finished,
                    start_time: Some(r),
                    end_time: None,
                    artifact_uri: String::new(),
                    lifecycle_stage: LifecycleStage::Active,
                },
                data: RunData {
                    metrics: vec![history[1999].clone()],
                    ..RunData::default()
                },
                inputs: vec![],
            },
            history,
            artifacts: vec![],
        });
    }
    let mut calls = Vec::new();
    let result = tracker
        .import(snapshot, &mut |done, total| {
            calls.push((done, total));
            if done > 0 && done < total {
                Err(labbook::domain::DomainError::invalid("cancelled"))
            } else {
                Ok(())
            }
        })
        .await;
    assert!(result.is_err());
    // It was stopped part-way through writing, not before it started.
    let (done, total) = *calls.last().unwrap();
    assert!(done > 0 && done < total, "{calls:?}");
    assert_eq!(tracker.experiments(ViewType::All).await.unwrap().len(), 1);
    assert!(tracker.run(&format!("{:032x}", 0)).await.is_err());
    assert!(tracker
        .store()
        .metric_history(&format!("{:032x}", 0), "loss", 0)
        .await
        .unwrap()
        .is_empty());
}

// Two connections to one database in one page stand for two tabs: they share nothing but
// the database and the browser's Web Locks, as tabs do.
#[wasm_bindgen_test]
async fn two_connections_writing_at_once_allocate_each_id_once() {
    let name = fresh_name();
    let a = Tracker::new(IdbStore::open(&name).await.unwrap());
    let b = Tracker::new(IdbStore::open(&name).await.unwrap());
    let (same_a, same_b) = futures::join!(
        a.create_experiment("shared", None, vec![]),
        b.create_experiment("shared", None, vec![]),
    );
    assert_eq!(
        [same_a.is_ok(), same_b.is_ok()]
            .iter()
            .filter(|ok| **ok)
            .count(),
        1,
        "{same_a:?} {same_b:?}"
    );
    let refused = same_a.err().or(same_b.err()).unwrap();
    assert_eq!(refused.code.as_str(), "RESOURCE_ALREADY_EXISTS");
    let names = |t: &str| (0..5).map(|i| format!("{t}-{i}")).collect::<Vec<_>>();
    let (names_a, names_b) = (names("a"), names("b"));
    let (from_a, from_b) = futures::join!(
        futures::future::join_all(names_a.iter().map(|n| a.create_experiment(n, None, vec![]))),
        futures::future::join_all(names_b.iter().map(|n| b.create_experiment(n, None, vec![]))),
    );
    let mut ids: Vec<String> = from_a
        .into_iter()
        .chain(from_b)
        .map(Result::unwrap)
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 10);
    // What either wrote, the other reads.
    assert_eq!(a.experiments(ViewType::All).await.unwrap().len(), 11);
    assert_eq!(b.experiments(ViewType::All).await.unwrap().len(), 11);
}

#[wasm_bindgen(inline_js = r#"
export function open_at(name, version) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name, version);
    open.onblocked = () => reject(new Error("blocked"));
    open.onerror = () => reject(open.error);
    open.onsuccess = () => { open.result.close(); resolve(); };
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn open_at(name: &str, version: u32) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen_test]
async fn a_newer_version_opening_the_database_is_not_blocked_and_this_one_says_so() {
    let name = fresh_name();
    let store = IdbStore::open(&name).await.unwrap();
    let told = std::rc::Rc::new(std::cell::Cell::new(false));
    let told_here = std::rc::Rc::clone(&told);
    store.when_replaced(move |why| told_here.set(why.contains("newer version")));
    let tracker = Tracker::new(store);
    tracker.ensure_default_experiment().await.unwrap();
    open_at(&name, 99).await.expect("the upgrade went through");
    assert!(told.get());
    let refused = tracker.create_experiment("late", None, vec![]).await;
    assert!(refused.unwrap_err().message.contains("Reload this tab"));
    // This version does not open what a newer one wrote, and says why.
    let error = IdbStore::open(&name).await.err().unwrap();
    assert!(
        error.message.contains("newer version of labbook"),
        "{}",
        error.message
    );
}
