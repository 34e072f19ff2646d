//! A key that focuses an element from anywhere on the page but a text field.

use leptos::html::Input;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// How [`use_key_shortcut`] behaves.
#[derive(Debug, Clone, Copy)]
pub struct UseKeyShortcutOptions {
    /// The key, as `KeyboardEvent.key` names it. Default: `/`.
    pub key: &'static str,
}

impl Default for UseKeyShortcutOptions {
    fn default() -> Self {
        UseKeyShortcutOptions { key: "/" }
    }
}

/// Focuses `target` when the key is pressed outside inputs, text areas and selects, without
/// Ctrl or Meta.
pub fn use_key_shortcut(target: NodeRef<Input>, options: UseKeyShortcutOptions) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if ev.key() == options.key && !typing && !ev.ctrl_key() && !ev.meta_key() {
            if let Some(input) = target.get_untracked() {
                ev.prevent_default();
                let _ = input.focus();
            }
        }
    });
    on_cleanup(move || handle.remove());
}
