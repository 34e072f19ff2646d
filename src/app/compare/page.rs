//! The compare page: the runs the URL's `runs` names (ids, comma-separated, as the runs
//! table's selection puts them there), plotted four ways, then side by side in one table. The
//! URL's `plot` shows that plot alone.

use crate::app::notices::follow;
use leptos::prelude::*;

use super::box_plot::BoxPlot;
use super::contour::ContourPlot;
use super::diff::DiffTable;
use super::fields::fields_of;
use super::parallel::ParallelPlot;
use super::scatter::ScatterPlot;
use crate::app::hooks::use_title;
use crate::app::route::{set_query, Route};
use crate::app::use_app;
use crate::domain::{DomainError, Run};
use crate::store::{Store, Tracker};

/// The runs `ids` names, in that order; any missing one fails them all.
async fn load_runs<S: Store>(
    tracker: &Tracker<S>,
    ids: &[String],
) -> Result<Vec<Run>, DomainError> {
    let mut runs = Vec::with_capacity(ids.len());
    for id in ids {
        runs.push(tracker.run(id).await?);
    }
    Ok(runs)
}

/// What the page is about, for the browser's title.
fn title(count: usize) -> String {
    if count < 2 {
        "Compare runs".to_owned()
    } else {
        format!("Compare {count} runs")
    }
}

#[component]
pub fn ComparePage() -> impl IntoView {
    let app = use_app();
    let route = expect_context::<RwSignal<Route>>();
    let ids = Memo::new(move |_| route.with(|r| r.ids("runs")));
    use_title(move || title(ids.with(Vec::len)));
    let changed = follow(app.notice, move |c| {
        ids.with_untracked(|ids| ids.iter().any(|id| c.touches_run(id)))
    });
    let runs = LocalResource::new(move || {
        let tracker = app.tracker();
        changed.track();
        let ids = ids.get();
        async move { load_runs(&tracker, &ids).await }
    });
    let only_differences = Memo::new(move |_| route.with(|r| r.get("diff") == Some("only")));
    let one_plot = Memo::new(move |_| route.with(|r| r.get("plot").is_some()));
    let all_plots = move || route.with(|r| r.with("plot", None).to_hash());
    let set_only = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        set_query(route, "diff", on.then_some("only"));
    };
    view! {
        <section class="compare-page" data-testid="compare-page">
            <div class="page-head">
                <h1>"Compare runs"</h1>
                <Show when=move || one_plot.get()>
                    <a href=all_plots data-testid="compare-all">"All plots and the table"</a>
                </Show>
                <label class="toggle">
                    <input type="checkbox" data-testid="compare-only-diff" prop:checked=move || only_differences.get() on:change=set_only/>
                    " Only differences"
                </label>
            </div>
            {move || match runs.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error-line">{e.message}</p> }.into_any(),
                Some(Ok(runs)) if runs.len() < 2 => view! {
                    <p class="muted">"Choose at least two runs in an experiment's runs table, then “Compare”."</p>
                }.into_any(),
                Some(Ok(runs)) => {
                    let table = runs.clone();
                    view! {
                        <ComparePlots runs=runs/>
                        <Show when=move || !one_plot.get()>
                            <DiffTable runs=table.clone() only_differences=only_differences.into()/>
                        </Show>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// All four plots of `runs`, or only the URL's `plot`.
#[component]
fn ComparePlots(runs: Vec<Run>) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let fields = fields_of(&runs);
    let runs = StoredValue::new(runs);
    let fields = StoredValue::new(fields);
    let only = Memo::new(move |_| route.with(|r| r.get("plot").map(str::to_owned)));
    let shows = move |name: &str| only.with(|o| o.as_deref().is_none_or(|o| o == name));
    view! {
        <section class="plots">
            <Show when=move || shows("parallel")><ParallelPlot runs=runs fields=fields/></Show>
            <Show when=move || shows("scatter")><ScatterPlot runs=runs fields=fields/></Show>
            <Show when=move || shows("box")><BoxPlot runs=runs fields=fields/></Show>
            <Show when=move || shows("contour")><ContourPlot runs=runs fields=fields/></Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use futures::executor::block_on;

    use super::*;
    use crate::store::{MemStore, NewRun};

    #[test]
    fn runs_load_in_the_url_s_order_and_a_missing_one_says_so() {
        let tracker = Tracker::new(MemStore::new());
        let ids: Vec<String> = block_on(async {
            let experiment = tracker.create_experiment("e", None, vec![]).await?;
            let mut ids = Vec::new();
            for name in ["a", "b"] {
                let run = tracker
                    .create_run(NewRun {
                        experiment_id: experiment.clone(),
                        run_name: Some(name.into()),
                        ..NewRun::default()
                    })
                    .await?;
                ids.push(run.info.run_id);
            }
            Ok::<_, DomainError>(ids)
        })
        .unwrap();
        let reversed: Vec<String> = ids.iter().rev().cloned().collect();
        let runs = block_on(load_runs(&tracker, &reversed)).unwrap();
        let names: Vec<&str> = runs.iter().map(Run::display_name).collect();
        assert_eq!(names, ["b", "a"]);
        let missing = [ids[0].clone(), "0123456789abcdef".to_owned()];
        assert!(block_on(load_runs(&tracker, &missing)).is_err());
        assert_eq!(title(4), "Compare 4 runs");
        assert_eq!(title(1), "Compare runs");
    }
}
