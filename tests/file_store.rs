//! Reading MLflow's file store from the real stores in `../shared/fixtures` (MLflow 2.22 and
//! 3.17), and refusing broken ones with the file and line.

mod common;

use common::fixture_zip;
use futures::executor::block_on;
use labbook::codec::archive::SourceFile;
use labbook::codec::file_store::FileStore;
use labbook::domain::{LifecycleStage, RunStatus, Snapshot, ViewType};
use labbook::store::{MemStore, Tracker};

fn decode(files: Vec<SourceFile>) -> Snapshot {
    assert!(FileStore::detect(&files));
    FileStore::new(files).unwrap().finish().unwrap()
}

fn experiment<'a>(snapshot: &'a Snapshot, name: &str) -> &'a labbook::domain::Experiment {
    snapshot
        .experiments
        .iter()
        .find(|e| e.name == name)
        .unwrap()
}

fn runs_of<'a>(snapshot: &'a Snapshot, name: &str) -> Vec<&'a labbook::domain::RunSnapshot> {
    let id = &experiment(snapshot, name).experiment_id;
    snapshot
        .runs
        .iter()
        .filter(|r| &r.run.info.experiment_id == id)
        .collect()
}

fn status_counts(runs: &[&labbook::domain::RunSnapshot]) -> [usize; 5] {
    let mut counts = [0; 5];
    for r in runs {
        counts[(r.run.info.status.code() - 1) as usize] += 1;
    }
    counts
}

#[test]
fn mlflow3_file_store() {
    let snapshot = decode(fixture_zip("mlflow3-filestore/mlruns.zip"));
    assert_eq!(snapshot.experiments.len(), 4);
    let deleted = experiment(&snapshot, "deleted-experiment");
    assert_eq!(deleted.lifecycle_stage, LifecycleStage::Deleted);
    let nyc = experiment(&snapshot, "nyc-taxi-experiment");
    assert_eq!(nyc.tag("project"), Some("mlops-zoomcamp"));
    assert!(nyc.description().unwrap().len() > 10);
    assert_eq!(snapshot.runs.len(), 25);
    let nyc_runs = runs_of(&snapshot, "nyc-taxi-experiment");
    assert_eq!(nyc_runs.len(), 20);
    // RUNNING, SCHEDULED, FINISHED, FAILED, KILLED; one of the finished is deleted.
    assert_eq!(status_counts(&nyc_runs), [1, 0, 17, 1, 1]);
    assert_eq!(
        nyc_runs
            .iter()
            .filter(|r| r.run.info.lifecycle_stage == LifecycleStage::Deleted)
            .count(),
        1
    );
    assert_eq!(runs_of(&snapshot, "other-experiment").len(), 4);
    let with_validation: Vec<_> = snapshot
        .runs
        .iter()
        .filter(|r| r.history.iter().any(|m| m.key == "validation-rmse"))
        .collect();
    assert_eq!(with_validation.len(), 9);
    let lines: usize = with_validation
        .iter()
        .map(|r| {
            r.history
                .iter()
                .filter(|m| m.key == "validation-rmse")
                .count()
        })
        .sum();
    assert_eq!(lines, 453);

    let ridge = snapshot
        .runs
        .iter()
        .find(|r| r.run.info.run_name == "ridge-alpha-10.0")
        .unwrap();
    assert!(ridge
        .run
        .latest_metric("nan_metric")
        .unwrap()
        .value
        .is_nan());
    assert_eq!(
        ridge.run.latest_metric("inf_metric").unwrap().value,
        f64::INFINITY
    );

    let best = snapshot
        .runs
        .iter()
        .find(|r| r.run.info.run_name == "best-xgboost-final")
        .unwrap();
    assert_eq!(best.run.inputs.len(), 2);
    assert_eq!(best.run.inputs[0].tags[0].value, "training");
    assert_eq!(best.run.inputs[0].dataset.name, "green_tripdata_2021-01");
    assert_eq!(
        best.history
            .iter()
            .filter(|m| m.key == "validation-rmse")
            .count(),
        51
    );

    let linear = snapshot
        .runs
        .iter()
        .find(|r| r.run.info.run_name == "linear-regression-baseline")
        .unwrap();
    let paths: Vec<&str> = linear.artifacts.iter().map(|a| a.path.as_str()).collect();
    for expected in [
        "config/features.json",
        "notes/README.txt",
        "plots/pred_vs_actual.png",
        "preprocessor/preprocessor.b",
    ] {
        assert!(paths.contains(&expected), "{expected} not in {paths:?}");
    }
    assert_eq!(
        linear.run.param("comment"),
        Some("Ünïcödé ✓ – params can hold any text")
    );

    let nested: Vec<_> = snapshot
        .runs
        .iter()
        .filter(|r| r.run.parent_run_id().is_some())
        .collect();
    assert_eq!(nested.len(), 4);
}

#[test]
fn mlflow2_file_store_imports_into_a_store() {
    let snapshot = decode(fixture_zip("mlflow2-filestore/mlruns.zip"));
    assert_eq!(snapshot.experiments.len(), 4);
    assert_eq!(snapshot.runs.len(), 23);
    let with_validation: usize = snapshot
        .runs
        .iter()
        .map(|r| {
            r.history
                .iter()
                .filter(|m| m.key == "validation-rmse")
                .count()
        })
        .sum();
    assert_eq!(with_validation, 350);

    let tracker = Tracker::new(MemStore::new());
    block_on(tracker.ensure_default_experiment()).unwrap();
    let report = block_on(tracker.import(snapshot.clone(), &mut |_, _| Ok(()))).unwrap();
    assert_eq!(report.runs.added, 23);
    assert_eq!(report.experiments.added, 3);
    assert_eq!(report.metric_points, snapshot.metric_points());
    let experiments = block_on(tracker.experiments(ViewType::All)).unwrap();
    let names: Vec<&str> = experiments.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "Default",
            "nyc-taxi-experiment",
            "other-experiment",
            "deleted-experiment"
        ]
    );
    let nyc = block_on(tracker.runs(&["1".to_owned()], ViewType::All)).unwrap();
    assert_eq!(nyc.len(), 18);
    assert!(nyc
        .iter()
        .any(|r| r.info.status == RunStatus::Running && r.info.end_time.is_none()));
    let again = block_on(tracker.import(snapshot, &mut |_, _| Ok(()))).unwrap();
    assert_eq!(
        (again.runs.added, again.runs.updated, again.runs.skipped),
        (0, 0, 23)
    );
}

#[test]
fn broken_stores_say_which_file_and_line() {
    let files = fixture_zip("mlflow2-filestore/mlruns.zip");
    let metric = files
        .iter()
        .position(|f| f.path.ends_with("/metrics/validation-rmse"))
        .unwrap();
    let mut garbled = files.clone();
    let lines = String::from_utf8_lossy(&garbled[metric].bytes)
        .lines()
        .count();
    garbled[metric]
        .bytes
        .extend_from_slice(b"1795705715600 not-a-number 51\n");
    let error = FileStore::new(garbled).unwrap().finish().unwrap_err();
    let place = format!("/metrics/validation-rmse, line {}", lines + 1);
    assert!(error.message.contains(&place), "{}", error.message);
    assert!(error.message.contains("not-a-number"), "{}", error.message);

    let run_meta = files
        .iter()
        .position(|f| {
            f.path.ends_with("/meta.yaml") && String::from_utf8_lossy(&f.bytes).contains("run_id:")
        })
        .unwrap();
    let mut broken = files.clone();
    broken[run_meta].bytes = b"run_id: [oops\nstatus: 3\n".to_vec();
    let error = FileStore::new(broken).unwrap().finish().unwrap_err();
    assert!(
        error.message.contains("meta.yaml: malformed YAML at line"),
        "{}",
        error.message
    );

    let not_a_store = vec![SourceFile {
        path: "notes.txt".into(),
        bytes: b"hello".to_vec(),
    }];
    assert!(!FileStore::detect(&not_a_store));
    assert!(FileStore::new(not_a_store)
        .err()
        .unwrap()
        .message
        .contains("no MLflow experiment found"));
}

#[test]
fn the_registry_comes_along_from_both_layouts() {
    use labbook::domain::Stage;
    for fixture in [
        "mlflow2-filestore/mlruns.zip",
        "mlflow3-filestore/mlruns.zip",
    ] {
        let snapshot = decode(fixture_zip(fixture));
        let names: Vec<&str> = snapshot
            .registered_models
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(
            names,
            vec!["nyc-taxi-baseline", "nyc-taxi-regressor"],
            "{fixture}"
        );
        let regressor = &snapshot.registered_models[1];
        assert_eq!(
            regressor.aliases,
            vec![("challenger".to_owned(), 2), ("champion".to_owned(), 3)],
            "{fixture}"
        );
        assert_eq!(regressor.tags.len(), 2, "{fixture}");
        let stages: Vec<(u64, Stage)> = snapshot
            .model_versions
            .iter()
            .filter(|v| v.name == "nyc-taxi-regressor")
            .map(|v| (v.version, v.current_stage))
            .collect();
        assert_eq!(
            stages,
            vec![
                (1, Stage::Archived),
                (2, Stage::Staging),
                (3, Stage::Production)
            ],
            "{fixture}"
        );
        let v3 = snapshot
            .model_versions
            .iter()
            .find(|v| v.version == 3)
            .unwrap();
        assert!(
            v3.tags
                .iter()
                .any(|t| t.key == "deployed_by" && t.value == "ci"),
            "{fixture}"
        );
        assert!(v3.run_id.is_some());
    }
}

#[test]
fn mlflow3_logged_models_answer_the_logged_model_endpoints() {
    use labbook::api::handle;
    use serde_json::json;
    let snapshot = decode(fixture_zip("mlflow3-filestore/mlruns.zip"));
    assert_eq!(snapshot.logged_models.len(), 4);
    let tracker = Tracker::new(MemStore::new());
    block_on(tracker.ensure_default_experiment()).unwrap();
    let report = block_on(tracker.import(snapshot, &mut |_, _| Ok(()))).unwrap();
    assert_eq!(report.logged_models.added, 4);
    let ask = |method: &str, path: &str, body: Option<serde_json::Value>| {
        block_on(handle(&tracker, method, path, body)).unwrap()
    };
    let found = ask(
        "POST",
        "/api/2.0/mlflow/logged-models/search",
        Some(json!({"experiment_ids": ["1"]})),
    );
    assert_eq!(found["models"].as_array().unwrap().len(), 4);
    let id = "m-acccfed3403a41ea95b5d9d119ce225b";
    let model = ask("GET", &format!("/api/2.0/mlflow/logged-models/{id}"), None)["model"].clone();
    assert_eq!(model["info"]["model_id"], id);
    assert_eq!(model["info"]["experiment_id"], "1");
    assert_eq!(model["info"]["status"], "LOGGED_MODEL_READY");
    assert_eq!(
        model["info"]["registrations"],
        json!([{"name": "nyc-taxi-regressor", "version": "3"}])
    );
    assert!(model["data"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["key"] == "rmse"));
    let files = ask(
        "GET",
        &format!("/api/2.0/mlflow/logged-models/{id}/artifacts/directories"),
        None,
    );
    let paths: Vec<&str> = files["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"MLmodel"), "{paths:?}");
    let missing = block_on(handle(
        &tracker,
        "GET",
        "/api/2.0/mlflow/logged-models/m-nope",
        None,
    ))
    .unwrap_err();
    assert_eq!(missing.status, 404);

    // A bundle zip carries them, files and all.
    let exported =
        block_on(tracker.export(&labbook::store::ExportScope::Experiment("1".into()), true))
            .unwrap();
    assert_eq!(exported.logged_models.len(), 4);
    assert!(exported
        .logged_models
        .iter()
        .all(|m| !m.artifacts.is_empty()));
}

/// Drops what a file store export rewrites on purpose: artifact locations become relative.
fn without_locations(mut answer: serde_json::Value) -> serde_json::Value {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("artifact_location");
                map.remove("artifact_uri");
                map.remove("root_uri");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut answer);
    answer
}

#[test]
fn a_file_store_export_reads_back_the_same() {
    use labbook::api::handle;
    use labbook::codec::file_store_export;
    use labbook::store::ExportScope;
    let original = Tracker::new(MemStore::new());
    block_on(original.ensure_default_experiment()).unwrap();
    block_on(original.import(
        decode(fixture_zip("mlflow3-filestore/mlruns.zip")),
        &mut |_, _| Ok(()),
    ))
    .unwrap();
    let snapshot = block_on(original.export(&ExportScope::Everything, true)).unwrap();
    let files = file_store_export::encode(&snapshot);
    let copy = Tracker::new(MemStore::new());
    block_on(copy.ensure_default_experiment()).unwrap();
    let report = block_on(copy.import(decode(files), &mut |_, _| Ok(()))).unwrap();
    assert_eq!(
        (
            report.runs.added,
            report.logged_models.added,
            report.model_versions.added
        ),
        (25, 4, 4)
    );
    let ask =
        |tracker: &Tracker<MemStore>, method: &str, path: &str, body: Option<serde_json::Value>| {
            without_locations(block_on(handle(tracker, method, path, body)).unwrap())
        };
    let all_runs =
        serde_json::json!({"experiment_ids": ["0", "1", "2", "3"], "run_view_type": "ALL"});
    for (method, path, body) in [
        (
            "POST",
            "/api/2.0/mlflow/experiments/search",
            Some(serde_json::json!({"view_type": "ALL"})),
        ),
        ("POST", "/api/2.0/mlflow/runs/search", Some(all_runs)),
        ("GET", "/api/2.0/mlflow/registered-models/search", None),
        ("GET", "/api/2.0/mlflow/model-versions/search", None),
        (
            "POST",
            "/api/2.0/mlflow/logged-models/search",
            Some(serde_json::json!({"experiment_ids": ["1"]})),
        ),
    ] {
        assert_eq!(
            ask(&copy, method, path, body.clone()),
            ask(&original, method, path, body),
            "{path}"
        );
    }
}

#[test]
fn a_file_store_export_names_every_file_once() {
    use labbook::codec::file_store_export;
    let snapshot = decode(fixture_zip("mlflow2-filestore/mlruns.zip"));
    let files = file_store_export::encode(&snapshot);
    assert!(files
        .iter()
        .any(|f| f.path.ends_with("/metrics/") && f.bytes.is_empty()));
    let mut paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let total = paths.len();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), total);
    // And it zips (a duplicate name would be refused by the zip writer).
    let mut zip = labbook::codec::archive::ZipBuilder::new();
    for file in &files {
        zip.add(&file.path, &file.bytes).unwrap();
    }
    assert!(!zip.finish().unwrap().is_empty());
}
