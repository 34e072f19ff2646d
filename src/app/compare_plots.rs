//! The compare page's plots of the chosen runs, each an SVG card with its settings in the URL
//! and exports like the metric charts (CSV, SVG, PNG):
//! - parallel coordinates over params and metrics (`compare-parallel`; text params on ordinal
//!   axes), brushing an axis keeps the runs inside and dims the rest;
//! - a scatter of any param or metric against another (`compare-scatter`), hover names the run;
//! - a box plot of a metric by a param's values (`compare-box`);
//! - a contour of a metric over two numeric params (`compare-contour`).
//!
//! A card's own URL (its "link") shows only that plot with its settings.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::chart::draw::{colour, path};
use super::format;
use super::route::{navigate, set_query, Page, Route};
use super::widgets::ExportButtons;
use crate::chart::{interpolate, isoline, nice_ticks, ramp, Axis, BoxStats, LinearScale, Value};
use crate::domain::Run;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 380.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 52.0;
/// Contour grid resolution (cells per side, plus one).
const GRID: usize = 41;

/// What a plot axis shows: a param or a metric's latest value, named as in filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Param(String),
    Metric(String),
}

impl Field {
    /// Reads `params.<key>` or `metrics.<key>`.
    fn parse(text: &str) -> Option<Field> {
        if let Some(key) = text.strip_prefix("params.") {
            return Some(Field::Param(key.to_owned()));
        }
        text.strip_prefix("metrics.")
            .map(|key| Field::Metric(key.to_owned()))
    }

    fn name(&self) -> String {
        match self {
            Field::Param(k) => format!("params.{k}"),
            Field::Metric(k) => format!("metrics.{k}"),
        }
    }

    fn key(&self) -> &str {
        match self {
            Field::Param(k) | Field::Metric(k) => k,
        }
    }

    /// `run`'s value: a param read as a number when it is one, a metric's latest value.
    fn value(&self, run: &Run) -> Option<Value> {
        match self {
            Field::Param(k) => run.param(k).map(Value::parse),
            Field::Metric(k) => run
                .latest_metric(k)
                .map(|m| m.value)
                .filter(|v| v.is_finite())
                .map(Value::Number),
        }
    }
}

/// Every param, then every metric, the runs have (each sorted by key).
fn fields_of(runs: &[Run]) -> Vec<Field> {
    let mut params: Vec<&str> = runs
        .iter()
        .flat_map(|r| r.data.params.iter().map(|p| p.key.as_str()))
        .collect();
    let mut metrics: Vec<&str> = runs
        .iter()
        .flat_map(|r| r.data.metrics.iter().map(|m| m.key.as_str()))
        .collect();
    for keys in [&mut params, &mut metrics] {
        keys.sort_unstable();
        keys.dedup();
    }
    params
        .into_iter()
        .map(|k| Field::Param(k.to_owned()))
        .chain(metrics.into_iter().map(|k| Field::Metric(k.to_owned())))
        .collect()
}

/// Whether every run having `field` has a number there.
fn numeric(field: &Field, runs: &[Run]) -> bool {
    runs.iter()
        .filter_map(|r| field.value(r))
        .all(|v| matches!(v, Value::Number(_)))
}

/// The parallel coordinates' axes when the URL names none: the params whose values differ
/// (at most six), then the first metric.
fn default_axes(fields: &[Field], runs: &[Run]) -> Vec<Field> {
    let differs = |f: &Field| {
        let mut values = runs.iter().map(|r| f.value(r));
        let first = values.next();
        values.any(|v| Some(v) != first)
    };
    let mut axes: Vec<Field> = fields
        .iter()
        .filter(|f| matches!(f, Field::Param(_)) && differs(f))
        .take(6)
        .cloned()
        .collect();
    axes.extend(
        fields
            .iter()
            .find(|f| matches!(f, Field::Metric(_)))
            .cloned(),
    );
    axes
}

/// The plot's data as CSV: each run's id, name and value of each field.
fn csv_of(runs: &[Run], fields: &[Field]) -> String {
    let quote = |text: &str| {
        if text.contains([',', '"', '\n']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    };
    let mut out = String::from("run_id,run_name");
    for f in fields {
        out.push(',');
        out.push_str(&quote(&f.name()));
    }
    out.push('\n');
    for run in runs {
        out.push_str(&run.info.run_id);
        out.push(',');
        out.push_str(&quote(run.display_name()));
        for f in fields {
            out.push(',');
            let text = match f.value(run) {
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Text(t)) => t,
                None => String::new(),
            };
            out.push_str(&quote(&text));
        }
        out.push('\n');
    }
    out
}

/// The CSV of a plot whose axes are the `chosen` fields (those set).
fn chosen_csv(runs: StoredValue<Vec<Run>>, chosen: &[Memo<Option<Field>>]) -> String {
    let used: Vec<Field> = chosen.iter().filter_map(|f| f.get_untracked()).collect();
    runs.with_value(|r| csv_of(r, &used))
}

/// The field the URL's `key` names, or `fallback`.
fn chosen(route: RwSignal<Route>, key: &'static str, fallback: Option<Field>) -> Option<Field> {
    route
        .with(|r| r.get(key).and_then(Field::parse))
        .or(fallback)
}

/// A select of fields, kept in the URL under `key`.
#[component]
fn FieldSelect(
    label: &'static str,
    testid: &'static str,
    key: &'static str,
    options: Vec<Field>,
    current: Option<Field>,
) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let current = current.map(|f| f.name()).unwrap_or_default();
    view! {
        <label>{label}" "
            <select data-testid=testid on:change=move |ev| set_query(route, key, Some(&event_target_value(&ev)))>
                {options.into_iter().map(|f| {
                    let (name, label) = (f.name(), f.name());
                    let selected = name == current;
                    view! { <option value=name selected=selected>{label}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// A plot's frame: its title, controls, link (the page showing only this plot), exports, the
/// SVG drawing (`children` are its content) and what goes under it (`footer`).
#[component]
fn PlotCard<F>(
    testid: &'static str,
    name: &'static str,
    title: &'static str,
    svg: NodeRef<leptos::svg::Svg>,
    csv: F,
    controls: Children,
    #[prop(optional, into)] footer: Option<ViewFn>,
    children: Children,
) -> impl IntoView
where
    F: Fn() -> String + 'static,
{
    let route = expect_context::<RwSignal<Route>>();
    let link = move || route.with(|r| r.with("plot", Some(name)).to_hash());
    view! {
        <figure class="plot-card" data-testid=testid>
            <figcaption>
                <b>{title}</b>
                <span class="controls">
                    {controls()}
                    <a class="small" data-testid="plot-link" href=link title="This plot alone, with its settings">"link"</a>
                    <ExportButtons svg=svg stem=format!("compare-{name}") csv=csv/>
                </span>
            </figcaption>
            <svg node_ref=svg xmlns="http://www.w3.org/2000/svg" width=WIDTH height=HEIGHT viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img">
                <rect class="plot" x=0 y=0 width=WIDTH height=HEIGHT/>
                {children()}
            </svg>
            {footer.map(|f| f.run())}
        </figure>
    }
}

/// Axis ticks along the bottom (`horizontal`) or the left of the plot.
fn ticks_view(axis: &Axis, horizontal: bool) -> impl IntoView {
    axis.ticks(if horizontal { 8 } else { 6 })
        .into_iter()
        .map(|(p, label)| {
            let label = shorten(&label);
            if horizontal {
                view! {
                    <line class="grid" x1=p x2=p y1=TOP y2=HEIGHT - BOTTOM/>
                    <text class="tick" x=p y=HEIGHT - BOTTOM + 14.0 text-anchor="middle">{label}</text>
                }
                .into_any()
            } else {
                view! {
                    <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=p y2=p/>
                    <text class="tick" x=LEFT - 4.0 y=p + 3.0 text-anchor="end">{label}</text>
                }
                .into_any()
            }
        })
        .collect_view()
}

/// A label cut to fit under an axis.
fn shorten(text: &str) -> String {
    if text.chars().count() > 14 {
        format!("{}…", text.chars().take(13).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// The axis titles of a plot with x along the bottom and y up the left.
fn axis_titles(x: &str, y: &str) -> impl IntoView {
    view! {
        <text class="axis-title" x=(LEFT + WIDTH - RIGHT) / 2.0 y=HEIGHT - 12.0 text-anchor="middle">{x.to_owned()}</text>
        <text class="axis-title" x=14.0 y=(TOP + HEIGHT - BOTTOM) / 2.0 text-anchor="middle"
            transform=format!("rotate(-90 14 {})", (TOP + HEIGHT - BOTTOM) / 2.0)>{y.to_owned()}</text>
    }
}

/// The run page of `run`.
fn open_run(run: &Run) {
    navigate(&Route::page(Page::Run {
        experiment_id: run.info.experiment_id.clone(),
        run_id: run.info.run_id.clone(),
    }));
}

/// All four plots of `runs`, or only the URL's `plot`.
#[component]
pub fn ComparePlots(runs: Vec<Run>) -> impl IntoView {
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

/// A brush on a parallel axis: its field and the interval of coordinates kept.
#[derive(Debug, Clone, PartialEq)]
struct Brush {
    field: String,
    range: (f64, f64),
}

/// The URL's brushes: `field;low;high`, comma-separated.
fn parse_brushes(text: &str) -> Vec<Brush> {
    text.split(',')
        .filter_map(|part| {
            let mut pieces = part.rsplitn(3, ';');
            let high = pieces.next()?.parse().ok()?;
            let low = pieces.next()?.parse().ok()?;
            let field = pieces.next()?.to_owned();
            Some(Brush {
                field,
                range: (low, high),
            })
        })
        .collect()
}

fn brushes_text(brushes: &[Brush]) -> String {
    brushes
        .iter()
        .map(|b| format!("{};{};{}", b.field, b.range.0, b.range.1))
        .collect::<Vec<_>>()
        .join(",")
}

#[component]
fn ParallelPlot(runs: StoredValue<Vec<Run>>, fields: StoredValue<Vec<Field>>) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let axes = Memo::new(move |_| {
        let named = route.with(|r| r.get("pc.axes").map(str::to_owned));
        match named {
            Some(text) => text.split(',').filter_map(Field::parse).collect(),
            None => runs.with_value(|r| fields.with_value(|f| default_axes(f, r))),
        }
    });
    let brushes = Memo::new(move |_| {
        route.with(|r| r.get("pc.brush").map(parse_brushes).unwrap_or_default())
    });
    // Each axis: its field, x position and scale.
    let layout = Memo::new(move |_| {
        let axes = axes.get();
        let count = axes.len().max(1);
        // Room on the right for the last axis' title.
        let right = WIDTH - RIGHT - 32.0;
        let gap = (right - LEFT) / (count.max(2) - 1) as f64;
        runs.with_value(|runs| {
            axes.into_iter()
                .enumerate()
                .map(|(i, field)| {
                    let values: Vec<Value> = runs.iter().filter_map(|r| field.value(r)).collect();
                    let x = if count == 1 {
                        (LEFT + right) / 2.0
                    } else {
                        LEFT + i as f64 * gap
                    };
                    (field, x, Axis::fit(&values, (HEIGHT - BOTTOM, TOP)))
                })
                .collect::<Vec<_>>()
        })
    });
    // Which runs every brush keeps.
    let kept = Memo::new(move |_| {
        let brushes = brushes.get();
        layout.with(|layout| {
            runs.with_value(|runs| {
                runs.iter()
                    .map(|run| {
                        brushes.iter().all(|b| {
                            let Some((field, _, axis)) =
                                layout.iter().find(|(f, _, _)| f.name() == b.field)
                            else {
                                return true;
                            };
                            field
                                .value(run)
                                .and_then(|v| axis.coordinate(&v))
                                .is_some_and(|c| c >= b.range.0 && c <= b.range.1)
                        })
                    })
                    .collect::<Vec<bool>>()
            })
        })
    });
    // A brush being drawn: the axis and the pixel rows from and to.
    let drawing = RwSignal::new(None::<(usize, f64, f64)>);
    // The drawing is scaled to its card's width: pointer rows back to drawing units.
    let svg_y = move |client_y: f64| {
        svg_ref
            .get_untracked()
            .map(|svg| {
                let rect = svg
                    .unchecked_ref::<web_sys::Element>()
                    .get_bounding_client_rect();
                let scale = if rect.height() > 0.0 {
                    HEIGHT / rect.height()
                } else {
                    1.0
                };
                (client_y - rect.top()) * scale
            })
            .unwrap_or(client_y)
    };
    let finish = move || {
        let Some((index, from, to)) = drawing.get_untracked() else {
            return;
        };
        drawing.set(None);
        let Some((field, axis)) =
            layout.with_untracked(|l| l.get(index).map(|(f, _, a)| (f.name(), a.clone())))
        else {
            return;
        };
        let mut list: Vec<Brush> = brushes
            .get_untracked()
            .into_iter()
            .filter(|b| b.field != field)
            .collect();
        // A click without a drag clears the axis' brush.
        if (from - to).abs() >= 3.0 {
            let (a, b) = (axis.invert(from), axis.invert(to));
            list.push(Brush {
                field,
                range: (a.min(b), a.max(b)),
            });
        }
        let text = brushes_text(&list);
        set_query(
            route,
            "pc.brush",
            (!list.is_empty()).then_some(text.as_str()),
        );
    };
    let colour_axis = move || layout.with(|l| l.last().map(|(f, _, a)| (f.clone(), a.clone())));
    let lines = move || {
        let colour_by = colour_axis();
        layout.with(|layout| {
            let kept = kept.get();
            runs.with_value(|runs| {
                runs.iter()
                    .enumerate()
                    .map(|(i, run)| {
                        let points = layout.iter().map(|(field, x, axis)| {
                            field.value(run).and_then(|v| axis.map(&v)).map(|y| (*x, y))
                        });
                        let d = path(points);
                        let stroke = match &colour_by {
                            Some((field, Axis::Linear(scale))) => match field.value(run) {
                                Some(Value::Number(n)) => {
                                    let (lo, hi) = scale.domain;
                                    ramp((n - lo) / (hi - lo))
                                }
                                _ => "#8c959f".to_owned(),
                            },
                            _ => colour(i).to_owned(),
                        };
                        let name = run.display_name().to_owned();
                        let keep = kept.get(i).copied().unwrap_or(true);
                        view! {
                            <path class="run-line" class:dim=!keep data-testid="parallel-line" data-kept=keep.to_string()
                                d=d style=format!("stroke:{stroke}")><title>{name}</title></path>
                        }
                    })
                    .collect_view()
            })
        })
    };
    let axis_views = move || {
        layout.with(|layout| {
            let brushes = brushes.get();
            layout
                .iter()
                .enumerate()
                .map(|(index, (field, x, axis))| {
                    let x = *x;
                    let name = field.name();
                    let brush = brushes.iter().find(|b| b.field == name).map(|b| {
                        let (a, c) = (axis.at(b.range.0), axis.at(b.range.1));
                        // On an ordinal axis a brush covers whole categories' bands.
                        let pad = match axis {
                            Axis::Ordinal { categories, .. } => {
                                (HEIGHT - BOTTOM - TOP) / categories.len().max(1) as f64 / 2.0
                            }
                            Axis::Linear(_) => 0.0,
                        };
                        let (top, bottom) = (a.min(c) - pad, a.max(c) + pad);
                        view! { <rect class="brush" data-testid="parallel-brush" x=x - 8.0 y=top width=16.0 height=bottom - top/> }
                    });
                    let ticks = axis
                        .ticks(8)
                        .into_iter()
                        .map(|(y, label)| view! {
                            <text class="tick" x=x - 5.0 y=y + 3.0 text-anchor="end">{shorten(&label)}</text>
                        })
                        .collect_view();
                    view! {
                        <line class="axis" x1=x x2=x y1=TOP y2=HEIGHT - BOTTOM/>
                        {ticks}
                        {brush}
                        <text class="axis-title" x=x y=HEIGHT - BOTTOM + 18.0 text-anchor="middle">{shorten(field.key())}</text>
                        <rect class="brush-area" data-testid="parallel-axis" data-field=name x=x - 12.0 y=TOP width=24.0 height=HEIGHT - TOP - BOTTOM
                            on:mousedown=move |ev| {
                                ev.prevent_default();
                                let y = svg_y(ev.client_y() as f64);
                                drawing.set(Some((index, y, y)));
                            }/>
                    }
                })
                .collect_view()
        })
    };
    let pending = move || {
        drawing.get().and_then(|(index, from, to)| {
            let x = layout.with(|l| l.get(index).map(|a| a.1))?;
            Some(view! { <rect class="brush" x=x - 8.0 y=from.min(to) width=16.0 height=(from - to).abs()/> })
        })
    };
    let count = move || {
        let kept = kept.get();
        let inside = kept.iter().filter(|k| **k).count();
        (!brushes.with(Vec::is_empty)).then(|| {
            view! {
                <span class="muted" data-testid="compare-brush-count">{format!("{inside} of {} runs in the brushes", kept.len())}</span>
                <button class="link small" data-testid="parallel-clear" on:click=move |_| set_query(route, "pc.brush", None)>"clear"</button>
            }
        })
    };
    let csv = move || runs.with_value(|r| csv_of(r, &axes.get_untracked()));
    let axis_picker = move || {
        let current = axes.get();
        fields.with_value(|all| {
            all.iter()
                .map(|f| {
                    let name = f.name();
                    let on = current.contains(f);
                    let field = f.clone();
                    view! {
                        <label>
                            <input type="checkbox" data-testid="parallel-axis-option" value=name.clone() prop:checked=on
                                on:change=move |_| {
                                    let mut next = axes.get_untracked();
                                    if !next.contains(&field) {
                                        next.push(field.clone());
                                    } else {
                                        next.retain(|x| *x != field);
                                    }
                                    let text = next.iter().map(Field::name).collect::<Vec<_>>().join(",");
                                    set_query(route, "pc.axes", Some(&text));
                                }/>
                            " "{name}
                        </label>
                    }
                })
                .collect_view()
        })
    };
    // Brushing follows the pointer anywhere over the card, and ends when it leaves.
    view! {
        <div class="plot-events"
            on:mousemove=move |ev| {
                if let Some((index, from, _)) = drawing.get_untracked() {
                    let y = svg_y(ev.client_y() as f64).clamp(TOP, HEIGHT - BOTTOM);
                    drawing.set(Some((index, from, y)));
                }
            }
            on:mouseup=move |_| finish()
            on:mouseleave=move |_| finish()>
            <PlotCard testid="compare-parallel" name="parallel" title="Parallel coordinates" svg=svg_ref csv=csv
                controls=Box::new(move || view! {
                    {count}
                    <details class="column-picker">
                        <summary class="button secondary small">"Axes"</summary>
                        <div class="options">{axis_picker}</div>
                    </details>
                }.into_any())
                footer=|| view! { <p class="hint muted">"Drag along an axis to keep the runs in a range; click the axis to clear it."</p> }>
                {lines}
                {axis_views}
                {pending}
            </PlotCard>
        </div>
    }
}

#[component]
fn ScatterPlot(runs: StoredValue<Vec<Run>>, fields: StoredValue<Vec<Field>>) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let defaults = fields.with_value(|f| {
        let first_param = f.iter().find(|x| matches!(x, Field::Param(_))).cloned();
        let metrics: Vec<Field> = f
            .iter()
            .filter(|x| matches!(x, Field::Metric(_)))
            .cloned()
            .collect();
        match first_param {
            Some(p) => (Some(p), metrics.first().cloned()),
            None => (metrics.first().cloned(), metrics.get(1).cloned()),
        }
    });
    let x_field = Memo::new(move |_| chosen(route, "sc.x", defaults.0.clone()));
    let y_field = Memo::new(move |_| chosen(route, "sc.y", defaults.1.clone()));
    let hovered = RwSignal::new(None::<usize>);
    let plot = Memo::new(move |_| {
        let (Some(xf), Some(yf)) = (x_field.get(), y_field.get()) else {
            return None;
        };
        runs.with_value(|runs| {
            let pairs: Vec<(usize, Value, Value)> = runs
                .iter()
                .enumerate()
                .filter_map(|(i, r)| Some((i, xf.value(r)?, yf.value(r)?)))
                .collect();
            let xa = Axis::fit(pairs.iter().map(|p| &p.1), (LEFT, WIDTH - RIGHT));
            let ya = Axis::fit(pairs.iter().map(|p| &p.2), (HEIGHT - BOTTOM, TOP));
            let points: Vec<(usize, f64, f64)> = pairs
                .iter()
                .filter_map(|(i, x, y)| Some((*i, xa.map(x)?, ya.map(y)?)))
                .collect();
            Some((xf, yf, xa, ya, points))
        })
    });
    let tooltip = move || {
        let i = hovered.get()?;
        let (xf, yf) = (x_field.get()?, y_field.get()?);
        runs.with_value(|runs| {
            let run = runs.get(i)?;
            let show = |f: &Field| match f.value(run) {
                Some(Value::Number(n)) => format::number(n),
                Some(Value::Text(t)) => t,
                None => "—".to_owned(),
            };
            Some(format!(
                "{} · {}: {} · {}: {}",
                run.display_name().to_owned(),
                xf.key(),
                show(&xf),
                yf.key(),
                show(&yf)
            ))
        })
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
            {move || plot.with(|p| p.as_ref().map(|(xf, yf, xa, ya, points)| view! {
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
fn BoxPlot(runs: StoredValue<Vec<Run>>, fields: StoredValue<Vec<Field>>) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let (by_default, of_default) = fields.with_value(|f| {
        (
            f.iter().find(|x| matches!(x, Field::Param(_))).cloned(),
            f.iter().find(|x| matches!(x, Field::Metric(_))).cloned(),
        )
    });
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
    let metric_options: Vec<Field> =
        runs.with_value(|r| options.iter().filter(|f| numeric(f, r)).cloned().collect());
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

#[component]
fn ContourPlot(runs: StoredValue<Vec<Run>>, fields: StoredValue<Vec<Field>>) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let numeric_fields: Vec<Field> = runs.with_value(|r| {
        fields.with_value(|f| f.iter().filter(|x| numeric(x, r)).cloned().collect())
    });
    let numeric_params: Vec<Field> = numeric_fields
        .iter()
        .filter(|f| matches!(f, Field::Param(_)))
        .cloned()
        .collect();
    let first_metric = numeric_fields
        .iter()
        .find(|f| matches!(f, Field::Metric(_)))
        .cloned();
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
        let points: Vec<(usize, f64, f64, f64)> = runs.with_value(|runs| {
            runs.iter()
                .enumerate()
                .filter_map(|(i, r)| match (xf.value(r)?, yf.value(r)?, zf.value(r)?) {
                    (Value::Number(x), Value::Number(y), Value::Number(z)) => Some((i, x, y, z)),
                    _ => None,
                })
                .collect()
        });
        if points.len() < 3 {
            return view! { <text class="axis-title" x=WIDTH / 2.0 y=HEIGHT / 2.0 text-anchor="middle">"A contour needs at least three runs with numeric x, y and z."</text> }.into_any();
        }
        let xs = LinearScale::fit(points.iter().map(|p| p.1), (LEFT, WIDTH - RIGHT - 40.0));
        let ys = LinearScale::fit(points.iter().map(|p| p.2), (HEIGHT - BOTTOM, TOP));
        let zs = LinearScale::fit(points.iter().map(|p| p.3), (0.0, 1.0));
        let triples: Vec<(f64, f64, f64)> = points.iter().map(|p| (p.1, p.2, p.3)).collect();
        let grid = interpolate(&triples, xs.domain, ys.domain, GRID);
        // Grid coordinates to pixels.
        let gx = |i: f64| xs.range.0 + i / (GRID - 1) as f64 * (xs.range.1 - xs.range.0);
        let gy = |j: f64| ys.range.0 + j / (GRID - 1) as f64 * (ys.range.1 - ys.range.0);
        let (cell_w, cell_h) = (gx(1.0) - gx(0.0), gy(0.0) - gy(1.0));
        let mut cells = String::new();
        for j in 0..GRID - 1 {
            for i in 0..GRID - 1 {
                let v = &grid.values;
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
    let z_options: Vec<Field> = numeric_fields
        .iter()
        .filter(|f| matches!(f, Field::Metric(_)))
        .cloned()
        .collect();
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
    use crate::app::compare::tests::run;

    #[test]
    fn fields_read_params_as_numbers_or_text_and_metrics_as_numbers() {
        let runs = [
            run("a", &[("lr", "0.1"), ("opt", "adam")], &[("acc", 0.9)]),
            run("b", &[("lr", "0.2"), ("opt", "sgd")], &[("acc", f64::NAN)]),
        ];
        let fields = fields_of(&runs);
        assert_eq!(
            fields.iter().map(Field::name).collect::<Vec<_>>(),
            ["params.lr", "params.opt", "metrics.acc"]
        );
        assert!(numeric(&fields[0], &runs));
        assert!(!numeric(&fields[1], &runs));
        assert_eq!(fields[2].value(&runs[1]), None, "NaN is not placed");
        assert_eq!(
            Field::parse("metrics.a.b"),
            Some(Field::Metric("a.b".into()))
        );
        assert_eq!(Field::parse("tags.x"), None);
    }

    #[test]
    fn default_axes_are_the_differing_params_then_a_metric() {
        let runs = [
            run("a", &[("lr", "0.1"), ("seed", "1")], &[("acc", 0.9)]),
            run("b", &[("lr", "0.2"), ("seed", "1")], &[("acc", 0.8)]),
        ];
        let axes = default_axes(&fields_of(&runs), &runs);
        assert_eq!(
            axes.iter().map(Field::name).collect::<Vec<_>>(),
            ["params.lr", "metrics.acc"]
        );
    }

    #[test]
    fn brushes_survive_the_url() {
        let brushes = vec![
            Brush {
                field: "params.a;b".into(),
                range: (0.5, 2.0),
            },
            Brush {
                field: "metrics.acc".into(),
                range: (-1.0, 0.25),
            },
        ];
        assert_eq!(parse_brushes(&brushes_text(&brushes)), brushes);
        assert_eq!(parse_brushes("junk"), vec![]);
    }

    #[test]
    fn box_groups_are_in_value_order() {
        let runs = [
            run("a", &[("depth", "10")], &[("acc", 0.5)]),
            run("b", &[("depth", "2")], &[("acc", 0.7)]),
            run("c", &[("depth", "10")], &[("acc", 0.6)]),
            run("d", &[("depth", "auto")], &[("acc", 0.1)]),
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

    #[test]
    fn csv_quotes_what_needs_it() {
        let runs = [run("a", &[("note", "x, \"y\"")], &[])];
        let text = csv_of(&runs, &[Field::Param("note".into())]);
        assert_eq!(text, "run_id,run_name,params.note\na,a,\"x, \"\"y\"\"\"\n");
    }
}
