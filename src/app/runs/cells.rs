//! The HTML of a row's cells. Rows are built from one escaped string each, which is far
//! cheaper than building each cell as an element; every text that goes in is escaped here.

use std::collections::HashMap;
use std::fmt::Write;

use crate::app::format::{self, html_escape as esc};
use crate::app::route::{Page, Route};
use crate::domain::Run;

use super::arrange::{Group, Line};
use super::columns::{Column, FIXED};

/// A run's cells after the checkbox, as HTML (every text escaped). Building rows from one
/// string each is far cheaper than building each cell; the expander is handled by one
/// listener on the table body (see `data-action`).
pub fn row_cells(
    run: &Run,
    line: &Line,
    columns: &[Column],
    route: &Route,
    experiment_names: &HashMap<String, String>,
    open: bool,
    now: i64,
) -> String {
    let info = &run.info;
    let mut html = String::with_capacity(300 + 60 * columns.len());
    let mut target = Route::page(Page::Run {
        experiment_id: info.experiment_id.clone(),
        run_id: info.run_id.clone(),
    });
    target.query = route.query.clone();
    let _ = write!(
        html,
        r#"<div class="td name" role="cell" style="width:var(--w1);padding-left:{}px">"#,
        8 + 18 * line.depth
    );
    if line.children > 0 {
        let _ = write!(
            html,
            r#"<button class="expander" data-testid="run-expand" data-action="expand" title="Show or hide the child runs">{}<span class="children">{}</span></button>"#,
            if open { "▾" } else { "▸" },
            line.children
        );
    }
    if let Some(experiment) = experiment_names.get(&info.experiment_id) {
        let _ = write!(
            html,
            r#"<span class="badge experiment" title="experiment">{}</span> "#,
            esc(experiment)
        );
    }
    let status = info.status.as_str();
    let _ = write!(
        html,
        r#"<a href="{href}">{name}</a></div><div class="td" role="cell" style="width:var(--w2)"><span class="status {lower}">{status}</span></div><div class="td" role="cell" style="width:var(--w3)">{created}</div><div class="td" role="cell" style="width:var(--w4)">{duration}</div><div class="td" role="cell" style="width:var(--w5)">{user}</div>"#,
        href = esc(&target.to_hash()),
        name = esc(run.display_name()),
        lower = status.to_ascii_lowercase(),
        created = info.start_time.map(format::time).unwrap_or_default(),
        duration = info
            .duration_ms(now)
            .map(format::duration)
            .unwrap_or_default(),
        user = esc(&info.user_id),
    );
    for (n, column) in columns.iter().enumerate() {
        let value = esc(&column.cell(run).unwrap_or_default());
        let _ = write!(
            html,
            r#"<div class="td {}" role="cell" data-column="{}" style="width:var(--w{})" title="{value}">{value}</div>"#,
            column.class(),
            esc(&column.id()),
            n + 1 + FIXED.len(),
        );
    }
    html
}

/// A number that changes whenever anything drawn in `run`'s row may have changed: rows are
/// rebuilt only when theirs does.
pub fn fingerprint(run: &Run) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let info = &run.info;
    (
        &info.run_id,
        &info.run_name,
        &info.user_id,
        info.status.as_str(),
    )
        .hash(&mut hasher);
    (
        info.start_time,
        info.end_time,
        info.lifecycle_stage == crate::domain::LifecycleStage::Deleted,
    )
        .hash(&mut hasher);
    for m in &run.data.metrics {
        (&m.key, m.value.to_bits()).hash(&mut hasher);
    }
    for p in &run.data.params {
        (&p.key, &p.value).hash(&mut hasher);
    }
    for t in &run.data.tags {
        (&t.key, &t.value).hash(&mut hasher);
    }
    hasher.finish()
}

/// A group's header cells, as HTML: its value and size, then min / mean / max of each metric
/// column over its runs, and the value of each param or tag column its runs share.
pub fn group_cells(group: &Group, runs: &[Run], columns: &[Column], open: bool) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        r#"<div class="td name group" role="cell" style="width:calc(var(--w1) + var(--w2) + var(--w3) + var(--w4) + var(--w5))"><button class="expander" data-testid="group-expand" data-action="expand-group" title="Show or hide the runs of this group">{}</button><b>{}</b> <span class="muted">({} {})</span></div>"#,
        if open { "▾" } else { "▸" },
        esc(&group.value),
        group.members.len(),
        if group.members.len() == 1 {
            "run"
        } else {
            "runs"
        },
    );
    for (n, column) in columns.iter().enumerate() {
        let members = group.members.iter().map(|&i| &runs[i]);
        let value = match column {
            Column::Metric(key) => {
                let values: Vec<f64> = members
                    .filter_map(|r| r.latest_metric(key).map(|m| m.value))
                    .filter(|v| !v.is_nan())
                    .collect();
                if values.is_empty() {
                    String::new()
                } else {
                    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
                    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let mean = values.iter().sum::<f64>() / values.len() as f64;
                    format!(
                        "{} / {} / {}",
                        format::number(min),
                        format::number(mean),
                        format::number(max)
                    )
                }
            }
            _ => {
                let mut values = members.map(|r| column.cell(r));
                let first = values.next().flatten();
                if values.all(|v| v == first) {
                    first.unwrap_or_default()
                } else {
                    String::new()
                }
            }
        };
        let _ = write!(
            html,
            r#"<div class="td {}" role="cell" style="width:var(--w{})" title="{value}" data-testid="group-cell">{value}</div>"#,
            column.class(),
            n + 1 + FIXED.len(),
            value = esc(&value)
        );
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_runs::{run, tagged};

    const HOSTILE: &str = r#"<img src=x onerror="alert(1)">&'"#;

    #[test]
    fn every_text_in_a_row_is_escaped() {
        let mut hostile = tagged(run("r1", &[("p", HOSTILE)], &[]), "t", HOSTILE);
        hostile.info.run_name = HOSTILE.into();
        hostile.info.user_id = HOSTILE.into();
        let columns = [Column::Param("p".into()), Column::Tag("t".into())];
        let line = Line {
            index: 0,
            depth: 0,
            children: 0,
            group: None,
        };
        let names = HashMap::from([("0".to_owned(), HOSTILE.to_owned())]);
        let route = Route::page(Page::Experiment("0".into()));
        let html = row_cells(&hostile, &line, &columns, &route, &names, false, 0);
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains(r#"onerror="alert"#), "{html}");
        // Name, experiment badge, user, and each column's value and title.
        assert_eq!(html.matches("&lt;img").count(), 7, "{html}");
        assert!(html.contains(r#"data-column="params.p""#), "{html}");
    }

    #[test]
    fn the_fingerprint_follows_what_a_row_shows() {
        let a = run("r", &[("p", "1")], &[("m", 1.0)]);
        let mut b = a.clone();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        b.data.metrics[0].value = 2.0;
        assert_ne!(fingerprint(&a), fingerprint(&b));
        let mut c = a.clone();
        c.info.status = crate::domain::RunStatus::Failed;
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }

    #[test]
    fn a_group_row_escapes_its_value_and_summarizes_metrics() {
        let runs = [
            run("a", &[], &[("rmse", 1.0)]),
            run("b", &[], &[("rmse", 3.0)]),
        ];
        let group = Group {
            value: HOSTILE.into(),
            members: vec![0, 1],
        };
        let html = group_cells(&group, &runs, &[Column::Metric("rmse".into())], true);
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("(2 runs)"), "{html}");
        assert!(html.contains(">1 / 2 / 3<"), "{html}");
    }
}
