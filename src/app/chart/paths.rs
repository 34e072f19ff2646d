//! The paths of a chart's lines, set by hand: one effect sets, after each drawing, only the
//! paths it drew again, instead of an effect per path comparing whole path texts (a chart of
//! 100 runs has 200 paths of thousands of characters each).

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;

use super::drawing::Drawing;

/// The two path elements of each line, and the paths last set on them: one effect sets, after
/// each drawing, only the paths it drew again (a path kept from the drawing before is the
/// same `Arc`), instead of an effect per path comparing whole path texts.
#[derive(Clone, Copy)]
pub struct PathSetter {
    elements: StoredValue<HashMap<usize, LinePaths>, LocalStorage>,
}

/// A line's raw and smoothed path elements, and the paths they show.
struct LinePaths {
    raw: NodeRef<leptos::svg::Path>,
    smoothed: NodeRef<leptos::svg::Path>,
    shown: Option<(Arc<str>, Arc<str>)>,
}

impl PathSetter {
    pub fn new() -> PathSetter {
        PathSetter {
            elements: StoredValue::new_local(HashMap::new()),
        }
    }

    /// The elements for line `index` as it comes into the chart, drawn with the paths of
    /// `drawing` now (and forgotten when the line goes).
    pub fn add(
        self,
        index: usize,
        drawing: Memo<Drawing>,
    ) -> (
        NodeRef<leptos::svg::Path>,
        NodeRef<leptos::svg::Path>,
        Arc<str>,
        Arc<str>,
    ) {
        let (raw, smoothed) = (NodeRef::new(), NodeRef::new());
        let shown = drawing.with_untracked(|d| {
            d.line(index)
                .map(|l| (Arc::clone(&l.raw), Arc::clone(&l.smoothed)))
        });
        let (raw_path, smoothed_path) = shown.clone().unwrap_or_default();
        self.elements.update_value(|e| {
            e.insert(
                index,
                LinePaths {
                    raw,
                    smoothed,
                    shown,
                },
            );
        });
        on_cleanup(move || {
            self.elements.update_value(|e| {
                e.remove(&index);
            })
        });
        (raw, smoothed, raw_path, smoothed_path)
    }

    /// Sets the paths `drawing` drew again on their elements.
    pub fn set(self, drawing: &Drawing) {
        self.elements.update_value(|elements| {
            for line in &drawing.lines {
                let Some(paths) = elements.get_mut(&line.index) else {
                    continue;
                };
                let same = paths.shown.as_ref().is_some_and(|(raw, smoothed)| {
                    Arc::ptr_eq(raw, &line.raw) && Arc::ptr_eq(smoothed, &line.smoothed)
                });
                if same {
                    continue;
                }
                if let (Some(raw), Some(smoothed)) =
                    (paths.raw.get_untracked(), paths.smoothed.get_untracked())
                {
                    let _ = raw.set_attribute("d", &line.raw);
                    let _ = smoothed.set_attribute("d", &line.smoothed);
                    paths.shown = Some((Arc::clone(&line.raw), Arc::clone(&line.smoothed)));
                }
            }
        });
    }
}
