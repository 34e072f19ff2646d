//! For every fixture: import it, export everything as a labbook bundle (zip, with artifacts),
//! import that into an empty store, and get the same REST answers.

mod common;

use common::{fixtures, unzip};
use std::collections::HashMap;

use futures::executor::block_on;
use labbook::api::handle;
use labbook::codec::archive::ZipBuilder;
use labbook::codec::{bundle, export_import, file_store::FileStore, sqlite::SqliteStore};
use labbook::domain::Snapshot;
use labbook::store::{ExportScope, MemStore, Tracker};
use serde_json::{json, Value};

fn fixture(name: &str) -> Snapshot {
    let path = fixtures().join(name);
    if name.ends_with("mlflow.db") {
        return SqliteStore::open(name, std::fs::read(path).unwrap())
            .unwrap()
            .finish()
            .unwrap();
    }
    let files = unzip(name, std::fs::read(path).unwrap());
    if FileStore::detect(&files) {
        FileStore::new(files).unwrap().finish().unwrap()
    } else {
        export_import::decode(&files).unwrap()
    }
}

fn store_with(snapshot: Snapshot) -> Tracker<MemStore> {
    let tracker = Tracker::new(MemStore::new());
    block_on(tracker.ensure_default_experiment()).unwrap();
    block_on(tracker.import(snapshot, &mut |_, _| Ok(()))).unwrap();
    tracker
}

fn ask(tracker: &Tracker<MemStore>, method: &str, path: &str, body: Option<Value>) -> Value {
    block_on(handle(tracker, method, path, body)).unwrap_or_else(|e| panic!("{path}: {e:?}"))
}

/// Every answer that shows the data.
fn answers(tracker: &Tracker<MemStore>) -> Vec<Value> {
    let experiments = ask(
        tracker,
        "POST",
        "/api/2.0/mlflow/experiments/search",
        Some(json!({"view_type": "ALL", "order_by": ["experiment_id"]})),
    );
    let ids: Vec<Value> = experiments["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["experiment_id"].clone())
        .collect();
    let runs = ask(
        tracker,
        "POST",
        "/api/2.0/mlflow/runs/search",
        Some(json!({"experiment_ids": ids, "run_view_type": "ALL", "max_results": 50000})),
    );
    let mut all = vec![
        experiments,
        ask(
            tracker,
            "GET",
            "/api/2.0/mlflow/registered-models/search?max_results=1000",
            None,
        ),
        ask(
            tracker,
            "GET",
            "/api/2.0/mlflow/model-versions/search",
            None,
        ),
        ask(
            tracker,
            "POST",
            "/api/2.0/mlflow/logged-models/search",
            Some(json!({"experiment_ids": ids})),
        ),
    ];
    for run in runs["runs"].as_array().cloned().unwrap_or_default() {
        let run_id = run["info"]["run_id"].as_str().unwrap().to_owned();
        for metric in run["data"]["metrics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let key = metric["key"].as_str().unwrap();
            all.push(ask(
                tracker,
                "GET",
                &format!("/api/2.0/mlflow/metrics/get-history?run_id={run_id}&metric_key={key}"),
                None,
            ));
        }
        let files = block_on(tracker.artifacts(&run_id)).unwrap();
        all.push(json!(files
            .iter()
            .map(|f| (f.path.clone(), f.size))
            .collect::<Vec<_>>()));
    }
    all.push(runs);
    all
}

fn through_bundle_zip(snapshot: &Snapshot) -> Snapshot {
    let mut zip = ZipBuilder::new();
    zip.add(
        bundle::BUNDLE_JSON,
        bundle::encode(snapshot).to_string().as_bytes(),
    )
    .unwrap();
    for run in &snapshot.runs {
        for a in &run.artifacts {
            zip.add(
                &bundle::artifact_entry(&run.run.info.run_id, &a.path),
                &a.bytes,
            )
            .unwrap();
        }
    }
    for model in &snapshot.logged_models {
        for a in &model.artifacts {
            zip.add(
                &bundle::artifact_entry(&model.model.model_id, &a.path),
                &a.bytes,
            )
            .unwrap();
        }
    }
    let files: HashMap<String, Vec<u8>> = unzip("bundle.zip", zip.finish().unwrap())
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    let text = String::from_utf8(files[bundle::BUNDLE_JSON].clone()).unwrap();
    let mut decoded = bundle::decode("bundle.zip", &text).unwrap();
    let missing = bundle::attach_artifacts(&mut decoded, |entry| files.get(entry).cloned());
    assert!(missing.is_empty(), "{missing:?}");
    decoded.snapshot
}

#[test]
fn every_fixture_survives_export_wipe_and_reimport() {
    for name in [
        "mlflow2-filestore/mlruns.zip",
        "mlflow3-filestore/mlruns.zip",
        "mlflow2-sqlite/mlflow.db",
        "export-import/export-all.zip",
        "export-import/export-model.zip",
        "large-2000-runs/mlruns.zip",
    ] {
        let original = store_with(fixture(name));
        let exported = block_on(original.export(&ExportScope::Everything, true)).unwrap();
        let copy = store_with(through_bundle_zip(&exported));
        let (got, want) = (answers(&copy), answers(&original));
        assert_eq!(got.len(), want.len(), "{name}");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g, w, "{name}: answer {i}");
        }
    }
}
