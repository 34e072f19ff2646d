//! The box plot (`compare-box`): a metric's values grouped by a param's, a box per value
//! with its quartiles, whiskers, outliers and runs.

use leptos::prelude::*;

use super::card::{
    axis_titles, shorten, ticks_view, PlotCard, BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH,
};
use super::fields::{chosen, chosen_csv, metrics, numeric_fields, params, Field, FieldSelect};
use crate::app::chart::draw::colour;
use crate::app::format;
use crate::app::route::Route;
use crate::chart::{Axis, BoxStats, LinearScale, Value};
use crate::domain::Run;

/// The box plot's groups: each distinct value of `by` (numbers in numeric order, then texts)
/// with the `of` values of its runs (and which runs).
fn groups(runs: &[Run], by: &Field, of: &Field) -> Vec<(Value, Vec<(usize, f64)>)> {
    let mut groups: Vec<(Value, Vec<(usize, f64)>)> = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let (Some(key), Some(Value::Number(y))) = (by.value(run), of.value(run)) else {
            continue;
        };
        match groups.iter_mut().find(|g| g.0 == key) {
            Some(group) => group.1.push((i, y)),
            None => groups.push((key, vec![(i, y)])),
        }
    }
    groups.sort_by(|a, b| match (&a.0, &b.0) {
        (Value::Number(x), Value::Number(y)) => x.total_cmp(y),
        (Value::Number(_), Value::Text(_)) => std::cmp::Ordering::Less,
        (Value::Text(_), Value::Number(_)) => std::cmp::Ordering::Greater,
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
    });
    groups
}

#[component]
pub fn BoxPlot(runs: StoredValue<Vec<Run>>, fields: StoredValue<Vec<Field>>) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let (by_default, of_default) =
        fields.with_value(|f| (params(f).into_iter().next(), metrics(f).into_iter().next()));
    let by = Memo::new(move |_| chosen(route, "box.x", by_default.clone()));
    let of = Memo::new(move |_| chosen(route, "box.y", of_default.clone()));
    let drawing = move || {
        let (Some(by), Some(of)) = (by.get(), of.get()) else {
            return None;
        };
        let groups = runs.with_value(|r| groups(r, &by, &of));
        let ys = Axis::Linear(LinearScale::fit(
            groups.iter().flat_map(|g| g.1.iter().map(|p| p.1)),
            (HEIGHT - BOTTOM, TOP),
        ));
        let band = (WIDTH - LEFT - RIGHT) / groups.len().max(1) as f64;
        let boxes = groups
            .iter()
            .enumerate()
            .filter_map(|(g, (key, members))| {
                let values: Vec<f64> = members.iter().map(|m| m.1).collect();
                let stats = BoxStats::of(&values)?;
                let centre = LEFT + (g as f64 + 0.5) * band;
                let half = (band * 0.3).min(40.0);
                let y = |v: f64| ys.at(v);
                let label = match key {
                    Value::Number(n) => format::number(*n),
                    Value::Text(t) => t.clone(),
                };
                let dots = members
                    .iter()
                    .map(|&(i, v)| {
                        let name = runs.with_value(|r| r[i].display_name().to_owned());
                        view! { <circle class="point small" cx=centre + half * 0.6 cy=y(v) r=2.5 style=format!("fill:{}", colour(i))><title>{name}": "{format::number(v)}</title></circle> }
                    })
                    .collect_view();
                let outliers = stats
                    .outliers
                    .iter()
                    .map(|&v| view! { <circle class="outlier" cx=centre cy=y(v) r=3.0/> })
                    .collect_view();
                let summary = format!(
                    "{label}: n={} · min {} · q1 {} · median {} · q3 {} · max {}",
                    stats.count,
                    format::number(stats.low),
                    format::number(stats.q1),
                    format::number(stats.median),
                    format::number(stats.q3),
                    format::number(stats.high)
                );
                Some(view! {
                    <g class="box" data-testid="box-group" data-value=label.clone()>
                        <title>{summary}</title>
                        <line class="whisker" x1=centre x2=centre y1=y(stats.low) y2=y(stats.q1)/>
                        <line class="whisker" x1=centre x2=centre y1=y(stats.q3) y2=y(stats.high)/>
                        <line class="whisker" x1=centre - half / 2.0 x2=centre + half / 2.0 y1=y(stats.low) y2=y(stats.low)/>
                        <line class="whisker" x1=centre - half / 2.0 x2=centre + half / 2.0 y1=y(stats.high) y2=y(stats.high)/>
                        <rect class="quartiles" x=centre - half y=y(stats.q3) width=half * 2.0 height=(y(stats.q1) - y(stats.q3)).max(1.0)/>
                        <line class="median" x1=centre - half x2=centre + half y1=y(stats.median) y2=y(stats.median)/>
                        {outliers}
                        {dots}
                        <text class="tick" x=centre y=HEIGHT - BOTTOM + 14.0 text-anchor="middle">{shorten(&label)}</text>
                    </g>
                })
            })
            .collect_view();
        Some(view! {
            {ticks_view(&ys, false)}
            {axis_titles(&by.name(), &of.name())}
            {boxes}
        })
    };
    let csv = move || chosen_csv(runs, &[by, of]);
    let options = fields.get_value();
    let metric_options = runs.with_value(|r| numeric_fields(&options, r));
    view! {
        <PlotCard testid="compare-box" name="box" title="Box plot" svg=svg_ref csv=csv
            controls=Box::new(move || view! {
                <FieldSelect label="by" testid="box-x" key="box.x" options=options.clone() current=by.get_untracked()/>
                <FieldSelect label="of" testid="box-y" key="box.y" options=metric_options.clone() current=of.get_untracked()/>
            }.into_any())>
            {drawing}
        </PlotCard>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_runs::run;

    #[test]
    fn box_groups_are_in_value_order() {
        let runs = [
            run("a", &[("depth", "10")], &[("acc", 0.5)]),
            run("b", &[("depth", "2")], &[("acc", 0.7)]),
            run("c", &[("depth", "10")], &[("acc", 0.6)]),
            run("d", &[("depth", "auto")], &[("acc", 0.1)]),
            run("e", &[("depth", "3")], &[]),
        ];
        let g = groups(
            &runs,
            &Field::Param("depth".into()),
            &Field::Metric("acc".into()),
        );
        assert_eq!(
            g.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
            [
                Value::Number(2.0),
                Value::Number(10.0),
                Value::Text("auto".into())
            ]
        );
        assert_eq!(g[1].1, vec![(0, 0.5), (2, 0.6)]);
    }
}
