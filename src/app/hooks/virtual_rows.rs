//! Virtual scrolling of rows of one fixed height: which rows are near the visible window.

use leptos::html::Div;
use leptos::prelude::*;

/// How [`use_virtual_rows`] behaves.
#[derive(Debug, Clone, Copy)]
pub struct UseVirtualRowsOptions {
    /// Each row's height in pixels (the stylesheet must give rows exactly this). Default: 33.
    pub row_height: f64,
    /// Rows kept above and below the visible ones. Default: 10.
    pub overscan: usize,
    /// The scroller's height before it is first measured, in pixels. Default: 600.
    pub initial_height: f64,
}

impl Default for UseVirtualRowsOptions {
    fn default() -> Self {
        UseVirtualRowsOptions {
            row_height: 33.0,
            overscan: 10,
            initial_height: 600.0,
        }
    }
}

/// What [`use_virtual_rows`] returns.
#[derive(Clone, Copy)]
pub struct UseVirtualRows {
    /// The scrolling element: give it to the `node_ref` of the scroller.
    pub scroller: NodeRef<Div>,
    /// The rows to draw: `first..last`.
    pub range: Memo<(usize, usize)>,
    /// Call from the scroller's `scroll` event.
    pub on_scroll: Callback<()>,
    /// Scrolls as little as needed to show row `n` whole.
    pub scroll_into_view: Callback<usize>,
}

/// Which of `total` rows to draw for the scroller's position and height.
pub fn use_virtual_rows(total: Signal<usize>, options: UseVirtualRowsOptions) -> UseVirtualRows {
    let UseVirtualRowsOptions {
        row_height,
        overscan,
        initial_height,
    } = options;
    let scroller = NodeRef::<Div>::new();
    let top = RwSignal::new(0.0f64);
    let height = RwSignal::new(initial_height);
    let range = Memo::new(move |_| {
        let total = total.get();
        let first = ((top.get() / row_height) as usize)
            .saturating_sub(overscan)
            .min(total);
        let count = (height.get() / row_height).ceil() as usize + 2 * overscan;
        (first, (first + count).min(total))
    });
    let on_scroll = Callback::new(move |()| {
        if let Some(el) = scroller.get_untracked() {
            top.set(el.scroll_top() as f64);
            height.set(el.client_height() as f64);
        }
    });
    let scroll_into_view = Callback::new(move |row: usize| {
        if let Some(el) = scroller.get_untracked() {
            let at = row as f64 * row_height;
            let visible = el.client_height() as f64 - row_height;
            let current = el.scroll_top() as f64;
            if at < current {
                el.set_scroll_top(at as i32);
            } else if at + row_height > current + visible {
                el.set_scroll_top((at + row_height - visible) as i32);
            }
        }
    });
    UseVirtualRows {
        scroller,
        range,
        on_scroll,
        scroll_into_view,
    }
}
