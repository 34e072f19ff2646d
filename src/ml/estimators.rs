//! The estimators a user picks by name, with scikit-learn's and XGBoost's names and defaults
//! for their params, and one fitted model type for them all.

use serde_json::{Map, Value};

use crate::ml::features::Sparse;
use crate::ml::linear::{elastic_net, ridge, Linear};
use crate::ml::trees::{boost, decision_tree, random_forest, Boosting, Ensemble, Growth};

/// A param's default, and what values it takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A number at least `min` (above it when `open`).
    Number { default: f64, min: f64, open: bool },
    /// A whole number at least `min`, or `None` when `optional` and not given.
    Whole { default: Option<i64>, min: i64 },
}

/// An estimator: its name in labbook, the class autologging names, its params.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimator {
    pub name: &'static str,
    /// scikit-learn's (or XGBoost's) class name, as MLflow's `estimator_name` tag has it.
    pub class_name: &'static str,
    /// The class's full path, as the `estimator_class` tag has it.
    pub class_path: &'static str,
    pub params: &'static [(&'static str, Kind)],
}

const fn number(default: f64, min: f64, open: bool) -> Kind {
    Kind::Number { default, min, open }
}

const fn whole(default: Option<i64>, min: i64) -> Kind {
    Kind::Whole { default, min }
}

/// Every estimator, in the order the page offers them.
pub const ESTIMATORS: &[Estimator] = &[
    Estimator {
        name: "linear_regression",
        class_name: "LinearRegression",
        class_path: "sklearn.linear_model._base.LinearRegression",
        params: &[],
    },
    Estimator {
        name: "ridge",
        class_name: "Ridge",
        class_path: "sklearn.linear_model._ridge.Ridge",
        params: &[("alpha", number(1.0, 0.0, false))],
    },
    Estimator {
        name: "lasso",
        class_name: "Lasso",
        class_path: "sklearn.linear_model._coordinate_descent.Lasso",
        params: &[
            ("alpha", number(1.0, 0.0, false)),
            ("max_iter", whole(Some(1000), 1)),
            ("tol", number(1e-4, 0.0, true)),
        ],
    },
    Estimator {
        name: "elastic_net",
        class_name: "ElasticNet",
        class_path: "sklearn.linear_model._coordinate_descent.ElasticNet",
        params: &[
            ("alpha", number(1.0, 0.0, false)),
            ("l1_ratio", number(0.5, 0.0, false)),
            ("max_iter", whole(Some(1000), 1)),
            ("tol", number(1e-4, 0.0, true)),
        ],
    },
    Estimator {
        name: "decision_tree",
        class_name: "DecisionTreeRegressor",
        class_path: "sklearn.tree._classes.DecisionTreeRegressor",
        params: &[
            ("max_depth", whole(None, 1)),
            ("min_samples_leaf", whole(Some(1), 1)),
        ],
    },
    Estimator {
        name: "random_forest",
        class_name: "RandomForestRegressor",
        class_path: "sklearn.ensemble._forest.RandomForestRegressor",
        params: &[
            ("n_estimators", whole(Some(100), 1)),
            ("max_depth", whole(None, 1)),
            ("min_samples_leaf", whole(Some(1), 1)),
            ("random_state", whole(Some(0), 0)),
        ],
    },
    Estimator {
        name: "gradient_boosting",
        class_name: "XGBRegressor",
        class_path: "xgboost.sklearn.XGBRegressor",
        params: &[
            ("max_depth", whole(Some(6), 1)),
            ("learning_rate", number(0.3, 0.0, true)),
            ("reg_alpha", number(0.0, 0.0, false)),
            ("reg_lambda", number(1.0, 0.0, false)),
            ("min_child_weight", number(1.0, 0.0, false)),
            ("num_boost_round", whole(Some(100), 1)),
            ("early_stopping_rounds", whole(None, 1)),
        ],
    },
];

pub fn estimator(name: &str) -> Result<&'static Estimator, String> {
    ESTIMATORS.iter().find(|e| e.name == name).ok_or_else(|| {
        let names: Vec<&str> = ESTIMATORS.iter().map(|e| e.name).collect();
        format!("unknown estimator '{name}' (one of {})", names.join(", "))
    })
}

/// An estimator's params, given ones checked and the rest defaulted, in its order.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    values: Vec<(&'static str, Option<f64>)>,
}

impl Params {
    fn number(&self, name: &str) -> f64 {
        self.get(name).unwrap_or(0.0)
    }

    fn whole(&self, name: &str) -> Option<usize> {
        self.get(name).map(|v| v as usize)
    }

    fn get(&self, name: &str) -> Option<f64> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| *v)
    }

    /// The params as JSON (`null` for none), for logging and for the caller.
    pub fn to_json(&self, estimator: &Estimator) -> Map<String, Value> {
        self.values
            .iter()
            .map(|(name, value)| {
                let whole = estimator
                    .params
                    .iter()
                    .any(|(n, k)| n == name && matches!(k, Kind::Whole { .. }));
                let value = match value {
                    None => Value::Null,
                    Some(v) if whole => Value::from(*v as i64),
                    Some(v) => Value::from(*v),
                };
                ((*name).to_owned(), value)
            })
            .collect()
    }
}

impl Estimator {
    /// Checks `given` (JSON numbers by name) against the params, defaulting the rest.
    pub fn params(&self, given: &Map<String, Value>) -> Result<Params, String> {
        for key in given.keys() {
            if !self.params.iter().any(|(n, _)| n == key) {
                let known: Vec<&str> = self.params.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "{} has no param '{key}'{}",
                    self.name,
                    if known.is_empty() {
                        String::new()
                    } else {
                        format!(" (its params: {})", known.join(", "))
                    }
                ));
            }
        }
        let values = self
            .params
            .iter()
            .map(|(name, kind)| {
                let bad = |what: &str| format!("{}: {name} must be {what}", self.name);
                let value = given.get(*name).filter(|v| !v.is_null());
                let value = match (kind, value) {
                    (Kind::Number { default, .. }, None) => Some(*default),
                    (Kind::Whole { default, .. }, None) => default.map(|d| d as f64),
                    (_, Some(v)) => Some(v.as_f64().ok_or_else(|| bad("a number"))?),
                };
                match (kind, value) {
                    (Kind::Number { min, open, .. }, Some(v))
                        if !v.is_finite() || v < *min || (*open && v == *min) =>
                    {
                        Err(bad(&format!(
                            "{} {min}",
                            if *open { "above" } else { "at least" }
                        )))
                    }
                    (Kind::Whole { min, .. }, Some(v)) if v.fract() != 0.0 || v < *min as f64 => {
                        Err(bad(&format!("a whole number, at least {min}")))
                    }
                    _ => Ok((*name, value)),
                }
            })
            .collect::<Result<_, String>>()?;
        Ok(Params { values })
    }
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    Linear(Linear),
    Trees(Ensemble),
}

impl Model {
    pub fn predict(&self, x: &Sparse) -> Vec<f64> {
        match self {
            Model::Linear(linear) => linear.predict(x),
            Model::Trees(ensemble) => ensemble.predict(x),
        }
    }

    /// XGBoost's importance by weight (splits per feature), for tree models.
    pub fn splits(&self) -> Option<&[u32]> {
        match self {
            Model::Linear(_) => None,
            Model::Trees(ensemble) => Some(&ensemble.splits),
        }
    }
}

/// How boosting went, round by round.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rounds {
    pub validation_rmse: Vec<f64>,
    pub best_iteration: Option<usize>,
    pub stopped_iteration: Option<usize>,
}

/// Fits `estimator` with `params` on `(x, y)`; boosting watches `(valid_x, valid_y)` and
/// tells `on_round` of each round.
pub fn fit(
    estimator: &Estimator,
    params: &Params,
    (x, y): (&Sparse, &[f64]),
    (valid_x, valid_y): (&Sparse, &[f64]),
    on_round: &mut dyn FnMut(usize, f64),
) -> (Model, Rounds) {
    let p = params;
    let linear = |m: Linear| (Model::Linear(m), Rounds::default());
    match estimator.name {
        "linear_regression" => linear(ridge(x, y, 0.0, 1e-10, 10_000)),
        "ridge" => linear(ridge(x, y, p.number("alpha"), 1e-10, 10_000)),
        "lasso" | "elastic_net" => {
            let l1_ratio = if estimator.name == "lasso" {
                1.0
            } else {
                p.number("l1_ratio")
            };
            let max_iter = p.whole("max_iter").unwrap_or(1000);
            linear(elastic_net(
                x,
                y,
                p.number("alpha"),
                l1_ratio,
                p.number("tol"),
                max_iter,
            ))
        }
        "decision_tree" => {
            let tree = decision_tree(
                x,
                y,
                p.whole("max_depth"),
                p.whole("min_samples_leaf").unwrap_or(1),
            );
            (Model::Trees(tree), Rounds::default())
        }
        "random_forest" => {
            let forest = random_forest(
                x,
                y,
                p.whole("n_estimators").unwrap_or(100),
                p.whole("max_depth"),
                p.whole("min_samples_leaf").unwrap_or(1),
                p.whole("random_state").unwrap_or(0) as u64,
            );
            (Model::Trees(forest), Rounds::default())
        }
        _ => {
            let boosting = Boosting {
                growth: Growth {
                    max_depth: p.whole("max_depth"),
                    min_child_weight: p.number("min_child_weight"),
                    reg_lambda: p.number("reg_lambda"),
                    reg_alpha: p.number("reg_alpha"),
                    min_gain: 0.0,
                },
                learning_rate: p.number("learning_rate"),
                rounds: p.whole("num_boost_round").unwrap_or(100),
                early_stopping_rounds: p.whole("early_stopping_rounds"),
            };
            let boosted = boost((x, y), (valid_x, valid_y), boosting, on_round);
            let early = boosting.early_stopping_rounds.is_some();
            let rounds = Rounds {
                validation_rmse: boosted.validation_rmse,
                best_iteration: early.then_some(boosted.best_iteration),
                stopped_iteration: early.then_some(boosted.stopped_iteration),
            };
            (Model::Trees(boosted.model), rounds)
        }
    }
}
