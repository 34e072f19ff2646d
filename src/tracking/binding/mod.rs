//! Exposes [`Fluent`] as `window.labbook.mlflow`: MLflow's fluent API with its snake_case
//! names, each returning a promise. A refusal rejects with an `Error` whose `message` is
//! MLflow's and whose `error_code` is MLflow's code.
//!
//! `start_run(options, body)` runs `body(run)` (which may return a promise) in the new run and
//! ends it `FINISHED` when it resolves, `FAILED` when it throws (the error passes on) and
//! `KILLED` when it throws an `AbortError`.

mod hyperopt;
mod ml;

use std::future::Future;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::{python_json, python_str, Fluent, StartRun};
use crate::api::binding::{body_from_js, to_js};
use crate::codec::rest::{experiment_to_json, run_to_json, text_from_json};
use crate::domain::{Dataset, DomainError, RunStatus, Tag};
use crate::store::Store;

/// A refusal as a JavaScript `Error` with MLflow's code.
fn error_to_js(error: DomainError) -> JsValue {
    let js = js_sys::Error::new(&error.message);
    let _ = Reflect::set(&js, &"error_code".into(), &error.code.as_str().into());
    js.into()
}

/// A JavaScript argument as JSON: a string as it is, `undefined` and `null` as `Null`.
fn json_of(value: &JsValue) -> Result<Value, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(Value::String(text));
    }
    Ok(body_from_js(value)
        .map_err(|_| invalid("an argument cannot be turned into JSON"))?
        .unwrap_or(Value::Null))
}

fn invalid(message: impl Into<String>) -> JsValue {
    error_to_js(DomainError::invalid(message))
}

/// A required text argument.
fn text_arg(value: &JsValue, what: &str) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| invalid(format!("{what} must be a string")))
}

/// The entries of a `{key: value}` object, values as logged text.
fn text_entries(value: &JsValue, what: &str) -> Result<Vec<(String, String)>, JsValue> {
    match json_of(value)? {
        Value::Object(map) => Ok(map
            .iter()
            .map(|(k, v)| (k.clone(), python_str(v)))
            .collect()),
        _ => Err(invalid(format!(
            "{what} must be an object of keys to values"
        ))),
    }
}

/// A number, or `null`/`undefined` for none.
fn opt_int(value: &Value, what: &str) -> Result<Option<i64>, JsValue> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| invalid(format!("{what} must be a whole number"))),
        _ => Err(invalid(format!("{what} must be a whole number"))),
    }
}

/// A metric value: a number, or `"NaN"`/`"Infinity"`/`"-Infinity"` as JSON carries them.
fn metric_value(value: &Value, key: &str) -> Result<f64, JsValue> {
    match value {
        Value::Number(n) => n
            .as_f64()
            .ok_or_else(|| invalid(format!("{key}: not a number"))),
        Value::String(s) => match s.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            _ => Err(invalid(format!("metric {key}: '{s}' is not a number"))),
        },
        _ => Err(invalid(format!("metric {key}: not a number"))),
    }
}

/// What `start_run`'s options object says.
fn start_options(value: &JsValue) -> Result<StartRun, JsValue> {
    let options = json_of(value)?;
    let field = |name: &str| options.get(name).and_then(text_from_json);
    let tags = match options.get("tags") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| Tag::new(k, python_str(v)))
            .collect(),
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err(invalid("tags must be an object of keys to values")),
    };
    Ok(StartRun {
        run_id: field("run_id"),
        experiment_id: field("experiment_id"),
        run_name: field("run_name"),
        nested: options
            .get("nested")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        tags,
        description: field("description"),
    })
}

/// The text of a `source`, `schema` or `profile`: a string as it is, anything else as JSON
/// the way MLflow writes it.
fn json_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(python_json(other)),
    }
}

/// A data set as `log_input` takes it: `{name, digest, source_type, source, schema, profile}`.
fn dataset_of(value: &JsValue) -> Result<Dataset, JsValue> {
    let dataset = json_of(value)?;
    let text = |name: &str| dataset.get(name).and_then(text_from_json);
    Ok(Dataset {
        name: text("name").ok_or_else(|| invalid("the data set needs a name"))?,
        digest: text("digest").ok_or_else(|| invalid("the data set needs a digest"))?,
        source_type: text("source_type").unwrap_or_else(|| "code".to_owned()),
        source: json_text(dataset.get("source")).unwrap_or_else(|| "{}".to_owned()),
        schema: json_text(dataset.get("schema")),
        profile: json_text(dataset.get("profile")),
    })
}

/// The bytes of a file's content: a string, an `ArrayBuffer`, a typed array or a `Blob`.
async fn bytes_of(content: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(text) = content.as_string() {
        return Ok(text.into_bytes());
    }
    if let Some(blob) = content.dyn_ref::<web_sys::Blob>() {
        let buffer = JsFuture::from(blob.array_buffer()).await?;
        return Ok(Uint8Array::new(&buffer).to_vec());
    }
    if content.is_instance_of::<js_sys::ArrayBuffer>() || js_sys::ArrayBuffer::is_view(content) {
        return Ok(Uint8Array::new(content).to_vec());
    }
    Err(invalid(
        "the content must be a string, an ArrayBuffer, a typed array or a Blob",
    ))
}

/// Runs the JavaScript `body` with `run` and waits for what it returns.
async fn call_body(body: &Function, run: JsValue) -> Result<JsValue, JsValue> {
    let answer = body.call1(&JsValue::UNDEFINED, &run)?;
    match answer.dyn_into::<Promise>() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}

/// Whether a thrown value is an `AbortError` (a cancel).
fn is_abort(error: &JsValue) -> bool {
    Reflect::get(error, &"name".into())
        .ok()
        .and_then(|name| name.as_string())
        .is_some_and(|name| name == "AbortError")
}

/// Installs `window.labbook.mlflow`; `window.labbook` must be there.
pub fn install<S: Store + 'static>(fluent: Rc<Fluent<S>>) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let labbook = Reflect::get(&window, &"labbook".into())?;
    let mlflow = Object::new();
    let add = |name: &str, function: JsValue| Reflect::set(&mlflow, &name.into(), &function);

    /// A function of up to three arguments that answers a promise of `work`'s outcome.
    fn method<S: Store + 'static, F, Fut>(fluent: &Rc<Fluent<S>>, work: F) -> JsValue
    where
        F: Fn(Rc<Fluent<S>>, JsValue, JsValue, JsValue) -> Fut + 'static,
        Fut: Future<Output = Result<JsValue, JsValue>> + 'static,
    {
        let fluent = Rc::clone(fluent);
        let closure = Closure::<dyn Fn(JsValue, JsValue, JsValue) -> Promise>::new(
            move |a: JsValue, b: JsValue, c: JsValue| {
                future_to_promise(work(Rc::clone(&fluent), a, b, c))
            },
        );
        closure.into_js_value()
    }
    let done =
        |result: Result<(), DomainError>| result.map(|()| JsValue::UNDEFINED).map_err(error_to_js);

    add(
        "set_experiment",
        method(&fluent, move |f, name, _, _| async move {
            let name = text_arg(&name, "the experiment name")?;
            let experiment = f.set_experiment(&name).await.map_err(error_to_js)?;
            Ok(to_js(&experiment_to_json(&experiment)))
        }),
    )?;
    add(
        "start_run",
        method(&fluent, move |f, options, body, _| async move {
            let run = f
                .start_run(start_options(&options)?)
                .await
                .map_err(error_to_js)?;
            let run_js = to_js(&run_to_json(&run));
            let Some(body) = body.dyn_ref::<Function>() else {
                return Ok(run_js);
            };
            let outcome = call_body(body, run_js).await;
            let status = match &outcome {
                Ok(_) => RunStatus::Finished,
                Err(e) if is_abort(e) => RunStatus::Killed,
                Err(_) => RunStatus::Failed,
            };
            f.end_run(status).await.map_err(error_to_js)?;
            outcome
        }),
    )?;
    add(
        "end_run",
        method(&fluent, move |f, status, _, _| async move {
            let status = match status.as_string() {
                None => RunStatus::Finished,
                Some(text) => text.parse::<RunStatus>().map_err(invalid)?,
            };
            done(f.end_run(status).await)
        }),
    )?;
    add(
        "active_run",
        method(&fluent, move |f, _, _, _| async move {
            let Some(run_id) = f.active_run() else {
                return Ok(JsValue::NULL);
            };
            let run = f.tracker().run(&run_id).await.map_err(error_to_js)?;
            Ok(to_js(&run_to_json(&run)))
        }),
    )?;
    add(
        "log_param",
        method(&fluent, move |f, key, value, _| async move {
            let key = text_arg(&key, "the param key")?;
            done(f.log_param(&key, &python_str(&json_of(&value)?)).await)
        }),
    )?;
    add(
        "log_params",
        method(&fluent, move |f, params, _, _| async move {
            done(f.log_params(&text_entries(&params, "params")?).await)
        }),
    )?;
    add(
        "log_metric",
        method(&fluent, move |f, key, value, step| async move {
            let key = text_arg(&key, "the metric key")?;
            let value = metric_value(&json_of(&value)?, &key)?;
            // `step` may be a number, or `{step, timestamp}`.
            let (step, timestamp) = match json_of(&step)? {
                Value::Object(o) => (
                    opt_int(o.get("step").unwrap_or(&Value::Null), "step")?,
                    opt_int(o.get("timestamp").unwrap_or(&Value::Null), "timestamp")?,
                ),
                other => (opt_int(&other, "step")?, None),
            };
            done(f.log_metric(&key, value, step, timestamp).await)
        }),
    )?;
    add(
        "log_metrics",
        method(&fluent, move |f, metrics, step, _| async move {
            let Value::Object(map) = json_of(&metrics)? else {
                return Err(invalid("metrics must be an object of keys to numbers"));
            };
            let metrics = map
                .iter()
                .map(|(k, v)| Ok((k.clone(), metric_value(v, k)?)))
                .collect::<Result<Vec<_>, JsValue>>()?;
            done(
                f.log_metrics(&metrics, opt_int(&json_of(&step)?, "step")?)
                    .await,
            )
        }),
    )?;
    add(
        "set_tag",
        method(&fluent, move |f, key, value, _| async move {
            let key = text_arg(&key, "the tag key")?;
            done(f.set_tag(&key, &python_str(&json_of(&value)?)).await)
        }),
    )?;
    add(
        "set_tags",
        method(&fluent, move |f, tags, _, _| async move {
            done(f.set_tags(&text_entries(&tags, "tags")?).await)
        }),
    )?;
    add(
        "log_dict",
        method(&fluent, move |f, dictionary, file, _| async move {
            let file = text_arg(&file, "artifact_file")?;
            done(f.log_dict(&json_of(&dictionary)?, &file).await)
        }),
    )?;
    add(
        "log_text",
        method(&fluent, move |f, text, file, _| async move {
            let text = text_arg(&text, "the text")?;
            let file = text_arg(&file, "artifact_file")?;
            done(f.log_text(&text, &file).await)
        }),
    )?;
    add(
        "log_artifact",
        method(&fluent, move |f, content, file, _| async move {
            let file = text_arg(&file, "artifact_file")?;
            done(f.log_artifact(&file, bytes_of(&content).await?).await)
        }),
    )?;
    add(
        "log_input",
        method(&fluent, move |f, dataset, context, _| async move {
            let context = context.as_string();
            done(f.log_input(dataset_of(&dataset)?, context.as_deref()).await)
        }),
    )?;
    add(
        "search_runs",
        method(&fluent, move |f, options, _, _| async move {
            let options = json_of(&options)?;
            let list = |name: &str| -> Vec<String> {
                match options.get(name) {
                    Some(Value::Array(items)) => items.iter().filter_map(text_from_json).collect(),
                    Some(Value::String(one)) => vec![one.clone()],
                    _ => Vec::new(),
                }
            };
            let filter = options
                .get("filter_string")
                .and_then(text_from_json)
                .unwrap_or_default();
            let max_results = opt_int(
                options.get("max_results").unwrap_or(&Value::Null),
                "max_results",
            )?
            .map_or(100_000, |n| n.max(0) as usize);
            let runs = f
                .search_runs(
                    &list("experiment_ids"),
                    &filter,
                    &list("order_by"),
                    max_results,
                )
                .await
                .map_err(error_to_js)?;
            let answer: Array = runs.iter().map(|r| to_js(&run_to_json(r))).collect();
            Ok(answer.into())
        }),
    )?;
    add(
        "autolog",
        method(&fluent, move |f, options, _, _| async move {
            let options = json_of(&options)?;
            f.autolog(
                !options
                    .get("disable")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            );
            Ok(JsValue::UNDEFINED)
        }),
    )?;
    Reflect::set(&labbook, &"mlflow".into(), &mlflow)?;
    ml::install(&labbook, Rc::clone(&fluent))?;
    hyperopt::install(&labbook, fluent)
}
