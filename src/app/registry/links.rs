//! Where the registry's links go, and whether a click landed on one.

use wasm_bindgen::JsCast;

use crate::app::route::{Page, Route};

/// A registered model's page.
pub fn model_link(name: &str) -> String {
    Route::page(Page::Model(name.to_owned())).to_hash()
}

/// A model version's page.
pub fn version_route(name: &str, version: u64) -> Route {
    Route::page(Page::Version {
        name: name.to_owned(),
        version: version.to_string(),
    })
}

/// A model version's page, as a link.
pub fn version_link(name: &str, version: u64) -> String {
    version_route(name, version).to_hash()
}

/// Whether a click landed on a link (which goes where it points by itself).
pub fn clicked_a_link(ev: &leptos::ev::MouseEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("a").ok().flatten())
        .is_some()
}
