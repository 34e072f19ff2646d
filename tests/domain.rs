//! MLflow's validation rules, as tables of cases (from `mlflow/utils/validation.py` and its tests).

use labbook::domain::validation::{
    normpath, validate_batch_limits, validate_experiment_name, validate_key, validate_model_alias,
    validate_param, validate_param_keys_unique, validate_run_id, validate_run_tag, KeyKind,
};
use labbook::domain::{Metric, Param, RunStatus, Stage, Tag};

#[test]
fn keys() {
    let check = |key: &str, ok: bool| {
        assert_eq!(validate_key(KeyKind::Metric, key).is_ok(), ok, "{key:?}");
    };
    for good in [
        "a",
        "loss",
        "val/loss",
        "a.b-c_d e",
        "f1:macro",
        "métrique",
        "a/b/c",
        "0",
    ] {
        check(good, true);
    }
    for bad in [
        "a/../b", "./a", "/a", "a//b", "..", ".", "a/", "a?b", "a*b", "a\\b", "x\ny", "",
    ] {
        check(bad, false);
    }
    let message = validate_key(KeyKind::Param, "a/../b").unwrap_err().message;
    assert!(
        message.contains("This name would resolve to 'b'"),
        "{message}"
    );
    let message = validate_key(KeyKind::Tag, "a?").unwrap_err().message;
    assert!(message.starts_with("Invalid tag name: 'a?'."), "{message}");
}

#[test]
fn posix_normpath() {
    for (path, norm) in [
        ("", "."),
        ("a/./b", "a/b"),
        ("a/../b", "b"),
        ("../a", "../a"),
        ("/../a", "/a"),
        ("//a", "//a"),
        ("///a//b/", "/a/b"),
        ("a/..", "."),
    ] {
        assert_eq!(normpath(path), norm, "{path:?}");
    }
}

#[test]
fn lengths() {
    assert!(validate_param(&Param::new("p", "x".repeat(6000))).is_ok());
    let long = validate_param(&Param::new("p", "x".repeat(6001)))
        .unwrap_err()
        .message;
    assert!(
        long.contains("had length 6001, which exceeded length limit of 6000"),
        "{long}"
    );
    assert!(validate_run_tag(&Tag::new("t", "y".repeat(8000))).is_ok());
    assert!(validate_run_tag(&Tag::new("t", "y".repeat(8001))).is_err());
    assert!(validate_param(&Param::new("k".repeat(251), "v")).is_err());
    assert!(validate_experiment_name("").is_err());
    assert!(validate_experiment_name(&"n".repeat(501)).is_err());
    assert!(validate_experiment_name("ok").is_ok());
}

#[test]
fn ids_batches_and_aliases() {
    for (id, ok) in [
        ("abc123", true),
        ("a-b_c", true),
        ("-abc", false),
        ("", false),
        ("a b", false),
    ] {
        assert_eq!(validate_run_id(id).is_ok(), ok, "{id:?}");
    }
    assert!(validate_batch_limits(1000, 0, 0).is_ok());
    assert!(validate_batch_limits(1001, 0, 0).is_err());
    assert!(validate_batch_limits(0, 101, 0).is_err());
    let total = validate_batch_limits(900, 100, 1).unwrap_err().message;
    assert!(
        total.contains("at most 1000 metrics, params, and tags"),
        "{total}"
    );
    let dupes = validate_param_keys_unique(&[Param::new("a", "1"), Param::new("a", "2")]);
    assert!(dupes
        .unwrap_err()
        .message
        .contains("Duplicate parameter keys have been submitted: ['a']"));
    for (alias, ok) in [
        ("champion", true),
        ("v2-candidate", true),
        ("latest", false),
        ("Latest", false),
        ("v3", false),
        ("V10", false),
        ("a b", false),
        ("", false),
    ] {
        assert_eq!(validate_model_alias(alias).is_ok(), ok, "{alias:?}");
    }
}

#[test]
fn latest_metric_order() {
    let m = |value: f64, timestamp: i64, step: i64| Metric {
        key: "k".into(),
        value,
        timestamp,
        step,
    };
    assert!(m(0.0, 0, 2).supersedes(&m(9.0, 9, 1)));
    assert!(!m(9.0, 9, 1).supersedes(&m(0.0, 0, 2)));
    assert!(m(0.0, 5, 1).supersedes(&m(9.0, 4, 1)));
    assert!(m(2.0, 5, 1).supersedes(&m(1.0, 5, 1)));
    assert!(m(f64::NAN, 5, 1).supersedes(&m(1.0, 5, 1)));
}

#[test]
fn enums_parse_as_mlflow_writes_them() {
    for status in RunStatus::ALL {
        assert_eq!(status.as_str().parse::<RunStatus>(), Ok(status));
        assert_eq!(RunStatus::from_code(status.code()), Some(status));
    }
    assert_eq!("production".parse::<Stage>(), Ok(Stage::Production));
    assert!("prod".parse::<Stage>().is_err());
}
