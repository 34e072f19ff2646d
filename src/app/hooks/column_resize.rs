//! Column widths that the user drags on a header's edge.

use std::collections::HashMap;

use leptos::prelude::*;

/// How [`use_column_resize`] behaves.
pub struct UseColumnResizeOptions {
    /// The narrowest a column may be dragged, in pixels. Default: 40.
    pub min_width: f64,
    /// The widths at the start. Default: none (every column at its default width).
    pub initial: HashMap<String, f64>,
    /// Called with all the widths when a drag ends, e.g. to keep them. Default: nothing.
    pub on_end: Option<Callback<HashMap<String, f64>>>,
}

impl Default for UseColumnResizeOptions {
    fn default() -> Self {
        UseColumnResizeOptions {
            min_width: 40.0,
            initial: HashMap::new(),
            on_end: None,
        }
    }
}

/// What [`use_column_resize`] returns.
#[derive(Clone, Copy)]
pub struct UseColumnResize {
    /// The widths dragged so far, by column id.
    pub widths: RwSignal<HashMap<String, f64>>,
    /// Starts a drag of `column`, now `width` wide, from the mouse position `x`.
    pub start: Callback<(String, f64, f64)>,
}

/// Follows the mouse while a column's edge is dragged (listening on the window, so the drag
/// goes on outside the header), and reports the widths when it ends.
pub fn use_column_resize(options: UseColumnResizeOptions) -> UseColumnResize {
    let UseColumnResizeOptions {
        min_width,
        initial,
        on_end,
    } = options;
    let widths = RwSignal::new(initial);
    // The column being dragged, where the drag started and the column's width then.
    let dragging = RwSignal::new(None::<(String, f64, f64)>);
    let moved = window_event_listener(leptos::ev::mousemove, move |ev| {
        if let Some((column, x, width)) = dragging.get_untracked() {
            let next = (width + ev.client_x() as f64 - x).max(min_width);
            widths.update(|w| {
                w.insert(column, next);
            });
        }
    });
    let ended = window_event_listener(leptos::ev::mouseup, move |_| {
        if dragging.get_untracked().is_some() {
            dragging.set(None);
            if let Some(on_end) = on_end {
                on_end.run(widths.get_untracked());
            }
        }
    });
    on_cleanup(move || {
        moved.remove();
        ended.remove();
    });
    let start = Callback::new(move |(column, x, width): (String, f64, f64)| {
        dragging.set(Some((column, x, width)));
    });
    UseColumnResize { widths, start }
}
