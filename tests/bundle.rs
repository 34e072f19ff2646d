//! The labbook bundle and the import rules: export, wipe, re-import gives the same REST
//! answers; re-importing changes nothing; bad bundles are refused with the file and place.

mod common;

use common::{fixture_json, import, rest, tracker};
use futures::executor::block_on;
use labbook::codec::bundle;
use labbook::domain::Snapshot;
use labbook::store::import::Counts;
use labbook::store::{ExportScope, MemStore, Tracker};
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    fixture_json(&format!("mlflow2-rest/{name}"))
}

/// A store with the recorded runs of mlflow2-rest in two experiments, one of them deleted
/// runs and all, plus artifacts and special values.
fn populated() -> Tracker<MemStore> {
    let tracker = tracker();
    let recorded = fixture("runs_search_all_experiments_incl_deleted.json");
    let first = rest(
        &tracker,
        "POST",
        "/api/2.0/mlflow/experiments/create",
        json!({"name": "nyc", "tags": [{"key": "mlflow.note.content", "value": "# NYC"}]}),
    );
    let second = rest(
        &tracker,
        "POST",
        "/api/2.0/mlflow/experiments/create",
        json!({"name": "other"}),
    );
    for (i, run) in recorded["runs"].as_array().unwrap().iter().enumerate() {
        let experiment = if i % 2 == 0 { &first } else { &second }["experiment_id"].clone();
        let created = rest(
            &tracker,
            "POST",
            "/api/2.0/mlflow/runs/create",
            json!({"experiment_id": experiment, "user_id": run["info"]["user_id"], "start_time": run["info"]["start_time"], "tags": run["data"]["tags"]}),
        );
        let run_id = created["run"]["info"]["run_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut metrics: Vec<Value> = run["data"]["metrics"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        metrics.push(json!({"key": "special", "value": "NaN", "timestamp": 5, "step": 0}));
        metrics.push(json!({"key": "special", "value": "-Infinity", "timestamp": 6, "step": 1}));
        rest(
            &tracker,
            "POST",
            "/api/2.0/mlflow/runs/log-batch",
            json!({"run_id": run_id, "params": run["data"]["params"], "metrics": metrics}),
        );
        rest(
            &tracker,
            "POST",
            "/api/2.0/labbook/artifacts/upload",
            json!({"run_id": run_id, "path": "model/MLmodel", "content": format!("run {i}")}),
        );
        rest(
            &tracker,
            "POST",
            "/api/2.0/mlflow/runs/update",
            json!({"run_id": run_id, "status": run["info"]["status"], "end_time": run["info"]["end_time"]}),
        );
        if run["info"]["lifecycle_stage"] == "deleted" {
            rest(
                &tracker,
                "POST",
                "/api/2.0/mlflow/runs/delete",
                json!({"run_id": run_id}),
            );
        }
    }
    tracker
}

/// Compares answer by answer, so a failure shows the first difference only.
fn assert_same(got: &[Value], want: &[Value]) {
    assert_eq!(got.len(), want.len(), "number of answers");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g, w, "answer {i}");
    }
}

/// Every answer that shows the data: experiments, runs, histories, artifact listings and bytes.
fn answers(tracker: &Tracker<MemStore>) -> Vec<Value> {
    let mut all = Vec::new();
    let experiments = rest(
        tracker,
        "POST",
        "/api/2.0/mlflow/experiments/search",
        json!({"view_type": "ALL", "order_by": ["experiment_id"]}),
    );
    let ids: Vec<Value> = experiments["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["experiment_id"].clone())
        .collect();
    all.push(experiments);
    let runs = rest(
        tracker,
        "POST",
        "/api/2.0/mlflow/runs/search",
        json!({"experiment_ids": ids, "run_view_type": "ALL"}),
    );
    for run in runs["runs"].as_array().cloned().unwrap_or_default() {
        let run_id = run["info"]["run_id"].as_str().unwrap();
        for metric in run["data"]["metrics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            all.push(rest(
                tracker,
                "GET",
                &format!(
                    "/api/2.0/mlflow/metrics/get-history?run_id={run_id}&metric_key={}",
                    metric["key"].as_str().unwrap()
                ),
                Value::Null,
            ));
        }
        all.push(rest(
            tracker,
            "GET",
            &format!("/api/2.0/mlflow/artifacts/list?run_id={run_id}&path=model"),
            Value::Null,
        ));
        all.push(rest(
            tracker,
            "GET",
            &format!("/api/2.0/labbook/artifacts/download?run_id={run_id}&path=model/MLmodel"),
            Value::Null,
        ));
    }
    all.push(runs);
    all
}

fn round_trip(snapshot: &Snapshot) -> Snapshot {
    let text = bundle::encode(snapshot).to_string();
    let mut decoded = bundle::decode("bundle.json", &text).unwrap();
    let by_entry: Vec<(String, Vec<u8>)> = snapshot
        .runs
        .iter()
        .flat_map(|r| {
            r.artifacts.iter().map(|a| {
                (
                    bundle::artifact_entry(&r.run.info.run_id, &a.path),
                    a.bytes.clone(),
                )
            })
        })
        .collect();
    let missing = bundle::attach_artifacts(&mut decoded, |entry| {
        by_entry
            .iter()
            .find(|(e, _)| e == entry)
            .map(|(_, b)| b.clone())
    });
    assert!(missing.is_empty(), "{missing:?}");
    decoded.snapshot
}

#[test]
fn export_wipe_reimport_gives_the_same_answers() {
    let original = populated();
    let snapshot = block_on(original.export(&ExportScope::Everything, true)).unwrap();
    let fresh = tracker();
    let report = import(&fresh, round_trip(&snapshot));
    assert_eq!(
        report.runs,
        Counts {
            added: 22,
            updated: 0,
            skipped: 0
        }
    );
    // The fresh database's own Default takes the exported one's times.
    assert_eq!(
        report.experiments,
        Counts {
            added: 2,
            updated: 1,
            skipped: 0
        }
    );
    assert_same(&answers(&fresh), &answers(&original));
}

#[test]
fn reimporting_changes_nothing() {
    let original = populated();
    let snapshot = block_on(original.export(&ExportScope::Everything, true)).unwrap();
    let report = import(&original, snapshot.clone());
    assert_eq!(
        report.runs,
        Counts {
            added: 0,
            updated: 0,
            skipped: 22
        }
    );
    assert_eq!(
        report.experiments,
        Counts {
            added: 0,
            updated: 0,
            skipped: 3
        }
    );
    let before = answers(&original);
    import(&original, snapshot);
    assert_same(&answers(&original), &before);
}

#[test]
fn a_changed_run_is_replaced_and_experiments_merge_by_name() {
    let original = populated();
    let mut snapshot =
        block_on(original.export(&ExportScope::Experiment("1".into()), false)).unwrap();
    let target = tracker();
    // The target already has an experiment called "nyc", under another id.
    rest(
        &target,
        "POST",
        "/api/2.0/mlflow/experiments/create",
        json!({"name": "local-first"}),
    );
    rest(
        &target,
        "POST",
        "/api/2.0/mlflow/experiments/create",
        json!({"name": "nyc"}),
    );
    let first = import(&target, snapshot.clone());
    assert_eq!(
        first.experiments,
        Counts {
            added: 0,
            updated: 1,
            skipped: 0
        }
    );
    let nyc = rest(
        &target,
        "GET",
        "/api/2.0/mlflow/experiments/get-by-name?experiment_name=nyc",
        Value::Null,
    );
    assert_eq!(nyc["experiment"]["experiment_id"], "2");
    assert_eq!(nyc["experiment"]["tags"][0]["value"], "# NYC");
    let runs = rest(
        &target,
        "POST",
        "/api/2.0/mlflow/runs/search",
        json!({"experiment_ids": ["2"], "run_view_type": "ALL"}),
    );
    assert_eq!(runs["runs"].as_array().unwrap().len(), first.runs.added);

    let changed = &mut snapshot.runs[0];
    changed.history.retain(|m| m.key != "special");
    changed.run.data.metrics.retain(|m| m.key != "special");
    let run_id = changed.run.info.run_id.clone();
    let second = import(&target, snapshot);
    assert_eq!(second.runs.updated, 1);
    let history = rest(
        &target,
        "GET",
        &format!("/api/2.0/mlflow/metrics/get-history?run_id={run_id}&metric_key=special"),
        Value::Null,
    );
    assert_eq!(history, json!({"metrics": []}));
}

#[test]
fn the_same_run_twice_with_different_content_is_refused_and_nothing_is_written() {
    let original = populated();
    let mut snapshot = block_on(original.export(&ExportScope::Everything, false)).unwrap();
    let mut twin = snapshot.runs[3].clone();
    twin.run.info.run_name = "impostor".into();
    snapshot.runs.push(twin);
    let fresh = tracker();
    let before = answers(&fresh);
    let error = block_on(fresh.import(snapshot, &mut |_, _| Ok(()))).unwrap_err();
    assert!(
        error
            .message
            .contains("appears twice in the import with different content"),
        "{}",
        error.message
    );
    assert_same(&answers(&fresh), &before);
}

#[test]
fn a_cancelled_import_writes_nothing() {
    let original = populated();
    let snapshot = block_on(original.export(&ExportScope::Everything, true)).unwrap();
    let fresh = tracker();
    let before = answers(&fresh);
    let cancelled = block_on(fresh.import(snapshot, &mut |_, _| {
        Err(labbook::domain::DomainError::invalid("cancelled"))
    }));
    assert!(cancelled.is_err());
    assert_same(&answers(&fresh), &before);
}

#[test]
fn bad_bundles_name_the_file_and_place() {
    let check = |text: &str, expected: &str| {
        let error = bundle::decode("export.json", text)
            .err()
            .unwrap_or_else(|| panic!("accepted {text}"));
        assert!(
            error.message.starts_with("export.json"),
            "{}",
            error.message
        );
        assert!(
            error.message.contains(expected),
            "{} lacks {expected}",
            error.message
        );
    };
    check("", "not valid JSON at line 1");
    check(
        "{\"format\": \"labbook-bundle\", \"format_version\": 1, \"runs\": [",
        "not valid JSON",
    );
    check("{\"runs\": []}", "not a labbook bundle");
    check(
        "{\"format\": \"labbook-bundle\", \"format_version\": 7}",
        "format version 7",
    );
    check(
        r#"{"format": "labbook-bundle", "format_version": 1, "runs": [{"info": {"run_id": "a", "experiment_id": "0", "status": "DONE"}}]}"#,
        "runs[0]: unknown run status 'DONE'",
    );
    check(
        r#"{"format": "labbook-bundle", "format_version": 1, "runs": [{"info": {"run_id": "a", "experiment_id": "0"}, "metric_history": [{"key": "m", "steps": [0, 1], "timestamps": [1, 2], "values": [1]}]}]}"#,
        "runs[0].metric_history[0]: 'steps', 'timestamps' and 'values' have different lengths",
    );
    check(
        r#"{"format": "labbook-bundle", "format_version": 1, "runs": [{"info": {"run_id": "a", "experiment_id": "0"}, "metric_history": [{"key": "m", "steps": [0], "timestamps": [1], "values": ["x"]}]}]}"#,
        "runs[0].metric_history[0].values[0]: not a number",
    );
}
