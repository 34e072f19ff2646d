//! The trainer: a Web Worker (built by Trunk as its own wasm, loaded only when training
//! starts) that fits models and predicts with them off the page's main thread.
//!
//! It answers messages, each a JSON string with an `id` the answers carry back:
//! - `{id, op: "fit", estimator, params, data}` (data `{kind: "synthetic-taxi", rows, seed}` or
//!   `{kind: "rows" | "csv", train, validation, target, categorical, numerical}`, CSV as text
//!   with `train_name` and `validation_name`): a
//!   `{id, op: "round", round, rmse}` per boosting round, then `{id, op: "fitted", model,
//!   report}` (`model` is the number to predict with) or `{id, op: "error", message}`;
//! - `{id, op: "predict", model, rows}`: `{id, op: "predicted", predictions}`;
//! - `{id, op: "drop", model}`: forgets the model.
//!
//! It keeps the 16 latest models (`KEPT_MODELS`) and the data it last prepared.

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the trainer runs as a Web Worker in the browser");
}

#[cfg(target_arch = "wasm32")]
mod worker {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;

    use labbook::ml::features::FeatureSpec;
    use labbook::ml::table::Table;
    use labbook::ml::trainer::{check, prepare, table_from_rows, Data, Fitted, Prepared};
    use serde_json::{json, Value};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    /// The most models kept: a search fits one a trial, and a forest can take tens of MB.
    const KEPT_MODELS: u32 = 16;

    thread_local! {
        static MODELS: RefCell<(u32, HashMap<u32, Fitted>)> = RefCell::new((0, HashMap::new()));
        /// The data last prepared, by the request's `data`: a search's trials fit the same data
        /// one after another.
        static PREPARED: RefCell<Option<(Value, Rc<Prepared>)>> = const { RefCell::new(None) };
    }

    pub fn start() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let answer_scope = scope.clone();
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let post = |answer: Value| {
                let _ = answer_scope.post_message(&JsValue::from_str(&answer.to_string()));
            };
            let request: Value = event
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str(&text).ok())
                .unwrap_or(Value::Null);
            let id = request["id"].clone();
            let answer = match answer(&request, &mut |round, rmse| {
                post(json!({"id": id, "op": "round", "round": round, "rmse": rmse}));
            }) {
                Ok(mut answer) => {
                    answer["id"] = id.clone();
                    answer
                }
                Err(message) => json!({"id": id, "op": "error", "message": message}),
            };
            post(answer);
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let _ = scope.post_message(&JsValue::from_str(r#"{"op":"ready"}"#));
    }

    fn answer(request: &Value, on_round: &mut dyn FnMut(usize, f64)) -> Result<Value, String> {
        match request["op"].as_str() {
            Some("fit") => {
                let params = request["params"].as_object().cloned().unwrap_or_default();
                let estimator = request["estimator"].as_str().unwrap_or_default();
                // The same data as the last fit's (as the request gives it) is not read,
                // made or vectorized again.
                let cached = PREPARED.with_borrow(|p| {
                    p.as_ref()
                        .filter(|(given, _)| *given == request["data"])
                        .map(|(_, p)| Rc::clone(p))
                });
                let prepared = match cached {
                    Some(prepared) => prepared,
                    None => {
                        // Refuse a wrong estimator or params before making the data.
                        check(estimator, &params)?;
                        let prepared = Rc::new(prepare(&data(&request["data"])?)?);
                        PREPARED.set(Some((request["data"].clone(), Rc::clone(&prepared))));
                        prepared
                    }
                };
                let trained = prepared.train(estimator, &params, on_round)?;
                let model = MODELS.with_borrow_mut(|(next, models)| {
                    *next += 1;
                    models.insert(*next, trained.fitted);
                    models.retain(|id, _| *id + KEPT_MODELS > *next);
                    *next
                });
                Ok(json!({"op": "fitted", "model": model, "report": trained.report}))
            }
            Some("predict") => {
                let rows =
                    table_from_rows(request["rows"].as_array().map_or(&[], |r| r.as_slice()))?;
                let model = request["model"].as_u64().unwrap_or(0) as u32;
                let predictions = MODELS.with_borrow(|(_, models)| match models.get(&model) {
                    Some(fitted) => fitted.predict(&rows),
                    None => Err(format!(
                        "the model is gone: it was dropped, or {KEPT_MODELS} later fits took its place"
                    )),
                })?;
                Ok(json!({"op": "predicted", "predictions": predictions}))
            }
            Some("drop") => {
                let model = request["model"].as_u64().unwrap_or(0) as u32;
                MODELS.with_borrow_mut(|(_, models)| models.remove(&model));
                Ok(json!({"op": "dropped"}))
            }
            _ => Err("the trainer does not know this request".to_owned()),
        }
    }

    fn data(value: &Value) -> Result<Data, String> {
        let names = |key: &str| -> Vec<String> {
            value[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        match value["kind"].as_str() {
            Some("synthetic-taxi") => Ok(Data::SyntheticTaxi {
                rows: value["rows"].as_u64().unwrap_or(20_000) as usize,
                seed: value["seed"].as_u64().unwrap_or(1),
            }),
            Some(kind @ ("rows" | "csv")) => {
                // Rows as objects, or the text of a CSV file named `train_name` (and
                // `validation_name`).
                let table = |key: &str| -> Option<Result<Table, String>> {
                    if kind == "csv" {
                        let text = value[key].as_str()?;
                        let name = value[format!("{key}_name")]
                            .as_str()
                            .unwrap_or("the CSV file");
                        Some(Table::from_csv(name, text))
                    } else {
                        value[key].as_array().map(|r| table_from_rows(r))
                    }
                };
                Ok(Data::Tables {
                    train: table("train")
                        .unwrap_or_else(|| Err("there are no training rows".to_owned()))?,
                    validation: table("validation").transpose()?,
                    target: value["target"].as_str().unwrap_or_default().to_owned(),
                    features: FeatureSpec {
                        categorical: names("categorical"),
                        numerical: names("numerical"),
                    },
                })
            }
            _ => Err(
                "data must be \"synthetic-taxi\", {rows, target, ...} or {csv, target, ...}"
                    .to_owned(),
            ),
        }
    }
}
