//! The scatter (`compare-scatter`): any param or metric against another, a point per run;
//! hovering names the run, clicking opens it.

use leptos::prelude::*;

use super::card::{
    axis_titles, open_run, ticks_view, PlotCard, BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH,
};
use super::fields::{chosen, chosen_csv, metrics, params, Field, FieldSelect};
use crate::app::chart::draw::colour;
use crate::app::format;
use crate::app::route::Route;
use crate::chart::{Axis, Value};
use crate::domain::Run;

/// The axes when the URL names none: the first param against the first metric, or the first
/// two metrics.
fn default_axes(fields: &[Field]) -> (Option<Field>, Option<Field>) {
    let metrics = metrics(fields);
    match params(fields).into_iter().next() {
        Some(p) => (Some(p), metrics.first().cloned()),
        None => (metrics.first().cloned(), metrics.get(1).cloned()),
    }
}

/// The scatter drawn: its fields and axes, and each run with both values placed (its index
/// and pixels).
#[derive(Debug, Clone, PartialEq)]
struct Scatter {
    x: (Field, Axis),
    y: (Field, Axis),
    points: Vec<(usize, f64, f64)>,
}

impl Scatter {
    fn of(runs: &[Run], x: Field, y: Field) -> Scatter {
        let pairs: Vec<(usize, Value, Value)> = runs
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i, x.value(r)?, y.value(r)?)))
            .collect();
        let xa = Axis::fit(pairs.iter().map(|p| &p.1), (LEFT, WIDTH - RIGHT));
        let ya = Axis::fit(pairs.iter().map(|p| &p.2), (HEIGHT - BOTTOM, TOP));
        let points = pairs
            .iter()
            .filter_map(|(i, vx, vy)| Some((*i, xa.map(vx)?, ya.map(vy)?)))
            .collect();
        Scatter {
            x: (x, xa),
            y: (y, ya),
            points,
        }
    }
}

/// What hovering `run` says: its name and both values.
fn describe(run: &Run, x: &Field, y: &Field) -> String {
    let show = |f: &Field| match f.value(run) {
        Some(Value::Number(n)) => format::number(n),
        Some(Value::Text(t)) => t,
        None => "—".to_owned(),
    };
    format!(
        "{} · {}: {} · {}: {}",
        run.display_name(),
        x.key(),
        show(x),
        y.key(),
        show(y)
    )
}

#[component]
pub fn ScatterPlot(runs: StoredValue<Vec<Run>>, fields: StoredValue<Vec<Field>>) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let defaults = fields.with_value(|f| default_axes(f));
    let x_field = Memo::new(move |_| chosen(route, "sc.x", defaults.0.clone()));
    let y_field = Memo::new(move |_| chosen(route, "sc.y", defaults.1.clone()));
    let hovered = RwSignal::new(None::<usize>);
    let plot = Memo::new(move |_| {
        let (x, y) = (x_field.get()?, y_field.get()?);
        Some(runs.with_value(|runs| Scatter::of(runs, x, y)))
    });
    let tooltip = move || {
        let i = hovered.get()?;
        let (x, y) = (x_field.get()?, y_field.get()?);
        runs.with_value(|runs| Some(describe(runs.get(i)?, &x, &y)))
    };
    let csv = move || chosen_csv(runs, &[x_field, y_field]);
    let options = fields.get_value();
    let y_options = options.clone();
    view! {
        <PlotCard testid="compare-scatter" name="scatter" title="Scatter" svg=svg_ref csv=csv
            footer=move || view! { <div class="tooltip" data-testid="plot-tooltip">{tooltip}</div> }
            controls=Box::new(move || view! {
                <FieldSelect label="x" testid="scatter-x" key="sc.x" options=options.clone() current=x_field.get_untracked()/>
                <FieldSelect label="y" testid="scatter-y" key="sc.y" options=y_options.clone() current=y_field.get_untracked()/>
            }.into_any())>
            {move || plot.with(|p| p.as_ref().map(|Scatter { x: (xf, xa), y: (yf, ya), points }| view! {
                {ticks_view(xa, true)}
                {ticks_view(ya, false)}
                {axis_titles(&xf.name(), &yf.name())}
                {points.iter().map(|&(i, x, y)| {
                    let (name, run) = runs.with_value(|r| (r[i].display_name().to_owned(), r[i].clone()));
                    view! {
                        <circle class="point" data-testid="scatter-point" cx=x cy=y r=5.0 style=format!("fill:{}", colour(i))
                            class:focus=move || hovered.get() == Some(i)
                            on:mouseenter=move |_| hovered.set(Some(i))
                            on:mouseleave=move |_| hovered.set(None)
                            on:click=move |_| open_run(&run)><title>{name}</title></circle>
                    }
                }).collect_view()}
            }))}
        </PlotCard>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::compare::fields::fields_of;
    use crate::app::test_runs::run;

    #[test]
    fn a_param_goes_against_a_metric_or_two_metrics_against_each_other() {
        let lr = Field::Param("lr".into());
        let acc = Field::Metric("acc".into());
        let loss = Field::Metric("loss".into());
        assert_eq!(
            default_axes(&[lr.clone(), acc.clone(), loss.clone()]),
            (Some(lr), Some(acc.clone()))
        );
        assert_eq!(
            default_axes(&[acc.clone(), loss.clone()]),
            (Some(acc), Some(loss))
        );
        assert_eq!(default_axes(&[]), (None, None));
    }

    #[test]
    fn runs_with_both_values_are_placed_and_described() {
        let runs = [
            run("a", &[("opt", "adam")], &[("acc", 0.9)]),
            run("b", &[("opt", "sgd")], &[]),
            run("c", &[("opt", "sgd")], &[("acc", 0.5)]),
        ];
        let fields = fields_of(&runs);
        let scatter = Scatter::of(&runs, fields[0].clone(), fields[1].clone());
        let placed: Vec<usize> = scatter.points.iter().map(|p| p.0).collect();
        assert_eq!(placed, [0, 2]);
        assert!(matches!(scatter.x.1, Axis::Ordinal { .. }));
        assert_eq!(scatter.points[0].2, TOP, "the best accuracy at the top");
        assert_eq!(
            describe(&runs[1], &fields[0], &fields[1]),
            "b · opt: sgd · acc: —"
        );
    }
}
