//! A keyboard cursor over a list of rows: arrows or j/k, Home and End move it; Enter and
//! Space (or x) are handed to the caller.

use leptos::prelude::*;

/// A key the cursor does not handle itself, at the row it is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowCursorKey {
    /// Enter: open the row.
    Open(usize),
    /// Space or x: tick the row.
    Toggle(usize),
}

/// How [`use_row_cursor`] behaves.
#[derive(Default)]
pub struct UseRowCursorOptions {
    /// Called after the cursor moved to a row, e.g. to scroll it into view. Default: nothing.
    pub on_move: Option<Callback<usize>>,
    /// Called for Enter and Space on the cursor's row; answers whether it handled the key
    /// (then the browser's default is prevented). Default: nothing is handled.
    pub on_key: Option<Callback<RowCursorKey, bool>>,
}

/// What [`use_row_cursor`] returns.
#[derive(Clone, Copy)]
pub struct UseRowCursor {
    /// The row the cursor is on, if any; set it to move the cursor (e.g. on a click).
    pub cursor: RwSignal<Option<usize>>,
    /// The `keydown` handler for the list's element.
    pub on_keydown: Callback<leptos::ev::KeyboardEvent>,
}

/// Where a key moves a cursor at `at` in `total` rows (`None`: the key does not move it).
pub fn moved(key: &str, at: Option<usize>, total: usize) -> Option<usize> {
    let last = total.checked_sub(1)?;
    match key {
        "ArrowDown" | "j" => Some(at.map_or(0, |c| (c + 1).min(last))),
        "ArrowUp" | "k" => Some(at.map_or(0, |c| c.saturating_sub(1))),
        "Home" => Some(0),
        "End" => Some(last),
        _ => None,
    }
}

/// A cursor over `total` rows.
pub fn use_row_cursor(total: Signal<usize>, options: UseRowCursorOptions) -> UseRowCursor {
    let cursor = RwSignal::new(None::<usize>);
    let on_keydown = Callback::new(move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        let at = cursor.get_untracked();
        if let Some(next) = moved(&key, at, total.get_untracked()) {
            ev.prevent_default();
            cursor.set(Some(next));
            if let Some(on_move) = options.on_move {
                on_move.run(next);
            }
            return;
        }
        let asked = match (key.as_str(), at) {
            ("Enter", Some(row)) => RowCursorKey::Open(row),
            (" " | "x", Some(row)) => RowCursorKey::Toggle(row),
            _ => return,
        };
        if options.on_key.is_some_and(|on_key| on_key.run(asked)) {
            ev.prevent_default();
        }
    });
    UseRowCursor { cursor, on_keydown }
}

#[cfg(test)]
mod tests {
    use super::moved;

    #[test]
    fn keys_move_within_the_rows() {
        assert_eq!(moved("ArrowDown", None, 3), Some(0));
        assert_eq!(moved("j", Some(2), 3), Some(2));
        assert_eq!(moved("k", Some(0), 3), Some(0));
        assert_eq!(moved("End", Some(0), 3), Some(2));
        assert_eq!(moved("Home", Some(2), 3), Some(0));
        assert_eq!(moved("ArrowDown", None, 0), None);
        assert_eq!(moved("Enter", Some(1), 3), None);
    }
}
