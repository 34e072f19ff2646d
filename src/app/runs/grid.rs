//! The table itself: headers that sort and resize, and the rows on screen. Rows are a grid of
//! fixed-width cells at a fixed height, placed absolutely, so only those near the visible
//! window are in the page; each is built from one escaped HTML string ([`super::cells`]) and
//! kept while it stays on screen.

use std::collections::HashMap;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::hooks::use_local_storage;
use crate::app::hooks::{
    use_column_resize, use_row_cursor, use_virtual_rows, RowCursorKey, UseColumnResizeOptions,
    UseLocalStorageOptions, UseRowCursorOptions, UseVirtualRowsOptions,
};
use crate::clock::now_ms;
use crate::domain::LifecycleStage;

use super::cells::{fingerprint, group_cells, row_cells};
use super::columns::{sort_clause, sort_mark, width_of, Column, FIXED, SELECT_COLUMN};
use super::rows::{RowLayer, Visible};
use super::table::RunsTable;

/// A group's row shows its members' values: it changes when any of them does.
fn group_fingerprint(group: &super::arrange::Group, runs: &[crate::domain::Run]) -> u64 {
    group
        .members
        .iter()
        .fold(0u64, |acc, &i| acc.rotate_left(5) ^ fingerprint(&runs[i]))
}

fn widths_storage_key(experiment_id: &str) -> String {
    format!("labbook.widths.{experiment_id}")
}

/// What a click on a row's `target` means: an expander's action, or none (then the click
/// opens the row, unless it was on a link or a control, which do their own thing).
fn clicked(target: &web_sys::Element) -> Click {
    let action = target
        .closest("[data-action]")
        .ok()
        .flatten()
        .and_then(|el| el.get_attribute("data-action"));
    match action.as_deref() {
        Some("expand") => Click::Expand,
        Some("expand-group") => Click::ExpandGroup,
        Some("select") => Click::Select,
        Some("select-group") => Click::SelectGroup,
        _ if target
            .closest("a, button, input, label")
            .ok()
            .flatten()
            .is_some() =>
        {
            Click::Control
        }
        _ => Click::Row,
    }
}

enum Click {
    Expand,
    ExpandGroup,
    /// A run's checkbox.
    Select,
    /// A group's checkbox.
    SelectGroup,
    Control,
    Row,
}

#[component]
pub fn Grid(table: RunsTable) -> impl IntoView {
    let total = Signal::derive(move || table.shown.with(|s| s.lines.len()));
    let rows = use_virtual_rows(total, UseVirtualRowsOptions::default());
    let row_height = UseVirtualRowsOptions::default().row_height;
    let line_at = move |row: usize| table.shown.with_untracked(|s| s.lines.get(row).cloned());
    let open_line = move |row: usize| match line_at(row) {
        Some(line) => match line.group {
            Some(g) => {
                let key = table.shown.with_untracked(|s| s.groups[g].open_key());
                table.toggle_open(key);
                true
            }
            None => {
                table.open_run(line.index);
                true
            }
        },
        None => false,
    };
    let cursor = use_row_cursor(
        total,
        UseRowCursorOptions {
            on_move: Some(rows.scroll_into_view),
            on_key: Some(Callback::new(move |key| match key {
                RowCursorKey::Open(row) => open_line(row),
                RowCursorKey::Toggle(row) => {
                    let line = line_at(row).filter(|l| l.group.is_none());
                    match (line, table.runs_untracked()) {
                        (Some(line), Some(runs)) => {
                            table.toggle_selected(runs[line.index].info.run_id.clone());
                            true
                        }
                        _ => false,
                    }
                }
            })),
        },
    );
    let stored_widths = use_local_storage(
        widths_storage_key(&table.experiment_id.get_value()),
        UseLocalStorageOptions {
            follow_other_tabs: false,
        },
    );
    let resize = use_column_resize(UseColumnResizeOptions {
        initial: stored_widths
            .value
            .get_untracked()
            .and_then(|text| serde_json::from_str::<HashMap<String, f64>>(&text).ok())
            .unwrap_or_default(),
        on_end: Some(Callback::new(move |widths: HashMap<String, f64>| {
            if let Ok(text) = serde_json::to_string(&widths) {
                stored_widths.set.run(text);
            }
        })),
        ..UseColumnResizeOptions::default()
    });
    let widths = resize.widths;
    let column_ids = move || {
        std::iter::once(SELECT_COLUMN.to_owned())
            .chain(FIXED.iter().map(|(_, id, _)| (*id).to_owned()))
            .chain(
                table
                    .columns
                    .with(|c| c.iter().map(Column::id).collect::<Vec<_>>()),
            )
            .collect::<Vec<_>>()
    };
    // What every drawn row depends on besides its line and run: a change rebuilds the rows on
    // screen. A run's own changes rebuild its row alone (its fingerprint is in the row's key).
    let generation = Memo::new(move |_| {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        table.columns.with(|c| c.hash(&mut hasher));
        table.expanded.with(|open| {
            let mut ids: Vec<&String> = open.iter().collect();
            ids.sort();
            ids.hash(&mut hasher);
        });
        table.route.with(|r| r.query.hash(&mut hasher));
        table.names.with(|n| n.len().hash(&mut hasher));
        hasher.finish()
    });
    // The cells of the rows last on screen, by row key: a row whose key is unchanged keeps its
    // HTML, so a write to one run builds one row's cells.
    let built = StoredValue::new(HashMap::<String, String>::new());
    let visible = Memo::new(move |_| {
        let Some(runs) = table.runs() else {
            return Vec::new();
        };
        let (first, last) = rows.range.get();
        let generation = generation.get();
        let now = now_ms();
        let route = table.route.get();
        let names = table.names.get();
        let on_screen = table.columns.with(|columns| {
            table.expanded.with(|open| {
                table.shown.with(|shown| {
                    shown.lines[first..last]
                        .iter()
                        .enumerate()
                        .map(|(offset, line)| {
                            let position = first + offset;
                            if let Some(g) = line.group {
                                let group = &shown.groups[g];
                                let key = group.open_key();
                                let is_open = open.contains(&key);
                                let row_key = format!(
                                    "{generation}:{position}:g{g}:{}",
                                    group_fingerprint(group, &runs)
                                );
                                let cells = built
                                    .with_value(|b| b.get(&row_key).cloned())
                                    .unwrap_or_else(|| group_cells(group, &runs, columns, is_open));
                                return Visible {
                                    key: row_key,
                                    position,
                                    run_id: String::new(),
                                    group: Some((
                                        key,
                                        group
                                            .members
                                            .iter()
                                            .map(|&i| runs[i].info.run_id.clone())
                                            .collect(),
                                    )),
                                    depth: 0,
                                    deleted: false,
                                    cells,
                                };
                            }
                            let run = &runs[line.index];
                            let is_open = open.contains(&run.info.run_id);
                            let row_key = format!(
                                "{generation}:{position}:{}:{}:{}:{}",
                                line.index,
                                line.depth,
                                line.children,
                                fingerprint(run)
                            );
                            let cells = built
                                .with_value(|b| b.get(&row_key).cloned())
                                .unwrap_or_else(|| {
                                    row_cells(run, line, columns, &route, &names, is_open, now)
                                });
                            Visible {
                                key: row_key,
                                position,
                                run_id: run.info.run_id.clone(),
                                group: None,
                                depth: line.depth,
                                deleted: run.info.lifecycle_stage == LifecycleStage::Deleted,
                                cells,
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
        });
        built.set_value(
            on_screen
                .iter()
                .map(|r| (r.key.clone(), r.cells.clone()))
                .collect(),
        );
        on_screen
    });
    // The rows in the page follow what is visible, the selection and the cursor.
    let body = NodeRef::<leptos::html::Div>::new();
    let layer = StoredValue::new_local(RowLayer::new(row_height));
    Effect::new(move |_| {
        let Some(body) = body.get() else {
            return;
        };
        visible.with(|rows| {
            table.settings.with(|s| {
                let at = cursor.cursor.get();
                layer.update_value(|layer| {
                    layer.show(&body, rows);
                    layer.mark(rows, &s.selected, at);
                })
            })
        });
    });
    // One listener for every row: checkboxes, expanders, and a click elsewhere on a row opens
    // it.
    let row_event = move |ev: &leptos::ev::MouseEvent| {
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let Some(row) = target.closest("[data-position]").ok().flatten() else {
            return;
        };
        let position = row
            .get_attribute("data-position")
            .and_then(|p| p.parse::<usize>().ok());
        match clicked(&target) {
            Click::Expand => {
                table.toggle_open(row.get_attribute("data-run-id").unwrap_or_default())
            }
            Click::ExpandGroup => {
                table.toggle_open(row.get_attribute("data-group").unwrap_or_default())
            }
            Click::Select => {
                table.toggle_selected(row.get_attribute("data-run-id").unwrap_or_default())
            }
            Click::SelectGroup => {
                let members = position.and_then(|p| {
                    visible.with_untracked(|rows| {
                        rows.iter()
                            .find(|r| r.position == p)
                            .and_then(|r| r.group.as_ref().map(|(_, m)| m.clone()))
                    })
                });
                if let Some(members) = members {
                    let on = !table
                        .settings
                        .with_untracked(|s| members.iter().all(|m| s.selected.contains(m)));
                    table.select_many(members, on);
                }
            }
            Click::Control => cursor.cursor.set(position),
            Click::Row => {
                cursor.cursor.set(position);
                if let Some(position) = position {
                    open_line(position);
                }
            }
        }
    };
    let header = move |column: String,
                       label: String,
                       class: &'static str,
                       sortable: bool,
                       index: usize| {
        let mark_column = column.clone();
        let (click_column, drag_column) = (column.clone(), column.clone());
        view! {
            <div class=format!("th {class} {}", if sortable { "sortable" } else { "" })
                role="columnheader" style=format!("width:var(--w{index})")
                data-testid="column-header" data-column=column
                title=if sortable { "Sort (shift-click to add a key); drag the edge to resize" } else { "" }
                on:click=move |ev| {
                    if sortable {
                        table.header_click(&sort_clause(&click_column), ev.shift_key());
                    }
                }>
                {label}{move || table.settings.with(|s| sort_mark(&s.sort, &sort_clause(&mark_column)))}
                <span class="resize" data-testid="column-resize"
                    on:click=|ev| ev.stop_propagation()
                    on:mousedown=move |ev| {
                        ev.prevent_default();
                        ev.stop_propagation();
                        let width = widths.with_untracked(|w| width_of(w, &drag_column));
                        resize.start.run((drag_column.clone(), ev.client_x() as f64, width));
                    }></span>
            </div>
        }
    };
    let all_selected = move || {
        let n = table.settings.with(|s| s.selected.len());
        n > 0 && n >= table.shown.with(|s| s.matching.len())
    };
    let select_all = move |ev: leptos::ev::Event| {
        let ids = match (event_target_checked(&ev), table.runs_untracked()) {
            (true, Some(runs)) => table.shown.with_untracked(|s| {
                s.matching
                    .iter()
                    .map(|&i| runs[i].info.run_id.clone())
                    .collect()
            }),
            _ => Vec::new(),
        };
        table.set_selection(ids);
    };
    view! {
        <div class="table-scroll" node_ref=rows.scroller tabindex="0" data-testid="runs-scroll"
            on:scroll=move |_| rows.on_scroll.run(())
            on:keydown=move |ev| cursor.on_keydown.run(ev)>
            <div class="runs-table" role="table" data-testid="runs-table"
                style=move || widths.with(|w| {
                    let ids = column_ids();
                    let total: f64 = ids.iter().map(|c| width_of(w, c)).sum();
                    let vars: String = ids.iter().enumerate()
                        .map(|(n, c)| format!("--w{n}:{}px;", width_of(w, c)))
                        .collect();
                    format!("{vars}width:{total}px")
                })>
                <div class="grid-head" role="row">
                    <div class="th select" role="columnheader" style="width:var(--w0)">
                        <input type="checkbox" data-testid="runs-select-all" title="Select every run shown"
                            prop:checked=all_selected on:change=select_all/>
                    </div>
                    {FIXED.iter().enumerate().map(|(n, (label, id, sortable))| {
                        header((*id).to_owned(), (*label).to_owned(), "", *sortable, n + 1)
                    }).collect_view()}
                    {move || table.columns.get().into_iter().enumerate().map(|(n, column)| {
                        header(column.id(), column.key().to_owned(), column.class(), true, n + 1 + FIXED.len())
                    }).collect_view()}
                </div>
                <div class="grid-body" role="rowgroup" node_ref=body
                    style:height=move || format!("{}px", total.get() as f64 * row_height)
                    on:click=move |ev| row_event(&ev)></div>
            </div>
            {move || (table.shown.with(|s| s.matching.is_empty()) && table.runs().is_some_and(|r| !r.is_empty())).then(|| view! {
                <p class="muted no-match" data-testid="runs-no-match">"No run matches the filter."</p>
            })}
        </div>
    }
}
