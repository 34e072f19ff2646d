//! Every decoder and parser of what a user hands labbook, fed broken and random input: real
//! MLflow files with bytes changed or cut off, and text and bytes made up. None may panic (the
//! release build aborts on a panic, which would end the page); each either decodes or says
//! what is wrong, naming the file.
//!
//! `PROPTEST_CASES` sets how many inputs each property tries (default 256, which keeps CI
//! quick); a longer search is `PROPTEST_CASES=50000 cargo test --release --test decoders`.

mod common;

use common::fixture_bytes;
use labbook::app::route::Route;
use labbook::codec::archive::{Limits, SourceFile, ZipReader};
use labbook::codec::file_store::{parse_metric_file, FileStore};
use labbook::codec::sqlite::SqliteStore;
use labbook::codec::yaml::Meta;
use labbook::codec::{bundle, export_import, markdown, mlmodel, parse_json, rest_import};
use labbook::ml::table::Table;
use labbook::search::{decode_page_token, parse_order_by, Filter, Target};
use proptest::prelude::*;
use proptest::sample::Index;

/// Up to 16 bytes of `base` replaced, then perhaps all after some point cut off.
fn damaged(base: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec((any::<Index>(), any::<u8>()), 0..16),
        prop::option::of(any::<Index>()),
    )
        .prop_map(move |(changes, cut)| {
            let mut bytes = base.clone();
            for (at, byte) in changes {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut.index(bytes.len() + 1));
            }
            bytes
        })
}

/// Text of `base` with a few characters changed, added or taken away.
fn damaged_text(base: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec((any::<Index>(), any::<Option<char>>()), 0..8).prop_map(move |changes| {
        let mut chars: Vec<char> = base.chars().collect();
        for (at, change) in changes {
            let i = at.index(chars.len() + 1);
            match change {
                Some(c) => chars.insert(i, c),
                None if i < chars.len() => {
                    chars.remove(i);
                }
                None => {}
            }
        }
        chars.into_iter().collect()
    })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn names(message: &str, file: &str) -> Result<(), TestCaseError> {
    prop_assert!(message.contains(file), "'{message}' does not name {file}");
    Ok(())
}

/// Opens, scans and reads every entry: what an import does with a zip.
fn read_zip(name: &str, bytes: Vec<u8>) -> Result<Vec<SourceFile>, labbook::domain::DomainError> {
    ZipReader::open(name, bytes, Limits::default())?.into_files()
}

const META_YAML: &str = "artifact_location: file:///tmp/mlruns/1\ncreation_time: 1700000000000\nexperiment_id: '1'\nlast_update_time: 1700000000000\nlifecycle_stage: active\nname: nyc-taxi\n";
const RUN_META_YAML: &str = "artifact_uri: file:///tmp/mlruns/1/abc/artifacts\nend_time: 1700000001000\nentry_point_name: ''\nexperiment_id: '1'\nlifecycle_stage: active\nrun_id: abc\nrun_name: fit\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: 1700000000000\nstatus: 3\ntags: []\nuser_id: me\n";
const METRIC_LINES: &str =
    "1700000000000 0.5 0\n1700000000100 nan 1\n1700000000200 inf 2\n1700000000300 -0.25\n";
const MLMODEL: &str = "artifact_path: model\nflavors:\n  python_function:\n    env:\n      conda: conda.yaml\n    loader_module: mlflow.sklearn\n    model_path: model.pkl\n    python_version: 3.11.4\n  sklearn:\n    pickled_model: model.pkl\n    sklearn_version: 1.3.0\nmlflow_version: 2.22.0\nmodel_uuid: 1b6f\nrun_id: abc\nsignature:\n  inputs: '[{\"type\": \"double\", \"name\": \"x\"}]'\n  outputs: '[{\"type\": \"tensor\"}]'\nutc_time_created: '2024-01-01 00:00:00.000000'\n";
const BUNDLE: &str = r#"{"format": "labbook-bundle", "format_version": 1, "experiments": [{"experiment_id": "1", "name": "e", "artifact_location": "", "lifecycle_stage": "active", "tags": []}], "runs": [{"info": {"run_id": "abc", "experiment_id": "1", "run_name": "r", "status": "FINISHED", "start_time": 1, "lifecycle_stage": "active"}, "data": {"params": [{"key": "lr", "value": "0.1"}], "tags": [], "metrics": []}, "history": [{"key": "loss", "value": "NaN", "timestamp": 1, "step": 0}]}]}"#;
const RUN_JSON: &str = r#"{"system": {"mlflow_version": "2.22.0"}, "mlflow": {"info": {"run_id": "abc", "experiment_id": "1", "status": "FINISHED", "start_time": 1, "lifecycle_stage": "active"}, "params": {"lr": "0.1"}, "metrics": {"loss": [{"value": 0.5, "timestamp": 1, "step": 0}]}, "tags": {"mlflow.runName": "r"}}}"#;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn zips_damaged_or_made_up_are_read_or_refused(
        bytes in prop_oneof![
            damaged(fixture_bytes("mlflow2-filestore/mlruns.zip")),
            prop::collection::vec(any::<u8>(), 0..512),
        ]
    ) {
        if let Err(e) = read_zip("upload.zip", bytes) {
            names(&e.message, "upload.zip")?;
        }
    }

    #[test]
    fn file_stores_with_damaged_files_are_read_or_refused(
        meta in damaged_text(META_YAML),
        run_meta in damaged_text(RUN_META_YAML),
        metric in damaged_text(METRIC_LINES),
    ) {
        let files = vec![
            SourceFile { path: "mlruns/1/meta.yaml".into(), bytes: meta.into_bytes() },
            SourceFile { path: "mlruns/1/abc/meta.yaml".into(), bytes: run_meta.into_bytes() },
            SourceFile { path: "mlruns/1/abc/metrics/loss".into(), bytes: metric.into_bytes() },
        ];
        let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
        if FileStore::detect(&files) {
            if let Err(e) = FileStore::new(files).and_then(|store| store.finish()) {
                prop_assert!(
                    paths.iter().any(|p| e.message.contains(p.as_str())),
                    "'{}' names none of {:?}", e.message, paths
                );
            }
        }
    }

    #[test]
    fn yaml_and_metric_lines_made_up_are_read_or_refused(text in any::<String>()) {
        if let Err(e) = Meta::parse("mlruns/1/meta.yaml", &text) {
            names(&e.message, "mlruns/1/meta.yaml")?;
        }
        let file = SourceFile { path: "mlruns/1/abc/metrics/loss".into(), bytes: text.clone().into_bytes() };
        if let Err(e) = parse_metric_file(&file, "loss") {
            names(&e.message, "mlruns/1/abc/metrics/loss")?;
        }
        if let Err(e) = mlmodel::parse("model/MLmodel", &text) {
            names(&e.message, "model/MLmodel")?;
        }
    }

    #[test]
    fn csv_files_made_up_are_read_or_refused(text in "[a-c,\"\\r\\n0-9. ]{0,80}") {
        match Table::from_csv("trips.csv", &text) {
            Ok(table) => prop_assert!(table.rows() > 0 && !table.columns.is_empty()),
            Err(e) => names(&e, "trips.csv")?,
        }
    }

    #[test]
    fn mlmodel_files_damaged_are_read_or_refused(text in damaged_text(MLMODEL)) {
        if let Err(e) = mlmodel::parse("model/MLmodel", &text) {
            names(&e.message, "model/MLmodel")?;
        }
    }

    #[test]
    fn bundles_damaged_or_made_up_are_read_or_refused(
        text in prop_oneof![damaged_text(BUNDLE), any::<String>()]
    ) {
        if let Err(e) = bundle::decode("backup.json", &text) {
            names(&e.message, "backup.json")?;
        }
    }

    #[test]
    fn export_import_runs_damaged_are_read_or_refused(run in damaged_text(RUN_JSON)) {
        let files = vec![SourceFile { path: "export/abc/run.json".into(), bytes: run.into_bytes() }];
        if let Err(e) = export_import::decode(&files) {
            names(&e.message, "export/abc/run.json")?;
        }
    }

    #[test]
    fn saved_rest_answers_damaged_are_read_or_refused(
        bytes in damaged(fixture_bytes("mlflow2-rest/runs_search_all_experiments.json"))
    ) {
        let text = String::from_utf8_lossy(&bytes);
        match parse_json("runs.json", &text) {
            Ok(value) => {
                let _ = rest_import::decode(&[("runs.json".to_owned(), value)]);
            }
            Err(e) => names(&e.message, "runs.json")?,
        }
    }

    #[test]
    fn markdown_made_up_never_becomes_a_script(text in any::<String>()) {
        let html = markdown::to_safe_html(&format!("{text}<script>x</script>\n\n[a](javascript:x) {text}"))
            .to_lowercase();
        prop_assert!(!html.contains("<script"), "{html}");
        prop_assert!(!html.contains("=\"javascript:"), "{html}");
    }

    #[test]
    fn filters_orders_tokens_and_routes_made_up_are_parsed_or_refused(text in any::<String>()) {
        for target in [Target::Runs, Target::Experiments, Target::RegisteredModels, Target::ModelVersions] {
            let _ = Filter::parse(target, &text);
            let _ = parse_order_by(target, &text);
        }
        let _ = decode_page_token(Some(&text));
        let _ = Route::parse(&text);
    }

    #[test]
    fn filters_damaged_are_parsed_or_refused(
        text in damaged_text("metrics.rmse < 4.5 and params.lr = '0.1' and tags.`team name` LIKE 'a%' and attributes.run_name IN ('x', 'y') and datasets.digest != 'z'")
    ) {
        let _ = Filter::parse(Target::Runs, &text);
    }
}

proptest! {
    // SQLite reads a whole database per case: fewer cases.
    #![proptest_config(ProptestConfig { cases: config().cases / 8 + 1, ..config() })]

    #[test]
    fn sqlite_databases_damaged_are_read_or_refused(
        bytes in damaged(fixture_bytes("mlflow2-sqlite/mlflow.db"))
    ) {
        match SqliteStore::open("mlflow.db", bytes) {
            Ok(mut store) => {
                while let Ok(true) = store.read_metric_slice() {}
                let _ = store.finish();
            }
            Err(e) => names(&e.message, "mlflow.db")?,
        }
    }
}
