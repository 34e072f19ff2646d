//! Runs side by side: the plots of `compare_plots`, then their params, latest metrics and tags
//! in one table (`compare-diff`), with "only differences". The runs are the URL's `runs` (ids,
//! comma-separated), as the runs table's selection puts them there; the URL's `plot` shows that
//! plot alone.

use leptos::prelude::*;

use super::compare_plots::ComparePlots;
use super::format;
use super::route::{set_query, Page, Route};
use super::use_app;
use crate::domain::{DomainError, Run};

/// One line of the table: what it shows and its value in each run.
#[derive(Debug, Clone, PartialEq)]
struct DiffRow {
    section: &'static str,
    key: String,
    values: Vec<Option<String>>,
}

impl DiffRow {
    /// Whether the runs disagree (a run without the key disagrees with one that has it).
    fn differs(&self) -> bool {
        self.values.windows(2).any(|pair| pair[0] != pair[1])
    }
}

/// The rows comparing `runs`: params, then metrics, then tags (MLflow's own left out), each
/// section's keys in order.
fn diff_rows(runs: &[Run]) -> Vec<DiffRow> {
    let mut rows = Vec::new();
    let mut section = |name: &'static str,
                       keys: &dyn Fn(&Run) -> Vec<String>,
                       value: &dyn Fn(&Run, &str) -> Option<String>| {
        let mut all: Vec<String> = runs.iter().flat_map(keys).collect();
        all.sort();
        all.dedup();
        for key in all {
            rows.push(DiffRow {
                section: name,
                values: runs.iter().map(|r| value(r, &key)).collect(),
                key,
            });
        }
    };
    section(
        "Parameters",
        &|r| r.data.params.iter().map(|p| p.key.clone()).collect(),
        &|r, k| r.param(k).map(str::to_owned),
    );
    section(
        "Metrics",
        &|r| r.data.metrics.iter().map(|m| m.key.clone()).collect(),
        &|r, k| r.latest_metric(k).map(|m| format::number(m.value)),
    );
    section(
        "Tags",
        &|r| {
            r.data
                .tags
                .iter()
                .filter(|t| !t.key.starts_with("mlflow."))
                .map(|t| t.key.clone())
                .collect()
        },
        &|r, k| r.tag(k).map(str::to_owned),
    );
    rows
}

#[component]
pub fn ComparePage() -> impl IntoView {
    let app = use_app();
    let route = expect_context::<RwSignal<Route>>();
    let ids = Memo::new(move |_| route.with(|r| r.ids("runs")));
    let runs = LocalResource::new(move || {
        let tracker = app.tracker();
        app.revision.track();
        let ids = ids.get();
        async move {
            let mut runs = Vec::with_capacity(ids.len());
            for id in &ids {
                runs.push(tracker.run(id).await?);
            }
            Ok::<_, DomainError>(runs)
        }
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
                    let rows: Vec<DiffRow> = diff_rows(&runs)
                        .into_iter()
                        .filter(|row| !only_differences.get() || row.differs())
                        .collect();
                    let mut last_section = "";
                    let body = rows.into_iter().map(|row| {
                        let heading = (row.section != last_section).then(|| view! {
                            <tr class="section"><th colspan=runs.len() + 1>{row.section}</th></tr>
                        });
                        last_section = row.section;
                        let differs = row.differs();
                        view! {
                            {heading}
                            <tr data-testid="compare-row" data-key=row.key.clone() class:differs=differs>
                                <th>{row.key.clone()}</th>
                                {row.values.into_iter().map(|v| view! { <td>{v}</td> }).collect_view()}
                            </tr>
                        }
                    }).collect_view();
                    let heads = runs.iter().map(|run| {
                        let target = Route::page(Page::Run {
                            experiment_id: run.info.experiment_id.clone(),
                            run_id: run.info.run_id.clone(),
                        });
                        view! { <th class="run"><a href=target.to_hash()>{run.display_name().to_owned()}</a></th> }
                    }).collect_view();
                    view! {
                        <ComparePlots runs=runs/>
                        <Show when=move || !one_plot.get()>
                            <div class="table-scroll">
                                <table class="kv compare-diff" data-testid="compare-diff">
                                    <thead><tr><th></th>{heads.clone()}</tr></thead>
                                    <tbody>{body.clone()}</tbody>
                                </table>
                            </div>
                        </Show>
                    }.into_any()
                }
            }}
        </section>
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::domain::{LifecycleStage, Metric, Param, RunData, RunInfo, RunStatus};

    /// A finished run named `id` with these params and latest metrics (for the compare tests).
    pub(in crate::app) fn run(id: &str, params: &[(&str, &str)], metrics: &[(&str, f64)]) -> Run {
        Run {
            info: RunInfo {
                run_id: id.into(),
                experiment_id: "0".into(),
                run_name: id.into(),
                user_id: String::new(),
                status: RunStatus::Finished,
                start_time: None,
                end_time: None,
                artifact_uri: String::new(),
                lifecycle_stage: LifecycleStage::Active,
            },
            data: RunData {
                params: params.iter().map(|(k, v)| Param::new(*k, *v)).collect(),
                metrics: metrics
                    .iter()
                    .map(|(k, v)| Metric {
                        key: (*k).into(),
                        value: *v,
                        timestamp: 0,
                        step: 0,
                    })
                    .collect(),
                ..RunData::default()
            },
            inputs: vec![],
        }
    }

    #[test]
    fn rows_show_each_key_and_whether_runs_differ() {
        let rows = diff_rows(&[
            run("a", &[("lr", "0.1"), ("depth", "3")], &[]),
            run("b", &[("lr", "0.1")], &[]),
        ]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].key, "depth");
        assert!(rows[0].differs());
        assert_eq!(
            rows[1].values,
            [Some("0.1".to_owned()), Some("0.1".to_owned())]
        );
        assert!(!rows[1].differs());
    }
}
