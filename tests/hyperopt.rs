//! The hyperparameter search: the space parser, random search and TPE (seeded, in bounds,
//! better than random on a known function), and `fmin` tracked as nested runs.

mod common;

use std::cell::Cell;
use std::rc::Rc;

use futures::executor::block_on;
use serde_json::{json, Value};

use labbook::domain::{DomainError, RunStatus};
use labbook::ml::hyperopt::{Algo, Limits, Outcome, Search, Space};
use labbook::store::MemStore;
use labbook::tracking::hyperopt::{fmin, Fmin, BEST_RUN_TAG, LOSS_METRIC, TRIAL_TAG};
use labbook::tracking::{python_float, Fluent, Stopped};

/// The course's xgboost space.
fn course_space() -> Value {
    json!({
        "max_depth": {"hp": "quniform", "label": "max_depth", "low": 4, "high": 100, "q": 1, "int": true},
        "learning_rate": {"hp": "loguniform", "label": "learning_rate", "low": -3, "high": 0},
        "reg_alpha": {"hp": "loguniform", "label": "reg_alpha", "low": -5, "high": -1},
        "reg_lambda": {"hp": "loguniform", "label": "reg_lambda", "low": -6, "high": -1},
        "min_child_weight": {"hp": "loguniform", "label": "min_child_weight", "low": -1, "high": 3},
        "objective": "reg:squarederror",
        "seed": 42
    })
}

fn search(space: &Value, algo: Algo, max_evals: usize, seed: u64) -> Search {
    let limits = Limits {
        max_evals,
        early_stop: None,
    };
    Search::new(Space::parse(space).unwrap(), algo, limits, seed).unwrap()
}

/// Runs a search on `loss` to its end and gives the best loss.
fn minimise(search: &mut Search, loss: impl Fn(&Value) -> f64) -> f64 {
    while let Some(trial) = search.propose() {
        let (tid, vals) = (trial.tid, trial.vals.clone());
        let point = search.space.evaluate(&vals).unwrap();
        search.record(tid, Outcome::Loss(loss(&point)));
    }
    search.best().and_then(|t| t.loss()).unwrap()
}

#[test]
fn a_space_that_cannot_be_searched_is_refused_naming_the_hyperparameter() {
    let check = |space: Value, expected: &str| {
        assert_eq!(Space::parse(&space).unwrap_err().0, expected, "{space}");
    };
    check(
        json!({"x": {"hp": "uniform", "label": "x", "low": 1, "high": 1}}),
        "hyperparameter 'x': low (1) must be below high (1)",
    );
    check(
        json!({"x": {"hp": "quniform", "label": "x", "low": 0, "high": 5, "q": 0}}),
        "hyperparameter 'x': q (0) must be above 0",
    );
    check(
        json!({"x": {"hp": "qloguniform", "label": "x", "low": 0, "high": 5, "q": -1}}),
        "hyperparameter 'x': q (-1) must be above 0",
    );
    check(
        json!({"x": {"hp": "normal", "label": "x", "mu": 0, "sigma": 0}}),
        "hyperparameter 'x': sigma (0) must be above 0",
    );
    check(
        json!({"x": {"hp": "uniform", "label": "x", "low": "a", "high": 1}}),
        "hyperparameter 'x': uniform needs low, a number",
    );
    check(
        json!({"x": {"hp": "choice", "label": "x", "options": []}}),
        "hyperparameter 'x': choice needs at least one option",
    );
    check(
        json!({"x": {"hp": "randint", "label": "x", "upper": 0}}),
        "hyperparameter 'x': randint needs an upper bound above 0",
    );
    check(
        json!({"x": {"hp": "randint", "label": "x", "low": 0.5, "high": 3}}),
        "hyperparameter 'x': low (0.5) must be a whole number",
    );
    check(
        json!({"x": {"hp": "gamma", "label": "x"}}),
        "hyperparameter 'x': unknown kind 'gamma' (uniform, quniform, loguniform, qloguniform, normal, randint or choice)",
    );
    check(
        json!({"a": {"hp": "uniform", "label": "x", "low": 0, "high": 1},
               "b": {"hp": "uniform", "label": "x", "low": 0, "high": 1}}),
        "hyperparameter 'x': the label is used twice",
    );
    check(
        json!({"hp": "uniform", "low": 0, "high": 1}),
        "a hyperparameter needs a label",
    );
}

#[test]
fn a_point_is_the_space_with_each_hyperparameter_replaced_by_its_value() {
    let space = Space::parse(&json!({
        "depth": {"hp": "quniform", "low": 4, "high": 10, "q": 1, "int": true},
        "model": {"hp": "choice", "label": "model", "options": [
            {"kind": "tree"},
            {"kind": "forest", "trees": {"hp": "randint", "label": "trees", "low": 10, "high": 20}}
        ]},
        "fixed": [1, "two"]
    }))
    .unwrap();
    // A label left out is the key's path.
    let labels: Vec<&str> = space.params.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["depth", "model", "trees"]);
    let vals = [("depth", 7.0), ("model", 1.0), ("trees", 13.0)]
        .map(|(k, v)| (k.to_owned(), v))
        .into();
    let point = space.evaluate(&vals).unwrap();
    assert_eq!(
        point,
        json!({"depth": 7, "model": {"kind": "forest", "trees": 13}, "fixed": [1, "two"]})
    );
    let params: Vec<String> = space
        .flatten(&point)
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    assert_eq!(
        params,
        [
            "depth=7",
            "model.kind=\"forest\"",
            "model.trees=13",
            "fixed=[1,\"two\"]"
        ]
    );
    // A choice's other options' hyperparameters are not drawn.
    let mut search = search(
        &json!({"model": {"hp": "choice", "label": "model", "options": [
        "plain", {"trees": {"hp": "randint", "label": "trees", "upper": 5}}]}}),
        Algo::Random,
        50,
        1,
    );
    while let Some(trial) = search.propose() {
        let (tid, vals) = (trial.tid, trial.vals.clone());
        assert_eq!(vals.contains_key("trees"), vals["model"] == 1.0, "{vals:?}");
        search.record(tid, Outcome::Loss(vals["model"]));
    }
}

#[test]
fn the_same_seed_gives_the_same_trials_and_another_seed_others() {
    let losses = |seed| {
        let mut s = search(&course_space(), Algo::Tpe, 40, seed);
        minimise(&mut s, |p| {
            (p["learning_rate"].as_f64().unwrap() - 0.1).abs()
        });
        s.trials().to_vec()
    };
    let (a, b, c) = (losses(7), losses(7), losses(8));
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(a.len(), 40);
}

#[test]
fn every_trial_stays_in_bounds_and_on_its_quantum() {
    let space = json!({
        "u": {"hp": "uniform", "label": "u", "low": -2, "high": 3},
        "q": {"hp": "quniform", "label": "q", "low": 4, "high": 100, "q": 4},
        "l": {"hp": "loguniform", "label": "l", "low": -3, "high": 0},
        "ql": {"hp": "qloguniform", "label": "ql", "low": 0, "high": 5, "q": 0.5},
        "r": {"hp": "randint", "label": "r", "low": 3, "high": 9},
        "c": {"hp": "choice", "label": "c", "options": ["a", "b", "c"]}
    });
    for algo in [Algo::Random, Algo::Tpe] {
        for seed in 0..5 {
            let mut s = search(&space, algo, 60, seed);
            minimise(&mut s, |p| {
                p["u"].as_f64().unwrap().powi(2) + p["q"].as_f64().unwrap() / 100.0
            });
            for trial in s.trials() {
                let v = &trial.vals;
                assert!((-2.0..3.0).contains(&v["u"]), "{v:?}");
                assert!(
                    (4.0..=100.0).contains(&v["q"]) && v["q"] % 4.0 == 0.0,
                    "{v:?}"
                );
                assert!(((-3f64).exp()..1.0).contains(&v["l"]), "{v:?}");
                assert!(
                    (0.0..=5f64.exp() + 0.25).contains(&v["ql"]) && (v["ql"] * 2.0).fract() == 0.0,
                    "{v:?}"
                );
                assert!(
                    (3.0..9.0).contains(&v["r"]) && v["r"].fract() == 0.0,
                    "{v:?}"
                );
                assert!([0.0, 1.0, 2.0].contains(&v["c"]), "{v:?}");
            }
        }
    }
}

#[test]
fn tpe_finds_a_lower_loss_than_random_search_over_many_seeds() {
    // A bowl off centre, with one quantized and one log-scaled dimension.
    let space = json!({
        "x": {"hp": "uniform", "label": "x", "low": -10, "high": 10},
        "y": {"hp": "quniform", "label": "y", "low": -10, "high": 10, "q": 0.5},
        "lr": {"hp": "loguniform", "label": "lr", "low": -7, "high": 0}
    });
    let loss = |p: &Value| {
        let (x, y, lr) = (
            p["x"].as_f64().unwrap(),
            p["y"].as_f64().unwrap(),
            p["lr"].as_f64().unwrap(),
        );
        (x - 3.0).powi(2) + (y + 1.5).powi(2) + (lr.ln() + 4.0).powi(2)
    };
    let (mut tpe, mut random, mut tpe_wins) = (0.0, 0.0, 0);
    let seeds = 40;
    for seed in 0..seeds {
        let t = minimise(&mut search(&space, Algo::Tpe, 80, seed), loss);
        let r = minimise(&mut search(&space, Algo::Random, 80, seed), loss);
        tpe += t / f64::from(seeds as u32);
        random += r / f64::from(seeds as u32);
        tpe_wins += usize::from(t < r);
    }
    assert!(
        tpe < random / 2.0,
        "mean best loss: tpe {tpe}, random {random}"
    );
    assert!(tpe_wins >= 30, "tpe better in {tpe_wins} of {seeds}");
}

#[test]
fn a_nan_loss_is_a_failure_and_early_stopping_counts_trials_without_progress() {
    let limits = Limits {
        max_evals: 100,
        early_stop: Some(5),
    };
    let space = Space::parse(&json!({"hp": "uniform", "label": "x", "low": 0, "high": 1})).unwrap();
    let mut s = Search::new(space, Algo::Tpe, limits, 3).unwrap();
    let first = s.propose().unwrap().tid;
    s.record(first, Outcome::Loss(f64::NAN));
    assert_eq!(
        s.trials()[0].outcome,
        Some(Outcome::Failed("the loss is NaN".to_owned()))
    );
    // The best is the second trial; five more without a better loss end the search.
    let mut loss = 1.0;
    while let Some(trial) = s.propose() {
        let tid = trial.tid;
        s.record(tid, Outcome::Loss(loss));
        loss += 1.0;
    }
    assert_eq!(s.trials().len(), 7);
    assert_eq!(s.best().unwrap().tid, 1);
    let refused = |max_evals, early_stop| {
        let space =
            Space::parse(&json!({"hp": "uniform", "label": "x", "low": 0, "high": 1})).unwrap();
        Search::new(
            space,
            Algo::Tpe,
            Limits {
                max_evals,
                early_stop,
            },
            1,
        )
        .err()
        .unwrap()
        .0
    };
    assert_eq!(refused(0, None), "max_evals must be at least 1");
    assert_eq!(
        refused(3, Some(0)),
        "early stopping needs at least 1 trial without progress"
    );
}

#[test]
fn floats_are_logged_as_python_writes_them() {
    for (x, text) in [
        (12.0, "12.0"),
        (0.1, "0.1"),
        (1e-5, "1e-05"),
        (0.0001, "0.0001"),
        (1.5e16, "1.5e+16"),
        (123456.789, "123456.789"),
        (-2.5e-7, "-2.5e-07"),
        (f64::NAN, "nan"),
    ] {
        assert_eq!(python_float(x), text);
    }
}

fn fluent() -> Fluent<MemStore> {
    let tracker = Rc::new(common::tracker());
    Fluent::new(tracker)
}

fn options(max_evals: usize) -> Fmin {
    Fmin {
        space: Space::parse(&json!({
            "x": {"hp": "uniform", "label": "x", "low": -5, "high": 5},
            "depth": {"hp": "quniform", "label": "depth", "low": 1, "high": 9, "q": 1, "int": true},
            "objective": "reg:squarederror"
        }))
        .unwrap(),
        algo: Algo::Tpe,
        limits: Limits {
            max_evals,
            early_stop: None,
        },
        seed: 11,
        run_name: Some("search".to_owned()),
    }
}

#[test]
fn fmin_tracks_each_trial_as_a_run_nested_under_the_search() {
    let mlflow = fluent();
    block_on(async {
        mlflow.set_experiment("hyperopt").await.unwrap();
        let mut heard = Vec::new();
        let objective = async |point: &Value, run_id: &str| -> Result<f64, Stopped> {
            let x = point["x"].as_f64().unwrap();
            if x > 4.0 {
                return Err(Stopped::Failed(DomainError::invalid("x too big")));
            }
            mlflow
                .log_metric("validation-rmse", x.abs() + 1.0, Some(0), None)
                .await?;
            assert_eq!(mlflow.active_run().as_deref(), Some(run_id));
            Ok(if x < -4.0 {
                f64::NAN
            } else {
                (x - 1.0).powi(2)
            })
        };
        let result = fmin(&mlflow, options(30), objective, &|| false, &mut |t| {
            heard.push(t.tid)
        })
        .await
        .unwrap();
        assert_eq!(heard, (0..30).collect::<Vec<_>>());
        assert_eq!(mlflow.active_run(), None);
        let tracker = mlflow.tracker();
        let parent = tracker.run(&result.parent_run_id).await.unwrap();
        assert_eq!(parent.info.run_name, "search");
        assert_eq!(parent.info.status, RunStatus::Finished);
        let best = result.best_trial().unwrap();
        let loss = |t: &labbook::tracking::hyperopt::TrackedTrial| match t.outcome {
            Outcome::Loss(l) => l,
            _ => f64::INFINITY,
        };
        assert!(result.trials.iter().all(|t| loss(best) <= loss(t)));
        assert_eq!(parent.tag(BEST_RUN_TAG), Some(best.run_id.as_str()));
        let best_run = tracker.run(&best.run_id).await.unwrap();
        for param in &best_run.data.params {
            assert!(parent.data.params.contains(param), "{param:?}");
        }
        for metric in &best_run.data.metrics {
            assert!(parent.data.metrics.contains(metric), "{metric:?}");
        }
        let (mut failed, mut finished) = (0, 0);
        for trial in &result.trials {
            let run = tracker.run(&trial.run_id).await.unwrap();
            assert_eq!(
                run.tag("mlflow.parentRunId"),
                Some(result.parent_run_id.as_str())
            );
            assert_eq!(run.tag(TRIAL_TAG), Some(trial.tid.to_string().as_str()));
            let x = trial.point["x"].as_f64().unwrap();
            assert_eq!(run.param("x"), Some(python_float(x).as_str()));
            assert_eq!(
                run.param("depth"),
                Some(trial.point["depth"].to_string().as_str())
            );
            assert_eq!(run.param("objective"), Some("reg:squarederror"));
            let logged_loss = run.data.metrics.iter().find(|m| m.key == LOSS_METRIC);
            match &trial.outcome {
                Outcome::Loss(l) => {
                    finished += 1;
                    assert_eq!(run.info.status, RunStatus::Finished);
                    assert_eq!(logged_loss.map(|m| m.value), Some(*l));
                }
                Outcome::Failed(message) => {
                    failed += 1;
                    assert_eq!(run.info.status, RunStatus::Failed);
                    assert!(logged_loss.is_none());
                    assert!(["x too big", "the loss is NaN"].contains(&message.as_str()));
                }
                Outcome::Cancelled => panic!("nothing was cancelled"),
            }
        }
        assert_eq!(failed + finished, 30);
        assert!(failed > 0 && finished > 0, "{failed} failed");
    });
}

#[test]
fn a_stopped_search_kills_the_running_trial_and_keeps_the_finished_ones() {
    let mlflow = fluent();
    block_on(async {
        let calls = Cell::new(0);
        let objective = async |point: &Value, _: &str| -> Result<f64, Stopped> {
            calls.set(calls.get() + 1);
            Ok(point["x"].as_f64().unwrap().abs())
        };
        // Asked before each trial and after each objective: true from the fourth trial's end.
        let stop = || calls.get() >= 4;
        let result = fmin(&mlflow, options(30), objective, &stop, &mut |_| {})
            .await
            .unwrap();
        assert!(result.cancelled);
        let statuses: Vec<RunStatus> = futures::future::join_all(
            result
                .trials
                .iter()
                .map(|t| async { mlflow.tracker().run(&t.run_id).await.unwrap().info.status }),
        )
        .await;
        assert_eq!(
            statuses,
            [
                RunStatus::Finished,
                RunStatus::Finished,
                RunStatus::Finished,
                RunStatus::Killed
            ]
        );
        let parent = mlflow.tracker().run(&result.parent_run_id).await.unwrap();
        assert_eq!(parent.info.status, RunStatus::Killed);
        assert!(parent.data.tags.iter().any(|t| t.key == BEST_RUN_TAG));
    });
}

#[test]
fn fmin_under_an_active_run_nests_the_trials_in_it_and_leaves_it_running() {
    let mlflow = fluent();
    block_on(async {
        let outer = mlflow
            .start_run(Default::default())
            .await
            .unwrap()
            .info
            .run_id;
        let objective = async |_: &Value, _: &str| -> Result<f64, Stopped> {
            Err(Stopped::Failed(DomainError::invalid("no")))
        };
        let result = fmin(&mlflow, options(3), objective, &|| false, &mut |_| {})
            .await
            .unwrap();
        assert_eq!(result.parent_run_id, outer);
        assert_eq!(result.best, None);
        assert_eq!(mlflow.active_run(), Some(outer.clone()));
        let run = mlflow.tracker().run(&outer).await.unwrap();
        assert_eq!(run.info.status, RunStatus::Running);
    });
}
