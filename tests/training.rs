//! A training job as the trainer worker runs it (`ml::trainer`), its refusals of bad input,
//! and what autologging logs from its report (`tracking::autolog`).

mod common;

use std::rc::Rc;

use futures::executor::block_on;
use serde_json::{json, Map, Value};

use labbook::domain::RunStatus;
use labbook::ml::features::FeatureSpec;
use labbook::ml::table::Table;
use labbook::ml::trainer::{table_from_rows, train, Data};
use labbook::tracking::autolog::{log_fit, AUTOLOGGING_TAG};
use labbook::tracking::Fluent;

fn params(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

fn taxi(rows: usize) -> Data {
    Data::SyntheticTaxi { rows, seed: 3 }
}

#[test]
fn the_same_job_gives_the_same_model_and_report() {
    let fit = || {
        let mut rounds = Vec::new();
        let trained = train(
            "gradient_boosting",
            &params(json!({"max_depth": 4, "num_boost_round": 20, "early_stopping_rounds": 5})),
            &taxi(800),
            &mut |round, rmse| rounds.push((round, rmse)),
        )
        .unwrap();
        (trained, rounds)
    };
    let ((a, rounds_a), (b, rounds_b)) = (fit(), fit());
    assert_eq!(a.report, b.report);
    assert_eq!(a.fitted, b.fitted);
    assert_eq!(rounds_a, rounds_b);
    let report = &a.report;
    assert_eq!(report["class_name"], "XGBRegressor");
    assert_eq!(report["params"]["max_depth"], 4);
    assert_eq!(report["params"]["learning_rate"], 0.3);
    assert_eq!(report["params"]["early_stopping_rounds"], 5);
    let per_round = report["rounds"]["validation_rmse"].as_array().unwrap();
    assert_eq!(per_round.len(), rounds_a.len());
    assert_eq!(report["rounds"]["stopped_iteration"], rounds_a.len() - 1);
    assert!(
        report["validation"]["rmse"].as_f64().unwrap()
            < report["training"]["rmse"].as_f64().unwrap() * 2.0
    );
    let names: Vec<&str> = report["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["green_tripdata_2021-01", "green_tripdata_2021-02"]);
    // The model predicts from rows as the page gives them, zones and distance.
    let rows =
        table_from_rows(&[json!({"PULocationID": 43, "DOLocationID": 151, "trip_distance": 1.8})])
            .unwrap();
    let predicted = a.fitted.predict(&rows).unwrap();
    assert!(predicted[0] > 1.0 && predicted[0] < 60.0, "{predicted:?}");
}

#[test]
fn bad_input_is_refused_in_words() {
    let rows = |values: Value| table_from_rows(values.as_array().unwrap());
    assert_eq!(rows(json!([])).unwrap_err(), "there are no rows");
    assert_eq!(
        rows(json!([{"x": 1, "y": 2}, {"x": 3}])).unwrap_err(),
        "row 2 has 1 columns; row 1 has 2"
    );
    assert_eq!(
        rows(json!([{"x": 1}, {"z": 3}])).unwrap_err(),
        "row 2 has no 'x'"
    );
    assert_eq!(
        rows(json!([{"x": 1}, 7])).unwrap_err(),
        "row 2 is not an object of column names to values"
    );
    let table =
        rows(json!([{"x": 1, "zone": "a", "y": "fast"}, {"x": 2, "zone": "b", "y": 3}])).unwrap();
    let job = |table: &Table, target: &str, categorical: &[&str], numerical: &[&str]| {
        let data = Data::Tables {
            train: table.clone(),
            validation: None,
            target: target.to_owned(),
            features: FeatureSpec {
                categorical: categorical.iter().map(|s| (*s).to_owned()).collect(),
                numerical: numerical.iter().map(|s| (*s).to_owned()).collect(),
            },
        };
        train("linear_regression", &Map::new(), &data, &mut |_, _| {})
            .err()
            .unwrap()
    };
    assert_eq!(
        job(&table, "y", &["zone"], &["x"]),
        "the target 'y' must be numbers; row 1 has 'fast'"
    );
    assert_eq!(
        job(&table, "speed", &["zone"], &["x"]),
        "the training rows have no column 'speed'"
    );
    assert_eq!(
        job(&table, "x", &["zone"], &["x"]),
        "column 'x' is chosen twice"
    );
    assert_eq!(
        job(&table, "x", &["zone", "zone"], &[]),
        "column 'zone' is chosen twice"
    );
    assert_eq!(
        job(&table, "x", &[], &[]),
        "choose at least one feature column"
    );
    assert_eq!(
        job(&table, "x", &[], &["zone"]),
        "column 'zone' holds text; a numerical feature needs numbers"
    );
    let refused = |estimator: &str, given: Value| {
        train(estimator, &params(given), &taxi(50), &mut |_, _| {})
            .err()
            .unwrap()
    };
    assert_eq!(
        refused("svm", json!({})),
        "unknown estimator 'svm' (one of linear_regression, ridge, lasso, elastic_net, decision_tree, random_forest, gradient_boosting)"
    );
    assert_eq!(
        refused("ridge", json!({"alpha": -1})),
        "ridge: alpha must be at least 0"
    );
    assert_eq!(
        refused("ridge", json!({"alhpa": 1})),
        "ridge has no param 'alhpa' (its params: alpha)"
    );
    assert_eq!(
        refused("gradient_boosting", json!({"max_depth": 2.5})),
        "gradient_boosting: max_depth must be a whole number, at least 1"
    );
    assert_eq!(
        refused("gradient_boosting", json!({"learning_rate": 0})),
        "gradient_boosting: learning_rate must be above 0"
    );
    assert_eq!(
        refused("lasso", json!({"tol": "small"})),
        "lasso: tol must be a number"
    );
    assert_eq!(
        refused("linear_regression", json!({"alpha": 1})),
        "linear_regression has no param 'alpha'"
    );
}

#[test]
fn autolog_logs_what_mlflows_autologging_logs() {
    let mlflow = Fluent::new(Rc::new(common::tracker()));
    block_on(async {
        let boosted = train(
            "gradient_boosting",
            &params(json!({"num_boost_round": 8, "max_depth": 3})),
            &taxi(300),
            &mut |_, _| {},
        )
        .unwrap();
        // No run active: the fit gets a run of its own, ended.
        let run_id = log_fit(&mlflow, &boosted.report).await.unwrap();
        assert_eq!(mlflow.active_run(), None);
        let run = mlflow.tracker().run(&run_id).await.unwrap();
        assert_eq!(run.info.status, RunStatus::Finished);
        assert_eq!(run.tag("estimator_name"), Some("XGBRegressor"));
        assert_eq!(
            run.tag("estimator_class"),
            Some("xgboost.sklearn.XGBRegressor")
        );
        assert_eq!(run.tag(AUTOLOGGING_TAG), Some("xgboost"));
        assert_eq!(run.param("max_depth"), Some("3"));
        assert_eq!(run.param("learning_rate"), Some("0.3"));
        assert_eq!(run.param("early_stopping_rounds"), Some("None"));
        let mut keys: Vec<&str> = run.data.metrics.iter().map(|m| m.key.as_str()).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "training_mean_absolute_error",
                "training_mean_squared_error",
                "training_r2_score",
                "training_root_mean_squared_error",
                "training_score",
                "validation-rmse"
            ]
        );
        let history = mlflow
            .tracker()
            .metric_history(&run_id, "validation-rmse")
            .await
            .unwrap();
        assert_eq!(
            history.iter().map(|m| m.step).collect::<Vec<i64>>(),
            (0..8).collect::<Vec<i64>>()
        );
        let importance = mlflow
            .tracker()
            .artifact(&run_id, "feature_importance_weight.json")
            .await
            .unwrap();
        let importance: Map<String, Value> = serde_json::from_slice(&importance).unwrap();
        assert!(importance.contains_key("trip_distance"), "{importance:?}");
        let contexts: Vec<(String, String)> = run
            .inputs
            .iter()
            .map(|i| (i.dataset.name.clone(), i.tags[0].value.clone()))
            .collect();
        assert_eq!(
            contexts,
            [
                ("green_tripdata_2021-01".to_owned(), "training".to_owned()),
                ("green_tripdata_2021-02".to_owned(), "validation".to_owned())
            ]
        );
        // Inside an active run, the fit logs there and leaves it running; a linear model has
        // no importances to log.
        let outer = mlflow
            .start_run(Default::default())
            .await
            .unwrap()
            .info
            .run_id;
        let linear = train("ridge", &Map::new(), &taxi(300), &mut |_, _| {}).unwrap();
        assert_eq!(log_fit(&mlflow, &linear.report).await.unwrap(), outer);
        let run = mlflow.tracker().run(&outer).await.unwrap();
        assert_eq!(run.info.status, RunStatus::Running);
        assert!(run
            .data
            .tags
            .iter()
            .any(|t| t.key == AUTOLOGGING_TAG && t.value == "sklearn"));
        assert!(run
            .data
            .params
            .iter()
            .any(|p| p.key == "alpha" && p.value == "1.0"));
        assert!(mlflow
            .tracker()
            .artifact(&outer, "feature_importance_weight.json")
            .await
            .is_err());
    });
}

/// The same jobs in the trainer worker give the same figures (`tests/e2e/training.spec.ts`
/// checks these numbers there): the data, the fit and the scores do not depend on where
/// they run.
#[test]
fn these_jobs_score_the_same_natively_as_in_the_worker() {
    let cases = [
        (
            "gradient_boosting",
            json!({"max_depth": 3, "num_boost_round": 15}),
            5.545355028135633,
            0.9121699264655254,
        ),
        (
            "random_forest",
            json!({"n_estimators": 5, "random_state": 4}),
            6.32452557494714,
            0.9698152324244651,
        ),
    ];
    for (estimator, given, validation_rmse, training_r2) in cases {
        let trained = train(
            estimator,
            &params(given),
            &Data::SyntheticTaxi { rows: 500, seed: 7 },
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(
            trained.report["validation"]["rmse"], validation_rmse,
            "{estimator}"
        );
        assert_eq!(trained.report["training"]["r2"], training_r2, "{estimator}");
    }
}

#[test]
fn data_prepared_once_fits_as_fresh_data_does() {
    let data = taxi(400);
    let prepared = labbook::ml::trainer::prepare(&data).unwrap();
    for (estimator, given) in [
        ("ridge", json!({"alpha": 0.5})),
        ("decision_tree", json!({"max_depth": 5})),
    ] {
        let given = params(given);
        let reused = prepared.train(estimator, &given, &mut |_, _| {}).unwrap();
        let fresh = train(estimator, &given, &data, &mut |_, _| {}).unwrap();
        assert_eq!(reused.report, fresh.report, "{estimator}");
        assert_eq!(reused.fitted, fresh.fitted, "{estimator}");
    }
}
