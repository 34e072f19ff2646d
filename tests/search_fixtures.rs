//! Searches of real MLflow data: `tests/data/mlflow-search-answers.json` holds what MLflow
//! 3.17 (`scripts/record-mlflow-search`) returned for runs, experiments, registered models and
//! model versions of the MLflow 2 file store fixture, for each filter and order_by; after
//! importing the same fixture, `labbook.rest` must return the same names in the same order,
//! and refuse what MLflow refused with the same message.

mod common;

use common::fixture_zip;
use futures::executor::block_on;
use labbook::api::handle;
use labbook::codec::file_store::FileStore;
use labbook::store::{MemStore, Tracker};
use serde_json::{json, Value};

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn imported() -> Tracker<MemStore> {
    let files = fixture_zip("mlflow2-filestore/mlruns.zip");
    common::imported(FileStore::new(files).unwrap().finish().unwrap())
}

fn names(answer: &Value, list: &str, name: impl Fn(&Value) -> String) -> Vec<String> {
    answer[list]
        .as_array()
        .map(|items| items.iter().map(name).collect())
        .unwrap_or_default()
}

/// The part of MLflow's message that does not depend on how Python prints a set or list.
fn stable_prefix(message: &str) -> &str {
    let cut = message.find(['{', '[', '(']).unwrap_or(message.len());
    &message[..cut]
}

/// Where labbook's tokenizer and MLflow's (`sqlparse`) part ways; both refuse.
const KNOWN_DIFFERENCES: [&str; 1] = [
    // `nothing` is an SQL keyword to sqlparse, so MLflow cannot parse the clause; labbook reads
    // it as an attribute name and refuses it as an unknown attribute.
    "nothing",
];

#[test]
fn labbook_searches_the_fixture_as_mlflow_does() {
    let tracker = imported();
    let recorded: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/data/mlflow-search-answers.json")).unwrap(),
    )
    .unwrap();
    let experiments = block_on(handle(
        &tracker,
        "POST",
        "/api/2.0/mlflow/experiments/search",
        Some(json!({"view_type": "ALL"})),
    ))
    .unwrap();
    let experiment_ids: Vec<Value> = experiments["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["experiment_id"].clone())
        .collect();
    let mut compared = 0;
    for case in recorded["cases"].as_array().unwrap() {
        let kind = case["kind"].as_str().unwrap();
        let filter = case["filter"].clone();
        let order_by = case["order_by"].clone();
        let (path, body) = match kind {
            "runs" => (
                "/api/2.0/mlflow/runs/search",
                json!({"experiment_ids": experiment_ids, "filter": filter, "order_by": order_by,
                       "run_view_type": "ALL", "max_results": 1000}),
            ),
            "experiments" => (
                "/api/2.0/mlflow/experiments/search",
                json!({"filter": filter, "order_by": order_by, "view_type": "ALL"}),
            ),
            "registered-models" => (
                "/api/2.0/mlflow/registered-models/search",
                json!({"filter": filter, "order_by": order_by}),
            ),
            _ => (
                "/api/2.0/mlflow/model-versions/search",
                json!({"filter": filter, "order_by": order_by}),
            ),
        };
        let answer = block_on(handle(&tracker, "POST", path, Some(body)));
        let what = format!("{kind} filter={filter} order_by={order_by}");
        match (case.get("error").and_then(Value::as_str), answer) {
            (Some(expected), Err(error)) => {
                assert_eq!(error.error_code, "INVALID_PARAMETER_VALUE", "{what}");
                let known = KNOWN_DIFFERENCES
                    .iter()
                    .any(|k| order_by.to_string().contains(k));
                if !known {
                    assert!(
                        error.message.starts_with(stable_prefix(expected)),
                        "{what}: labbook says '{}', MLflow '{expected}'",
                        error.message
                    );
                }
            }
            (Some(expected), Ok(_)) => {
                panic!("{what}: MLflow refused ({expected}), labbook did not")
            }
            (None, Err(error)) => panic!("{what}: labbook refused: {}", error.message),
            (None, Ok(answer)) => {
                let got = match kind {
                    "runs" => names(&answer, "runs", |r| {
                        r["info"]["run_name"].as_str().unwrap().to_owned()
                    }),
                    "experiments" => names(&answer, "experiments", |e| {
                        e["name"].as_str().unwrap().to_owned()
                    }),
                    "registered-models" => names(&answer, "registered_models", |m| {
                        m["name"].as_str().unwrap().to_owned()
                    }),
                    _ => names(&answer, "model_versions", |v| {
                        format!(
                            "{}/{}",
                            v["name"].as_str().unwrap(),
                            v["version"].as_str().unwrap()
                        )
                    }),
                };
                let expected: Vec<String> = serde_json::from_value(case["names"].clone()).unwrap();
                assert_eq!(got, expected, "{what}");
            }
        }
        compared += 1;
    }
    assert_eq!(compared, recorded["cases"].as_array().unwrap().len());
    assert!(compared >= 60, "{compared}");
}
