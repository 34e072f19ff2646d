//! Exposes [`handle`](super::handle) to the page as `window.labbook.rest(method, path, body)`.
//!
//! The promise resolves with the response JSON, or rejects with `{status, error_code, message}`.

use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect, JSON};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::{handle, ApiError};
use crate::store::{Store, Tracker};

/// JSON as a JavaScript value.
pub fn to_js(value: &Value) -> JsValue {
    JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

fn bad_request(message: String) -> JsValue {
    to_js(
        &ApiError {
            status: 400,
            error_code: "INVALID_PARAMETER_VALUE".to_owned(),
            message,
        }
        .to_json(),
    )
}

/// Reads a request body: a JS object or a JSON string; `undefined` and `null` are no body.
/// JavaScript's `NaN` and infinities, which JSON cannot hold, become protobuf's `"NaN"`,
/// `"Infinity"` and `"-Infinity"`.
pub fn body_from_js(body: &JsValue) -> Result<Option<Value>, JsValue> {
    if body.is_undefined() || body.is_null() {
        return Ok(None);
    }
    let text = match body.as_string() {
        Some(text) => text,
        None => {
            let replacer = Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(
                |_key: JsValue, value: JsValue| match value.as_f64() {
                    Some(v) if v.is_nan() => "NaN".into(),
                    Some(v) if v == f64::INFINITY => "Infinity".into(),
                    Some(v) if v == f64::NEG_INFINITY => "-Infinity".into(),
                    _ => value,
                },
            );
            let text = JSON::stringify_with_replacer(body, replacer.as_ref().unchecked_ref());
            text.map(String::from).map_err(|_| {
                bad_request("The request body cannot be turned into JSON.".to_owned())
            })?
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| bad_request(format!("The request body is not valid JSON: {e}")))
}

/// Installs `window.labbook` with its `rest` function.
pub fn install<S: Store + 'static>(tracker: Rc<Tracker<S>>) -> Result<(), JsValue> {
    let rest = Closure::<dyn Fn(JsValue, JsValue, JsValue) -> Promise>::new(
        move |method: JsValue, path: JsValue, body: JsValue| {
            let tracker = Rc::clone(&tracker);
            future_to_promise(async move {
                let method = method.as_string().unwrap_or_default();
                let path = path.as_string().unwrap_or_default();
                let body = body_from_js(&body)?;
                match handle(&tracker, &method, &path, body).await {
                    Ok(answer) => Ok(to_js(&answer)),
                    Err(error) => Err(to_js(&error.to_json())),
                }
            })
        },
    );
    let labbook = Object::new();
    Reflect::set(
        &labbook,
        &"rest".into(),
        rest.as_ref().unchecked_ref::<Function>(),
    )?;
    Reflect::set(
        &labbook,
        &"version".into(),
        &env!("CARGO_PKG_VERSION").into(),
    )?;
    // The closure lives as long as the page.
    rest.forget();
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    Reflect::set(&window, &"labbook".into(), &labbook)?;
    Ok(())
}
