//! A text value kept in the browser's `localStorage` under one key, as a signal.

use leptos::prelude::*;

/// How [`use_local_storage`] behaves.
#[derive(Debug, Clone, Copy)]
pub struct UseLocalStorageOptions {
    /// Follow changes another tab makes to the same key (the `storage` event). Default: true.
    pub follow_other_tabs: bool,
}

impl Default for UseLocalStorageOptions {
    fn default() -> Self {
        UseLocalStorageOptions {
            follow_other_tabs: true,
        }
    }
}

/// What [`use_local_storage`] returns.
#[derive(Clone, Copy)]
pub struct UseLocalStorage {
    /// The stored text, `None` when nothing is stored (or storage is unavailable).
    pub value: Signal<Option<String>>,
    /// Stores a new text (and updates `value`). A browser that refuses to store keeps it for
    /// this page only.
    pub set: Callback<String>,
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The text stored under `key`, read once, then kept in step with what is written (here, or
/// in another tab when `options.follow_other_tabs`).
pub fn use_local_storage(key: String, options: UseLocalStorageOptions) -> UseLocalStorage {
    let value = RwSignal::new(storage().and_then(|s| s.get_item(&key).ok().flatten()));
    if options.follow_other_tabs {
        let watched = key.clone();
        let handle = window_event_listener(leptos::ev::storage, move |ev| {
            if ev.key().as_deref() == Some(watched.as_str()) {
                value.set(ev.new_value());
            }
        });
        on_cleanup(move || handle.remove());
    }
    let set = Callback::new(move |text: String| {
        if let Some(storage) = storage() {
            // A full or refused storage keeps the setting for this page only; nothing is lost.
            let _ = storage.set_item(&key, &text);
        }
        value.set(Some(text));
    });
    UseLocalStorage {
        value: value.into(),
        set,
    }
}
