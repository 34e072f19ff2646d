//! The runs section of an experiment's page: its head (count and toolbar), the new-run form,
//! the filter box, the selection bar, the table and the chart view.

use leptos::prelude::*;

use crate::app::chart::RunCharts;
use crate::app::widgets::ErrorLine;
use crate::domain::RunKeys;

use super::grid::Grid;
use super::new_run::NewRunForm;
use super::search_box::SearchBox;
use super::selection::SelectionBar;
use super::table::{RunsTable, TableState};
use super::toolbar::Toolbar;

/// "19 runs", or "4 of 19 runs" when a filter leaves some out.
fn count_text(matching: usize, total: usize) -> String {
    let noun = if total == 1 { "run" } else { "runs" };
    if matching == total {
        format!("{total} {noun}")
    } else {
        format!("{matching} of {total} {noun}")
    }
}

#[component]
pub fn RunsSection(experiment_id: String, deleted: Signal<bool>) -> impl IntoView {
    let table = RunsTable::new(experiment_id);
    let creating = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let chart_runs = Memo::new(move |_| table.chart_runs());
    let chart_keys = Memo::new(move |_| {
        let ids: Vec<String> = chart_runs.with(|r| r.iter().map(|c| c.run_id.clone()).collect());
        table
            .runs()
            .map(|runs| RunKeys::of(runs.iter().filter(|r| ids.contains(&r.info.run_id))).metrics)
            .unwrap_or_default()
    });
    let charts_on = Memo::new(move |_| table.settings.with(|s| s.charts));
    view! {
        <section class="runs">
            <div class="section-head">
                <h2>"Runs"</h2>
                <span class="count" data-testid="runs-count">
                    {move || table.runs().map(|runs| {
                        count_text(table.shown.with(|s| s.matching.len()), runs.len())
                    })}
                </span>
                <Toolbar table=table deleted=deleted creating=creating/>
            </div>
            <Show when=move || creating.get()>
                <NewRunForm experiment_id=table.experiment_id.get_value()
                    on_done=Callback::new(move |_| creating.set(false))/>
            </Show>
            <SearchBox table=table/>
            <ErrorLine error=error/>
            <SelectionBar table=table error=error/>
            {move || match table.state.get() {
                TableState::Loading => view! { <p class="muted">"Loading runs…"</p> }.into_any(),
                TableState::Failed(message) => view! {
                    <p class="error-line" role="alert">{format!("The runs could not be read: {message}")}</p>
                }.into_any(),
                TableState::Empty => view! {
                    <div class="empty" data-testid="runs-empty">
                        <p>"No runs here yet."</p>
                        <p class="muted">
                            "Create one with “+ New run”, or log from code with "
                            <code>"labbook.rest(\"POST\", \"/api/2.0/mlflow/runs/create\", {experiment_id: \""{table.experiment_id.get_value()}"\"})"</code>
                            " in the browser console."
                        </p>
                    </div>
                }.into_any(),
                TableState::Ready => view! { <Grid table=table/> }.into_any(),
            }}
            <Show when=move || charts_on.get()>
                <RunCharts runs=chart_runs keys=chart_keys/>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::count_text;

    #[test]
    fn counts_say_what_the_filter_kept() {
        assert_eq!(count_text(1, 1), "1 run");
        assert_eq!(count_text(19, 19), "19 runs");
        assert_eq!(count_text(4, 19), "4 of 19 runs");
    }
}
