//! A metric's history as a chart (`metric-chart`): x by step, wall time or time since the run
//! started; linear or log y; smoothing with the raw line kept faint; drag a box to zoom (the
//! decimation follows, so detail appears), double-click to reset; hover for the nearest point;
//! NaN and ±inf marked; the data as CSV and the chart as SVG. Drawn as SVG from the pure math
//! in `crate::chart`, at most four points per pixel column whatever the history's length.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::format;
use super::use_app;
use super::widgets::download;
use crate::chart::{min_max, nearest, nice_ticks, smooth, LinearScale, LogScale, Point};
use crate::domain::Metric;

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// What the x axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum XAxis {
    Step,
    WallTime,
    Relative,
}

impl XAxis {
    fn of(self, metric: &Metric, start: i64) -> f64 {
        match self {
            XAxis::Step => metric.step as f64,
            XAxis::WallTime => metric.timestamp as f64,
            XAxis::Relative => (metric.timestamp - start) as f64 / 1000.0,
        }
    }

    fn label(self, x: f64) -> String {
        match self {
            XAxis::Step => format::number(x),
            XAxis::WallTime => format::time(x as i64),
            XAxis::Relative => format!("{}s", format::number(x)),
        }
    }
}

/// The y axis, linear or logarithmic.
enum YScale {
    Linear(LinearScale),
    Log(LogScale),
}

impl YScale {
    fn map(&self, y: f64) -> Option<f64> {
        match self {
            YScale::Linear(s) => Some(s.map(y)),
            YScale::Log(s) => s.map(y),
        }
    }

    fn ticks(&self) -> Vec<f64> {
        match self {
            YScale::Linear(s) => nice_ticks(s.domain.0, s.domain.1, 5),
            YScale::Log(s) => s.ticks(),
        }
    }
}

/// An SVG path through `points` (already in pixels); gaps where a point cannot be placed.
fn path(points: impl Iterator<Item = Option<(f64, f64)>>) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for point in points {
        match point {
            Some((x, y)) => {
                d.push_str(&format!(
                    "{}{x:.1},{y:.1}",
                    if pen_down { "L" } else { "M" }
                ));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

/// What the chart draws, in pixels.
#[derive(Debug, Clone, PartialEq)]
struct Drawing {
    /// The history's line (faint when smoothing).
    raw: String,
    /// The smoothed line, when smoothing.
    smoothed: String,
    x_ticks: Vec<(f64, String)>,
    y_ticks: Vec<(f64, String)>,
    /// NaN and ±inf: where, and the value.
    marks: Vec<(f64, f64, String)>,
    /// Points drawn (both lines).
    drawn: usize,
    /// The x interval shown (zoomed or whole).
    x_range: (f64, f64),
}

/// The chart's data as CSV: step, timestamp, value (NaN and ±inf as MLflow writes them).
fn csv(history: &[Metric]) -> String {
    let mut out = String::from("step,timestamp,value\n");
    for m in history {
        out.push_str(&format!("{},{},{}\n", m.step, m.timestamp, m.value));
    }
    out
}

#[component]
pub fn MetricChart(run_id: String, key: String, start_time: i64) -> impl IntoView {
    let app = use_app();
    let history = LocalResource::new({
        let (run_id, key) = (run_id.clone(), key.clone());
        move || {
            let tracker = app.tracker();
            app.revision.track();
            let (run_id, key) = (run_id.clone(), key.clone());
            async move {
                tracker
                    .metric_history(&run_id, &key)
                    .await
                    .unwrap_or_default()
            }
        }
    });
    let x_axis = RwSignal::new(XAxis::Step);
    let log_y = RwSignal::new(false);
    let weight = RwSignal::new(0.0f64);
    let zoom = RwSignal::new(None::<(f64, f64)>);
    let drag = RwSignal::new(None::<(f64, f64)>);
    let hover = RwSignal::new(None::<f64>);
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();

    // The series in x order: finite points (with where each is in the history), and the
    // non-finite ones to mark.
    let series = Memo::new(move |_| {
        let axis = x_axis.get();
        history.with(|history| {
            let history = history.as_deref().unwrap_or_default();
            let mut finite: Vec<(Point, usize)> = Vec::with_capacity(history.len());
            let mut marks: Vec<Point> = Vec::new();
            for (i, m) in history.iter().enumerate() {
                let x = axis.of(m, start_time);
                if m.value.is_finite() {
                    finite.push(((x, m.value), i));
                } else {
                    marks.push((x, m.value));
                }
            }
            finite.sort_by(|a, b| a.0 .0.total_cmp(&b.0 .0));
            let (points, sources) = finite.into_iter().unzip::<_, _, Vec<Point>, Vec<usize>>();
            (points, sources, marks)
        })
    });
    let plot_x = (LEFT, WIDTH - RIGHT);
    let plot_y = (HEIGHT - BOTTOM, TOP);
    // Everything drawn, recomputed when data, zoom or settings change.
    let drawing = Memo::new(move |_| {
        series.with(|(finite, _, marks)| {
            let full = LinearScale::fit(finite.iter().chain(marks.iter()).map(|p| p.0), plot_x);
            let x_range = zoom.get().unwrap_or(full.domain);
            let xs = LinearScale {
                domain: x_range,
                range: plot_x,
            };
            let columns = (plot_x.1 - plot_x.0) as usize;
            let raw = min_max(finite, x_range, columns);
            let smoothed: Vec<Point> = {
                let w = weight.get();
                if w > 0.0 {
                    let ys: Vec<f64> = finite.iter().map(|p| p.1).collect();
                    let ys = smooth(&ys, w);
                    let points: Vec<Point> = finite.iter().zip(ys).map(|(p, y)| (p.0, y)).collect();
                    min_max(&points, x_range, columns)
                } else {
                    Vec::new()
                }
            };
            let visible_ys = raw
                .iter()
                .filter(|p| p.0 >= x_range.0 && p.0 <= x_range.1)
                .map(|p| p.1);
            let ys = if log_y.get() {
                YScale::Log(LogScale::fit(visible_ys, plot_y))
            } else {
                YScale::Linear(LinearScale::fit(visible_ys, plot_y))
            };
            let to_pixels = |points: &[Point]| {
                path(
                    points
                        .iter()
                        .map(|&(x, y)| ys.map(y).map(|py| (xs.map(x), py))),
                )
            };
            let x_ticks: Vec<(f64, String)> = nice_ticks(x_range.0, x_range.1, 5)
                .into_iter()
                .map(|t| (xs.map(t), x_axis.get_untracked().label(t)))
                .collect();
            let y_ticks: Vec<(f64, String)> = ys
                .ticks()
                .into_iter()
                .filter_map(|t| ys.map(t).map(|py| (py, format::number(t))))
                .collect();
            let marks: Vec<(f64, f64, String)> = marks
                .iter()
                .filter(|p| p.0 >= x_range.0 && p.0 <= x_range.1)
                .map(|&(x, v)| {
                    let y = if v == f64::INFINITY {
                        plot_y.1
                    } else {
                        plot_y.0
                    };
                    (xs.map(x), y, format::number(v))
                })
                .collect();
            Drawing {
                raw: to_pixels(&raw),
                smoothed: to_pixels(&smoothed),
                x_ticks,
                y_ticks,
                marks,
                drawn: raw.len() + smoothed.len(),
                x_range,
            }
        })
    });

    let data_x = move |client_x: f64| -> Option<f64> {
        let svg = svg_ref.get_untracked()?;
        let element: &web_sys::Element = svg.unchecked_ref();
        let left = element.get_bounding_client_rect().left();
        let (lo, hi) = drawing.with_untracked(|d| d.x_range);
        let px = client_x - left;
        (px >= plot_x.0 && px <= plot_x.1)
            .then(|| lo + (px - plot_x.0) / (plot_x.1 - plot_x.0) * (hi - lo))
    };
    let tooltip = move || {
        let x = hover.get()?;
        let (px, source) = series
            .with(|(finite, sources, _)| nearest(finite, x).map(|i| (finite[i].0, sources[i])))?;
        let text = history.with(|h| {
            h.as_deref().and_then(|h| h.get(source)).map(|m| {
                format!(
                    "step {} · {} · {}",
                    m.step,
                    format::time(m.timestamp),
                    format::number(m.value)
                )
            })
        })?;
        let xs = LinearScale {
            domain: drawing.with(|d| d.x_range),
            range: plot_x,
        };
        Some((xs.map(px), text))
    };
    let svg_text = move || {
        svg_ref
            .get_untracked()
            .map(|svg| svg.unchecked_ref::<web_sys::Element>().outer_html())
            .unwrap_or_default()
    };
    let stem = key.replace('/', "_");
    let (csv_name, svg_name) = (format!("{stem}.csv"), format!("{stem}.svg"));

    view! {
        <figure class="metric-chart" data-testid="metric-chart" data-metric-key=key.clone()
            data-x-range=move || drawing.with(|d| format!("{} {}", d.x_range.0, d.x_range.1))>
            <figcaption>
                <b>{key.clone()}</b>
                <span class="muted" data-testid="chart-points">{move || drawing.with(|d| format!(" {} of {} points drawn", d.drawn, series.with(|s| s.0.len() + s.2.len())))}</span>
                <span class="controls">
                    <select data-testid="chart-x" on:change=move |ev| {
                        zoom.set(None);
                        x_axis.set(match event_target_value(&ev).as_str() {
                            "wall" => XAxis::WallTime,
                            "relative" => XAxis::Relative,
                            _ => XAxis::Step,
                        });
                    }>
                        <option value="step">"Step"</option>
                        <option value="wall">"Wall time"</option>
                        <option value="relative">"Relative time"</option>
                    </select>
                    <label><input type="checkbox" data-testid="chart-log" on:change=move |ev| log_y.set(event_target_checked(&ev))/>" log"</label>
                    <label title="Smoothing (exponential moving average)">"smooth "
                        <input type="range" min="0" max="0.99" step="0.01" data-testid="chart-smoothing"
                            prop:value=move || weight.get().to_string()
                            on:input=move |ev| weight.set(event_target_value(&ev).parse().unwrap_or(0.0))/>
                    </label>
                    <button class="secondary small" data-testid="chart-csv" on:click=move |_| {
                        let text = history.with_untracked(|h| csv(h.as_deref().unwrap_or_default()));
                        let _ = download(&csv_name, text.as_bytes());
                    }>"CSV"</button>
                    <button class="secondary small" data-testid="chart-svg" on:click=move |_| {
                        let _ = download(&svg_name, svg_text().as_bytes());
                    }>"SVG"</button>
                </span>
            </figcaption>
            <svg node_ref=svg_ref xmlns="http://www.w3.org/2000/svg" width=WIDTH height=HEIGHT
                viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
                on:mousedown=move |ev| {
                    if let Some(x) = data_x(ev.client_x() as f64) {
                        ev.prevent_default();
                        drag.set(Some((x, x)));
                    }
                }
                on:mousemove=move |ev| {
                    let x = data_x(ev.client_x() as f64);
                    hover.set(x);
                    if let (Some((from, _)), Some(x)) = (drag.get_untracked(), x) {
                        drag.set(Some((from, x)));
                    }
                }
                on:mouseleave=move |_| hover.set(None)
                on:mouseup=move |_| {
                    if let Some((a, b)) = drag.get_untracked() {
                        let (lo, hi) = (a.min(b), a.max(b));
                        let (full_lo, full_hi) = drawing.with_untracked(|d| d.x_range);
                        if (hi - lo) > (full_hi - full_lo) / 200.0 {
                            zoom.set(Some((lo, hi)));
                        }
                    }
                    drag.set(None);
                }
                on:dblclick=move |_| zoom.set(None)>
                <rect class="plot" x=LEFT y=TOP width=WIDTH - LEFT - RIGHT height=HEIGHT - TOP - BOTTOM/>
                {move || drawing.with(|d| {
                    let y_ticks = d.y_ticks.iter().map(|(y, label)| view! {
                        <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=*y y2=*y/>
                        <text class="tick" x=LEFT - 4.0 y=*y + 3.0 text-anchor="end">{label.clone()}</text>
                    }).collect_view();
                    let x_ticks = d.x_ticks.iter().map(|(x, label)| view! {
                        <text class="tick" x=*x y=HEIGHT - BOTTOM + 16.0 text-anchor="middle">{label.clone()}</text>
                    }).collect_view();
                    let marks = d.marks.iter().map(|(x, y, label)| view! {
                        <text class="nonfinite" data-testid="chart-nonfinite" x=*x y=*y text-anchor="middle">
                            "▲"<title>{label.clone()}</title>
                        </text>
                    }).collect_view();
                    let smoothing = !d.smoothed.is_empty();
                    view! {
                        {y_ticks}
                        {x_ticks}
                        <path class="line" class:raw=smoothing d=d.raw.clone()/>
                        <path class="line smoothed" d=d.smoothed.clone()/>
                        {marks}
                    }
                })}
                {move || drag.get().map(|(a, b)| {
                    let (lo, hi) = drawing.with(|d| d.x_range);
                    let xs = LinearScale { domain: (lo, hi), range: plot_x };
                    let (x0, x1) = (xs.map(a.min(b)), xs.map(a.max(b)));
                    view! { <rect class="zoom-box" x=x0 y=TOP width=x1 - x0 height=HEIGHT - TOP - BOTTOM/> }
                })}
                {move || tooltip().map(|(x, _)| view! {
                    <line class="crosshair" x1=x x2=x y1=TOP y2=HEIGHT - BOTTOM/>
                })}
            </svg>
            <div class="tooltip" data-testid="chart-tooltip">{move || tooltip().map(|(_, text)| text)}</div>
        </figure>
    }
}
