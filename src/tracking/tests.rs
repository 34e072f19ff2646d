use futures::executor::block_on;
use serde_json::json;

use super::*;
use crate::domain::ErrorCode;
use crate::store::MemStore;

fn fluent() -> Fluent<MemStore> {
    let tracker = Rc::new(Tracker::new(MemStore::new()));
    block_on(tracker.ensure_default_experiment()).unwrap();
    Fluent::new(tracker)
}

fn named(name: &str) -> StartRun {
    StartRun {
        run_name: Some(name.to_owned()),
        ..StartRun::default()
    }
}

#[test]
fn set_experiment_creates_once_and_refuses_a_deleted_one() {
    let mlflow = fluent();
    block_on(async {
        assert_eq!(mlflow.experiment_id(), "0");
        let first = mlflow.set_experiment("nyc-taxi-experiment").await.unwrap();
        let again = mlflow.set_experiment("nyc-taxi-experiment").await.unwrap();
        assert_eq!(first.experiment_id, again.experiment_id);
        assert_eq!(mlflow.experiment_id(), first.experiment_id);
        let gone = mlflow.set_experiment("gone").await.unwrap();
        mlflow
            .tracker()
            .delete_experiment(&gone.experiment_id)
            .await
            .unwrap();
        let refused = mlflow.set_experiment("gone").await.unwrap_err();
        assert_eq!(
            refused.message,
            "Cannot set a deleted experiment 'gone' as the active experiment. You can restore the experiment, or permanently delete the experiment to create a new one."
        );
    });
}

#[test]
fn runs_start_in_the_experiment_set_nest_and_end_as_mlflow_does() {
    let mlflow = fluent();
    block_on(async {
        let experiment = mlflow.set_experiment("course").await.unwrap();
        let parent = mlflow.start_run(named("search")).await.unwrap();
        assert_eq!(parent.info.experiment_id, experiment.experiment_id);
        assert_eq!(parent.info.status, RunStatus::Running);
        let refused = mlflow.start_run(named("second")).await.unwrap_err();
        assert!(
            refused.message.starts_with(&format!(
                "Run with UUID {} is already active.",
                parent.info.run_id
            )),
            "{}",
            refused.message
        );
        let child = mlflow
            .start_run(StartRun {
                nested: true,
                ..named("trial-0")
            })
            .await
            .unwrap();
        assert_eq!(child.parent_run_id(), Some(parent.info.run_id.as_str()));
        assert_eq!(mlflow.active_run(), Some(child.info.run_id.clone()));
        mlflow.end_run(RunStatus::Finished).await.unwrap();
        assert_eq!(mlflow.active_run(), Some(parent.info.run_id.clone()));
        mlflow.end_run(RunStatus::Finished).await.unwrap();
        mlflow.end_run(RunStatus::Finished).await.unwrap();
        let ended = mlflow.tracker().run(&child.info.run_id).await.unwrap();
        assert_eq!(ended.info.status, RunStatus::Finished);
        assert!(ended.info.end_time.is_some());
        // A run is resumed by its id.
        let resumed = mlflow
            .start_run(StartRun {
                run_id: Some(parent.info.run_id.clone()),
                ..StartRun::default()
            })
            .await
            .unwrap();
        assert_eq!(resumed.info.status, RunStatus::Running);
        assert_eq!(resumed.info.run_name, "search");
    });
}

#[test]
fn logging_with_no_run_active_starts_one_and_goes_through_the_tracker_s_checks() {
    let mlflow = fluent();
    block_on(async {
        mlflow.log_param("alpha", "0.1").await.unwrap();
        let run_id = mlflow.active_run().expect("a run was started");
        mlflow
            .log_metric("rmse", 5.5, None, Some(1000))
            .await
            .unwrap();
        mlflow
            .log_metrics(&[("rmse".into(), 5.0), ("mae".into(), 3.0)], Some(3))
            .await
            .unwrap();
        mlflow
            .log_params(&[("fit_intercept".into(), "True".into())])
            .await
            .unwrap();
        mlflow
            .set_tags(&[("developer".into(), "cristian".into())])
            .await
            .unwrap();
        let changed = mlflow.log_param("alpha", "0.2").await.unwrap_err();
        assert_eq!(changed.code, ErrorCode::InvalidParameterValue);
        let run = mlflow.tracker().run(&run_id).await.unwrap();
        assert_eq!(run.param("alpha"), Some("0.1"));
        assert_eq!(run.param("fit_intercept"), Some("True"));
        assert_eq!(run.tag("developer"), Some("cristian"));
        let rmse = mlflow
            .tracker()
            .metric_history(&run_id, "rmse")
            .await
            .unwrap();
        assert_eq!(
            rmse.iter().map(|m| (m.step, m.value)).collect::<Vec<_>>(),
            [(0, 5.5), (3, 5.0)]
        );
        assert_eq!(rmse[0].timestamp, 1000);
    });
}

#[test]
fn files_and_data_sets_are_logged_as_mlflow_logs_them() {
    let mlflow = fluent();
    block_on(async {
        mlflow.start_run(named("baseline")).await.unwrap();
        let run_id = mlflow.active_run().unwrap();
        mlflow
            .log_dict(
                &json!({"split": {"train": 1600, "val": 400}, "model": "LinearRegression"}),
                "config/run_config.yaml",
            )
            .await
            .unwrap();
        mlflow
            .log_text("Baseline linear regression.\n", "notes/README.txt")
            .await
            .unwrap();
        let config = mlflow
            .tracker()
            .artifact(&run_id, "config/run_config.yaml")
            .await
            .unwrap();
        assert_eq!(
            String::from_utf8(config).unwrap(),
            "model: LinearRegression\nsplit:\n  train: 1600\n  val: 400\n"
        );
        let dataset = Dataset {
            name: "green_tripdata_2021-01".into(),
            digest: "6aee5255".into(),
            source_type: "code".into(),
            source: "{}".into(),
            schema: None,
            profile: Some(r#"{"num_rows": 1600, "num_elements": 8000}"#.into()),
        };
        mlflow
            .log_input(dataset.clone(), Some("training"))
            .await
            .unwrap();
        mlflow.log_input(dataset, Some("training")).await.unwrap();
        let run = mlflow.tracker().run(&run_id).await.unwrap();
        assert_eq!(run.inputs.len(), 1, "the same data set once");
        assert_eq!(
            run.inputs[0].tags,
            [Tag::new(DATASET_CONTEXT_TAG, "training")]
        );
        let refused = mlflow.log_text("x", "../escape.txt").await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::InvalidParameterValue);
    });
}

#[test]
fn a_run_s_body_ends_it_finished_failed_or_killed() {
    let mlflow = fluent();
    block_on(async {
        let mut ids = Vec::new();
        for outcome in [
            Ok(1),
            Err(Stopped::Failed(DomainError::invalid("nan loss"))),
            Err(Stopped::Cancelled),
        ] {
            let answer = mlflow
                .with_run(named("trial"), async |run| {
                    ids.push(run.info.run_id.clone());
                    outcome.clone()
                })
                .await;
            assert_eq!(answer, outcome);
            assert_eq!(mlflow.active_run(), None);
        }
        let statuses: Vec<RunStatus> =
            futures::future::join_all(ids.iter().map(|id| mlflow.tracker().run(id)))
                .await
                .into_iter()
                .map(|r| r.unwrap().info.status)
                .collect();
        assert_eq!(
            statuses,
            [RunStatus::Finished, RunStatus::Failed, RunStatus::Killed]
        );
    });
}

#[test]
fn search_runs_filters_and_orders_with_mlflow_s_language() {
    let mlflow = fluent();
    block_on(async {
        mlflow.set_experiment("search").await.unwrap();
        for (name, rmse) in [("a", 5.0), ("b", 4.0), ("c", 6.0)] {
            mlflow
                .with_run(named(name), async |_| {
                    mlflow.log_metric("rmse", rmse, None, None).await?;
                    Ok(())
                })
                .await
                .unwrap();
        }
        let names = |runs: Vec<Run>| {
            runs.into_iter()
                .map(|r| r.info.run_name)
                .collect::<Vec<_>>()
        };
        let found = mlflow
            .search_runs(&[], "metrics.rmse < 5.5", &["metrics.rmse ASC".into()], 10)
            .await
            .unwrap();
        assert_eq!(names(found), ["b", "a"]);
        let first = mlflow
            .search_runs(&[], "", &["metrics.rmse DESC".into()], 1)
            .await
            .unwrap();
        assert_eq!(names(first), ["c"]);
        let refused = mlflow
            .search_runs(&[], "metrics.rmse < 5 OR params.a = 'x'", &[], 10)
            .await
            .unwrap_err();
        assert_eq!(refused.code, ErrorCode::InvalidParameterValue);
    });
}
