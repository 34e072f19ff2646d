//! What the browser keeps for labbook: asking it to keep the data once something is stored
//! (`navigator.storage.persist()`), showing how much is used, of how much, and whether the
//! browser may clear it (`storage-status`), and noticing when it did clear it.

use leptos::prelude::*;

use super::{use_app, AppState};
use crate::domain::StorageUse;
use crate::store::idb::{ask_to_persist, storage_persisted, storage_use};
use crate::store::AnyStore;

/// Whether the browser agreed to keep the data, shared by every page.
#[derive(Clone, Copy)]
pub struct Persistence {
    /// `None` until known; always `None` when labbook keeps everything in memory.
    pub persisted: RwSignal<Option<bool>>,
}

fn in_indexed_db(app: AppState) -> bool {
    matches!(app.tracker().store(), AnyStore::Idb(_))
}

/// Set in `localStorage` once this browser has stored something in labbook's database.
const STORED_KEY: &str = "labbook-has-stored";

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Whether a database found `empty` (no experiment, not even the default one) was emptied
/// by the browser: something was stored in it before. Browsers clear a site's databases to
/// free space, or when the user clears browsing data; `localStorage` may outlive that.
pub fn was_cleared(empty: bool) -> bool {
    empty
        && local_storage()
            .and_then(|s| s.get_item(STORED_KEY).ok().flatten())
            .is_some()
}

/// Learns whether the data is kept, and asks the browser to keep it after the first write
/// this tab sees (asking before anything is stored would ask for nothing); remembers that
/// something was stored, for [`was_cleared`].
pub fn ask_after_first_write(app: AppState) -> Persistence {
    let persisted = RwSignal::new(None);
    if !in_indexed_db(app) {
        return Persistence { persisted };
    }
    leptos::task::spawn_local(async move {
        persisted.set(Some(storage_persisted().await));
    });
    let (remembered, asked) = (StoredValue::new(false), StoredValue::new(false));
    Effect::new(move |_| {
        let written = app.notice.with(|n| n.seq > 0);
        if written && !remembered.get_value() {
            remembered.set_value(true);
            if let Some(storage) = local_storage() {
                // A browser that will not remember it only misses telling a cleared database.
                let _ = storage.set_item(STORED_KEY, "1");
            }
        }
        if written && persisted.get() == Some(false) && !asked.get_value() {
            asked.set_value(true);
            leptos::task::spawn_local(async move {
                persisted.set(Some(ask_to_persist().await));
            });
        }
    });
    Persistence { persisted }
}

/// The words for what is stored: "labbook uses 12.0 MB of the 1.3 GB it may use; the
/// browser keeps it until you delete it".
fn status_text(used: Option<StorageUse>, persisted: Option<bool>) -> String {
    let kept = match persisted {
        Some(true) => "the browser keeps it until you delete it",
        Some(false) => {
            "the browser may clear it when space runs low, so export what you want to keep"
        }
        None => "",
    };
    match (used, kept.is_empty()) {
        (Some(used), false) => format!("{}; {kept}.", used.describe()),
        (Some(used), true) => format!("{}.", used.describe()),
        (None, false) => format!("Stored in this browser; {kept}."),
        (None, true) => "Stored in this browser.".to_owned(),
    }
}

/// How much is stored, of how much, and whether the browser may clear it; read again after
/// writes that grow it by much (imports, experiments, files), not after each logged point.
#[component]
pub fn StorageStatus() -> impl IntoView {
    let app = use_app();
    let persistence = expect_context::<Persistence>();
    let grew = super::notices::follow(app.notice, |c| {
        c.everything || c.touches_experiments() || !c.artifacts.is_empty()
    });
    let used = LocalResource::new(move || {
        grew.track();
        storage_use()
    });
    move || {
        in_indexed_db(app).then(|| {
            let text = status_text(used.get().flatten(), persistence.persisted.get());
            view! { <p class="muted small" data-testid="storage-status">{text}</p> }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_says_what_is_known() {
        let used = StorageUse {
            usage: 12 * 1024 * 1024,
            quota: 1_395_864_371,
        };
        assert_eq!(
            status_text(Some(used), Some(true)),
            "labbook uses 12.0 MB of the 1.3 GB it may use; the browser keeps it until you delete it."
        );
        assert!(status_text(None, Some(false)).contains("may clear it"));
        assert_eq!(status_text(None, None), "Stored in this browser.");
    }
}
