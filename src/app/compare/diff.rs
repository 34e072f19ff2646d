//! The compare page's table (`compare-diff`): the runs' params, latest metrics and tags side
//! by side, each section's keys in order, rows where the runs differ marked, optionally only
//! those.

use leptos::prelude::*;

use crate::app::format;
use crate::app::route::{Page, Route};

use crate::domain::{Run, RunKeys};

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

/// How a section reads a run's value of a key.
type ValueOf = dyn Fn(&Run, &str) -> Option<String>;

/// The rows comparing `runs`: params, then metrics, then tags (MLflow's own left out), each
/// section's keys in order.
fn diff_rows(runs: &[Run]) -> Vec<DiffRow> {
    let keys = RunKeys::of(runs);
    let sections: [(&'static str, &[String], &ValueOf); 3] = [
        ("Parameters", &keys.params, &|r, k| {
            r.param(k).map(str::to_owned)
        }),
        ("Metrics", &keys.metrics, &|r, k| {
            r.latest_metric(k).map(|m| format::number(m.value))
        }),
        ("Tags", &keys.tags, &|r, k| r.tag(k).map(str::to_owned)),
    ];
    sections
        .into_iter()
        .flat_map(|(section, keys, value)| {
            keys.iter().map(move |key| DiffRow {
                section,
                values: runs.iter().map(|r| value(r, key)).collect(),
                key: key.clone(),
            })
        })
        .collect()
}

/// The table of `runs`, with only the rows where they differ while `only_differences`.
#[component]
pub fn DiffTable(runs: Vec<Run>, only_differences: Signal<bool>) -> impl IntoView {
    let columns = runs.len() + 1;
    let rows = diff_rows(&runs);
    let body = move || {
        let only = only_differences.get();
        let mut last_section = "";
        rows.iter()
            .filter(|row| !only || row.differs())
            .map(|row| {
                let heading = (row.section != last_section).then(|| {
                    view! { <tr class="section"><th colspan=columns>{row.section}</th></tr> }
                });
                last_section = row.section;
                view! {
                    {heading}
                    <tr data-testid="compare-row" data-key=row.key.clone() class:differs=row.differs()>
                        <th>{row.key.clone()}</th>
                        {row.values.iter().map(|v| view! { <td>{v.clone()}</td> }).collect_view()}
                    </tr>
                }
            })
            .collect_view()
    };
    let heads = runs
        .iter()
        .map(|run| {
            let target = Route::page(Page::Run {
                experiment_id: run.info.experiment_id.clone(),
                run_id: run.info.run_id.clone(),
            });
            view! { <th class="run"><a href=target.to_hash()>{run.display_name().to_owned()}</a></th> }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="kv compare-diff" data-testid="compare-diff">
                <thead><tr><th></th>{heads}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_runs::run;
    use crate::domain::Tag;

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

    #[test]
    fn sections_come_in_order_without_mlflow_s_own_tags() {
        let mut a = run("a", &[("lr", "0.1")], &[("acc", 0.5)]);
        a.data.tags = vec![Tag::new("team", "ml"), Tag::new("mlflow.user", "ana")];
        let b = run("b", &[], &[("acc", 0.25)]);
        let rows = diff_rows(&[a, b]);
        let shown: Vec<(&str, &str)> = rows.iter().map(|r| (r.section, r.key.as_str())).collect();
        assert_eq!(
            shown,
            [("Parameters", "lr"), ("Metrics", "acc"), ("Tags", "team")]
        );
        assert_eq!(
            rows[1].values,
            [Some("0.5".to_owned()), Some("0.25".to_owned())]
        );
    }
}
