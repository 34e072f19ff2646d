//! What the page shows when labbook panics: the release build aborts on a panic, which would
//! otherwise leave a frozen page. The message is built with plain DOM calls (no framework
//! state, which may be mid-update), and its Reload button calls the browser's own
//! `location.reload`, so it works after the WebAssembly module has stopped.

use wasm_bindgen::{JsCast, JsValue};

/// The id of the element [`show_crash`] adds.
pub const CRASH_ID: &str = "labbook-crash";

/// Installs [`show_crash`] as the panic hook.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("labbook crashed: {info}").into());
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "an internal error".to_owned());
        let _ = show_crash(&message);
    }));
}

/// Covers the page with a message naming what went wrong and a Reload button (once).
pub fn show_crash(message: &str) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    if document.get_element_by_id(CRASH_ID).is_some() {
        return Ok(());
    }
    let overlay = document.create_element("div")?;
    overlay.set_id(CRASH_ID);
    overlay.set_class_name("crash");
    overlay.set_attribute("role", "alert")?;
    overlay.set_attribute("data-testid", "crash")?;
    let title = document.create_element("h2")?;
    title.set_text_content(Some("labbook stopped"));
    let text = document.create_element("p")?;
    text.set_text_content(Some(&format!(
        "Something went wrong inside labbook ({message}). What was saved is safe: a write \
         happens whole or not at all. Reload the page to go on."
    )));
    let button = document.create_element("button")?;
    button.set_text_content(Some("Reload"));
    button.set_attribute("data-testid", "crash-reload")?;
    let location = window.location();
    let reload: js_sys::Function = js_sys::Reflect::get(&location, &"reload".into())?.dyn_into()?;
    let bound = reload.bind0(&location);
    js_sys::Reflect::set(&button, &"onclick".into(), &bound)?;
    overlay.append_child(&title)?;
    overlay.append_child(&text)?;
    overlay.append_child(&button)?;
    document
        .body()
        .ok_or("no body")?
        .append_child(&overlay)
        .map(|_| ())
}
