//! `window.labbook.hyperopt`: hyperopt's `fmin`, `hp`, `scope.int`, `tpe.suggest`,
//! `rand.suggest` and `space_eval` for a JavaScript objective, tracked as runs.

use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::{error_to_js, invalid, is_abort, json_of, opt_int};
use crate::api::binding::{body_from_js, to_js};
use crate::domain::DomainError;
use crate::ml::hyperopt::{Algo, Limits, Outcome, Space, Vals};
use crate::store::Store;
use crate::tracking::hyperopt::{fmin, Fmin, FminResult, TrackedTrial};
use crate::tracking::{Fluent, Stopped};

/// Installs `window.labbook.hyperopt` beside `labbook.mlflow`.
pub fn install<S: Store + 'static>(
    labbook: &JsValue,
    fluent: Rc<Fluent<S>>,
) -> Result<(), JsValue> {
    let hyperopt = Object::new();
    let set =
        |target: &Object, name: &str, value: &JsValue| Reflect::set(target, &name.into(), value);

    let fmin_js = Closure::<dyn Fn(JsValue) -> Promise>::new(move |options: JsValue| {
        future_to_promise(run_fmin(Rc::clone(&fluent), options))
    });
    set(&hyperopt, "fmin", &fmin_js.into_js_value())?;

    let hp = Object::new();
    for kind in [
        "uniform",
        "quniform",
        "loguniform",
        "qloguniform",
        "normal",
        "randint",
        "choice",
    ] {
        let make = Closure::<dyn Fn(JsValue, JsValue, JsValue, JsValue) -> JsValue>::new(
            move |label: JsValue, a: JsValue, b: JsValue, c: JsValue| {
                let arg = |v: &JsValue| body_from_js(v).ok().flatten().unwrap_or(Value::Null);
                let mut node = json!({"hp": kind, "label": label.as_string()});
                let fields: &[(&str, &JsValue)] = match kind {
                    "uniform" | "loguniform" => &[("low", &a), ("high", &b)],
                    "quniform" | "qloguniform" => &[("low", &a), ("high", &b), ("q", &c)],
                    "normal" => &[("mu", &a), ("sigma", &b)],
                    "randint" if b.is_undefined() => &[("upper", &a)],
                    "randint" => &[("low", &a), ("high", &b)],
                    _ => &[("options", &a)],
                };
                for (name, value) in fields {
                    node[*name] = arg(value);
                }
                to_js(&node)
            },
        );
        set(&hp, kind, &make.into_js_value())?;
    }
    set(&hyperopt, "hp", &hp)?;

    let scope = Object::new();
    let int = Closure::<dyn Fn(JsValue) -> JsValue>::new(|node: JsValue| {
        let _ = Reflect::set(&node, &"int".into(), &JsValue::TRUE);
        node
    });
    set(&scope, "int", &int.into_js_value())?;
    set(&hyperopt, "scope", &scope)?;

    for algo in [Algo::Tpe, Algo::Random] {
        let module = Object::new();
        set(&module, "suggest", &algo.as_str().into())?;
        set(&hyperopt, algo.as_str(), &module)?;
    }

    let space_eval = Closure::<dyn Fn(JsValue, JsValue) -> Result<JsValue, JsValue>>::new(
        |space: JsValue, vals: JsValue| {
            let space = parse_space(&json_of(&space)?)?;
            let vals: Vals = match json_of(&vals)? {
                Value::Object(map) => map
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
                    .collect(),
                _ => return Err(invalid("space_eval needs the values as {label: value}")),
            };
            let point = space.evaluate(&vals).map_err(|e| invalid(e.0))?;
            Ok(to_js(&point))
        },
    );
    set(&hyperopt, "space_eval", &space_eval.into_js_value())?;
    Reflect::set(labbook, &"hyperopt".into(), &hyperopt)?;
    Ok(())
}

fn parse_space(value: &Value) -> Result<Space, JsValue> {
    Space::parse(value).map_err(|e| invalid(format!("search space: {e}")))
}

/// What `fmin`'s options object says, but the objective and the signal.
fn fmin_options(options: &Value) -> Result<Fmin, JsValue> {
    let space = parse_space(options.get("space").unwrap_or(&Value::Null))?;
    let algo = match options.get("algo") {
        None | Some(Value::Null) => Algo::Tpe,
        Some(Value::String(name)) => Algo::parse(name).ok_or_else(|| {
            invalid(format!(
                "unknown algo '{name}': use tpe.suggest or rand.suggest"
            ))
        })?,
        Some(_) => return Err(invalid("algo must be tpe.suggest or rand.suggest")),
    };
    let count = |name: &str| opt_int(options.get(name).unwrap_or(&Value::Null), name);
    let max_evals = count("max_evals")?.ok_or_else(|| invalid("fmin needs max_evals"))?;
    if max_evals < 1 {
        return Err(invalid("max_evals must be at least 1"));
    }
    let early_stop = match count("early_stop_n")? {
        Some(n) if n < 1 => return Err(invalid("early_stop_n must be at least 1")),
        n => n.map(|n| n as usize),
    };
    let seed = match count("seed")? {
        Some(seed) => seed as u64,
        None => (js_sys::Math::random() * 9.0e15) as u64,
    };
    Ok(Fmin {
        space,
        algo,
        limits: Limits {
            max_evals: max_evals as usize,
            early_stop,
        },
        seed,
        run_name: options
            .get("run_name")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

/// The objective's answer: a number, or `{loss, status}` as hyperopt's objectives return.
fn loss_of(answer: &JsValue) -> Result<f64, Stopped> {
    if let Some(loss) = answer.as_f64() {
        return Ok(loss);
    }
    let field = |name: &str| Reflect::get(answer, &name.into()).unwrap_or(JsValue::UNDEFINED);
    if answer.is_object() {
        if field("status").as_string().is_some_and(|s| s != "ok") {
            return Err(Stopped::Failed(DomainError::invalid(
                "the objective reported status 'fail'",
            )));
        }
        if let Some(loss) = field("loss").as_f64() {
            return Ok(loss);
        }
    }
    Err(Stopped::Failed(DomainError::invalid(
        "the objective must return a loss: a number, or {loss, status: 'ok'}",
    )))
}

/// A thrown value's message.
fn message_of(error: &JsValue) -> String {
    Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the objective threw".to_owned())
}

async fn run_fmin<S: Store>(
    fluent: Rc<Fluent<S>>,
    options_js: JsValue,
) -> Result<JsValue, JsValue> {
    let objective = Reflect::get(&options_js, &"fn".into())?
        .dyn_into::<Function>()
        .map_err(|_| invalid("fmin needs fn, the objective: a function of the params"))?;
    let options = fmin_options(&json_of(&options_js)?)?;
    let signal = Reflect::get(&options_js, &"signal".into())?;
    let on_trial = Reflect::get(&options_js, &"on_trial".into())?
        .dyn_into::<Function>()
        .ok();
    let aborted = {
        let signal = signal.clone();
        move || {
            !signal.is_undefined()
                && Reflect::get(&signal, &"aborted".into()).is_ok_and(|a| a.is_truthy())
        }
    };
    let call = async |point: &Value, run_id: &str| -> Result<f64, Stopped> {
        let context = Object::new();
        let _ = Reflect::set(&context, &"run_id".into(), &run_id.into());
        let _ = Reflect::set(&context, &"signal".into(), &signal);
        let answer = match objective.call2(&JsValue::UNDEFINED, &to_js(point), &context) {
            Ok(answer) => match answer.dyn_into::<Promise>() {
                Ok(promise) => JsFuture::from(promise).await,
                Err(value) => Ok(value),
            },
            Err(error) => Err(error),
        };
        match answer {
            Ok(answer) => loss_of(&answer),
            Err(error) if is_abort(&error) => Err(Stopped::Cancelled),
            Err(error) => Err(Stopped::Failed(DomainError::invalid(message_of(&error)))),
        }
    };
    let mut tell = |trial: &TrackedTrial| {
        if let Some(on_trial) = &on_trial {
            let _ = on_trial.call1(&JsValue::UNDEFINED, &to_js(&trial_json(trial)));
        }
    };
    let result = fmin(&fluent, options, call, &aborted, &mut tell)
        .await
        .map_err(error_to_js)?;
    if result.best.is_none() && !result.cancelled {
        let first = result.trials.iter().find_map(|t| match &t.outcome {
            Outcome::Failed(message) => Some(message.clone()),
            _ => None,
        });
        return Err(invalid(format!(
            "all {} trials failed; the first: {}",
            result.trials.len(),
            first.unwrap_or_default()
        )));
    }
    Ok(to_js(&result_json(&result)))
}

fn vals_json(vals: &Vals) -> Value {
    Value::Object(
        vals.iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect::<Map<_, _>>(),
    )
}

fn trial_json(trial: &TrackedTrial) -> Value {
    let (status, loss, error) = match &trial.outcome {
        Outcome::Loss(loss) => ("ok", json!(loss), Value::Null),
        Outcome::Failed(message) => ("fail", Value::Null, json!(message)),
        Outcome::Cancelled => ("cancelled", Value::Null, Value::Null),
    };
    json!({
        "tid": trial.tid,
        "run_id": trial.run_id,
        "status": status,
        "loss": loss,
        "error": error,
        "params": trial.point,
        "vals": vals_json(&trial.vals),
    })
}

fn result_json(result: &FminResult) -> Value {
    let best = result.best_trial();
    json!({
        "best": best.map(|t| vals_json(&t.vals)),
        "best_params": best.map(|t| t.point.clone()),
        "best_loss": best.and_then(|t| match t.outcome { Outcome::Loss(l) => Some(l), _ => None }),
        "best_run_id": best.map(|t| t.run_id.clone()),
        "parent_run_id": result.parent_run_id,
        "cancelled": result.cancelled,
        "trials": result.trials.iter().map(trial_json).collect::<Vec<_>>(),
    })
}
