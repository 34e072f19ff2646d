//! The controls in the runs section's head: which runs (active, deleted, all), other
//! experiments' runs, grouping, the chart view, the column picker and "+ New run".

use leptos::prelude::*;

use crate::app::route::{navigate, set_query};
use crate::domain::ViewType;

use super::columns::{all_columns, Column};
use super::table::{toggle_in, RunsTable};
use super::view::{keys, TableView};
use crate::domain::RunKeys;

/// The grouping choices for these keys: params, tags, and dataset fields.
fn group_choices(keys: &RunKeys) -> Vec<String> {
    keys.params
        .iter()
        .map(|k| format!("params.{k}"))
        .chain(keys.tags.iter().map(|k| format!("tags.{k}")))
        .chain(["datasets.name", "datasets.digest", "datasets.context"].map(str::to_owned))
        .collect()
}

#[component]
pub fn Toolbar(table: RunsTable, deleted: Signal<bool>, creating: RwSignal<bool>) -> impl IntoView {
    let route = table.route;
    let view = Memo::new(move |_| table.settings.with(|s| s.view));
    let charts_on = Memo::new(move |_| table.settings.with(|s| s.charts));
    let set_view = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let current = route.get_untracked();
        navigate(&current.with(keys::VIEW, (value != "active").then_some(value.as_str())));
    };
    view! {
        <div class="actions">
            <select data-testid="run-view" on:change=set_view
                prop:value=move || TableView::view_value(view.get())>
                <option value=TableView::view_value(ViewType::ActiveOnly)>"Active"</option>
                <option value=TableView::view_value(ViewType::DeletedOnly)>"Deleted"</option>
                <option value=TableView::view_value(ViewType::All)>"All"</option>
            </select>
            <ExperimentPicker table=table/>
            <select data-testid="group-by" title="Group runs by a param, tag or dataset"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    set_query(route, keys::GROUP, (!value.is_empty()).then_some(value.as_str()));
                }>
                <option value="">"No grouping"</option>
                {move || {
                    let current = route.with(|r| r.get(keys::GROUP).unwrap_or("").to_owned());
                    table.keys.with(group_choices).into_iter().map(|value| {
                        let chosen = value == current;
                        let label = format!("Group by {value}");
                        view! { <option value=value selected=chosen>{label}</option> }
                    }).collect_view()
                }}
            </select>
            <button class="secondary" data-testid="runs-show-charts"
                title="Charts of the selected runs (or the first shown), one per metric"
                on:click=move |_| {
                    let on = !charts_on.get_untracked();
                    set_query(route, keys::SHOW, on.then_some("charts"));
                }>
                {move || if charts_on.get() { "Hide charts" } else { "Charts" }}
            </button>
            <ColumnPicker keys=table.keys columns=table.columns
                toggle=Callback::new(move |column| table.toggle_column(column))/>
            <Show when=move || !deleted.get()>
                <button data-testid="run-new" on:click=move |_| creating.update(|c| *c = !*c)>"+ New run"</button>
            </Show>
        </div>
    }
}

/// "Experiments": other experiments whose runs the table shows too (the URL's `with`).
#[component]
fn ExperimentPicker(table: RunsTable) -> impl IntoView {
    let route = table.route;
    let also = Memo::new(move |_| table.settings.with(|s| s.with.clone()));
    view! {
        <details class="column-picker" data-testid="experiment-picker">
            <summary class="button secondary">"Experiments"</summary>
            <div class="options">
                {move || table.experiments.get().unwrap_or_default().into_iter()
                    .filter(|e| e.experiment_id != table.experiment_id.get_value())
                    .map(|e| {
                        let eid = e.experiment_id.clone();
                        let (checked_id, attr_id) = (eid.clone(), eid.clone());
                        view! {
                            <label data-testid="experiment-option" data-experiment-id=attr_id>
                                <input type="checkbox"
                                    prop:checked=move || also.with(|a| a.contains(&checked_id))
                                    on:change=move |_| {
                                        let mut ids = also.get_untracked();
                                        toggle_in(&mut ids, eid.clone());
                                        let joined = ids.join(",");
                                        set_query(route, keys::WITH, (!ids.is_empty()).then_some(joined.as_str()));
                                    }/>
                                {format!("Also show runs of {}", e.name)}
                            </label>
                        }
                    }).collect_view()}
            </div>
        </details>
    }
}

#[component]
fn ColumnPicker(
    keys: Memo<RunKeys>,
    columns: Memo<Vec<Column>>,
    toggle: Callback<Column>,
) -> impl IntoView {
    view! {
        <details class="column-picker" data-testid="column-picker">
            <summary class="button secondary">"Columns"</summary>
            <div class="options">
                {move || all_columns(&keys.get()).into_iter().map(|column| {
                    let id = column.id();
                    let label = id.clone();
                    let checked_column = column.clone();
                    view! {
                        <label data-testid="column-option" data-column=id>
                            <input type="checkbox"
                                prop:checked=move || columns.with(|c| c.contains(&checked_column))
                                on:change=move |_| toggle.run(column.clone())/>
                            {label}
                        </label>
                    }
                }).collect_view()}
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_params_tags_and_dataset_fields() {
        let keys = RunKeys {
            metrics: vec!["rmse".into()],
            params: vec!["lr".into()],
            tags: vec!["team".into()],
        };
        assert_eq!(
            group_choices(&keys),
            [
                "params.lr",
                "tags.team",
                "datasets.name",
                "datasets.digest",
                "datasets.context"
            ]
        );
    }
}
