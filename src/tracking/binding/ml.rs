//! `window.labbook.ml`: training off the main thread, in the trainer worker
//! (`src/bin/trainer.rs`), which is loaded only when the first fit starts.
//!
//! `fit({estimator, params, data, on_round})` fits in the worker and resolves with the
//! trainer's report (params, training and validation scores, rounds, feature importance)
//! and `predict(rows)` (`drop()` frees the model; the worker keeps the 16 latest); with
//! autologging on (`labbook.mlflow.autolog()`), the fit is logged
//! to the active run or to a run of its own, whose id the answer carries as `run_id`.
//! `estimators()` lists the estimators with their params and defaults; `stop()` ends every
//! fit under way (they reject with an `AbortError`) and forgets the models.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{Function, Object, Promise, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{MessageEvent, Worker};

use super::{error_to_js, invalid, json_of};
use crate::api::binding::to_js;
use crate::ml::estimators::{Kind, ESTIMATORS};
use crate::store::Store;
use crate::tracking::autolog::log_fit;
use crate::tracking::Fluent;

/// The trainer's script, beside the page (Trunk's loader for the worker's wasm).
const TRAINER_URL: &str = "./trainer_loader.js";

/// A request waiting for its answer.
struct Pending {
    on_round: Option<Function>,
    answer: oneshot::Sender<Result<Value, JsValue>>,
}

/// The worker, while it runs, and the requests it owes answers to.
#[derive(Default)]
struct Trainer {
    worker: RefCell<Option<Worker>>,
    /// Requests posted before the worker said it is ready.
    queued: RefCell<Option<Vec<String>>>,
    pending: RefCell<HashMap<u64, Pending>>,
    next_id: Cell<u64>,
    /// Bumped by every new worker: a model of an older one is gone.
    generation: Cell<u64>,
}

impl Trainer {
    /// Posts `request` and waits for its answer; `on_round` hears of boosting rounds.
    async fn ask(
        self: &Rc<Trainer>,
        mut request: Value,
        on_round: Option<Function>,
    ) -> Result<Value, JsValue> {
        self.ensure_worker()?;
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        request["id"] = id.into();
        let (answer, answered) = oneshot::channel();
        self.pending
            .borrow_mut()
            .insert(id, Pending { on_round, answer });
        let text = request.to_string();
        let waiting = self
            .queued
            .borrow_mut()
            .as_mut()
            .map(|queue| queue.push(text.clone()));
        if waiting.is_none() {
            if let Some(worker) = self.worker.borrow().as_ref() {
                worker.post_message(&JsValue::from_str(&text))?;
            }
        }
        answered.await.unwrap_or_else(|_| Err(aborted()))
    }

    fn ensure_worker(self: &Rc<Trainer>) -> Result<(), JsValue> {
        if self.worker.borrow().is_some() {
            return Ok(());
        }
        let worker = Worker::new(TRAINER_URL)?;
        let trainer = Rc::downgrade(self);
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            if let (Some(trainer), Some(text)) = (trainer.upgrade(), event.data().as_string()) {
                trainer.hear(&text);
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let trainer = Rc::downgrade(self);
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            let message = Reflect::get(&event, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| format!("{TRAINER_URL} could not be loaded"));
            if let Some(trainer) = trainer.upgrade() {
                trainer.end(|| invalid(format!("the trainer failed: {message}")));
            }
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        *self.worker.borrow_mut() = Some(worker);
        *self.queued.borrow_mut() = Some(Vec::new());
        self.generation.set(self.generation.get() + 1);
        Ok(())
    }

    fn hear(&self, text: &str) {
        let message: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let op = message["op"].as_str().unwrap_or_default();
        if op == "ready" {
            let queued = self.queued.borrow_mut().take().unwrap_or_default();
            if let Some(worker) = self.worker.borrow().as_ref() {
                for text in queued {
                    let _ = worker.post_message(&JsValue::from_str(&text));
                }
            }
            return;
        }
        let Some(id) = message["id"].as_u64() else {
            return;
        };
        if op == "round" {
            if let Some(on_round) = self
                .pending
                .borrow()
                .get(&id)
                .and_then(|p| p.on_round.clone())
            {
                let _ = on_round.call2(
                    &JsValue::UNDEFINED,
                    &to_js(&message["round"]),
                    &to_js(&message["rmse"]),
                );
            }
            return;
        }
        let Some(pending) = self.pending.borrow_mut().remove(&id) else {
            return;
        };
        let answer = if op == "error" {
            Err(invalid(
                message["message"].as_str().unwrap_or("the trainer failed"),
            ))
        } else {
            Ok(message)
        };
        let _ = pending.answer.send(answer);
    }

    /// Ends the worker; every request under way fails with `error()`.
    fn end(&self, error: impl Fn() -> JsValue) {
        if let Some(worker) = self.worker.borrow_mut().take() {
            worker.terminate();
        }
        self.queued.borrow_mut().take();
        for (_, pending) in self.pending.borrow_mut().drain() {
            let _ = pending.answer.send(Err(error()));
        }
    }
}

/// A cancel, as the page's `AbortError`.
fn aborted() -> JsValue {
    web_sys::DomException::new_with_message_and_name("the training was stopped", "AbortError")
        .map(Into::into)
        .unwrap_or_else(|_| invalid("the training was stopped"))
}

/// The request's data: the synthetic taxi months by name or with their size and seed, or
/// the user's rows.
fn data_of(value: &Value) -> Result<Value, JsValue> {
    match value {
        Value::Null => Ok(json!({"kind": "synthetic-taxi"})),
        Value::String(name) if name == "synthetic-taxi" => Ok(json!({"kind": "synthetic-taxi"})),
        Value::Object(map) if map.get("kind").and_then(Value::as_str) == Some("synthetic-taxi") => Ok(value.clone()),
        Value::Object(map) if map.contains_key("rows") || map.contains_key("csv") => {
            let kind = if map.contains_key("csv") { "csv" } else { "rows" };
            let mut data = json!({"kind": kind, "train": map.get(kind), "target": map.get("target")});
            for key in ["validation", "categorical", "numerical"] {
                data[key] = map.get(key).cloned().unwrap_or(Value::Null);
            }
            data["train_name"] = map.get("name").cloned().unwrap_or(Value::Null);
            data["validation_name"] = map.get("validation_name").cloned().unwrap_or(Value::Null);
            Ok(data)
        }
        _ => Err(invalid(
            "data must be \"synthetic-taxi\", {kind: \"synthetic-taxi\", rows, seed}, {rows, target, categorical, numerical, validation} or {csv, name, target, categorical, numerical, validation, validation_name}",
        )),
    }
}

/// The CSV files given as `Blob`s or `File`s in `data.csv` and `data.validation`: each
/// one's key, the key of its name, its text, and a `File`'s name.
async fn files_of(
    options: &JsValue,
) -> Result<Vec<(&'static str, &'static str, String, Option<String>)>, JsValue> {
    let data = Reflect::get(options, &"data".into())?;
    let mut files = Vec::new();
    if !data.is_object() {
        return Ok(files);
    }
    for (key, name_key) in [("csv", "name"), ("validation", "validation_name")] {
        let value = Reflect::get(&data, &key.into())?;
        if let Some(blob) = value.dyn_ref::<web_sys::Blob>() {
            let text = JsFuture::from(blob.text())
                .await?
                .as_string()
                .unwrap_or_default();
            let name = value.dyn_ref::<web_sys::File>().map(web_sys::File::name);
            files.push((key, name_key, text, name));
        }
    }
    Ok(files)
}

/// Installs `window.labbook.ml`.
pub fn install<S: Store + 'static>(
    labbook: &JsValue,
    fluent: Rc<Fluent<S>>,
) -> Result<(), JsValue> {
    let ml = Object::new();
    let trainer = Rc::new(Trainer::default());
    let fit_trainer = Rc::clone(&trainer);
    let fit = Closure::<dyn Fn(JsValue) -> Promise>::new(move |options: JsValue| {
        let (trainer, fluent) = (Rc::clone(&fit_trainer), Rc::clone(&fluent));
        future_to_promise(async move {
            let on_round = Reflect::get(&options, &"on_round".into())?
                .dyn_into::<Function>()
                .ok();
            let files = files_of(&options).await?;
            let mut options = json_of(&options)?;
            for (key, name_key, text, name) in files {
                let data = &mut options["data"];
                data[key] = Value::String(text);
                if data.get(name_key).is_none_or(Value::is_null) {
                    data[name_key] = name.map_or(Value::Null, Value::String);
                }
            }
            let request = json!({
                "op": "fit",
                "estimator": options.get("estimator").and_then(Value::as_str).unwrap_or("linear_regression"),
                "params": options.get("params").cloned().unwrap_or(json!({})),
                "data": data_of(options.get("data").unwrap_or(&Value::Null))?,
            });
            let answer = trainer.ask(request, on_round).await?;
            let report = &answer["report"];
            let run_id = if fluent.autologging() {
                Some(log_fit(&fluent, report).await.map_err(error_to_js)?)
            } else {
                None
            };
            let handle = to_js(report);
            Reflect::set(&handle, &"run_id".into(), &to_js(&json!(run_id)))?;
            let (model, generation) = (answer["model"].clone(), trainer.generation.get());
            let drop_trainer = Rc::clone(&trainer);
            let predict = Closure::<dyn Fn(JsValue) -> Promise>::new(move |rows: JsValue| {
                let (trainer, model) = (Rc::clone(&trainer), model.clone());
                future_to_promise(async move {
                    if trainer.generation.get() != generation || trainer.worker.borrow().is_none() {
                        return Err(invalid(
                            "the model is gone: the trainer was stopped since it was fitted",
                        ));
                    }
                    let rows = json_of(&rows)?;
                    let answer = trainer
                        .ask(json!({"op": "predict", "model": model, "rows": rows}), None)
                        .await?;
                    Ok(to_js(&answer["predictions"]))
                })
            });
            Reflect::set(&handle, &"predict".into(), &predict.into_js_value())?;
            let (trainer, model) = (Rc::clone(&drop_trainer), answer["model"].clone());
            let drop = Closure::<dyn Fn() -> Promise>::new(move || {
                let (trainer, model) = (Rc::clone(&trainer), model.clone());
                future_to_promise(async move {
                    if trainer.generation.get() == generation && trainer.worker.borrow().is_some() {
                        trainer
                            .ask(json!({"op": "drop", "model": model}), None)
                            .await?;
                    }
                    Ok(JsValue::UNDEFINED)
                })
            });
            Reflect::set(&handle, &"drop".into(), &drop.into_js_value())?;
            Ok(handle)
        })
    });
    Reflect::set(&ml, &"fit".into(), &fit.into_js_value())?;
    let stop = Closure::<dyn Fn()>::new(move || trainer.end(aborted));
    Reflect::set(&ml, &"stop".into(), &stop.into_js_value())?;
    let estimators = Closure::<dyn Fn() -> JsValue>::new(|| {
        let list: Vec<Value> = ESTIMATORS
            .iter()
            .map(|e| {
                let params: Vec<Value> = e
                    .params
                    .iter()
                    .map(|(name, kind)| match kind {
                        Kind::Number { default, min, open } => {
                            json!({"name": name, "type": "number", "default": default, "min": min, "above_min": open})
                        }
                        Kind::Whole { default, min } => {
                            json!({"name": name, "type": "integer", "default": default, "min": min})
                        }
                    })
                    .collect();
                json!({"name": e.name, "class_name": e.class_name, "class_path": e.class_path, "params": params})
            })
            .collect();
        to_js(&Value::Array(list))
    });
    Reflect::set(&ml, &"estimators".into(), &estimators.into_js_value())?;
    Reflect::set(labbook, &"ml".into(), &ml)?;
    Ok(())
}
