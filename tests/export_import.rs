//! mlflow-export-import's format, from the exports in `../shared/fixtures/export-import`.

mod common;

use common::fixture_zip;
use futures::executor::block_on;
use labbook::codec::export_import;
use labbook::domain::{Snapshot, Stage, ViewType};
use labbook::store::{MemStore, Tracker};

fn decode(name: &str) -> Snapshot {
    let files = fixture_zip(&format!("export-import/{name}"));
    assert!(export_import::detect(&files), "{name}");
    export_import::decode(&files).unwrap()
}

fn runs_in(snapshot: &Snapshot, experiment: &str) -> usize {
    let id = &snapshot
        .experiments
        .iter()
        .find(|e| e.name == experiment)
        .unwrap()
        .experiment_id;
    snapshot
        .runs
        .iter()
        .filter(|r| &r.run.info.experiment_id == id)
        .count()
}

#[test]
fn export_all() {
    let snapshot = decode("export-all.zip");
    assert_eq!(snapshot.experiments.len(), 3);
    assert_eq!(snapshot.runs.len(), 30);
    assert_eq!(runs_in(&snapshot, "nyc-taxi-experiment"), 26);
    assert_eq!(runs_in(&snapshot, "other-experiment"), 4);
    assert_eq!(runs_in(&snapshot, "Default"), 0);
    let nyc = snapshot
        .experiments
        .iter()
        .find(|e| e.name == "nyc-taxi-experiment")
        .unwrap();
    assert_eq!(nyc.tag("project"), Some("mlops-zoomcamp"));
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
    let best = snapshot
        .runs
        .iter()
        .find(|r| r.run.info.run_name == "best-xgboost-final")
        .unwrap();
    assert_eq!(
        best.history
            .iter()
            .filter(|m| m.key == "validation-rmse")
            .count(),
        50
    );
    assert_eq!(snapshot.registered_models.len(), 2);
    assert_eq!(snapshot.model_versions.len(), 4);
    let linear = snapshot
        .runs
        .iter()
        .find(|r| r.run.info.run_name == "linear-regression-baseline")
        .unwrap();
    assert!(linear
        .artifacts
        .iter()
        .any(|a| a.path == "config/features.json"));
    assert!(snapshot.warnings.is_empty(), "{:?}", snapshot.warnings);
}

#[test]
fn export_model_runs_go_to_the_experiment_their_versions_name() {
    let snapshot = decode("export-model.zip");
    assert_eq!(snapshot.runs.len(), 3);
    assert_eq!(runs_in(&snapshot, "nyc-taxi-experiment"), 3);
    let stages: Vec<(u64, Stage)> = snapshot
        .model_versions
        .iter()
        .map(|v| (v.version, v.current_stage))
        .collect();
    assert_eq!(
        stages,
        vec![
            (1, Stage::Archived),
            (2, Stage::Staging),
            (3, Stage::Production)
        ]
    );
    assert_eq!(
        snapshot.registered_models[0].aliases,
        vec![("challenger".to_owned(), 2), ("champion".to_owned(), 3)]
    );
}

#[test]
fn exports_merge_into_one_store_without_duplicates() {
    let tracker = Tracker::new(MemStore::new());
    block_on(tracker.ensure_default_experiment()).unwrap();
    let all = block_on(tracker.import(decode("export-all.zip"), &mut |_, _| Ok(()))).unwrap();
    assert_eq!(all.runs.added, 30);
    let experiment =
        block_on(tracker.import(decode("export-experiment.zip"), &mut |_, _| Ok(()))).unwrap();
    assert_eq!((experiment.runs.added, experiment.runs.skipped), (0, 26));
    let model = block_on(tracker.import(decode("export-model.zip"), &mut |_, _| Ok(()))).unwrap();
    assert_eq!((model.runs.added, model.model_versions.added), (0, 0));
    let experiments = block_on(tracker.experiments(ViewType::All)).unwrap();
    assert_eq!(experiments.len(), 3);
}

#[test]
fn an_export_import_export_reads_back_the_same_but_for_what_the_format_lacks() {
    use labbook::api::handle;
    use labbook::store::ExportScope;
    let original = Tracker::new(MemStore::new());
    block_on(original.ensure_default_experiment()).unwrap();
    block_on(original.import(decode("export-all.zip"), &mut |_, _| Ok(()))).unwrap();
    let snapshot = block_on(original.export(&ExportScope::Everything, true)).unwrap();
    let files = export_import::encode_at(&snapshot, 1_700_000_000_000);
    let text = String::from_utf8(
        files
            .iter()
            .find(|f| {
                f.path.ends_with("/run.json")
                    && String::from_utf8_lossy(&f.bytes).contains("nan_metric")
            })
            .unwrap()
            .bytes
            .clone(),
    )
    .unwrap();
    assert!(
        text.contains("\"value\": NaN"),
        "NaN is written as Python writes it"
    );
    assert!(
        text.contains("\"export_time\": 1700000000"),
        "the export is stamped with the time it was given, in seconds"
    );
    let copy = Tracker::new(MemStore::new());
    block_on(copy.ensure_default_experiment()).unwrap();
    let report =
        block_on(copy.import(export_import::decode(&files).unwrap(), &mut |_, _| Ok(()))).unwrap();
    assert_eq!((report.runs.added, report.model_versions.added), (30, 4));
    let ask =
        |tracker: &Tracker<MemStore>, method: &str, path: &str, body: Option<serde_json::Value>| {
            block_on(handle(tracker, method, path, body)).unwrap()
        };
    let runs = serde_json::json!({"experiment_ids": ["0", "1", "2"], "run_view_type": "ALL"});
    for (method, path, body) in [
        (
            "POST",
            "/api/2.0/mlflow/experiments/search",
            Some(serde_json::json!({"view_type": "ALL"})),
        ),
        ("POST", "/api/2.0/mlflow/runs/search", Some(runs)),
        ("GET", "/api/2.0/mlflow/registered-models/search", None),
        ("GET", "/api/2.0/mlflow/model-versions/search", None),
    ] {
        assert_eq!(
            ask(&copy, method, path, body.clone()),
            ask(&original, method, path, body),
            "{path}"
        );
    }
}
