//! MLflow's own search tables (tests/utils/test_search_utils.py and the search cases of its
//! store tests), rows ported one for one: parsing, errors, filtering, ordering, paging.

use labbook::domain::{
    Dataset, DatasetInput, Experiment, LifecycleStage, Metric, ModelVersion, Param,
    RegisteredModel, Run, RunData, RunInfo, RunStatus, Tag, DATASET_CONTEXT_TAG,
};
use labbook::search::{
    parse_order_by, sort_runs, Entity, Filter, Op, Operand, OrderKey, Page, Target,
};

fn clause(text: &str) -> Vec<(Entity, String, Op, Operand)> {
    Filter::parse(Target::Runs, text)
        .unwrap_or_else(|e| panic!("{text}: {e:?}"))
        .clauses
        .into_iter()
        .map(|c| (c.entity, c.key, c.op, c.value))
        .collect()
}

fn num(v: f64) -> Operand {
    Operand::Number(v)
}

fn text(v: &str) -> Operand {
    Operand::Text(v.to_owned())
}

#[test]
fn parses_mlflow_filters() {
    use Entity::*;
    use Op::*;
    let one = |t: &str, e: Entity, k: &str, op: Op, v: Operand| {
        assert_eq!(clause(t), vec![(e, k.to_owned(), op, v)], "{t}");
    };
    one("metric.acc >= 0.94", Metric, "acc", Ge, num(0.94));
    one("metric.acc>=100", Metric, "acc", Ge, num(100.0));
    one("params.m!='tf'", Param, "m", Ne, text("tf"));
    one("params.\"m\"!=\"tf\"", Param, "m", Ne, text("tf"));
    one(
        "metric.\"legit name\" >= 0.243",
        Metric,
        "legit name",
        Ge,
        num(0.243),
    );
    one("metrics.XYZ = 3", Metric, "XYZ", Eq, num(3.0));
    one(
        "params.\"cat dog\" = \"pets\"",
        Param,
        "cat dog",
        Eq,
        text("pets"),
    );
    one("metrics.\"X-Y-Z\" = 3", Metric, "X-Y-Z", Eq, num(3.0));
    one(
        "metrics.\"X//Y#$$@&Z\" = 3",
        Metric,
        "X//Y#$$@&Z",
        Eq,
        num(3.0),
    );
    one(
        "params.model = 'LinearRegression'",
        Param,
        "model",
        Eq,
        text("LinearRegression"),
    );
    assert_eq!(
        clause("metrics.rmse < 1 and params.model_class = 'LR'"),
        vec![
            (Metric, "rmse".into(), Lt, num(1.0)),
            (Param, "model_class".into(), Eq, text("LR"))
        ]
    );
    assert!(clause("").is_empty());
    assert!(clause("   ").is_empty());
    one("`metric`.a >= 0.1", Metric, "a", Ge, num(0.1));
    one(
        "tags.version = 'commit-hash'",
        Tag,
        "version",
        Eq,
        text("commit-hash"),
    );
    one(
        "`tags`.source_name = 'a notebook'",
        Tag,
        "source_name",
        Eq,
        text("a notebook"),
    );
    one(
        "metrics.\"accuracy.2.0\" > 5",
        Metric,
        "accuracy.2.0",
        Gt,
        num(5.0),
    );
    one(
        "metrics.`spacey name` > 5",
        Metric,
        "spacey name",
        Gt,
        num(5.0),
    );
    one(
        "params.\"p.a.r.a.m\" != \"a\"",
        Param,
        "p.a.r.a.m",
        Ne,
        text("a"),
    );
    one("tags.\"t.a.g\" = \"a\"", Tag, "t.a.g", Eq, text("a"));
    one(
        "attribute.artifact_uri = '1/23/4'",
        Attribute,
        "artifact_uri",
        Eq,
        text("1/23/4"),
    );
    one(
        "attribute.start_time >= 1234",
        Attribute,
        "start_time",
        Ge,
        num(1234.0),
    );
    one(
        "run.status = 'RUNNING'",
        Attribute,
        "status",
        Eq,
        text("RUNNING"),
    );
    one(
        "dataset.name = 'my_dataset'",
        Dataset,
        "name",
        Eq,
        text("my_dataset"),
    );
    one(
        "tags.version IS NULL",
        Tag,
        "version",
        IsNull,
        Operand::Nothing,
    );
    one(
        "tags.version IS NOT NULL",
        Tag,
        "version",
        IsNotNull,
        Operand::Nothing,
    );
    one("params.lr IS NULL", Param, "lr", IsNull, Operand::Nothing);
    one(
        "params.lr IS NOT NULL",
        Param,
        "lr",
        IsNotNull,
        Operand::Nothing,
    );
    assert_eq!(
        clause("tags.a IS NULL AND params.b = 'val'"),
        vec![
            (Tag, "a".into(), IsNull, Operand::Nothing),
            (Param, "b".into(), Eq, text("val"))
        ]
    );
    // Quote trimming.
    one("params.m = 'LR'", Param, "m", Eq, text("LR"));
    one("params.m = \"LR\"", Param, "m", Eq, text("LR"));
    one("params.m = \"L'Hosp\"", Param, "m", Eq, text("L'Hosp"));
    // Aliases and lists.
    one("created > 5", Attribute, "start_time", Gt, num(5.0));
    one(
        "`Run name` LIKE 'a%'",
        Attribute,
        "run_name",
        Like,
        text("a%"),
    );
    one(
        "attributes.run_name ilike '%X'",
        Attribute,
        "run_name",
        ILike,
        text("%X"),
    );
    one(
        "run_id IN ('abc', 'Def', 'e1', '123')",
        Attribute,
        "run_id",
        In,
        Operand::List(vec!["abc".into(), "e1".into()]),
    );
    one(
        "datasets.digest NOT IN ('d1','d2',)",
        Dataset,
        "digest",
        NotIn,
        Operand::List(vec!["d1".into(), "d2".into()]),
    );
    one("metrics.loss < -1e-3", Metric, "loss", Lt, num(-1e-3));
}

fn refused(target: Target, text: &str, expected: &str) {
    match Filter::parse(target, text) {
        Ok(filter) => panic!("{text} was accepted: {filter:?}"),
        Err(error) => assert!(
            error.message.contains(expected),
            "{text}: '{}' lacks '{expected}'",
            error.message
        ),
    }
}

#[test]
fn refuses_what_mlflow_refuses() {
    for (text, expected) in [
        // test_error_filter
        (
            "metric.acc >= 0.94; metrics.rmse < 1",
            "Search filter contained multiple expression",
        ),
        ("m.acc >= 0.94", "Invalid entity type"),
        ("acc >= 0.94", "Invalid attribute key"),
        ("p.model >= 'LR'", "Invalid entity type"),
        ("attri.x != 1", "Invalid entity type"),
        ("a.x != 1", "Invalid entity type"),
        ("model >= 'LR'", "Invalid attribute key"),
        (
            "metrics.A > 0.1 OR params.B = 'LR'",
            "Invalid clause(s) in filter string",
        ),
        (
            "metrics.A > 0.1 NAND params.B = 'LR'",
            "Invalid clause(s) in filter string",
        ),
        (
            "metrics.A > 0.1 AND (params.B = 'LR')",
            "Invalid clause(s) in filter string",
        ),
        ("`metrics.A > 0.1", "Invalid clause(s) in filter string"),
        ("param`.A > 0.1", "Invalid clause(s) in filter string"),
        ("`dummy.A > 0.1", "Invalid clause(s) in filter string"),
        ("dummy`.A > 0.1", "Invalid clause(s) in filter string"),
        ("attribute.start != 1", "Invalid attribute key"),
        ("attribute.experiment_id != 1", "Invalid attribute key"),
        (
            "attribute.lifecycle_stage = 'ACTIVE'",
            "Invalid attribute key",
        ),
        ("attribute.name != 1", "Invalid attribute key"),
        ("attribute.time != 1", "Invalid attribute key"),
        ("attribute._status != 'RUNNING'", "Invalid attribute key"),
        (
            "attribute.status = true",
            "Invalid clause(s) in filter string",
        ),
        ("dataset.status = 'true'", "Invalid dataset key"),
        ("dataset.profile = 'num_rows: 10'", "Invalid dataset key"),
        (
            "metrics.acc IS NULL",
            "IS NULL / IS NOT NULL is only supported for tags and params",
        ),
        (
            "attribute.status IS NULL",
            "IS NULL / IS NOT NULL is only supported for tags and params",
        ),
        // test_error_comparison_clauses
        (
            "metric.model = 'LR'",
            "Expected numeric value type for metric",
        ),
        (
            "metric.model = '5'",
            "Expected numeric value type for metric",
        ),
        ("params.acc = 5", "Expected a quoted string value for param"),
        ("tags.acc = 5", "Expected a quoted string value for tag"),
        (
            "metrics.acc != metrics.acc",
            "Expected numeric value type for metric",
        ),
        ("1.0 > metrics.acc", "Expected 'Identifier' found"),
        (
            "attribute.status = 1",
            "Expected a quoted string value for attributes",
        ),
        // test_bad_quotes
        (
            "params.acc = LR",
            "value is either not quoted or unidentified quote types",
        ),
        (
            "tags.acc = LR",
            "value is either not quoted or unidentified quote types",
        ),
        (
            "params.acc = `LR`",
            "value is either not quoted or unidentified quote types",
        ),
        ("params.'acc = LR", "Invalid clause(s) in filter string"),
        ("params.acc = 'LR", "Invalid clause(s) in filter string"),
        ("params.acc = LR'", "Invalid clause(s) in filter string"),
        ("params.acc = \"LR'", "Invalid clause(s) in filter string"),
        ("tags.acc = \"LR'", "Invalid clause(s) in filter string"),
        ("tags.acc = = 'LR'", "Invalid clause(s) in filter string"),
        (
            "attribute.status IS 'RUNNING'",
            "Invalid clause(s) in filter string",
        ),
        // test_invalid_clauses
        ("params.acc LR !=", "Invalid clause(s) in filter string"),
        ("params.acc LR", "Invalid clause(s) in filter string"),
        ("metric.acc !=", "Invalid clause(s) in filter string"),
        ("acc != 1.0", "Invalid attribute key"),
        ("foo is null", "Invalid attribute key"),
        ("1=1", "Expected 'Identifier' found"),
        ("1==2", "Expected 'Identifier' found"),
        // Lists.
        (
            "attributes.status IN ('A')",
            "Only ['run_id'] attributes support comparison with a list",
        ),
        ("run_id IN ()", "expected a non-empty list of string values"),
        ("run_id IN ('a' 'b')", "got different type in list"),
        ("run_id IN (\"a\")", "got different type in list"),
        ("metrics.a > 1 AND", "Invalid clause(s)"),
        ("AND metrics.a > 1", "Invalid clause(s)"),
        ("metrics.a > 1 AND AND metrics.b > 1", "Invalid clause(s)"),
    ] {
        refused(Target::Runs, text, expected);
    }
}

#[test]
fn refuses_bad_comparators() {
    for (entity, comparators, key, value) in [
        ("metrics", &["~", "~=", "LIKE", "=="][..], "abc", "1.0"),
        (
            "params",
            &[">", "<", ">=", "<=", "~"],
            "abc",
            "'my-param-value'",
        ),
        (
            "tags",
            &[">", "<", ">=", "<=", "~"],
            "abc",
            "'my-tag-value'",
        ),
        (
            "attributes",
            &[">", "<", ">=", "<=", "~"],
            "status",
            "'my-tag-value'",
        ),
        ("attributes", &["LIKE", "ILIKE"], "start_time", "1234"),
        (
            "datasets",
            &[">", "<", ">=", "<=", "~"],
            "name",
            "'my-dataset-name'",
        ),
    ] {
        for comparator in comparators {
            refused(
                Target::Runs,
                &format!("{entity}.{key} {comparator} {value}"),
                "Invalid comparator",
            );
        }
    }
}

#[test]
fn errors_say_where() {
    let error = Filter::parse(Target::Runs, "metrics.a > 1 AND params.b = 2").unwrap_err();
    assert_eq!(error.column, 30);
    assert_eq!(error.span.start, 29);
    let error = Filter::parse(Target::Runs, "metrics.a > 1 OR params.b = '2'").unwrap_err();
    assert_eq!(error.column, 1);
}

fn info(run_id: &str, status: RunStatus, start_time: i64) -> RunInfo {
    RunInfo {
        run_id: run_id.into(),
        experiment_id: "0".into(),
        run_name: format!("name-{run_id}"),
        user_id: "user-id".into(),
        status,
        start_time: Some(start_time),
        end_time: Some(1),
        artifact_uri: String::new(),
        lifecycle_stage: LifecycleStage::Active,
    }
}

fn run(
    info: RunInfo,
    metrics: &[(&str, f64)],
    params: &[(&str, &str)],
    tags: &[(&str, &str)],
    datasets: &[(&str, &str, Option<&str>)],
) -> Run {
    Run {
        info,
        data: RunData {
            metrics: metrics
                .iter()
                .map(|(k, v)| Metric {
                    key: (*k).into(),
                    value: *v,
                    timestamp: 1,
                    step: 0,
                })
                .collect(),
            params: params.iter().map(|(k, v)| Param::new(*k, *v)).collect(),
            tags: tags.iter().map(|(k, v)| Tag::new(*k, *v)).collect(),
        },
        inputs: datasets
            .iter()
            .map(|(name, digest, context)| DatasetInput {
                tags: context
                    .iter()
                    .map(|c| Tag::new(DATASET_CONTEXT_TAG, *c))
                    .collect(),
                dataset: Dataset {
                    name: (*name).into(),
                    digest: (*digest).into(),
                    source_type: "my_source_type".into(),
                    source: "source".into(),
                    schema: None,
                    profile: None,
                },
            })
            .collect(),
    }
}

fn matching(runs: &[Run], text: &str) -> Vec<usize> {
    let filter = Filter::parse(Target::Runs, text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    (0..runs.len())
        .filter(|&i| filter.matches_run(&runs[i]))
        .collect()
}

#[test]
fn filters_runs_as_mlflow_does() {
    let runs = [
        run(
            info("hi", RunStatus::Failed, 0),
            &[("key1", 121.0)],
            &[("my_param", "A")],
            &[],
            &[("name1", "digest1", Some("train"))],
        ),
        run(
            info("hi2", RunStatus::Finished, 0),
            &[("key1", 123.0)],
            &[("my_param", "A")],
            &[("tag1", "C")],
            &[("name1", "digest1", None)],
        ),
        run(
            info("hi3", RunStatus::Failed, 0),
            &[("key1", 125.0)],
            &[("my_param", "B")],
            &[("tag1", "D")],
            &[("name2", "digest2", None)],
        ),
    ];
    for (text, expected) in [
        ("", &[0, 1, 2][..]),
        ("attributes.status = 'FAILED'", &[0, 2]),
        ("metrics.key1 = 123", &[1]),
        ("metrics.key1 != 123", &[0, 2]),
        ("metrics.key1 >= 123", &[1, 2]),
        ("params.my_param = 'A'", &[0, 1]),
        ("tags.tag1 = 'D'", &[2]),
        ("tags.tag1 != 'D'", &[1]),
        (
            "params.my_param = 'A' AND attributes.status = 'FAILED'",
            &[0],
        ),
        ("datasets.name = 'name1'", &[0, 1]),
        ("datasets.name IN ('name1', 'name2')", &[0, 1, 2]),
        ("datasets.digest IN ('digest1', 'digest2')", &[0, 1, 2]),
        (
            "datasets.name = 'name1' AND datasets.digest = 'digest2'",
            &[],
        ),
        ("datasets.context = 'train'", &[0]),
        (
            "datasets.name = 'name1' AND datasets.context = 'train'",
            &[0],
        ),
        // Beyond MLflow's table: the other comparators on the same runs.
        ("tags.tag1 IS NULL", &[0]),
        ("tags.tag1 IS NOT NULL", &[1, 2]),
        ("params.my_param LIKE 'a'", &[]),
        ("params.my_param ILIKE 'a'", &[0, 1]),
        ("attributes.run_id IN ('hi', 'hi3')", &[0, 2]),
        ("attributes.run_id NOT IN ('hi')", &[1, 2]),
        ("run_name LIKE 'name-hi_'", &[1, 2]),
        ("datasets.name != 'name1'", &[2]),
        ("datasets.context NOT IN ('train')", &[]),
        ("metrics.missing != 1", &[]),
    ] {
        assert_eq!(matching(&runs, text), expected, "{text}");
    }
}

#[test]
fn filters_by_times_and_user() {
    let runs: Vec<Run> = ["a", "b", "c"]
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut info = info(id, RunStatus::Finished, i as i64);
            info.end_time = Some(i as i64);
            info.user_id = format!("user-{i}");
            run(info, &[], &[], &[], &[])
        })
        .collect();
    assert_eq!(matching(&runs, "attribute.start_time >= 0"), [0, 1, 2]);
    assert_eq!(matching(&runs, "attribute.start_time > 1"), [2]);
    assert_eq!(matching(&runs, "attribute.start_time = 2"), [2]);
    assert_eq!(matching(&runs, "attribute.end_time > 1"), [2]);
    assert_eq!(matching(&runs, "created < 1"), [0]);
    assert_eq!(matching(&runs, "attribute.user_id = 'user-1'"), [1]);
}

fn order(clauses: &[&str]) -> Vec<OrderKey> {
    clauses
        .iter()
        .map(|c| parse_order_by(Target::Runs, c).unwrap_or_else(|e| panic!("{c}: {e:?}")))
        .collect()
}

#[test]
fn sorts_runs_as_mlflow_does() {
    let runs = [
        run(
            info("9", RunStatus::Failed, 0),
            &[("key1", 121.0)],
            &[("my_param", "A")],
            &[],
            &[],
        ),
        run(
            info("8", RunStatus::Finished, 1),
            &[("key1", 123.0)],
            &[("my_param", "A")],
            &[("tag1", "C")],
            &[],
        ),
        run(
            info("7", RunStatus::Failed, 1),
            &[("key1", 125.0)],
            &[("my_param", "B")],
            &[("tag1", "D")],
            &[],
        ),
    ];
    for (clauses, expected) in [
        (&[][..], [2, 1, 0]),
        (&["tags.noSuchTag"], [2, 1, 0]),
        (&["attributes.status"], [2, 0, 1]),
        (&["attributes.start_time"], [0, 2, 1]),
        (&["metrics.key1 asc"], [0, 1, 2]),
        (&["metrics.\"key1\"  desc"], [2, 1, 0]),
        (&["params.my_param"], [1, 0, 2]),
        (
            &["params.my_param aSc", "attributes.status  ASC"],
            [0, 1, 2],
        ),
        (&["params.my_param", "attributes.status DESC"], [1, 0, 2]),
        (
            &["params.my_param DESC", "attributes.status   DESC"],
            [2, 1, 0],
        ),
        (
            &["params.`my_param` DESC", "attributes.status DESC"],
            [2, 1, 0],
        ),
        (&["tags.tag1"], [1, 2, 0]),
        (&["tags.tag1    DESC"], [2, 1, 0]),
    ] {
        let mut sorted = runs.to_vec();
        sort_runs(&mut sorted, &order(clauses));
        let indices: Vec<usize> = sorted
            .iter()
            .map(|r| runs.iter().position(|x| x == r).unwrap())
            .collect();
        assert_eq!(indices, expected, "{clauses:?}");
    }
}

#[test]
fn sorts_nan_and_missing_metrics_last_both_ways() {
    let values = ["nan", "inf", "-inf", "-1000", "0", "1000", "None"];
    let runs: Vec<Run> = values
        .iter()
        .map(|v| {
            let metrics: Vec<(&str, f64)> = match v.parse::<f64>() {
                Ok(x) => vec![("x", x)],
                Err(_) => vec![],
            };
            run(info(v, RunStatus::Finished, 0), &metrics, &[], &[], &[])
        })
        .collect();
    let sorted = |clause: &str| {
        let mut runs = runs.clone();
        sort_runs(&mut runs, &order(&[clause]));
        runs.into_iter().map(|r| r.info.run_id).collect::<Vec<_>>()
    };
    assert_eq!(
        sorted("metrics.x asc"),
        ["-inf", "-1000", "0", "1000", "inf", "nan", "None"]
    );
    assert_eq!(
        sorted("metrics.x desc"),
        ["inf", "1000", "0", "-1000", "-inf", "nan", "None"]
    );
}

fn order_refused(target: Target, clause: &str, expected: &str) {
    let message = parse_order_by(target, clause).unwrap_err().message;
    assert!(
        message.contains(expected),
        "{clause}: '{message}' lacks '{expected}'"
    );
}

#[test]
fn parses_and_refuses_order_by_as_mlflow_does() {
    for (clause, expected) in [
        ("m.acc", "Invalid entity type"),
        ("acc", "Invalid attribute key"),
        ("attri.x", "Invalid entity type"),
        ("`metrics.A", "Invalid order_by clause"),
        ("`metrics.A`", "Invalid entity type"),
        ("attribute.start", "Invalid attribute key"),
        ("attribute.experiment_id", "Invalid attribute key"),
        ("metrics.A != 1", "Invalid order_by clause"),
        ("params.my_param ", "Invalid order_by clause"),
        ("attribute.run_id ACS", "Invalid ordering key"),
        ("attribute.run_id decs", "Invalid ordering key"),
    ] {
        order_refused(Target::Runs, clause, expected);
    }
    for (clause, ascending) in [
        ("metrics.`Mean Square Error`", true),
        ("metrics.`Mean Square Error` ASC", true),
        ("metrics.`Mean Square Error` DESC", false),
    ] {
        assert_eq!(
            parse_order_by(Target::Runs, clause).unwrap(),
            OrderKey {
                entity: Entity::Metric,
                key: "Mean Square Error".into(),
                ascending
            }
        );
    }
    assert_eq!(
        parse_order_by(Target::Runs, "created DESC").unwrap().key,
        "start_time"
    );
    for (clause, expected) in [
        ("creation_timestamp DESC", "Invalid attribute key"),
        (
            "last_updated_timestamp DESC blah",
            "Invalid order_by clause",
        ),
        ("", "Invalid order_by clause"),
        ("timestamp somerandomstuff ASC", "Invalid order_by clause"),
        ("timestamp somerandomstuff", "Invalid order_by clause"),
        ("timestamp decs", "Invalid order_by clause"),
        ("timestamp ACS", "Invalid order_by clause"),
        ("name aCs", "Invalid ordering key"),
    ] {
        order_refused(Target::RegisteredModels, clause, expected);
    }
    assert_eq!(
        parse_order_by(Target::RegisteredModels, "timestamp DESC")
            .unwrap()
            .key,
        "creation_timestamp"
    );
    order_refused(Target::Experiments, "tags.x", "Invalid order_by entity");
    assert!(parse_order_by(Target::Experiments, "name DESC").is_ok());
    assert!(parse_order_by(Target::ModelVersions, "version_number DESC").is_ok());
}

#[test]
fn pages_as_mlflow_does() {
    let items = [0, 1, 2];
    let token = |offset: usize| labbook::search::encode_page_token(offset);
    for (start, max, expected, next) in [
        (None, 1, &[0][..], Some(1)),
        (None, 2, &[0, 1], Some(2)),
        (None, 3, &[0, 1, 2], None),
        (None, 5, &[0, 1, 2], None),
        (Some(1), 1, &[1], Some(2)),
        (Some(1), 2, &[1, 2], None),
        (Some(1), 3, &[1, 2], None),
        (Some(2), 1, &[2], None),
        (Some(2), 2, &[2], None),
        (Some(3), 1, &[], None),
    ] {
        let page = Page::cut(items.to_vec(), max, start.map(token).as_deref(), true).unwrap();
        assert_eq!(page.items, expected);
        assert_eq!(page.next_page_token, next.map(token));
    }
    for bad in ["not base64", "e30=", "eyJvZmZzZXQiOiAiYSJ9", "bm90IGpzb24="] {
        assert!(
            Page::cut(items.to_vec(), 1, Some(bad), true).is_err(),
            "{bad}"
        );
    }
}

fn experiment(id: &str, name: &str, created: i64, tags: &[(&str, &str)]) -> Experiment {
    Experiment {
        experiment_id: id.into(),
        name: name.into(),
        artifact_location: String::new(),
        lifecycle_stage: LifecycleStage::Active,
        creation_time: Some(created),
        last_update_time: Some(created),
        tags: tags.iter().map(|(k, v)| Tag::new(*k, *v)).collect(),
    }
}

#[test]
fn filters_experiments_as_mlflow_does() {
    let experiments = [
        experiment("1", "a", 1, &[("key", "value")]),
        experiment("2", "ab", 2, &[("key", "vaLue")]),
        experiment("3", "Abc", 3, &[]),
        experiment("4", "jamie-foo C+W bar", 4, &[]),
    ];
    let names = |text: &str| {
        let filter =
            Filter::parse(Target::Experiments, text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        experiments
            .iter()
            .filter(|e| filter.matches_experiment(e))
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(names("name = 'a'"), ["a"]);
    assert_eq!(names("attribute.name = 'a'"), ["a"]);
    assert_eq!(names("name != 'a'"), ["ab", "Abc", "jamie-foo C+W bar"]);
    assert_eq!(names("name LIKE 'a%'"), ["a", "ab"]);
    assert_eq!(names("name ILIKE 'a%'"), ["a", "ab", "Abc"]);
    assert_eq!(names("name LIKE 'jamie-foo C+%'"), ["jamie-foo C+W bar"]);
    assert_eq!(
        names("name LIKE \"jamie-foo C+W bar\""),
        ["jamie-foo C+W bar"]
    );
    assert_eq!(names("creation_time > 2"), ["Abc", "jamie-foo C+W bar"]);
    assert_eq!(names("tags.key = 'value'"), ["a"]);
    assert_eq!(names("tag.key ILIKE '%LUE'"), ["a", "ab"]);
    assert_eq!(names("tags.key != 'value'"), ["ab"]);
    assert_eq!(names("name LIKE 'a%' AND tags.key LIKE 'va%'"), ["a", "ab"]);
    for (text, expected) in [
        ("attributes.name = 'a'", "Invalid entity type 'attributes'"),
        ("metrics.x > 1", "Invalid entity type 'metrics'"),
        ("experiment_id = '1'", "Invalid attribute key"),
        ("name IN ('a')", "Only ['run_id'] attributes"),
        ("creation_time LIKE 1", "Invalid comparator"),
        ("name > 'a'", "Invalid comparator"),
    ] {
        refused(Target::Experiments, text, expected);
    }
}

fn model(name: &str, tags: &[(&str, &str)]) -> RegisteredModel {
    RegisteredModel {
        name: name.into(),
        creation_timestamp: 1,
        last_updated_timestamp: 1,
        description: String::new(),
        tags: tags.iter().map(|(k, v)| Tag::new(*k, *v)).collect(),
        aliases: vec![],
        last_version: 0,
    }
}

#[test]
fn filters_the_registry_as_mlflow_does() {
    let models = [
        model("RM1", &[("t1", "abc")]),
        model("RM2", &[("t1", "def")]),
        model("RM3", &[]),
        model("BB4", &[]),
    ];
    let names = |text: &str| {
        let filter = Filter::parse(Target::RegisteredModels, text)
            .unwrap_or_else(|e| panic!("{text}: {e:?}"));
        models
            .iter()
            .filter(|m| filter.matches_model(m))
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(names("name = 'RM1'"), ["RM1"]);
    assert_eq!(names("name LIKE 'RM%'"), ["RM1", "RM2", "RM3"]);
    assert_eq!(names("name ILIKE 'rm%'"), ["RM1", "RM2", "RM3"]);
    assert_eq!(names("name != 'RM1'"), ["RM2", "RM3", "BB4"]);
    assert_eq!(names("tags.t1 = 'def'"), ["RM2"]);
    assert_eq!(names("tags.`t1` LIKE '%b%'"), ["RM1"]);
    for (text, expected) in [
        ("run_id = 'x'", "Invalid attribute key"),
        ("metrics.x > 1", "Invalid entity type"),
        ("name = RM1", "value is either not quoted"),
        ("name IN ('RM1')", "Only ['run_id'] attributes"),
        ("name > 'a'", "Invalid comparator"),
    ] {
        refused(Target::RegisteredModels, text, expected);
    }

    let version = |name: &str, number: u64, run: &str| ModelVersion {
        run_id: Some(run.into()),
        creation_timestamp: 1,
        last_updated_timestamp: 1,
        ..ModelVersion::new(name, number, &format!("runs:/{run}/model"))
    };
    let versions = [
        version("RM1", 1, "abc"),
        version("RM1", 2, "def"),
        version("RM2", 1, "abc"),
    ];
    let found = |text: &str| {
        let filter =
            Filter::parse(Target::ModelVersions, text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        versions
            .iter()
            .filter(|v| filter.matches_version(v))
            .map(|v| format!("{}/{}", v.name, v.version))
            .collect::<Vec<_>>()
    };
    assert_eq!(found("name = 'RM1'"), ["RM1/1", "RM1/2"]);
    assert_eq!(found("run_id = 'abc'"), ["RM1/1", "RM2/1"]);
    assert_eq!(found("run_id IN ('def', 'xyz')"), ["RM1/2"]);
    assert_eq!(found("version_number > 1"), ["RM1/2"]);
    assert_eq!(found("version_number = '1'"), ["RM1/1", "RM2/1"]);
    assert_eq!(found("source_path LIKE 'runs:/abc/%'"), ["RM1/1", "RM2/1"]);
    assert_eq!(found("name = 'RM1' AND version_number = 2"), ["RM1/2"]);
    for (text, expected) in [
        ("run_id NOT IN ('a')", "Invalid comparator"),
        ("name = 1", "Only the"),
        ("stage = 'None'", "Invalid attribute key"),
    ] {
        refused(Target::ModelVersions, text, expected);
    }
}

#[test]
fn runs_messages_list_entities_and_attributes_in_mlflow_order() {
    let filter = |text: &str| Filter::parse(Target::Runs, text).unwrap_err().message;
    assert_eq!(
        filter("m.acc > 1"),
        "Invalid entity type 'm'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset'] (or their plurals, e.g. metrics.accuracy)"
    );
    let attributes = "'run_id', 'run_name', 'user_id', 'status', 'start_time', 'end_time', 'artifact_uri', 'created', 'Created'";
    assert_eq!(
        filter("attributes.x = 'a'"),
        format!("Invalid attribute key 'x' specified. Valid keys are {attributes}, 'run name', 'Run name', 'Run Name'")
    );
    assert_eq!(
        parse_order_by(Target::Runs, "attributes.x")
            .unwrap_err()
            .message,
        format!("Invalid attribute key 'x' specified. Valid keys are {attributes} (at column 1)")
    );
    assert_eq!(
        filter("datasets.x = 'a'"),
        "Invalid dataset key 'x' specified. Valid keys are 'name', 'digest', 'context'"
    );
}
