//! The in-page REST API over `MemStore`, checked against the answers `mlflow server` 2.22
//! recorded in `../shared/fixtures/mlflow2-rest/`: the same data logged through labbook must
//! come back in the same JSON, up to the ids and paths that differ by nature.

mod common;

use common::{call, fixture_json, rest, tracker};
use futures::executor::block_on;
use labbook::api::ApiError;
use labbook::store::{MemStore, Tracker};
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    fixture_json(&format!("mlflow2-rest/{name}"))
}

fn post(tracker: &Tracker<MemStore>, endpoint: &str, body: Value) -> Value {
    rest(
        tracker,
        "POST",
        &format!("/api/2.0/mlflow/{endpoint}"),
        body,
    )
}

fn get(tracker: &Tracker<MemStore>, endpoint_and_query: &str) -> Value {
    rest(
        tracker,
        "GET",
        &format!("/api/2.0/mlflow/{endpoint_and_query}"),
        Value::Null,
    )
}

/// A new run in the Default experiment; its id.
fn new_run(tracker: &Tracker<MemStore>) -> String {
    post(tracker, "runs/create", json!({"experiment_id": "0"}))["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn error(tracker: &Tracker<MemStore>, method: &str, path: &str, body: Value) -> ApiError {
    call(tracker, method, path, body).expect_err(path)
}

/// Logs a recorded run's data into `experiment_id` the way the MLflow client did, and
/// returns the new run id.
fn replay_run(tracker: &Tracker<MemStore>, experiment_id: &str, recorded: &Value) -> String {
    let info = &recorded["info"];
    let data = &recorded["data"];
    let created = post(
        tracker,
        "runs/create",
        json!({
            "experiment_id": experiment_id,
            "user_id": info["user_id"],
            "start_time": info["start_time"],
            "tags": data["tags"],
        }),
    );
    let run_id = created["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    post(
        tracker,
        "runs/log-batch",
        json!({ "run_id": run_id, "params": data["params"], "metrics": data["metrics"] }),
    );
    if !recorded["inputs"]["dataset_inputs"].is_null() {
        post(
            tracker,
            "runs/log-inputs",
            json!({ "run_id": run_id, "datasets": recorded["inputs"]["dataset_inputs"] }),
        );
    }
    let mut update = json!({ "run_id": run_id, "status": info["status"] });
    if !info["end_time"].is_null() {
        update["end_time"] = info["end_time"].clone();
    }
    post(tracker, "runs/update", update);
    run_id
}

/// The recorded run with labbook's ids and artifact location in place of the server's.
fn expected_run(recorded: &Value, run_id: &str, experiment_id: &str) -> Value {
    let mut expected = recorded.clone();
    let info = &mut expected["info"];
    info["run_uuid"] = json!(run_id);
    info["run_id"] = json!(run_id);
    info["experiment_id"] = json!(experiment_id);
    info["artifact_uri"] = json!(format!(
        "mlflow-artifacts:/{experiment_id}/{run_id}/artifacts"
    ));
    expected
}

#[test]
fn runs_get_answers_as_mlflow_server() {
    for file in [
        "run_get_linear-regression-baseline.json",
        "run_get_best-xgboost-final.json",
    ] {
        let tracker = tracker();
        let recorded = fixture(file)["run"].clone();
        let experiment_id = post(&tracker, "experiments/create", json!({"name": "replay"}))
            ["experiment_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let run_id = replay_run(&tracker, &experiment_id, &recorded);
        let answer = get(&tracker, &format!("runs/get?run_id={run_id}"));
        assert_eq!(
            answer["run"],
            expected_run(&recorded, &run_id, &experiment_id),
            "{file}"
        );
    }
}

#[test]
fn metric_history_answers_as_mlflow_server() {
    for (file, key) in [
        (
            "metrics_get_history_best-xgboost-final_validation-rmse.json",
            "validation-rmse",
        ),
        ("metrics_get_history_nan_metric.json", "nan_metric"),
    ] {
        let tracker = tracker();
        let recorded = fixture(file);
        let run_id = new_run(&tracker);
        post(
            &tracker,
            "runs/log-batch",
            json!({"run_id": run_id, "metrics": recorded["metrics"]}),
        );
        let answer = get(
            &tracker,
            &format!("metrics/get-history?run_id={run_id}&metric_key={key}"),
        );
        assert_eq!(answer, recorded, "{file}");
    }
}

#[test]
fn metric_history_pages() {
    let tracker = tracker();
    let run_id = new_run(&tracker);
    let metrics: Vec<Value> = (0..25)
        .map(|s| json!({"key": "m", "value": s, "timestamp": 1000 + s, "step": s}))
        .collect();
    post(
        &tracker,
        "runs/log-batch",
        json!({"run_id": run_id, "metrics": metrics}),
    );
    let mut steps = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut path = format!("metrics/get-history?run_id={run_id}&metric_key=m&max_results=10");
        if let Some(t) = &token {
            path.push_str(&format!("&page_token={t}"));
        }
        let page = get(&tracker, &path);
        steps.extend(
            page["metrics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["step"].as_i64().unwrap()),
        );
        token = page["next_page_token"].as_str().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(steps, (0..25).collect::<Vec<i64>>());
}

#[test]
fn experiments_answer_as_mlflow_server() {
    let tracker = tracker();
    let recorded = fixture("experiments_search_all_incl_deleted.json");
    // Replay the recorded experiments in creation order (the search lists newest first).
    let mut recorded_experiments: Vec<Value> = recorded["experiments"].as_array().unwrap().clone();
    recorded_experiments.reverse();
    let mut ids = Vec::new();
    for experiment in &recorded_experiments {
        if experiment["name"] == "Default" {
            ids.push("0".to_owned());
            continue;
        }
        let id = post(
            &tracker,
            "experiments/create",
            json!({"name": experiment["name"], "tags": experiment["tags"]}),
        )["experiment_id"]
            .as_str()
            .unwrap()
            .to_owned();
        if experiment["lifecycle_stage"] == "deleted" {
            post(&tracker, "experiments/delete", json!({"experiment_id": id}));
        }
        ids.push(id);
    }
    assert_eq!(ids, vec!["0", "1", "2", "3"]);
    // Created within the same millisecond here, so order by id to line them up with the
    // recording (newest first).
    let all = post(
        &tracker,
        "experiments/search",
        json!({"max_results": 1000, "view_type": "ALL", "order_by": ["experiment_id DESC"]}),
    );
    let got = all["experiments"].as_array().unwrap();
    let want = recorded["experiments"].as_array().unwrap();
    assert_eq!(got.len(), want.len());
    for (got, want) in got.iter().zip(want) {
        let keys: Vec<&String> = got.as_object().unwrap().keys().collect();
        let want_keys: Vec<&String> = want.as_object().unwrap().keys().collect();
        assert_eq!(keys, want_keys, "{}", want["name"]);
        for field in ["experiment_id", "name", "lifecycle_stage", "tags"] {
            assert_eq!(got[field], want[field], "{field} of {}", want["name"]);
        }
    }
    let active = rest(
        &tracker,
        "GET",
        "/api/2.0/mlflow/experiments/search?max_results=1000&order_by=name%20ASC",
        Value::Null,
    );
    let names: Vec<&str> = active["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["Default", "nyc-taxi-experiment", "other-experiment"]
    );
    let by_name = get(
        &tracker,
        "experiments/get-by-name?experiment_name=nyc-taxi-experiment",
    );
    assert_eq!(by_name["experiment"]["experiment_id"], "1");
    let paged = post(
        &tracker,
        "experiments/search",
        json!({"max_results": 2, "view_type": "ALL"}),
    );
    assert_eq!(paged["experiments"].as_array().unwrap().len(), 2);
    let rest = post(
        &tracker,
        "experiments/search",
        json!({"max_results": 2, "view_type": "ALL", "page_token": paged["next_page_token"]}),
    );
    assert_eq!(rest["experiments"].as_array().unwrap().len(), 2);
    assert!(rest.get("next_page_token").is_none());
}

#[test]
fn runs_search_orders_and_pages_as_mlflow_server() {
    let tracker = tracker();
    let recorded = fixture("runs_search_all_experiments.json");
    let runs = recorded["runs"].as_array().unwrap();
    for run in runs.iter().rev() {
        replay_run(&tracker, "0", run);
    }
    let names = |answer: &Value| -> Vec<String> {
        answer["runs"].as_array().map_or(vec![], |runs| {
            runs.iter()
                .map(|r| r["info"]["run_name"].as_str().unwrap().to_owned())
                .collect()
        })
    };
    let all = post(
        &tracker,
        "runs/search",
        json!({"experiment_ids": ["0"], "max_results": 1000}),
    );
    assert_eq!(names(&all), names(&recorded));
    let page1 = post(
        &tracker,
        "runs/search",
        json!({"experiment_ids": ["0"], "max_results": 10, "order_by": ["attributes.start_time DESC"]}),
    );
    assert_eq!(
        page1["next_page_token"],
        fixture("runs_search_page1_max10.json")["next_page_token"]
    );
    assert_eq!(
        names(&page1),
        names(&fixture("runs_search_page1_max10.json"))
    );
    let page2 = post(
        &tracker,
        "runs/search",
        json!({"experiment_ids": ["0"], "max_results": 10, "page_token": page1["next_page_token"]}),
    );
    assert_eq!(
        names(&page2),
        names(&fixture("runs_search_page2_max10.json"))
    );
    assert_eq!(
        page2["next_page_token"],
        fixture("runs_search_page2_max10.json")["next_page_token"]
    );

    let by_rmse = post(
        &tracker,
        "runs/search",
        json!({"experiment_ids": ["0"], "order_by": ["metrics.rmse ASC"]}),
    );
    let rmse: Vec<Option<f64>> = by_rmse["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["data"]["metrics"].as_array().and_then(|ms| {
                ms.iter()
                    .find(|m| m["key"] == "rmse")
                    .and_then(|m| m["value"].as_f64())
            })
        })
        .collect();
    let present: Vec<f64> = rmse.iter().flatten().copied().collect();
    assert!(present.windows(2).all(|w| w[0] <= w[1]), "{present:?}");
    // Runs without the metric come last.
    let first_missing = rmse.iter().position(Option::is_none).unwrap();
    assert!(rmse[first_missing..].iter().all(Option::is_none));
}

#[test]
fn errors_answer_as_mlflow_server() {
    let tracker = tracker();
    let missing = error(
        &tracker,
        "GET",
        "/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef",
        Value::Null,
    );
    assert_eq!(
        (missing.status, missing.error_code.as_str()),
        (404, "RESOURCE_DOES_NOT_EXIST")
    );
    assert_eq!(
        missing.message,
        "Run with id=0123456789abcdef0123456789abcdef not found"
    );
    let no_param = error(
        &tracker,
        "POST",
        "/api/2.0/mlflow/experiments/create",
        json!({}),
    );
    assert_eq!(
        (no_param.status, no_param.error_code.as_str()),
        (400, "INVALID_PARAMETER_VALUE")
    );
    assert!(no_param.message.contains("'name'"));
    post(&tracker, "experiments/create", json!({"name": "x"}));
    let exists = error(
        &tracker,
        "POST",
        "/api/2.0/mlflow/experiments/create",
        json!({"name": "x"}),
    );
    assert_eq!(
        (exists.status, exists.error_code.as_str()),
        (400, "RESOURCE_ALREADY_EXISTS")
    );
    let no_experiment = error(
        &tracker,
        "GET",
        "/api/2.0/mlflow/experiments/get?experiment_id=42",
        Value::Null,
    );
    assert_eq!(no_experiment.message, "No Experiment with id=42 exists");
    let unknown = error(
        &tracker,
        "POST",
        "/api/2.0/mlflow/runs/frobnicate",
        json!({}),
    );
    assert_eq!(
        (unknown.status, unknown.error_code.as_str()),
        (404, "ENDPOINT_NOT_FOUND")
    );
    let wrong_method = error(&tracker, "GET", "/api/2.0/mlflow/runs/create", Value::Null);
    assert_eq!(wrong_method.status, 405);
    let filter = error(
        &tracker,
        "POST",
        "/api/2.0/mlflow/runs/search",
        json!({"experiment_ids": ["0"], "filter": "metrics.rmse < 'four'"}),
    );
    assert_eq!(filter.error_code, "INVALID_PARAMETER_VALUE");
    assert!(filter
        .message
        .contains("Expected numeric value type for metric. Found 'four'"));
    let bad_token = error(
        &tracker,
        "POST",
        "/api/2.0/mlflow/runs/search",
        json!({"page_token": "***"}),
    );
    assert!(bad_token.message.contains("Invalid page token"));
    let bad_order = error(
        &tracker,
        "POST",
        "/api/2.0/mlflow/runs/search",
        json!({"order_by": ["nope DESC"]}),
    );
    assert_eq!(bad_order.error_code, "INVALID_PARAMETER_VALUE");
    let too_many = error(
        &tracker,
        "POST",
        "/api/2.0/mlflow/runs/search",
        json!({"max_results": 50001}),
    );
    assert!(too_many.message.contains("50000"));
    let not_object = error(
        &tracker,
        "POST",
        "/api/2.0/mlflow/runs/create",
        json!([1, 2]),
    );
    assert_eq!(not_object.status, 400);
}

#[test]
fn a_refused_call_writes_nothing() {
    let tracker = tracker();
    let run_id = new_run(&tracker);
    let refused = error(
        &tracker,
        "POST",
        "/api/2.0/mlflow/runs/log-batch",
        json!({
            "run_id": run_id,
            "params": [{"key": "ok", "value": "1"}],
            "metrics": [{"key": "good", "value": 1, "timestamp": 1}, {"key": "bad/../name", "value": 1, "timestamp": 1}],
        }),
    );
    assert!(
        refused
            .message
            .contains("Invalid metric name: 'bad/../name'"),
        "{}",
        refused.message
    );
    let run = get(&tracker, &format!("runs/get?run_id={run_id}"));
    assert!(run["run"]["data"].get("params").is_none());
    assert!(run["run"]["data"].get("metrics").is_none());
    let history = get(
        &tracker,
        &format!("metrics/get-history?run_id={run_id}&metric_key=good"),
    );
    assert_eq!(history, json!({"metrics": []}));
    let bad_value = error(
        &tracker,
        "POST",
        "/api/2.0/mlflow/runs/log-metric",
        json!({"run_id": run_id, "key": "m", "value": "abc", "timestamp": 1}),
    );
    assert!(bad_value.message.contains("Got invalid value"));
}

#[test]
fn doubles_follow_protobuf_json_both_ways() {
    let tracker = tracker();
    let run_id = new_run(&tracker);
    for (value, step) in [
        (json!("NaN"), 0),
        (json!("Infinity"), 1),
        (json!("-Infinity"), 2),
        (json!(1.5), 3),
    ] {
        post(
            &tracker,
            "runs/log-metric",
            json!({"run_id": run_id, "key": "x", "value": value, "timestamp": "1000", "step": step}),
        );
    }
    let history = get(
        &tracker,
        &format!("metrics/get-history?run_id={run_id}&metric_key=x"),
    );
    let values: Vec<&Value> = history["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["value"])
        .collect();
    assert_eq!(
        values,
        vec![
            &json!("NaN"),
            &json!("Infinity"),
            &json!("-Infinity"),
            &json!(1.5)
        ]
    );
}

#[test]
fn run_lifecycle_and_tags() {
    let tracker = tracker();
    let created = post(
        &tracker,
        "runs/create",
        json!({"experiment_id": "0", "run_name": "r1", "start_time": 5}),
    );
    let run_id = created["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(created["run"]["info"]["status"], "RUNNING");
    assert_eq!(
        created["run"]["data"]["tags"],
        json!([{"key": "mlflow.runName", "value": "r1"}])
    );
    post(
        &tracker,
        "runs/set-tag",
        json!({"run_id": run_id, "key": "k", "value": "v"}),
    );
    post(
        &tracker,
        "runs/log-parameter",
        json!({"run_uuid": run_id, "key": "p", "value": 3}),
    );
    post(
        &tracker,
        "runs/delete-tag",
        json!({"run_id": run_id, "key": "k"}),
    );
    let updated = post(
        &tracker,
        "runs/update",
        json!({"run_id": run_id, "status": "KILLED", "end_time": 9, "run_name": "r2"}),
    );
    assert_eq!(updated["run_info"]["status"], "KILLED");
    assert_eq!(updated["run_info"]["run_name"], "r2");
    post(&tracker, "runs/delete", json!({"run_id": run_id}));
    let search = |view: &str| {
        post(
            &tracker,
            "runs/search",
            json!({"experiment_ids": ["0"], "run_view_type": view}),
        )
    };
    assert_eq!(search("ACTIVE_ONLY"), json!({}));
    assert_eq!(search("DELETED_ONLY")["runs"].as_array().unwrap().len(), 1);
    post(&tracker, "runs/restore", json!({"run_id": run_id}));
    let run = get(&tracker, &format!("runs/get?run_id={run_id}"))["run"].clone();
    assert_eq!(run["info"]["lifecycle_stage"], "active");
    assert_eq!(run["data"]["params"], json!([{"key": "p", "value": "3"}]));
    assert_eq!(
        run["data"]["tags"],
        json!([{"key": "mlflow.runName", "value": "r2"}])
    );
    let status = error(
        &tracker,
        "POST",
        "/api/2.0/mlflow/runs/update",
        json!({"run_id": run_id, "status": "DONE"}),
    );
    assert!(status.message.contains("unknown run status"));
}

#[test]
fn experiments_update_delete_restore_and_tags() {
    let tracker = tracker();
    let id = post(&tracker, "experiments/create", json!({"name": "a"}))["experiment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    post(
        &tracker,
        "experiments/update",
        json!({"experiment_id": id, "new_name": "b"}),
    );
    post(
        &tracker,
        "experiments/set-experiment-tag",
        json!({"experiment_id": id, "key": "mlflow.note.content", "value": "notes"}),
    );
    let experiment =
        get(&tracker, &format!("experiments/get?experiment_id={id}"))["experiment"].clone();
    assert_eq!(experiment["name"], "b");
    assert_eq!(
        experiment["tags"],
        json!([{"key": "mlflow.note.content", "value": "notes"}])
    );
    post(&tracker, "experiments/delete", json!({"experiment_id": id}));
    let deleted = post(
        &tracker,
        "experiments/search",
        json!({"view_type": "DELETED_ONLY"}),
    );
    assert_eq!(deleted["experiments"][0]["name"], "b");
    post(
        &tracker,
        "experiments/restore",
        json!({"experiment_id": id}),
    );
    let default = error(
        &tracker,
        "POST",
        "/api/2.0/mlflow/experiments/delete",
        json!({"experiment_id": "0"}),
    );
    assert!(default
        .message
        .contains("Cannot delete the default experiment"));
}

#[test]
fn artifacts_list_answers_as_mlflow_server_and_bytes_round_trip() {
    let tracker = tracker();
    let run_id = new_run(&tracker);
    let recorded_root = fixture("artifacts_list_linear-regression-baseline_root.json");
    let recorded_images = fixture("artifacts_list_linear-regression-baseline_images.json");
    for file in recorded_images["files"].as_array().unwrap() {
        let size = file["file_size"].as_u64().unwrap() as usize;
        rest(
            &tracker,
            "POST",
            "/api/2.0/labbook/artifacts/upload",
            json!({"run_id": run_id, "path": file["path"], "content": "x".repeat(size)}),
        );
    }
    for folder in recorded_root["files"].as_array().unwrap() {
        let path = folder["path"].as_str().unwrap();
        if path != "images" {
            rest(
                &tracker,
                "POST",
                "/api/2.0/labbook/artifacts/upload",
                json!({"run_id": run_id, "path": format!("{path}/file.bin"), "content_base64": "AAEC"}),
            );
        }
    }
    let root = get(&tracker, &format!("artifacts/list?run_id={run_id}"));
    assert_eq!(root["files"], recorded_root["files"]);
    assert_eq!(
        root["root_uri"],
        json!(format!("mlflow-artifacts:/0/{run_id}/artifacts"))
    );
    let images = get(
        &tracker,
        &format!("artifacts/list?run_id={run_id}&path=images"),
    );
    assert_eq!(images["files"], recorded_images["files"]);
    let download = rest(
        &tracker,
        "GET",
        &format!("/api/2.0/labbook/artifacts/download?run_id={run_id}&path=config/file.bin"),
        Value::Null,
    );
    assert_eq!(
        download,
        json!({"path": "config/file.bin", "file_size": 3, "content_base64": "AAEC"})
    );
    let escape = error(
        &tracker,
        "POST",
        "/api/2.0/labbook/artifacts/upload",
        json!({"run_id": run_id, "path": "../x", "content": "x"}),
    );
    assert!(escape.message.contains("Invalid artifact path"));
}

fn call_registry(tracker: &Tracker<MemStore>, method: &str, endpoint: &str, body: Value) -> Value {
    rest(
        tracker,
        method,
        &format!("/api/2.0/mlflow/{endpoint}"),
        body,
    )
}

#[test]
fn registry_writes_follow_mlflow() {
    let t = tracker();
    let run_id = new_run(&t);
    let model = post(
        &t,
        "registered-models/create",
        json!({"name": "taxi", "description": "fares", "tags": [{"key": "team", "value": "ml"}]}),
    );
    assert_eq!(model["registered_model"]["name"], "taxi");
    assert_eq!(model["registered_model"]["description"], "fares");
    assert_eq!(
        model["registered_model"]["tags"],
        json!([{"key": "team", "value": "ml"}])
    );
    let again = error(
        &t,
        "POST",
        "/api/2.0/mlflow/registered-models/create",
        json!({"name": "taxi"}),
    );
    assert_eq!(again.error_code, "RESOURCE_ALREADY_EXISTS");
    assert_eq!(
        again.message,
        "Registered Model (name=taxi) already exists."
    );
    let empty = error(
        &t,
        "POST",
        "/api/2.0/mlflow/registered-models/create",
        json!({"name": ""}),
    );
    assert_eq!(empty.error_code, "INVALID_PARAMETER_VALUE");

    // Three versions from the run; numbers grow.
    for expected in 1..=3 {
        let created = post(
            &t,
            "model-versions/create",
            json!({"name": "taxi", "source": format!("runs:/{run_id}/model"), "run_id": run_id}),
        );
        let version = &created["model_version"];
        assert_eq!(version["version"], expected.to_string());
        assert_eq!(version["current_stage"], "None");
        assert_eq!(version["status"], "READY");
        assert_eq!(version["run_id"], run_id.as_str());
    }

    // v1 to Production, then v2 to Production archiving v1.
    let moved = post(
        &t,
        "model-versions/transition-stage",
        json!({"name": "taxi", "version": "1", "stage": "production", "archive_existing_versions": false}),
    );
    assert_eq!(moved["model_version"]["current_stage"], "Production");
    post(
        &t,
        "model-versions/transition-stage",
        json!({"name": "taxi", "version": "2", "stage": "Production", "archive_existing_versions": true}),
    );
    let v1 = get(&t, "model-versions/get?name=taxi&version=1");
    assert_eq!(v1["model_version"]["current_stage"], "Archived");
    let history = block_on(t.model_version("taxi", 1)).unwrap().stage_history;
    let stages: Vec<(String, String)> = history
        .iter()
        .map(|h| (h.from.to_string(), h.to.to_string()))
        .collect();
    assert_eq!(
        stages,
        [
            ("None".to_owned(), "Production".to_owned()),
            ("Production".to_owned(), "Archived".to_owned())
        ]
    );
    let bad_archive = error(
        &t,
        "POST",
        "/api/2.0/mlflow/model-versions/transition-stage",
        json!({"name": "taxi", "version": "3", "stage": "Archived", "archive_existing_versions": true}),
    );
    assert_eq!(bad_archive.error_code, "INVALID_PARAMETER_VALUE");
    let latest = post(
        &t,
        "registered-models/get-latest-versions",
        json!({"name": "taxi", "stages": ["Production"]}),
    );
    assert_eq!(latest["model_versions"][0]["version"], "2");

    // Aliases: set, move, read, refuse reserved names.
    call_registry(
        &t,
        "POST",
        "registered-models/alias",
        json!({"name": "taxi", "alias": "champion", "version": "3"}),
    );
    call_registry(
        &t,
        "POST",
        "registered-models/alias",
        json!({"name": "taxi", "alias": "champion", "version": "2"}),
    );
    let by_alias = get(&t, "registered-models/alias?name=taxi&alias=champion");
    assert_eq!(by_alias["model_version"]["version"], "2");
    assert_eq!(by_alias["model_version"]["aliases"], json!(["champion"]));
    let reserved = error(
        &t,
        "POST",
        "/api/2.0/mlflow/registered-models/alias",
        json!({"name": "taxi", "alias": "v2", "version": "2"}),
    );
    assert_eq!(reserved.error_code, "INVALID_PARAMETER_VALUE");
    let no_version = error(
        &t,
        "POST",
        "/api/2.0/mlflow/registered-models/alias",
        json!({"name": "taxi", "alias": "x", "version": "9"}),
    );
    assert_eq!(no_version.error_code, "RESOURCE_DOES_NOT_EXIST");
    assert_eq!(
        no_version.message,
        "Model Version (name=taxi, version=9) not found"
    );
    call_registry(
        &t,
        "POST",
        "registered-models/alias",
        json!({"name": "taxi", "alias": "challenger", "version": "3"}),
    );

    // models:/ URIs.
    let resolve = |uri: &str| {
        rest(
            &t,
            "GET",
            &format!("/api/2.0/labbook/models/resolve?uri={uri}"),
            Value::Null,
        )["model_version"]["version"]
            .clone()
    };
    assert_eq!(resolve("models:/taxi/1"), "1");
    assert_eq!(resolve("models:/taxi@champion"), "2");
    assert_eq!(resolve("models:/taxi/Production"), "2");
    assert_eq!(resolve("models:/taxi/latest"), "3");

    // Deleting v3 drops its alias; the next version is 4, not 3 again.
    call_registry(
        &t,
        "DELETE",
        "model-versions/delete",
        json!({"name": "taxi", "version": "3"}),
    );
    let gone = error(
        &t,
        "GET",
        "/api/2.0/mlflow/model-versions/get?name=taxi&version=3",
        Value::Null,
    );
    assert_eq!(gone.error_code, "RESOURCE_DOES_NOT_EXIST");
    let aliases = get(&t, "registered-models/get?name=taxi")["registered_model"]["aliases"].clone();
    assert_eq!(aliases, json!([{"alias": "champion", "version": "2"}]));
    let next = post(
        &t,
        "model-versions/create",
        json!({"name": "taxi", "source": "s3://bucket/model"}),
    );
    assert_eq!(next["model_version"]["version"], "4");
    let uri = get(&t, "model-versions/get-download-uri?name=taxi&version=4");
    assert_eq!(uri, json!({"artifact_uri": "s3://bucket/model"}));

    // Descriptions and tags of models and versions.
    let updated = call_registry(
        &t,
        "PATCH",
        "model-versions/update",
        json!({"name": "taxi", "version": "4", "description": "retrained"}),
    );
    assert_eq!(updated["model_version"]["description"], "retrained");
    post(
        &t,
        "model-versions/set-tag",
        json!({"name": "taxi", "version": "4", "key": "validated", "value": "yes"}),
    );
    assert_eq!(
        get(&t, "model-versions/get?name=taxi&version=4")["model_version"]["tags"],
        json!([{"key": "validated", "value": "yes"}])
    );
    call_registry(
        &t,
        "DELETE",
        "model-versions/delete-tag",
        json!({"name": "taxi", "version": "4", "key": "validated"}),
    );
    assert!(
        get(&t, "model-versions/get?name=taxi&version=4")["model_version"]
            .get("tags")
            .is_none()
    );
    call_registry(
        &t,
        "PATCH",
        "registered-models/update",
        json!({"name": "taxi", "description": "NYC fares"}),
    );
    post(
        &t,
        "registered-models/set-tag",
        json!({"name": "taxi", "key": "owner", "value": "ana"}),
    );
    call_registry(
        &t,
        "DELETE",
        "registered-models/delete-tag",
        json!({"name": "taxi", "key": "team"}),
    );
    let model = get(&t, "registered-models/get?name=taxi")["registered_model"].clone();
    assert_eq!(model["description"], "NYC fares");
    assert_eq!(model["tags"], json!([{"key": "owner", "value": "ana"}]));

    // Rename: the versions follow; delete: all of it goes.
    post(
        &t,
        "registered-models/rename",
        json!({"name": "taxi", "new_name": "fares"}),
    );
    assert_eq!(
        get(&t, "model-versions/get?name=fares&version=2")["model_version"]["current_stage"],
        "Production"
    );
    assert_eq!(
        error(
            &t,
            "GET",
            "/api/2.0/mlflow/registered-models/get?name=taxi",
            Value::Null
        )
        .message,
        "Registered Model with name=taxi not found"
    );
    call_registry(
        &t,
        "DELETE",
        "registered-models/delete",
        json!({"name": "fares"}),
    );
    let versions = post(&t, "model-versions/search", json!({}));
    assert!(versions.get("model_versions").is_none(), "{versions}");
    // Wrong method: MLflow's routes are method-specific.
    let wrong = error(
        &t,
        "POST",
        "/api/2.0/mlflow/registered-models/delete",
        json!({"name": "x"}),
    );
    assert_eq!(wrong.status, 405);
}
