//! Importing responses saved from `mlflow server` (`../shared/fixtures/mlflow2-rest`), then
//! answering the same requests with them.

mod common;

use common::fixture_json;
use futures::executor::block_on;
use labbook::api::handle;
use labbook::codec::rest_import;
use labbook::store::{MemStore, Tracker};
use serde_json::Value;

fn recorded(name: &str) -> Value {
    fixture_json(&format!("mlflow2-rest/{name}"))
}

#[test]
fn saved_responses_import_and_answer_again() {
    let files = [
        "experiments_search_all_incl_deleted.json",
        "runs_search_all_experiments_incl_deleted.json",
        "registered_model_get_nyc-taxi-regressor.json",
        "registered_models_search.json",
        "model_versions_search.json",
        "metrics_get_history_bulk_interval_validation-rmse.json",
        "metrics_get_history_nan_metric.json",
    ];
    let documents: Vec<(String, Value)> =
        files.iter().map(|f| (f.to_string(), recorded(f))).collect();
    assert!(documents.iter().all(|(_, d)| rest_import::detect(d)));
    let snapshot = rest_import::decode(&documents).unwrap();
    assert_eq!(snapshot.runs.len(), 22);
    assert_eq!(snapshot.experiments.len(), 4);
    assert!(snapshot
        .warnings
        .iter()
        .any(|w| w.starts_with("metrics_get_history_nan_metric.json: 1 metric points")));
    let tracker = Tracker::new(MemStore::new());
    block_on(tracker.ensure_default_experiment()).unwrap();
    let report = block_on(tracker.import(snapshot, &mut |_, _| Ok(()))).unwrap();
    assert_eq!(
        (report.registered_models.added, report.model_versions.added),
        (2, 4)
    );
    let ask = |method: &str, path: &str| block_on(handle(&tracker, method, path, None)).unwrap();
    assert_eq!(
        ask(
            "GET",
            "/api/2.0/mlflow/runs/get?run_id=ff80b9cc951a4a46ae8463fc3c55d15c"
        ),
        recorded("run_get_best-xgboost-final.json")
    );
    assert_eq!(
        ask(
            "GET",
            "/api/2.0/mlflow/registered-models/get?name=nyc-taxi-regressor"
        ),
        recorded("registered_model_get_nyc-taxi-regressor.json")
    );
    // The bulk history names its runs, so whole histories come back.
    let history = ask(
        "GET",
        "/api/2.0/mlflow/metrics/get-history?run_id=635bb360cf784021afa63ba2cc9b431c&metric_key=validation-rmse",
    );
    assert_eq!(history["metrics"].as_array().unwrap().len(), 50);
}

#[test]
fn a_response_of_the_wrong_shape_names_the_file_and_place() {
    let documents = vec![(
        "runs.json".to_owned(),
        serde_json::json!({"runs": [{"info": {"run_id": "a", "experiment_id": "1", "status": "SLEEPING"}}]}),
    )];
    let error = rest_import::decode(&documents).err().unwrap();
    assert!(
        error
            .message
            .starts_with("runs.json: runs[0]: unknown run status 'SLEEPING'"),
        "{}",
        error.message
    );
    assert!(!rest_import::detect(&serde_json::json!({"hello": 1})));
}
