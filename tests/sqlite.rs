//! MLflow's SQLite store: after importing `../shared/fixtures/mlflow2-sqlite/` (the database and
//! its mlruns folder), the in-page REST API answers the recorded requests of
//! `../shared/fixtures/mlflow2-rest/` with the JSON `mlflow server` recorded.

mod common;

use common::{fixtures, import, tracker};
use std::path::Path;

use futures::executor::block_on;
use labbook::api::handle;
use labbook::codec::archive::SourceFile;
use labbook::codec::sqlite::SqliteStore;
use labbook::store::{MemStore, Tracker};
use serde_json::Value;

fn tree(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            tree(root, &path, out);
        } else {
            out.push(SourceFile {
                path: path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                bytes: std::fs::read(&path).unwrap(),
            });
        }
    }
}

fn imported() -> Tracker<MemStore> {
    let dir = fixtures().join("mlflow2-sqlite");
    let bytes = std::fs::read(dir.join("mlflow.db")).unwrap();
    let mut store = SqliteStore::open("mlflow.db", bytes).unwrap();
    let mut files = Vec::new();
    tree(&dir, &dir.join("mlruns"), &mut files);
    assert_eq!(store.attach_artifacts(files), (5, 0));
    let snapshot = store.finish().unwrap();
    let tracker = tracker();
    let report = import(&tracker, snapshot);
    assert_eq!(report.runs.added, 23);
    assert_eq!(report.metric_points, 378);
    tracker
}

/// Recorded requests labbook answers; the others are listed in the README as not yet answered.
fn answered(url: &str) -> bool {
    let endpoint = url.split('?').next().unwrap();
    [
        "/api/2.0/mlflow/experiments/search",
        "/api/2.0/mlflow/experiments/get-by-name",
        "/api/2.0/mlflow/runs/search",
        "/api/2.0/mlflow/runs/get",
        "/api/2.0/mlflow/metrics/get-history",
        "/api/2.0/mlflow/artifacts/list",
        "/api/2.0/mlflow/registered-models/search",
        "/api/2.0/mlflow/registered-models/get",
        "/api/2.0/mlflow/registered-models/alias",
        "/api/2.0/mlflow/registered-models/get-latest-versions",
        "/api/2.0/mlflow/model-versions/search",
        "/api/2.0/mlflow/model-versions/get",
    ]
    .contains(&endpoint)
}

#[test]
fn rest_answers_match_what_mlflow_server_recorded() {
    let tracker = imported();
    let index: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("mlflow2-rest/_index.json")).unwrap(),
    )
    .unwrap();
    let mut compared = 0;
    for entry in index {
        // One entry describes the server rather than a request.
        let Some(url) = entry["url"].as_str() else {
            continue;
        };
        let body = entry.get("request_body").cloned().filter(|b| !b.is_null());
        if !answered(url) {
            continue;
        }
        let recorded: Value = serde_json::from_str(
            &std::fs::read_to_string(
                fixtures()
                    .join("mlflow2-rest")
                    .join(entry["file"].as_str().unwrap()),
            )
            .unwrap(),
        )
        .unwrap();
        let method = entry["method"].as_str().unwrap();
        let answer = block_on(handle(&tracker, method, url, body))
            .unwrap_or_else(|e| panic!("{method} {url}: {e:?}"));
        assert_eq!(answer, recorded, "{method} {url}");
        compared += 1;
    }
    assert_eq!(compared, 24);
}

#[test]
fn a_bad_filter_is_refused_with_where_and_why() {
    let tracker = imported();
    let answer = block_on(handle(
        &tracker,
        "POST",
        "/api/2.0/mlflow/runs/search",
        Some(
            serde_json::json!({"experiment_ids": ["1"], "filter": "metrics.rmse < 4 OR tags.model = 'x'"}),
        ),
    ));
    let error = answer.unwrap_err();
    assert_eq!(error.error_code, "INVALID_PARAMETER_VALUE");
    assert!(
        error.message.contains("Invalid clause(s) in filter string"),
        "{}",
        error.message
    );
    assert!(error.message.contains("column 1"), "{}", error.message);
}

#[test]
fn bad_databases_are_refused_by_name() {
    let check = |name: &str, bytes: Vec<u8>, expected: &str| {
        let message = SqliteStore::open(name, bytes).err().unwrap().message;
        assert!(message.contains(expected), "{message}");
        assert!(message.starts_with(name), "{message}");
    };
    check("notes.db", b"hello".to_vec(), "is not an SQLite database");
    let full = std::fs::read(fixtures().join("mlflow2-sqlite/mlflow.db")).unwrap();
    check("cut.db", full[..4096].to_vec(), "could not be read");

    // An SQLite database of something else.
    let other = unrelated_database();
    check(
        "other.db",
        other,
        "not MLflow's: it has no 'experiments' table",
    );
}

/// A valid SQLite database with one unrelated table.
fn unrelated_database() -> Vec<u8> {
    let mut connection = rusqlite::Connection::open_in_memory().unwrap();
    connection
        .execute("CREATE TABLE notes (t TEXT)", [])
        .unwrap();
    connection.serialize(rusqlite::MAIN_DB).unwrap().to_vec()
}

#[test]
fn a_bundle_carries_the_registry() {
    use labbook::codec::bundle;
    use labbook::store::ExportScope;
    let original = imported();
    let snapshot = block_on(original.export(&ExportScope::Everything, false)).unwrap();
    let text = bundle::encode(&snapshot).to_string();
    let decoded = bundle::decode("bundle.json", &text).unwrap().snapshot;
    let copy = Tracker::new(MemStore::new());
    block_on(copy.ensure_default_experiment()).unwrap();
    let report = block_on(copy.import(decoded, &mut |_, _| Ok(()))).unwrap();
    assert_eq!(report.registered_models.added, 2);
    assert_eq!(report.model_versions.added, 4);
    for (method, path) in [
        (
            "GET",
            "/api/2.0/mlflow/registered-models/search?max_results=1000",
        ),
        (
            "GET",
            "/api/2.0/mlflow/model-versions/search?max_results=1000",
        ),
        (
            "GET",
            "/api/2.0/mlflow/registered-models/alias?name=nyc-taxi-regressor&alias=champion",
        ),
        (
            "GET",
            "/api/2.0/mlflow/model-versions/get?name=nyc-taxi-regressor&version=2",
        ),
    ] {
        let want = block_on(handle(&original, method, path, None)).unwrap();
        let got = block_on(handle(&copy, method, path, None)).unwrap();
        assert_eq!(got, want, "{path}");
    }
    let missing = block_on(handle(
        &copy,
        "GET",
        "/api/2.0/mlflow/model-versions/get?name=nyc-taxi-regressor&version=9",
        None,
    ));
    assert_eq!(
        missing.unwrap_err().message,
        "Model Version (name=nyc-taxi-regressor, version=9) not found"
    );
}

#[test]
fn an_mlflow_3_database_brings_its_logged_models() {
    // Written by MLflow 3.17 itself (scripts/record-mlflow3-sqlite).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mlflow3-sqlite");
    let mut store =
        SqliteStore::open("mlflow.db", std::fs::read(dir.join("mlflow.db")).unwrap()).unwrap();
    let mut files = Vec::new();
    tree(&dir, &dir.join("mlruns"), &mut files);
    assert_eq!(store.attach_artifacts(files), (0, 1));
    let snapshot = store.finish().unwrap();
    assert!(snapshot.warnings.is_empty(), "{:?}", snapshot.warnings);
    let tracker = Tracker::new(MemStore::new());
    block_on(tracker.ensure_default_experiment()).unwrap();
    block_on(tracker.import(snapshot, &mut |_, _| Ok(()))).unwrap();

    let experiments = block_on(handle(
        &tracker,
        "GET",
        "/api/2.0/mlflow/experiments/get-by-name?experiment_name=mlflow3-sqlite-models",
        None,
    ))
    .unwrap();
    let experiment_id = experiments["experiment"]["experiment_id"].clone();
    let found = block_on(handle(
        &tracker,
        "POST",
        "/api/2.0/mlflow/logged-models/search",
        Some(serde_json::json!({"experiment_ids": [experiment_id]})),
    ))
    .unwrap();
    let model = &found["models"][0];
    assert_eq!(model["info"]["name"], "classifier");
    assert_eq!(model["info"]["status"], "LOGGED_MODEL_READY");
    assert_eq!(model["info"]["model_type"], "sklearn");
    assert_eq!(
        model["data"]["params"][0],
        serde_json::json!({"key": "depth", "value": "3"})
    );
    let tags: Vec<&str> = model["info"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect();
    assert!(tags.contains(&"stage"), "{tags:?}");
    let accuracy: Vec<f64> = model["data"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_f64().unwrap())
        .collect();
    assert_eq!(accuracy, [0.91, 0.93]);
    let run_id = model["info"]["source_run_id"].as_str().unwrap();
    let run = block_on(handle(
        &tracker,
        "GET",
        &format!("/api/2.0/mlflow/runs/get?run_id={run_id}"),
        None,
    ))
    .unwrap();
    assert_eq!(run["run"]["info"]["run_name"], "train");

    let model_id = model["info"]["model_id"].as_str().unwrap();
    let listed = block_on(handle(
        &tracker,
        "GET",
        &format!("/api/2.0/mlflow/logged-models/{model_id}/artifacts/directories"),
        None,
    ))
    .unwrap();
    assert!(listed.to_string().contains("MLmodel"), "{listed}");
    let version = block_on(handle(
        &tracker,
        "GET",
        "/api/2.0/mlflow/model-versions/get?name=sqlite-classifier&version=1",
        None,
    ))
    .unwrap();
    assert_eq!(
        version["model_version"]["source"],
        format!("models:/{model_id}")
    );
}
