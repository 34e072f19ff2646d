//! The app's browser edges in headless Chromium: a JavaScript error reaches the user as
//! words, and a panic leaves a message with a working Reload button, not a frozen page.
#![cfg(target_arch = "wasm32")]

use labbook::app::crash::{show_crash, CRASH_ID};
use labbook::store::idb::js_error_text;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function quota_error() { return new DOMException("The quota has been exceeded.", "QuotaExceededError"); }
export function plain_error() { return new TypeError("x is not a function"); }
export function plain_object() { return { reason: "disk" }; }
"#)]
extern "C" {
    fn quota_error() -> JsValue;
    fn plain_error() -> JsValue;
    fn plain_object() -> JsValue;
}

#[wasm_bindgen_test]
fn javascript_errors_read_as_words() {
    assert_eq!(
        js_error_text(&quota_error()),
        "QuotaExceededError: The quota has been exceeded."
    );
    assert_eq!(
        js_error_text(&plain_error()),
        "TypeError: x is not a function"
    );
    assert_eq!(js_error_text(&JsValue::from_str("refused")), "refused");
    assert_eq!(js_error_text(&plain_object()), r#"{"reason":"disk"}"#);
    assert_eq!(
        js_error_text(&JsValue::UNDEFINED),
        "an unknown JavaScript error"
    );
}

#[wasm_bindgen_test]
fn a_crash_covers_the_page_once_with_a_reload_button() {
    show_crash("index out of bounds").unwrap();
    show_crash("a second panic").unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let overlays = document.query_selector_all("[data-testid=crash]").unwrap();
    assert_eq!(overlays.length(), 1);
    let overlay = document.get_element_by_id(CRASH_ID).unwrap();
    assert_eq!(overlay.get_attribute("role").as_deref(), Some("alert"));
    let text = overlay.text_content().unwrap();
    assert!(text.contains("index out of bounds"), "{text}");
    assert!(!text.contains("a second panic"), "{text}");
    let button = overlay
        .query_selector("[data-testid=crash-reload]")
        .unwrap()
        .unwrap();
    let onclick = js_sys::Reflect::get(&button, &"onclick".into()).unwrap();
    assert!(onclick.is_function());
    assert!(onclick.dyn_ref::<js_sys::Function>().is_some());
    overlay.remove();
}
