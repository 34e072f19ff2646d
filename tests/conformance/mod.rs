//! The store conformance suite: what every `Store` must do, run against `MemStore` natively
//! (`tests/store_mem.rs`) and against `IdbStore` in headless Chromium (`tests/store_idb.rs`).
//!
//! Each case takes a fresh, empty store. `for_each_case!` lists them once for both runners.

use labbook::domain::{
    Dataset, DatasetInput, DomainError, ErrorCode, Experiment, LifecycleStage, LogBatch, Metric,
    ModelVersion, ModelVersionStatus, Param, RegisteredModel, RunStatus, RunUpdate, Stage,
    StageTransition, Tag, ViewType,
};
use labbook::store::{Change, NewModelVersion, NewRun, Store, Tracker};

/// Calls `$runner!(case, case, ...)` with every case of the suite.
#[macro_export]
macro_rules! for_each_case {
    ($runner:ident) => {
        $runner!(
            default_experiment_and_ids,
            experiment_lifecycle,
            experiment_names_are_unique,
            runs_log_and_read_back,
            params_never_change,
            deleted_runs_refuse_writes,
            latest_metric_follows_mlflow,
            long_histories_keep_every_point,
            points_logged_a_few_at_a_time_read_back_from_anywhere,
            special_values_survive,
            artifacts_round_trip,
            failed_apply_writes_nothing,
            views_and_experiment_filters,
            dataset_inputs_are_deduplicated,
            registry_round_trips,
            registry_renames_and_deletes
        );
    };
}

fn metric(key: &str, value: f64, timestamp: i64, step: i64) -> Metric {
    Metric {
        key: key.to_owned(),
        value,
        timestamp,
        step,
    }
}

async fn tracker_with_experiment<S: Store>(store: S) -> (Tracker<S>, String) {
    let tracker = Tracker::new(store);
    tracker.ensure_default_experiment().await.unwrap();
    let id = tracker
        .create_experiment("exp", None, vec![Tag::new("team", "a")])
        .await
        .unwrap();
    (tracker, id)
}

async fn new_run<S: Store>(tracker: &Tracker<S>, experiment_id: &str, name: &str) -> String {
    tracker
        .create_run(NewRun {
            experiment_id: experiment_id.to_owned(),
            user_id: "tester".to_owned(),
            run_name: Some(name.to_owned()),
            start_time: Some(1000),
            tags: vec![],
        })
        .await
        .unwrap()
        .info
        .run_id
}

pub async fn default_experiment_and_ids<S: Store>(store: S) {
    let tracker = Tracker::new(store);
    tracker.ensure_default_experiment().await.unwrap();
    tracker.ensure_default_experiment().await.unwrap();
    let all = tracker.experiments(ViewType::All).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].experiment_id, "0");
    assert_eq!(all[0].name, "Default");
    let a = tracker.create_experiment("a", None, vec![]).await.unwrap();
    let b = tracker.create_experiment("b", None, vec![]).await.unwrap();
    assert_eq!((a.as_str(), b.as_str()), ("1", "2"));
    let b_exp = tracker.experiment(&b).await.unwrap();
    assert_eq!(b_exp.artifact_location, "mlflow-artifacts:/2");
}

pub async fn experiment_lifecycle<S: Store>(store: S) {
    let (tracker, id) = tracker_with_experiment(store).await;
    let run_id = new_run(&tracker, &id, "r").await;
    tracker.rename_experiment(&id, "renamed").await.unwrap();
    tracker
        .set_experiment_tag(&id, Tag::new("mlflow.note.content", "# Notes"))
        .await
        .unwrap();
    let experiment: Experiment = tracker.experiment_by_name("renamed").await.unwrap();
    assert_eq!(experiment.description(), Some("# Notes"));
    assert_eq!(experiment.tag("team"), Some("a"));

    tracker.delete_experiment(&id).await.unwrap();
    assert_eq!(
        tracker.experiment(&id).await.unwrap().lifecycle_stage,
        LifecycleStage::Deleted
    );
    assert_eq!(
        tracker.run(&run_id).await.unwrap().info.lifecycle_stage,
        LifecycleStage::Deleted
    );
    assert!(tracker
        .experiments(ViewType::ActiveOnly)
        .await
        .unwrap()
        .iter()
        .all(|e| e.experiment_id != id));
    let refused = tracker.rename_experiment(&id, "again").await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidParameterValue);

    tracker.restore_experiment(&id).await.unwrap();
    assert_eq!(
        tracker.run(&run_id).await.unwrap().info.lifecycle_stage,
        LifecycleStage::Active
    );
    let default_delete = tracker.delete_experiment("0").await.unwrap_err();
    assert!(default_delete.message.contains("default experiment"));
    let missing = tracker.experiment("999").await.unwrap_err();
    assert_eq!(missing.code, ErrorCode::ResourceDoesNotExist);
}

pub async fn experiment_names_are_unique<S: Store>(store: S) {
    let (tracker, id) = tracker_with_experiment(store).await;
    let duplicate = tracker
        .create_experiment("exp", None, vec![])
        .await
        .unwrap_err();
    assert_eq!(duplicate.code, ErrorCode::ResourceAlreadyExists);
    let other = tracker
        .create_experiment("other", None, vec![])
        .await
        .unwrap();
    let rename = tracker.rename_experiment(&other, "exp").await.unwrap_err();
    assert_eq!(rename.code, ErrorCode::ResourceAlreadyExists);
    tracker.delete_experiment(&id).await.unwrap();
    let deleted_name = tracker
        .create_experiment("exp", None, vec![])
        .await
        .unwrap_err();
    assert!(deleted_name.message.contains("deleted state"));
    assert_eq!(
        tracker
            .create_experiment("", None, vec![])
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidParameterValue
    );
}

pub async fn runs_log_and_read_back<S: Store>(store: S) {
    let (tracker, id) = tracker_with_experiment(store).await;
    let run_id = new_run(&tracker, &id, "first").await;
    tracker
        .log_batch(
            &run_id,
            LogBatch {
                metrics: vec![metric("loss", 1.0, 10, 0), metric("loss", 0.5, 20, 1)],
                params: vec![Param::new("lr", "0.1")],
                tags: vec![Tag::new("model", "linear")],
            },
        )
        .await
        .unwrap();
    tracker
        .update_run(
            &run_id,
            RunUpdate {
                status: Some(RunStatus::Finished),
                end_time: Some(5000),
                run_name: Some("renamed".to_owned()),
            },
        )
        .await
        .unwrap();
    let run = tracker.run(&run_id).await.unwrap();
    assert_eq!(run.info.status, RunStatus::Finished);
    assert_eq!(run.info.end_time, Some(5000));
    assert_eq!(run.info.run_name, "renamed");
    assert_eq!(run.tag("mlflow.runName"), Some("renamed"));
    assert_eq!(run.param("lr"), Some("0.1"));
    assert_eq!(run.tag("model"), Some("linear"));
    assert_eq!(run.latest_metric("loss").unwrap().value, 0.5);
    assert_eq!(
        run.info.artifact_uri,
        format!("mlflow-artifacts:/{id}/{run_id}/artifacts")
    );
    let history = tracker.metric_history(&run_id, "loss").await.unwrap();
    assert_eq!(
        history,
        vec![metric("loss", 1.0, 10, 0), metric("loss", 0.5, 20, 1)]
    );
    assert!(tracker
        .metric_history(&run_id, "nope")
        .await
        .unwrap()
        .is_empty());

    tracker.delete_tag(&run_id, "model").await.unwrap();
    assert_eq!(tracker.run(&run_id).await.unwrap().tag("model"), None);
    assert_eq!(
        tracker.delete_tag(&run_id, "model").await.unwrap_err().code,
        ErrorCode::ResourceDoesNotExist
    );
    assert_eq!(
        tracker.run("0123456789abcdef").await.unwrap_err().code,
        ErrorCode::ResourceDoesNotExist
    );
}

pub async fn params_never_change<S: Store>(store: S) {
    let (tracker, id) = tracker_with_experiment(store).await;
    let run_id = new_run(&tracker, &id, "r").await;
    let param = |v: &str| LogBatch {
        params: vec![Param::new("depth", v)],
        ..LogBatch::default()
    };
    tracker.log_batch(&run_id, param("3")).await.unwrap();
    tracker.log_batch(&run_id, param("3")).await.unwrap();
    let changed = tracker.log_batch(&run_id, param("5")).await.unwrap_err();
    assert_eq!(changed.code, ErrorCode::InvalidParameterValue);
    assert!(changed
        .message
        .contains("Changing param values is not allowed"));
    // A refused batch writes none of its parts.
    let mixed = LogBatch {
        metrics: vec![metric("m", 1.0, 1, 0)],
        params: vec![Param::new("depth", "7")],
        tags: vec![Tag::new("t", "v")],
    };
    assert!(tracker.log_batch(&run_id, mixed).await.is_err());
    let run = tracker.run(&run_id).await.unwrap();
    assert_eq!(run.param("depth"), Some("3"));
    assert_eq!(run.tag("t"), None);
    assert!(tracker
        .metric_history(&run_id, "m")
        .await
        .unwrap()
        .is_empty());
}

pub async fn deleted_runs_refuse_writes<S: Store>(store: S) {
    let (tracker, id) = tracker_with_experiment(store).await;
    let run_id = new_run(&tracker, &id, "r").await;
    tracker.delete_run(&run_id).await.unwrap();
    let refused = tracker
        .log_batch(&run_id, LogBatch::of_metrics(vec![metric("m", 1.0, 1, 0)]))
        .await
        .unwrap_err();
    assert!(refused.message.contains("must be in the 'active' state"));
    assert!(tracker
        .put_artifact(&run_id, "a.txt", b"x".to_vec())
        .await
        .is_err());
    tracker.restore_run(&run_id).await.unwrap();
    tracker
        .log_batch(&run_id, LogBatch::of_metrics(vec![metric("m", 1.0, 1, 0)]))
        .await
        .unwrap();
}

pub async fn latest_metric_follows_mlflow<S: Store>(store: S) {
    let (tracker, id) = tracker_with_experiment(store).await;
    let run_id = new_run(&tracker, &id, "r").await;
    let log = |points: Vec<Metric>| tracker.log_batch(&run_id, LogBatch::of_metrics(points));
    log(vec![metric("acc", 0.9, 100, 5)]).await.unwrap();
    // An older step does not replace the latest, even if logged later.
    log(vec![metric("acc", 0.1, 200, 4)]).await.unwrap();
    assert_eq!(
        tracker
            .run(&run_id)
            .await
            .unwrap()
            .latest_metric("acc")
            .unwrap()
            .value,
        0.9
    );
    // Same step, later timestamp wins.
    log(vec![metric("acc", 0.95, 300, 5)]).await.unwrap();
    assert_eq!(
        tracker
            .run(&run_id)
            .await
            .unwrap()
            .latest_metric("acc")
            .unwrap()
            .value,
        0.95
    );
    assert_eq!(
        tracker.metric_history(&run_id, "acc").await.unwrap().len(),
        3
    );
}

/// Live logging: a few points a write, across the places where stores cut histories (a chunk
/// is 8192 points in IndexedDB, and its tail is folded back into it every 128), and readers
/// following from any point.
pub async fn points_logged_a_few_at_a_time_read_back_from_anywhere<S: Store>(store: S) {
    let (tracker, id) = tracker_with_experiment(store).await;
    let run_id = new_run(&tracker, &id, "live").await;
    let total: i64 = 8192 + 700;
    let mut logged: i64 = 0;
    let mut size = 0;
    while logged < total {
        // 1, 2, ..., 40 points a write, then again; one write of 300 on the way.
        size = if logged > 4000 && logged < 4400 {
            300
        } else {
            size % 40 + 1
        };
        let end = (logged + size).min(total);
        let batch = (logged..end)
            .map(|s| metric("loss", s as f64 * 0.5, 1_000 + s, s))
            .collect();
        tracker
            .log_batch(&run_id, LogBatch::of_metrics(batch))
            .await
            .unwrap();
        logged = end;
    }
    let all = tracker.metric_history(&run_id, "loss").await.unwrap();
    assert_eq!(all.len(), total as usize);
    assert!(all
        .iter()
        .enumerate()
        .all(|(i, p)| p.step == i as i64 && p.timestamp == 1_000 + i as i64));
    let mut froms: Vec<usize> = (0..total as usize + 2).step_by(61).collect();
    froms.extend([
        127, 128, 129, 255, 256, 8063, 8064, 8191, 8192, 8193, 8319, 8320,
    ]);
    for from in froms {
        let rest = tracker
            .metric_history_from(&run_id, "loss", from)
            .await
            .unwrap()
            .to_metrics("loss");
        assert_eq!(rest, all[from.min(all.len())..], "from {from}");
    }
}

pub async fn long_histories_keep_every_point<S: Store>(store: S) {
    let (tracker, id) = tracker_with_experiment(store).await;
    let run_id = new_run(&tracker, &id, "r").await;
    let total = 25_000;
    let mut step = 0;
    while step < total {
        let batch: Vec<Metric> = (step..(step + 1000).min(total))
            .flat_map(|s| {
                [
                    metric("loss", 1.0 / (s + 1) as f64, 1_000_000 + s, s),
                    metric("val/loss", s as f64, 2_000_000 + s, s),
                ]
            })
            .take(1000)
            .collect();
        let logged = batch.len() as i64 / 2;
        tracker
            .log_batch(&run_id, LogBatch::of_metrics(batch))
            .await
            .unwrap();
        step += logged;
    }
    let loss = tracker.metric_history(&run_id, "loss").await.unwrap();
    assert_eq!(loss.len(), total as usize);
    for (i, point) in loss.iter().enumerate() {
        assert_eq!(point.step, i as i64);
        assert_eq!(point.timestamp, 1_000_000 + i as i64);
        assert_eq!(point.value, 1.0 / (i + 1) as f64);
    }
    // A reader holding the first `from` points reads just the rest, wherever chunks end.
    for from in [0, 1, 8191, 8192, 8193, 16_384, 24_999, 25_000, 30_000] {
        let rest = tracker
            .metric_history_from(&run_id, "loss", from)
            .await
            .unwrap();
        assert_eq!(
            rest.to_metrics("loss"),
            loss[from.min(loss.len())..],
            "from {from}"
        );
    }
    assert!(tracker
        .metric_history_from("no-such-run", "loss", 0)
        .await
        .unwrap()
        .is_empty());
    let val = tracker.metric_history(&run_id, "val/loss").await.unwrap();
    assert_eq!(val.len(), total as usize);
    assert_eq!(val.last().unwrap().value, (total - 1) as f64);
    let run = tracker.run(&run_id).await.unwrap();
    assert_eq!(run.latest_metric("loss").unwrap().step, total - 1);
}

pub async fn special_values_survive<S: Store>(store: S) {
    let (tracker, id) = tracker_with_experiment(store).await;
    let run_id = new_run(&tracker, &id, "r").await;
    let points = vec![
        metric("x", f64::NAN, 1, 0),
        metric("x", f64::INFINITY, 2, 1),
        metric("x", f64::NEG_INFINITY, 3, 2),
        metric("x", -0.0, 4, i64::MAX / 2),
    ];
    tracker
        .log_batch(
            &run_id,
            LogBatch {
                metrics: points.clone(),
                params: vec![Param::new(
                    "comment",
                    "Ünïcödé ✓ – \"quotes\" and\nnewlines",
                )],
                ..LogBatch::default()
            },
        )
        .await
        .unwrap();
    let history = tracker.metric_history(&run_id, "x").await.unwrap();
    assert_eq!(history.len(), 4);
    for (got, want) in history.iter().zip(&points) {
        assert_eq!(got, want);
    }
    let run = tracker.run(&run_id).await.unwrap();
    assert_eq!(
        run.param("comment"),
        Some("Ünïcödé ✓ – \"quotes\" and\nnewlines")
    );
}

pub async fn artifacts_round_trip<S: Store>(store: S) {
    let (tracker, id) = tracker_with_experiment(store).await;
    let run_id = new_run(&tracker, &id, "r").await;
    let binary: Vec<u8> = (0..=255).collect();
    tracker
        .put_artifact(&run_id, "model/weights.bin", binary.clone())
        .await
        .unwrap();
    tracker
        .put_artifact(&run_id, "./notes.txt", b"hello".to_vec())
        .await
        .unwrap();
    let files = tracker.artifacts(&run_id).await.unwrap();
    let listed: Vec<(&str, u64)> = files.iter().map(|f| (f.path.as_str(), f.size)).collect();
    assert_eq!(listed, vec![("model/weights.bin", 256), ("notes.txt", 5)]);
    assert_eq!(
        tracker
            .artifact(&run_id, "model/weights.bin")
            .await
            .unwrap(),
        binary
    );
    assert_eq!(
        tracker.artifact(&run_id, "nope").await.unwrap_err().code,
        ErrorCode::ResourceDoesNotExist
    );
    for bad in ["../escape", "/abs", "a/../../b", ""] {
        assert!(
            tracker.put_artifact(&run_id, bad, vec![1]).await.is_err(),
            "{bad}"
        );
    }
}

pub async fn failed_apply_writes_nothing<S: Store>(store: S) {
    let (tracker, id) = tracker_with_experiment(store).await;
    let run_id = new_run(&tracker, &id, "r").await;
    let before_run = tracker.run(&run_id).await.unwrap();
    let mut new_experiment = tracker.experiment(&id).await.unwrap();
    new_experiment.experiment_id = "77".to_owned();
    new_experiment.name = "half-written".to_owned();
    let mut changed_run = before_run.clone();
    changed_run.info.run_name = "changed".to_owned();
    // The last change refers to a run that does not exist, so the whole list must fail.
    let result: Result<(), DomainError> = store_of(&tracker)
        .apply(vec![
            Change::PutExperiment(new_experiment),
            Change::PutRun(changed_run),
            Change::AppendMetrics {
                run_id: run_id.clone(),
                points: vec![metric("m", 1.0, 1, 0)],
            },
            Change::PutArtifact {
                run_id: run_id.clone(),
                path: "a.txt".to_owned(),
                bytes: vec![1, 2, 3],
            },
            Change::AppendMetrics {
                run_id: "ffffffffffffffffffffffffffffffff".to_owned(),
                points: vec![metric("m", 1.0, 1, 0)],
            },
        ])
        .await;
    let error = result.unwrap_err();
    assert!(error.message.contains("ffffffffffffffffffffffffffffffff"));
    assert!(tracker.experiment("77").await.is_err());
    assert_eq!(tracker.run(&run_id).await.unwrap(), before_run);
    assert!(tracker
        .metric_history(&run_id, "m")
        .await
        .unwrap()
        .is_empty());
    assert!(tracker.artifacts(&run_id).await.unwrap().is_empty());
    // A run whose experiment does not exist is refused too.
    let mut orphan = before_run.clone();
    orphan.info.run_id = "0000000000000000000000000000abcd".to_owned();
    orphan.info.experiment_id = "404".to_owned();
    assert!(store_of(&tracker)
        .apply(vec![Change::PutRun(orphan)])
        .await
        .is_err());
    assert!(tracker
        .run("0000000000000000000000000000abcd")
        .await
        .is_err());
}

fn store_of<S: Store>(tracker: &Tracker<S>) -> &S {
    tracker.store()
}

pub async fn views_and_experiment_filters<S: Store>(store: S) {
    let (tracker, id) = tracker_with_experiment(store).await;
    let other = tracker
        .create_experiment("other", None, vec![])
        .await
        .unwrap();
    let a = new_run(&tracker, &id, "a").await;
    let b = new_run(&tracker, &id, "b").await;
    let c = new_run(&tracker, &other, "c").await;
    tracker.delete_run(&b).await.unwrap();
    let ids = |runs: Vec<labbook::domain::Run>| {
        let mut ids: Vec<String> = runs.into_iter().map(|r| r.info.run_id).collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let one = [id.clone()];
    let both = [id.clone(), other.clone()];
    assert_eq!(
        ids(tracker.runs(&one, ViewType::ActiveOnly).await.unwrap()),
        vec![a.clone()]
    );
    assert_eq!(
        ids(tracker.runs(&one, ViewType::DeletedOnly).await.unwrap()),
        vec![b.clone()]
    );
    assert_eq!(
        ids(tracker.runs(&one, ViewType::All).await.unwrap()),
        sorted(vec![a.clone(), b.clone()])
    );
    assert_eq!(
        ids(tracker.runs(&both, ViewType::ActiveOnly).await.unwrap()),
        sorted(vec![a, c])
    );
}

pub async fn dataset_inputs_are_deduplicated<S: Store>(store: S) {
    let (tracker, id) = tracker_with_experiment(store).await;
    let run_id = new_run(&tracker, &id, "r").await;
    let input = DatasetInput {
        tags: vec![Tag::new("mlflow.data.context", "training")],
        dataset: Dataset {
            name: "train".to_owned(),
            digest: "abc123".to_owned(),
            source_type: "local".to_owned(),
            source: "{\"uri\": \"./data.parquet\"}".to_owned(),
            schema: None,
            profile: Some("{\"num_rows\": 10}".to_owned()),
        },
    };
    tracker
        .log_inputs(&run_id, vec![input.clone()])
        .await
        .unwrap();
    tracker
        .log_inputs(&run_id, vec![input.clone()])
        .await
        .unwrap();
    let run = tracker.run(&run_id).await.unwrap();
    assert_eq!(run.inputs, vec![input]);
}

pub async fn registry_round_trips<S: Store>(store: S) {
    let tracker = Tracker::new(store);
    let model = RegisteredModel {
        name: "churn".into(),
        creation_timestamp: 1,
        last_updated_timestamp: 2,
        description: "# Churn".into(),
        tags: vec![Tag::new("task", "classification")],
        aliases: vec![("champion".into(), 2)],
        last_version: 0,
    };
    let version = |n: u64, stage: Stage| ModelVersion {
        name: "churn".into(),
        version: n,
        creation_timestamp: 10 + n as i64,
        last_updated_timestamp: 20 + n as i64,
        current_stage: stage,
        description: String::new(),
        user_id: "ana".into(),
        source: format!("models:/m-{n}"),
        run_id: Some("r1".into()),
        run_link: String::new(),
        status: ModelVersionStatus::Ready,
        status_message: String::new(),
        tags: vec![Tag::new("validation_status", "approved")],
        model_id: Some(format!("m-{n}")),
        stage_history: vec![StageTransition {
            from: Stage::None,
            to: stage,
            timestamp: 30,
        }],
    };
    let versions = vec![version(1, Stage::Archived), version(2, Stage::Production)];
    let mut changes = vec![Change::PutRegisteredModel(model.clone())];
    changes.extend(versions.iter().cloned().map(Change::PutModelVersion));
    tracker.store().apply(changes).await.unwrap();
    assert_eq!(
        tracker.registered_models().await.unwrap(),
        vec![model.clone()]
    );
    assert_eq!(tracker.model_versions().await.unwrap(), versions);
    assert_eq!(tracker.registered_model("churn").await.unwrap(), model);
    let missing = tracker.registered_model("nope").await.unwrap_err();
    assert_eq!(missing.code, ErrorCode::ResourceDoesNotExist);
}

/// Registry writes that remove records: a renamed model leaves nothing under its old name, a
/// deleted version's number is not given again, a deleted model takes its versions along.
pub async fn registry_renames_and_deletes<S: Store>(store: S) {
    let tracker = Tracker::new(store);
    tracker
        .create_registered_model("churn", vec![Tag::new("team", "ml")], String::new())
        .await
        .unwrap();
    let new_version = || NewModelVersion {
        name: "churn".into(),
        source: "s3://bucket/model".into(),
        ..NewModelVersion::default()
    };
    for _ in 0..3 {
        tracker.create_model_version(new_version()).await.unwrap();
    }
    tracker.set_alias("churn", "champion", 3).await.unwrap();
    tracker.delete_model_version("churn", 3).await.unwrap();
    let model = tracker.registered_model("churn").await.unwrap();
    assert!(model.aliases.is_empty(), "the alias went with its version");
    assert_eq!(model.last_version, 3);
    let next = tracker.create_model_version(new_version()).await.unwrap();
    assert_eq!(next.version, 4);
    tracker
        .transition_stage("churn", 4, Stage::Production, false)
        .await
        .unwrap();

    tracker
        .rename_registered_model("churn", "attrition")
        .await
        .unwrap();
    let names: Vec<(String, u64, Stage)> = tracker
        .model_versions()
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.name, v.version, v.current_stage))
        .collect();
    assert_eq!(
        names,
        [
            ("attrition".to_owned(), 1, Stage::None),
            ("attrition".to_owned(), 2, Stage::None),
            ("attrition".to_owned(), 4, Stage::Production)
        ]
    );
    let renamed = tracker.registered_model("attrition").await.unwrap();
    assert_eq!(renamed.tags, vec![Tag::new("team", "ml")]);
    assert_eq!(renamed.last_version, 4);
    assert!(tracker.registered_model("churn").await.is_err());

    tracker.delete_registered_model("attrition").await.unwrap();
    assert!(tracker.registered_models().await.unwrap().is_empty());
    assert!(tracker.model_versions().await.unwrap().is_empty());
}
