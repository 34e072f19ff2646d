//! Autologging: what MLflow's scikit-learn and XGBoost autologging log for a fit, from the
//! trainer's report (`ml::trainer`): the estimator's params; `training_mean_squared_error`,
//! `training_mean_absolute_error`, `training_r2_score`, `training_root_mean_squared_error`
//! and `training_score`; for boosted trees `validation-rmse` per round (step = round) and,
//! under early stopping, `best_iteration` and `stopped_iteration`; the tags
//! `estimator_name`, `estimator_class` and `mlflow.autologging`; tree models' split counts as
//! `feature_importance_weight.json`; and the data sets as the run's inputs.

use serde_json::Value;

use super::{python_json, python_str, Fluent, StartRun};
use crate::clock::now_ms;
use crate::domain::{Dataset, DomainError, LogBatch, Metric, Param, RunStatus, Tag};
use crate::store::Store;

/// The tag MLflow's autologging puts on a run it logged to, with the flavor's name.
pub const AUTOLOGGING_TAG: &str = "mlflow.autologging";

/// Logs a fit's report to the active run, or to a run started for it and ended after.
pub async fn log_fit<S: Store>(fluent: &Fluent<S>, report: &Value) -> Result<String, DomainError> {
    if let Some(run_id) = fluent.active_run() {
        log_report(fluent, &run_id, report).await?;
        return Ok(run_id);
    }
    let run_id = fluent.start_run(StartRun::default()).await?.info.run_id;
    let logged = log_report(fluent, &run_id, report).await;
    let status = if logged.is_ok() {
        RunStatus::Finished
    } else {
        RunStatus::Failed
    };
    fluent.end_run(status).await?;
    logged.map(|()| run_id)
}

/// Logs the report to `run_id`, the active run.
async fn log_report<S: Store>(
    fluent: &Fluent<S>,
    run_id: &str,
    report: &Value,
) -> Result<(), DomainError> {
    let text = |key: &str| report[key].as_str().unwrap_or_default().to_owned();
    let flavor = if text("class_path").starts_with("xgboost") {
        "xgboost"
    } else {
        "sklearn"
    };
    let params: Vec<Param> = report["params"]
        .as_object()
        .map(|params| {
            params
                .iter()
                .map(|(key, value)| Param {
                    key: key.clone(),
                    value: python_str(value),
                })
                .collect()
        })
        .unwrap_or_default();
    let timestamp = now_ms();
    let metric = |key: &str, value: f64, step: i64| Metric {
        key: key.to_owned(),
        value,
        timestamp,
        step,
    };
    let mut metrics = Vec::new();
    let training = &report["training"];
    for (key, name) in [
        ("mse", "training_mean_squared_error"),
        ("mae", "training_mean_absolute_error"),
        ("r2", "training_r2_score"),
        ("rmse", "training_root_mean_squared_error"),
        ("r2", "training_score"),
    ] {
        if let Some(value) = training[key].as_f64() {
            metrics.push(metric(name, value, 0));
        }
    }
    if flavor == "xgboost" {
        let rounds = &report["rounds"];
        if let Some(values) = rounds["validation_rmse"].as_array() {
            for (round, value) in values.iter().enumerate() {
                metrics.push(metric(
                    "validation-rmse",
                    value.as_f64().unwrap_or(f64::NAN),
                    round as i64,
                ));
            }
        }
        for key in ["best_iteration", "stopped_iteration"] {
            if let Some(value) = rounds[key].as_f64() {
                metrics.push(metric(key, value, 0));
            }
        }
    }
    let tags = vec![
        Tag::new("estimator_name", text("class_name")),
        Tag::new("estimator_class", text("class_path")),
        Tag::new(AUTOLOGGING_TAG, flavor),
    ];
    fluent
        .tracker()
        .log_batch(
            run_id,
            LogBatch {
                metrics,
                params,
                tags,
            },
        )
        .await?;
    // Only tree models count splits; a linear model's report has none.
    if let Some(importance) = report["feature_importance"]
        .as_object()
        .filter(|i| !i.is_empty())
    {
        fluent
            .log_dict(
                &Value::Object(importance.clone()),
                "feature_importance_weight.json",
            )
            .await?;
    }
    for dataset in report["datasets"].as_array().into_iter().flatten() {
        let field = |key: &str| dataset[key].as_str().unwrap_or_default().to_owned();
        let json = |key: &str| Some(python_json(&dataset[key])).filter(|_| !dataset[key].is_null());
        fluent
            .log_input(
                Dataset {
                    name: field("name"),
                    digest: field("digest"),
                    source_type: field("source_type"),
                    source: json("source").unwrap_or_else(|| "{}".to_owned()),
                    schema: json("schema"),
                    profile: json("profile"),
                },
                Some(&field("context")),
            )
            .await?;
    }
    Ok(())
}
