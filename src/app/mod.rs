//! The Leptos user interface: the only place with signals.
//!
//! [`start`] opens the IndexedDB store (or falls back to memory, with a banner), installs
//! `window.labbook`, and mounts [`App`]. Components read and write data only through the
//! [`Tracker`]; what every successful write changed reaches them as a notice ([`notices`]),
//! whether the write came from the page or from `labbook.rest`, and they read again only
//! what changed.

mod artifacts;
mod chart;
mod compare;
pub mod crash;
mod error;
mod experiments;
pub mod format;
pub mod hooks;
pub mod notices;
mod registry;
pub mod route;
mod run;
mod runs;
mod storage;
#[cfg(test)]
mod test_runs;
mod transfer;
mod widgets;

use std::rc::Rc;

use leptos::prelude::*;

use crate::api::binding;
use crate::store::idb::IdbStore;
use crate::store::{AnyStore, MemStore, Tracker};
use crate::tracking::Fluent;
use route::{use_route, Page};

/// The user id runs created from the page are logged under.
pub const UI_USER: &str = "labbook-ui";

/// The IndexedDB database the app keeps everything in.
pub const DATABASE_NAME: &str = "labbook";

/// What every component may reach: the tracker and the write counter.
#[derive(Clone, Copy)]
pub struct AppState {
    tracker: StoredValue<Rc<Tracker<AnyStore>>, LocalStorage>,
    /// What the writes changed; see [`notices::follow`] for reading again only what changed.
    pub notice: ReadSignal<notices::Notice, LocalStorage>,
    /// The same, told less often while writes keep coming: what charts follow.
    pub calm_notice: ReadSignal<notices::Notice, LocalStorage>,
}

impl AppState {
    pub fn tracker(&self) -> Rc<Tracker<AnyStore>> {
        self.tracker.get_value()
    }
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

/// The last value `resource` loaded, kept while a newer one loads: a `LocalResource` reads as
/// `None` while it reloads, and pages that follow it directly would blank (and rebuild what
/// they show, losing scroll positions and chart zooms) on every write.
pub fn keep_last<T: Clone + 'static>(
    resource: LocalResource<T>,
) -> ReadSignal<Option<T>, LocalStorage> {
    let last = RwSignal::new_local(None::<T>);
    Effect::new(move |_| {
        if let Some(value) = resource.get() {
            last.set(Some(value));
        }
    });
    last.read_only()
}

/// `labbook.memoryBytes()` (the size of the WebAssembly memory, which never shrinks) and
/// `labbook.heapBytes()` (the bytes the app holds now, see [`crate::heap`]), for the benchmarks.
fn install_memory_readings() -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let labbook = js_sys::Reflect::get(&window(), &"labbook".into())?;
    let memory = Closure::<dyn Fn() -> f64>::new(|| {
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        memory
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length() as f64
    });
    let heap = Closure::<dyn Fn() -> f64>::new(|| crate::heap::live_bytes() as f64);
    js_sys::Reflect::set(&labbook, &"memoryBytes".into(), memory.as_ref())?;
    js_sys::Reflect::set(&labbook, &"heapBytes".into(), heap.as_ref())?;
    // They live as long as the page.
    memory.forget();
    heap.forget();
    Ok(())
}

/// Opens the store and mounts the app.
pub fn start() {
    crash::install_panic_hook();
    wasm_bindgen_futures::spawn_local(async {
        let waiting = || {
            if let Some(loading) = document().get_element_by_id("loading") {
                loading.set_text_content(Some(
                    "Waiting for labbook in another tab: it keeps the database open at an older version. Reload or close that tab.",
                ));
            }
        };
        let replaced = RwSignal::new(None::<String>);
        let (store, storage_problem) = match IdbStore::open_or_wait(DATABASE_NAME, waiting).await {
            Ok(store) => {
                store.when_replaced(move |why| replaced.set(Some(why)));
                (AnyStore::Idb(store), None)
            }
            Err(error) => (AnyStore::Mem(MemStore::new()), Some(error.message)),
        };
        let tracker = Rc::new(Tracker::new(store));
        let cleared = matches!(tracker.store(), AnyStore::Idb(_))
            && storage::was_cleared(
                tracker
                    .experiments(crate::domain::ViewType::All)
                    .await
                    .is_ok_and(|all| all.is_empty()),
            );
        let startup_error = tracker
            .ensure_default_experiment()
            .await
            .err()
            .map(|e| e.message);
        let installed = binding::install(Rc::clone(&tracker))
            .and_then(|()| {
                crate::tracking::binding::install(Rc::new(Fluent::new(Rc::clone(&tracker))))
            })
            .and_then(|()| install_memory_readings());
        if let Err(error) = installed {
            web_sys::console::error_2(&"labbook: window.labbook is unavailable".into(), &error);
        }
        if let Some(loading) = document().get_element_by_id("loading") {
            loading.remove();
        }
        mount_to_body(move || {
            view! {
                <App tracker=tracker storage_problem=storage_problem startup_error=startup_error replaced=replaced cleared=cleared/>
            }
        });
    });
}

#[component]
fn App(
    tracker: Rc<Tracker<AnyStore>>,
    storage_problem: Option<String>,
    startup_error: Option<String>,
    /// Why, once another tab took the database away (upgraded or deleted it).
    replaced: RwSignal<Option<String>>,
    /// The database was found empty though something had been stored in it.
    cleared: bool,
) -> impl IntoView {
    let notices = notices::install(&tracker, DATABASE_NAME);
    let app = AppState {
        tracker: StoredValue::new_local(tracker),
        notice: notices.every_frame,
        calm_notice: notices.calm,
    };
    provide_context(app);
    provide_context(storage::ask_after_first_write(app));
    let job = transfer::ImportJob::new(app);
    provide_context(job);
    transfer::install_drop_target(job);
    let route = use_route();
    provide_context(route);
    // Only a change of page rebuilds the page; view settings in the query update in place.
    let page = Memo::new(move |_| route.get().page);

    view! {
        <header class="topbar">
            <a class="brand" href="#/">"labbook"</a>
            <nav>
                <a href="#/">"Experiments"</a>
                <a href="#/models" data-testid="nav-models">"Models"</a>
                <a href="#/import" data-testid="nav-import">"Import / Export"</a>
            </nav>
        </header>
        {storage_problem.map(|problem| view! {
            <div class="banner warning" data-testid="storage-banner" role="alert">
                <strong>"Not saved: "</strong>
                "this browser would not open its database ("{problem}"), so labbook is keeping everything in memory. "
                "It will be gone when you close or reload the page. A private window often causes this; a normal window keeps your data. "
                "To work on a backup meanwhile, "<a href="#/import">"import it"</a>"."
            </div>
        })}
        {cleared.then(|| view! {
            <div class="banner warning" data-testid="storage-cleared" role="alert">
                <strong>"Your data is gone: "</strong>
                "labbook stored experiments in this browser before, and its database is now empty. Browsers clear a site's data to free disk space, or when browsing data is cleared. "
                "If you exported a backup, "<a href="#/import">"import it"</a>" to carry on."
            </div>
        })}
        {move || replaced.get().map(|why| view! {
            <div class="banner warning" data-testid="reload-banner" role="alert">
                {why}" "
                <button on:click=|_| { let _ = window().location().reload(); }>"Reload"</button>
            </div>
        })}
        {startup_error.map(|problem| view! {
            <div class="banner error" role="alert">"labbook could not start its database: "{problem}</div>
        })}
        <div class="layout">
            <experiments::ExperimentSidebar/>
            <main class="content">
                {move || match page.get() {
                    Page::Home => view! { <experiments::HomePage/> }.into_any(),
                    Page::Transfer => view! { <transfer::ImportExportPage/> }.into_any(),
                    Page::Compare => view! { <compare::ComparePage/> }.into_any(),
                    Page::Experiment(id) => view! { <experiments::ExperimentPage experiment_id=id/> }.into_any(),
                    Page::Run { experiment_id, run_id } => {
                        view! { <run::RunPage experiment_id=experiment_id run_id=run_id/> }.into_any()
                    }
                    Page::Models => view! { <registry::ModelsPage/> }.into_any(),
                    Page::Model(name) => view! { <registry::ModelPage name=name/> }.into_any(),
                    Page::Version { name, version } => {
                        view! { <registry::VersionPage name=name version=version/> }.into_any()
                    }
                }}
            </main>
        </div>
    }
}
