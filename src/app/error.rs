//! Errors of the page's own browser calls (files, downloads, canvases) in words: the one
//! conversion from a JavaScript value to a [`DomainError`] the app uses, so no page ever shows
//! a debug dump of a JavaScript exception.

use wasm_bindgen::JsValue;

use crate::domain::DomainError;
use crate::store::idb::js_error_text;

/// `context` (what was being done, e.g. "reading model.pkl") and what the browser said.
pub fn js_error(context: &str, error: JsValue) -> DomainError {
    DomainError::internal(format!("{context}: {}", js_error_text(&error)))
}
