//! Search spaces as hyperopt writes them, in JSON: any object, array or constant, with
//! hyperparameters inside as `{"hp": kind, "label": name, ...}` objects.
//!
//! ```json
//! {"max_depth": {"hp": "quniform", "label": "max_depth", "low": 4, "high": 100, "q": 1, "int": true},
//!  "learning_rate": {"hp": "loguniform", "label": "learning_rate", "low": -3, "high": 0},
//!  "objective": "reg:squarederror", "seed": 42}
//! ```
//!
//! Kinds and their fields are hyperopt's `hp.*`: `uniform`/`quniform`/`loguniform`/
//! `qloguniform` (`low`, `high`, `q`; the log kinds' bounds are of the logarithm), `normal`
//! (`mu`, `sigma`), `randint` (`upper`, or `low` and `high`), `choice` (`options`, each a
//! space). `"int": true` is `scope.int`. A hyperparameter without a label takes its key's
//! path (`model.depth`).

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use crate::ml::rng::Rng;

/// The value each hyperparameter took in one trial, by label, as hyperopt's `vals`: a
/// choice's index, a `randint`'s integer, any other kind's number.
pub type Vals = BTreeMap<String, f64>;

/// A parsed search space.
#[derive(Debug, Clone, PartialEq)]
pub struct Space {
    root: Node,
    /// Every hyperparameter, in the order they appear.
    pub params: Vec<Param>,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Constant(Value),
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    /// `params[i]`; a choice's options follow.
    Param(usize, Vec<Node>),
}

/// One hyperparameter: its label and its prior.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub label: String,
    pub prior: Prior,
    /// Taken as a whole number (`scope.int`).
    pub int: bool,
}

/// The distribution a hyperparameter is drawn from before anything is known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Prior {
    /// Uniform between `low` and `high` (of the logarithm when `log`), then rounded to a
    /// multiple of `q` if any.
    Uniform {
        low: f64,
        high: f64,
        q: Option<f64>,
        log: bool,
    },
    Normal {
        mu: f64,
        sigma: f64,
    },
    /// A whole number in `low..high` (a choice: `0..options`).
    Categorical {
        low: i64,
        high: i64,
    },
}

impl Prior {
    /// A value drawn from the prior.
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match *self {
            Prior::Uniform { low, high, q, log } => {
                let x = rng.uniform_in(low, high);
                quantize(if log { x.exp() } else { x }, q)
            }
            Prior::Normal { mu, sigma } => mu + sigma * rng.normal(),
            Prior::Categorical { low, high } => {
                (low + rng.below((high - low) as u64) as i64) as f64
            }
        }
    }
}

/// `x` rounded to a multiple of `q`, as hyperopt rounds.
pub fn quantize(x: f64, q: Option<f64>) -> f64 {
    match q {
        Some(q) => (x / q).round() * q,
        None => x,
    }
}

/// Why a space is refused, naming the hyperparameter.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceError(pub String);

impl std::fmt::Display for SpaceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Space {
    pub fn parse(value: &Value) -> Result<Space, SpaceError> {
        let mut params = Vec::new();
        let root = parse_node(value, "", &mut params)?;
        Ok(Space { root, params })
    }

    /// A point drawn from the priors: the labels reached and their values.
    pub fn sample(&self, rng: &mut Rng) -> Vals {
        let drawn: Vec<f64> = self.params.iter().map(|p| p.prior.sample(rng)).collect();
        self.active(&drawn)
    }

    /// Of values proposed for every hyperparameter, those reached from the root (a choice
    /// reaches only its chosen option's).
    pub fn active(&self, proposed: &[f64]) -> Vals {
        let mut vals = Vals::new();
        self.root.reach(&mut |i| {
            let value = proposed[i];
            vals.insert(self.params[i].label.clone(), value);
            value
        });
        vals
    }

    /// The point `vals` stand for, as the objective receives it (hyperopt's `space_eval`).
    pub fn evaluate(&self, vals: &Vals) -> Result<Value, SpaceError> {
        self.root.evaluate(&self.params, vals)
    }

    /// The point's values as params to log: an object's keys (nested ones joined by `.`), or
    /// for a space that is one hyperparameter, its label.
    pub fn flatten(&self, point: &Value) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        match point {
            Value::Object(_) => flatten_into("", point, &mut out),
            other => {
                let label = self.params.first().map_or("value", |p| p.label.as_str());
                out.push((label.to_owned(), other.clone()));
            }
        }
        out
    }
}

fn flatten_into(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let key = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten_into(&key, inner, out);
            }
        }
        other => out.push((prefix.to_owned(), other.clone())),
    }
}

impl Node {
    /// Calls `value_of` for each hyperparameter reached, in order, following choices.
    fn reach(&self, value_of: &mut dyn FnMut(usize) -> f64) {
        match self {
            Node::Constant(_) => {}
            Node::Object(entries) => entries.iter().for_each(|(_, n)| n.reach(value_of)),
            Node::Array(items) => items.iter().for_each(|n| n.reach(value_of)),
            Node::Param(i, options) => {
                let value = value_of(*i);
                if let Some(option) = options.get(value as usize) {
                    option.reach(value_of);
                }
            }
        }
    }

    fn evaluate(&self, params: &[Param], vals: &Vals) -> Result<Value, SpaceError> {
        Ok(match self {
            Node::Constant(value) => value.clone(),
            Node::Object(entries) => {
                let mut map = Map::new();
                for (key, node) in entries {
                    map.insert(key.clone(), node.evaluate(params, vals)?);
                }
                Value::Object(map)
            }
            Node::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|n| n.evaluate(params, vals))
                    .collect::<Result<_, _>>()?,
            ),
            Node::Param(i, options) => {
                let param = &params[*i];
                let value = *vals.get(&param.label).ok_or_else(|| {
                    SpaceError(format!("no value for hyperparameter '{}'", param.label))
                })?;
                if !options.is_empty() {
                    let option = options.get(value as usize).filter(|_| value >= 0.0);
                    return option
                        .ok_or_else(|| {
                            SpaceError(format!(
                                "'{}' has {} options; {value} is not one of them",
                                param.label,
                                options.len()
                            ))
                        })?
                        .evaluate(params, vals);
                }
                if param.int || matches!(param.prior, Prior::Categorical { .. }) {
                    Value::from(value.round() as i64)
                } else {
                    Number::from_f64(value).map_or(Value::Null, Value::Number)
                }
            }
        })
    }
}

fn parse_node(value: &Value, path: &str, params: &mut Vec<Param>) -> Result<Node, SpaceError> {
    let child = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Object(map) if map.contains_key("hp") => parse_param(map, path, params),
        Value::Object(map) => Ok(Node::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), parse_node(v, &child(k), params)?)))
                .collect::<Result<_, SpaceError>>()?,
        )),
        Value::Array(items) => Ok(Node::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| parse_node(v, &child(&i.to_string()), params))
                .collect::<Result<_, _>>()?,
        )),
        other => Ok(Node::Constant(other.clone())),
    }
}

fn parse_param(
    map: &Map<String, Value>,
    path: &str,
    params: &mut Vec<Param>,
) -> Result<Node, SpaceError> {
    let label = match map.get("label") {
        Some(Value::String(label)) if !label.is_empty() => label.clone(),
        None | Some(Value::Null) if !path.is_empty() => path.to_owned(),
        _ => {
            return Err(SpaceError(format!(
                "a hyperparameter{} needs a label",
                if path.is_empty() {
                    String::new()
                } else {
                    format!(" at '{path}'")
                }
            )))
        }
    };
    let err = |message: String| SpaceError(format!("hyperparameter '{label}': {message}"));
    if params.iter().any(|p| p.label == label) {
        return Err(err("the label is used twice".to_owned()));
    }
    let kind = map.get("hp").and_then(Value::as_str).unwrap_or_default();
    let number = |name: &str| -> Result<f64, SpaceError> {
        match map.get(name).and_then(Value::as_f64) {
            Some(x) if x.is_finite() => Ok(x),
            Some(_) => Err(err(format!("{name} must be a finite number"))),
            None => Err(err(format!("{kind} needs {name}, a number"))),
        }
    };
    let bounds = || -> Result<(f64, f64), SpaceError> {
        let (low, high) = (number("low")?, number("high")?);
        if low >= high {
            return Err(err(format!("low ({low}) must be below high ({high})")));
        }
        Ok((low, high))
    };
    let step = || -> Result<Option<f64>, SpaceError> {
        let q = number("q")?;
        if q <= 0.0 {
            return Err(err(format!("q ({q}) must be above 0")));
        }
        Ok(Some(q))
    };
    let whole = |x: f64, name: &str| -> Result<i64, SpaceError> {
        if x.fract() == 0.0 && x.abs() < 9.0e15 {
            Ok(x as i64)
        } else {
            Err(err(format!("{name} ({x}) must be a whole number")))
        }
    };
    let uniform = |q: Option<f64>, log: bool| -> Result<Prior, SpaceError> {
        let (low, high) = bounds()?;
        Ok(Prior::Uniform { low, high, q, log })
    };
    let mut options = Vec::new();
    let prior = match kind {
        "uniform" => uniform(None, false)?,
        "quniform" => uniform(step()?, false)?,
        "loguniform" => uniform(None, true)?,
        "qloguniform" => uniform(step()?, true)?,
        "normal" => {
            let (mu, sigma) = (number("mu")?, number("sigma")?);
            if sigma <= 0.0 {
                return Err(err(format!("sigma ({sigma}) must be above 0")));
            }
            Prior::Normal { mu, sigma }
        }
        "randint" => {
            let (low, high) = if map.contains_key("upper") {
                (0, whole(number("upper")?, "upper")?)
            } else {
                let (low, high) = bounds()?;
                (whole(low, "low")?, whole(high, "high")?)
            };
            if low >= high {
                return Err(err(format!("randint needs an upper bound above {low}")));
            }
            Prior::Categorical { low, high }
        }
        "choice" => {
            let Some(Value::Array(items)) = map.get("options") else {
                return Err(err("choice needs options, a list".to_owned()));
            };
            if items.is_empty() {
                return Err(err("choice needs at least one option".to_owned()));
            }
            Prior::Categorical {
                low: 0,
                high: items.len() as i64,
            }
        }
        other => {
            return Err(err(format!(
                "unknown kind '{other}' (uniform, quniform, loguniform, qloguniform, normal, randint or choice)"
            )))
        }
    };
    let index = params.len();
    params.push(Param {
        label: label.clone(),
        prior,
        int: map.get("int").and_then(Value::as_bool).unwrap_or(false),
    });
    if let Some(Value::Array(items)) = map.get("options").filter(|_| kind == "choice") {
        for (i, item) in items.iter().enumerate() {
            options.push(parse_node(item, &format!("{label}.{i}"), params)?);
        }
    }
    Ok(Node::Param(index, options))
}
