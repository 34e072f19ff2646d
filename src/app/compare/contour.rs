//! The contour (`compare-contour`): a metric over two numeric params, the runs' values
//! interpolated onto a grid, coloured by a ramp, with isolines and the runs marked.

use leptos::prelude::*;

use super::card::{
    axis_titles, shorten, ticks_view, PlotCard, BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH,
};
use super::fields::{chosen, chosen_csv, metrics, numeric_fields, params, Field, FieldSelect};
use crate::app::format;
use crate::app::route::Route;
use crate::chart::{interpolate, isoline, nice_ticks, ramp, Axis, Grid, LinearScale, Value};
use crate::domain::Run;

/// Contour grid resolution (cells per side, plus one).
const GRID: usize = 41;

/// The runs with numbers for all of `x`, `y` and `z`: index and the three values.
fn placed_runs(runs: &[Run], x: &Field, y: &Field, z: &Field) -> Vec<(usize, f64, f64, f64)> {
    runs.iter()
        .enumerate()
        .filter_map(|(i, r)| match (x.value(r)?, y.value(r)?, z.value(r)?) {
            (Value::Number(x), Value::Number(y), Value::Number(z)) => Some((i, x, y, z)),
            _ => None,
        })
        .collect()
}

/// Grid coordinates (0 to `GRID - 1`) along `scale` to pixels.
fn grid_to_pixels(scale: &LinearScale) -> impl Fn(f64) -> f64 {
    let (r0, r1) = scale.range;
    move |i| r0 + i / (GRID - 1) as f64 * (r1 - r0)
}

/// The grid's cells as SVG rectangles, each filled by the ramp at its mean value along `zs`:
/// one string, since there are 1600 of them.
fn cells_html(grid: &Grid, xs: &LinearScale, ys: &LinearScale, zs: &LinearScale) -> String {
    let (gx, gy) = (grid_to_pixels(xs), grid_to_pixels(ys));
    let (cell_w, cell_h) = (gx(1.0) - gx(0.0), gy(0.0) - gy(1.0));
    let v = &grid.values;
    let mut cells = String::new();
    for j in 0..GRID - 1 {
        for i in 0..GRID - 1 {
            let mean = (v[j][i] + v[j][i + 1] + v[j + 1][i] + v[j + 1][i + 1]) / 4.0;
            cells.push_str(&format!(
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" style="fill:{}"/>"#,
                gx(i as f64),
                gy(j as f64 + 1.0),
                cell_w + 0.5,
                cell_h + 0.5,
                ramp(zs.map(mean))
            ));
        }
    }
    cells
}

#[component]
pub fn ContourPlot(runs: StoredValue<Vec<Run>>, fields: StoredValue<Vec<Field>>) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let numeric = runs.with_value(|r| fields.with_value(|f| numeric_fields(f, r)));
    let numeric_params = params(&numeric);
    let z_options = metrics(&numeric);
    let first_metric = z_options.first().cloned();
    let x_field = Memo::new({
        let d = numeric_params.first().cloned();
        move |_| chosen(route, "ct.x", d.clone())
    });
    let y_field = Memo::new({
        let d = numeric_params.get(1).cloned();
        move |_| chosen(route, "ct.y", d.clone())
    });
    let z_field = Memo::new(move |_| chosen(route, "ct.z", first_metric.clone()));
    let drawing = move || {
        let (Some(xf), Some(yf), Some(zf)) = (x_field.get(), y_field.get(), z_field.get()) else {
            return view! { <text class="axis-title" x=WIDTH / 2.0 y=HEIGHT / 2.0 text-anchor="middle">"A contour needs two numeric params and a metric."</text> }.into_any();
        };
        let points = runs.with_value(|runs| placed_runs(runs, &xf, &yf, &zf));
        if points.len() < 3 {
            return view! { <text class="axis-title" x=WIDTH / 2.0 y=HEIGHT / 2.0 text-anchor="middle">"A contour needs at least three runs with numeric x, y and z."</text> }.into_any();
        }
        let xs = LinearScale::fit(points.iter().map(|p| p.1), (LEFT, WIDTH - RIGHT - 40.0));
        let ys = LinearScale::fit(points.iter().map(|p| p.2), (HEIGHT - BOTTOM, TOP));
        let zs = LinearScale::fit(points.iter().map(|p| p.3), (0.0, 1.0));
        let triples: Vec<(f64, f64, f64)> = points.iter().map(|p| (p.1, p.2, p.3)).collect();
        let grid = interpolate(&triples, xs.domain, ys.domain, GRID);
        let cells = cells_html(&grid, &xs, &ys, &zs);
        let (gx, gy) = (grid_to_pixels(&xs), grid_to_pixels(&ys));
        let levels = nice_ticks(zs.domain.0, zs.domain.1, 8);
        let isolines = levels
            .iter()
            .map(|&level| {
                let d: String = isoline(&grid, level)
                    .into_iter()
                    .map(|((x0, y0), (x1, y1))| {
                        format!("M{:.1},{:.1}L{:.1},{:.1}", gx(x0), gy(y0), gx(x1), gy(y1))
                    })
                    .collect();
                view! { <path class="isoline" d=d><title>{format::number(level)}</title></path> }
            })
            .collect_view();
        let dots = points
            .iter()
            .map(|&(i, x, y, z)| {
                let name = runs.with_value(|r| r[i].display_name().to_owned());
                view! { <circle class="point run-dot" data-testid="contour-point" cx=xs.map(x) cy=ys.map(y) r=4.0><title>{name}": "{format::number(z)}</title></circle> }
            })
            .collect_view();
        let bar_x = WIDTH - RIGHT - 24.0;
        let bar = (0..20)
            .map(|k| {
                let t = k as f64 / 19.0;
                let top = TOP + (1.0 - t) * (HEIGHT - TOP - BOTTOM - 12.0);
                view! { <rect x=bar_x y=top width=12.0 height=(HEIGHT - TOP - BOTTOM) / 19.0 style=format!("fill:{}", ramp(t))/> }
            })
            .collect_view();
        view! {
            {ticks_view(&Axis::Linear(xs), true)}
            {ticks_view(&Axis::Linear(ys), false)}
            <g class="cells" inner_html=cells></g>
            {isolines}
            {axis_titles(&xf.name(), &yf.name())}
            {dots}
            {bar}
            <text class="tick" x=bar_x + 6.0 y=TOP - 6.0 text-anchor="middle">{format::number(zs.domain.1)}</text>
            <text class="tick" x=bar_x + 6.0 y=HEIGHT - BOTTOM + 14.0 text-anchor="middle">{format::number(zs.domain.0)}</text>
            <text class="axis-title" x=bar_x + 6.0 y=HEIGHT - 12.0 text-anchor="middle">{shorten(zf.key())}</text>
        }
        .into_any()
    };
    let csv = move || chosen_csv(runs, &[x_field, y_field, z_field]);
    let y_options = numeric_params.clone();
    view! {
        <PlotCard testid="compare-contour" name="contour" title="Contour" svg=svg_ref csv=csv
            controls=Box::new(move || view! {
                <FieldSelect label="x" testid="contour-x" key="ct.x" options=numeric_params.clone() current=x_field.get_untracked()/>
                <FieldSelect label="y" testid="contour-y" key="ct.y" options=y_options.clone() current=y_field.get_untracked()/>
                <FieldSelect label="z" testid="contour-z" key="ct.z" options=z_options.clone() current=z_field.get_untracked()/>
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
    fn runs_with_three_numbers_are_placed_on_a_grid_of_cells() {
        let runs = [
            run("a", &[("x", "1"), ("y", "1")], &[("z", 0.1)]),
            run("b", &[("x", "2"), ("y", "3")], &[("z", 0.5)]),
            run("c", &[("x", "3"), ("y", "2")], &[("z", 0.9)]),
            run("d", &[("x", "3"), ("y", "auto")], &[("z", 0.2)]),
        ];
        let (x, y, z) = (
            Field::Param("x".into()),
            Field::Param("y".into()),
            Field::Metric("z".into()),
        );
        let points = placed_runs(&runs, &x, &y, &z);
        assert_eq!(
            points,
            [(0, 1.0, 1.0, 0.1), (1, 2.0, 3.0, 0.5), (2, 3.0, 2.0, 0.9)]
        );
        let xs = LinearScale::fit([1.0, 3.0], (LEFT, 440.0));
        let ys = LinearScale::fit([1.0, 3.0], (300.0, TOP));
        let zs = LinearScale::fit([0.1, 0.9], (0.0, 1.0));
        let triples: Vec<(f64, f64, f64)> = points.iter().map(|p| (p.1, p.2, p.3)).collect();
        let grid = interpolate(&triples, xs.domain, ys.domain, GRID);
        let cells = cells_html(&grid, &xs, &ys, &zs);
        assert_eq!(cells.matches("<rect ").count(), (GRID - 1) * (GRID - 1));
        assert!(cells.starts_with(&format!("<rect x=\"{LEFT:.1}\"")));
        assert_eq!(grid_to_pixels(&ys)((GRID - 1) as f64), TOP);
    }
}
