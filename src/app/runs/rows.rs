//! The rows on screen, kept by hand. Each row is one element, made from its escaped HTML
//! ([`super::cells`]) when its key first comes on screen and kept while the key stays there;
//! selection and the cursor only change classes of the rows there. No reactive node is made
//! for a row, so the rows that come and go (a logged point rebuilds its run's row, scrolling
//! brings others) leave nothing behind, and a write costs one row's HTML.

use std::collections::HashMap;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, Node};

/// One row on screen: what identifies it, and its cells as HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct Visible {
    /// Changes whenever anything drawn in the row may have changed, so the row is made anew.
    pub key: String,
    pub position: usize,
    /// Empty for a group's header row.
    pub run_id: String,
    /// A group's header row: its key among expanded rows, and its runs.
    pub group: Option<(String, Vec<String>)>,
    pub depth: usize,
    pub deleted: bool,
    pub cells: String,
}

impl Visible {
    /// Whether the row shows as ticked: its run is selected, or every run of its group is.
    fn ticked(&self, selected: &[String]) -> bool {
        match &self.group {
            Some((_, members)) => members.iter().all(|m| selected.contains(m)),
            None => selected.contains(&self.run_id),
        }
    }
}

/// A row's element and its checkbox.
struct Shown {
    row: HtmlElement,
    check: Option<HtmlInputElement>,
}

/// The rows in the table's body, by key.
pub struct RowLayer {
    /// Each row's height in pixels, as the stylesheet gives it.
    row_height: f64,
    rows: HashMap<String, Shown>,
}

impl RowLayer {
    pub fn new(row_height: f64) -> RowLayer {
        RowLayer {
            row_height,
            rows: HashMap::new(),
        }
    }

    /// Makes the children of `body` the rows of `visible`, in order: rows whose key is still
    /// there stay as they are, new ones are made, the others go.
    pub fn show(&mut self, body: &Element, visible: &[Visible]) {
        let Some(document) = body.owner_document() else {
            return;
        };
        let mut wanted = HashMap::with_capacity(visible.len());
        for row in visible {
            let shown = match self.rows.remove(&row.key) {
                Some(shown) => shown,
                None => match make_row(&document, row, self.row_height) {
                    Some(shown) => shown,
                    None => continue,
                },
            };
            wanted.insert(row.key.clone(), shown);
        }
        // The rows gone leave first, so the ones kept are in order already and stay where
        // they are; then the new ones go in their places.
        for (_, gone) in self.rows.drain() {
            let _ = body.remove_child(&gone.row);
        }
        let mut next: Option<Node> = body.first_child();
        for row in visible {
            let Some(shown) = wanted.get(&row.key) else {
                continue;
            };
            let node: &Node = shown.row.as_ref();
            if next.as_ref() == Some(node) {
                next = node.next_sibling();
            } else {
                let _ = body.insert_before(node, next.as_ref());
            }
        }
        while let Some(stale) = next {
            next = stale.next_sibling();
            let _ = body.remove_child(&stale);
        }
        self.rows = wanted;
    }

    /// Ticks the rows of selected runs (and groups whose runs are all selected), and marks the
    /// row at `cursor`.
    pub fn mark(&self, visible: &[Visible], selected: &[String], cursor: Option<usize>) {
        for row in visible {
            let Some(shown) = self.rows.get(&row.key) else {
                continue;
            };
            let ticked = row.ticked(selected);
            let classes = shown.row.class_list();
            if row.group.is_none() {
                let _ = classes.toggle_with_force("selected", ticked);
            }
            let _ = classes.toggle_with_force("cursor", cursor == Some(row.position));
            if let Some(check) = &shown.check {
                if check.checked() != ticked {
                    check.set_checked(ticked);
                }
            }
        }
    }
}

/// A row's element, with its checkbox and cells.
fn make_row(document: &web_sys::Document, row: &Visible, row_height: f64) -> Option<Shown> {
    let element: HtmlElement = document.create_element("div").ok()?.dyn_into().ok()?;
    let set = |name: &str, value: &str| {
        let _ = element.set_attribute(name, value);
    };
    set("role", "row");
    set("data-position", &row.position.to_string());
    set(
        "style",
        &format!("top:{}px", row.position as f64 * row_height),
    );
    let (testid, label, action) = match &row.group {
        Some((key, _)) => {
            element.set_class_name("row group");
            set("data-testid", "group-row");
            set("data-group", key);
            (
                "group-select",
                "Select the runs of this group",
                "select-group",
            )
        }
        None => {
            element.set_class_name(if row.deleted { "row deleted" } else { "row" });
            set("data-testid", "run-row");
            set("data-run-id", &row.run_id);
            set("data-depth", &row.depth.to_string());
            ("run-select", "Select run", "select")
        }
    };
    element.set_inner_html(&format!(
        r#"<div class="td select" role="cell" style="width:var(--w0)"><input type="checkbox" data-testid="{testid}" aria-label="{label}" data-action="{action}"></div><div class="cells">{}</div>"#,
        row.cells
    ));
    let check = element
        .query_selector("input")
        .ok()
        .flatten()
        .and_then(|input| input.dyn_into().ok());
    Some(Shown {
        row: element,
        check,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(run_id: &str, group: Option<&[&str]>) -> Visible {
        Visible {
            key: run_id.to_owned(),
            position: 0,
            run_id: run_id.to_owned(),
            group: group.map(|members| {
                (
                    "g".to_owned(),
                    members.iter().map(|m| (*m).to_owned()).collect(),
                )
            }),
            depth: 0,
            deleted: false,
            cells: String::new(),
        }
    }

    #[test]
    fn a_run_is_ticked_when_selected_and_a_group_when_all_its_runs_are() {
        let selected = vec!["a".to_owned(), "b".to_owned()];
        assert!(row("a", None).ticked(&selected));
        assert!(!row("c", None).ticked(&selected));
        assert!(row("", Some(&["a", "b"])).ticked(&selected));
        assert!(!row("", Some(&["a", "c"])).ticked(&selected));
    }
}
