//! A metric's histories as a chart (`metric-chart`), one line per run and metric (more metrics
//! can be added to a chart): x by step, wall time or time since each run started; linear or log
//! y; smoothing with the raw lines kept faint; drag a box to zoom (the decimation follows, so
//! detail appears), double-click to reset; hover for each line's nearest point; a legend to
//! hide a line (click) or pick it out (hover); NaN and ±inf marked; the data as CSV and the
//! chart as SVG or PNG. Drawn as SVG from the pure math in
//! `crate::chart`, at most two points per pixel column per run whatever the histories' length.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::format;
use super::use_app;
use super::widgets::ExportButtons;
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
pub(super) fn path(points: impl Iterator<Item = Option<(f64, f64)>>) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for point in points {
        match point {
            Some((x, y)) => {
                d.push(if pen_down { 'L' } else { 'M' });
                push_tenths(&mut d, x);
                d.push(',');
                push_tenths(&mut d, y);
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

/// Writes `value` with one decimal, digit by digit: float and integer formatting through
/// `core::fmt` cost more than half of a redraw of hundreds of thousands of points.
fn push_tenths(out: &mut String, value: f64) {
    let tenths = (value * 10.0).round() as i64;
    if tenths < 0 {
        out.push('-');
    }
    let tenths = tenths.unsigned_abs();
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut whole = tenths / 10;
    loop {
        start -= 1;
        digits[start] = b'0' + (whole % 10) as u8;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    for &d in &digits[start..] {
        out.push(d as char);
    }
    out.push('.');
    out.push((b'0' + (tenths % 10) as u8) as char);
}

/// What the chart draws, in pixels.
#[derive(Debug, Clone, PartialEq)]
struct Drawing {
    /// Per run shown: its position among the chart's runs, its line (faint when smoothing)
    /// and its smoothed line (when smoothing).
    lines: Vec<(usize, String, String)>,
    x_ticks: Vec<(f64, String)>,
    y_ticks: Vec<(f64, String)>,
    /// NaN and ±inf: where, and the value.
    marks: Vec<(f64, f64, String)>,
    /// Points drawn (both lines).
    drawn: usize,
    /// The x interval shown (zoomed or whole).
    x_range: (f64, f64),
}

/// The line of run `index` in a drawing, if it is shown.
fn line_of(drawing: &Drawing, index: usize) -> Option<&(usize, String, String)> {
    drawing.lines.iter().find(|l| l.0 == index)
}

/// The chart's data as CSV: run, metric, step, timestamp, value (NaN and ±inf as MLflow writes
/// them), for each line (a run's metric) with its history.
fn csv(lines: &[(&ChartRun, &str)], histories: &[Vec<Metric>]) -> String {
    let mut out = String::from("run_id,key,step,timestamp,value\n");
    for ((run, key), history) in lines.iter().zip(histories) {
        for m in history {
            out.push_str(&format!(
                "{},{},{},{},{}\n",
                run.run_id, key, m.step, m.timestamp, m.value
            ));
        }
    }
    out
}

/// A line's name in the legend and tooltip: the run, the metric, or both when the chart has
/// several of each.
fn line_label(run: &ChartRun, key: &str, runs: usize, keys: usize) -> String {
    match (runs > 1, keys > 1) {
        (_, false) => run.label.clone(),
        (false, true) => key.to_owned(),
        (true, true) => format!("{} · {key}", run.label),
    }
}

/// A run drawn on a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartRun {
    pub run_id: String,
    pub label: String,
    /// When the run started (for the relative-time axis).
    pub start_time: i64,
}

/// Distinct line colours, in order.
const PALETTE: [&str; 10] = [
    "#0969da", "#cf222e", "#1a7f37", "#8250df", "#bc4c00", "#0550ae", "#a40e26", "#116329",
    "#6639ba", "#953800",
];

pub(super) fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// One run's history in x order: finite points with where each is in the history, and the
/// non-finite ones to mark.
#[derive(Debug, Clone, PartialEq, Default)]
struct Series {
    points: Vec<Point>,
    sources: Vec<usize>,
    marks: Vec<Point>,
}

fn series_of(history: &[Metric], axis: XAxis, start_time: i64) -> Series {
    let mut finite: Vec<(Point, usize)> = Vec::with_capacity(history.len());
    let mut marks = Vec::new();
    for (i, m) in history.iter().enumerate() {
        let x = axis.of(m, start_time);
        if m.value.is_finite() {
            finite.push(((x, m.value), i));
        } else {
            marks.push((x, m.value));
        }
    }
    finite.sort_by(|a, b| a.0 .0.total_cmp(&b.0 .0));
    let (points, sources) = finite.into_iter().unzip();
    Series {
        points,
        sources,
        marks,
    }
}

/// The chart of metric `key` for `runs`; `choices` are the other metrics the reader may add to
/// it.
#[component]
pub fn MetricChart(
    key: String,
    runs: Vec<ChartRun>,
    #[prop(optional)] choices: Vec<String>,
) -> impl IntoView {
    let app = use_app();
    let run_count = runs.len();
    let runs = StoredValue::new(runs);
    // The metrics drawn, the first being `key`; each run's line of each, metric by metric.
    let keys = RwSignal::new(vec![key.clone()]);
    let lines = Memo::new(move |_| {
        keys.with(|keys| {
            keys.iter()
                .flat_map(|k| (0..run_count).map(move |r| (r, k.clone())))
                .collect::<Vec<(usize, String)>>()
        })
    });
    let histories = LocalResource::new(move || {
        let tracker = app.tracker();
        app.revision.track();
        let wanted: Vec<(String, String)> = lines.with(|lines| {
            runs.with_value(|runs| {
                lines
                    .iter()
                    .map(|(r, k)| (runs[*r].run_id.clone(), k.clone()))
                    .collect()
            })
        });
        async move {
            let mut all = Vec::with_capacity(wanted.len());
            for (id, key) in wanted {
                all.push(tracker.metric_history(&id, &key).await.unwrap_or_default());
            }
            all
        }
    });
    let label_of = move |i: usize| -> String {
        let key_count = keys.with(Vec::len);
        lines.with(|lines| {
            let (r, k) = &lines[i];
            runs.with_value(|runs| line_label(&runs[*r], k, run_count, key_count))
        })
    };
    let hidden = RwSignal::new(std::collections::HashSet::<usize>::new());
    let highlighted = RwSignal::new(None::<usize>);
    let x_axis = RwSignal::new(XAxis::Step);
    let log_y = RwSignal::new(false);
    let weight = RwSignal::new(0.0f64);
    let zoom = RwSignal::new(None::<(f64, f64)>);
    let drag = RwSignal::new(None::<(f64, f64)>);
    let hover = RwSignal::new(None::<f64>);
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();

    let series = Memo::new(move |_| {
        let axis = x_axis.get();
        histories.with(|h| {
            let h = h.as_deref().unwrap_or_default();
            lines.with(|lines| {
                runs.with_value(|runs| {
                    lines
                        .iter()
                        .zip(h)
                        .map(|((r, _), history)| series_of(history, axis, runs[*r].start_time))
                        .collect::<Vec<_>>()
                })
            })
        })
    });
    let plot_x = (LEFT, WIDTH - RIGHT);
    let plot_y = (HEIGHT - BOTTOM, TOP);
    // Everything drawn, recomputed when data, zoom or settings change.
    let drawing = Memo::new(move |_| {
        let hidden = hidden.get();
        series.with(|all| {
            let shown: Vec<(usize, &Series)> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| !hidden.contains(i))
                .collect();
            let full = LinearScale::fit(
                shown
                    .iter()
                    .flat_map(|(_, s)| s.points.iter().chain(s.marks.iter()).map(|p| p.0)),
                plot_x,
            );
            let x_range = zoom.get().unwrap_or(full.domain);
            let xs = LinearScale {
                domain: x_range,
                range: plot_x,
            };
            let columns = (plot_x.1 - plot_x.0) as usize;
            let w = weight.get();
            let decimated: Vec<(usize, Vec<Point>, Vec<Point>)> = shown
                .iter()
                .map(|(i, s)| {
                    let raw = min_max(&s.points, x_range, columns);
                    let smoothed = if w > 0.0 {
                        let ys: Vec<f64> = s.points.iter().map(|p| p.1).collect();
                        let points: Vec<Point> = s
                            .points
                            .iter()
                            .zip(smooth(&ys, w))
                            .map(|(p, y)| (p.0, y))
                            .collect();
                        min_max(&points, x_range, columns)
                    } else {
                        Vec::new()
                    };
                    (*i, raw, smoothed)
                })
                .collect();
            let visible_ys = decimated
                .iter()
                .flat_map(|(_, raw, _)| raw.iter())
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
            let marks: Vec<(f64, f64, String)> = shown
                .iter()
                .flat_map(|(_, s)| s.marks.iter())
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
                drawn: decimated.iter().map(|(_, r, s)| r.len() + s.len()).sum(),
                lines: decimated
                    .iter()
                    .map(|(i, raw, smoothed)| (*i, to_pixels(raw), to_pixels(smoothed)))
                    .collect(),
                x_ticks,
                y_ticks,
                marks,
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
    // Under the cursor: its x in pixels, and each shown run's nearest point.
    let tooltip = move || {
        let x = hover.get()?;
        let hidden = hidden.get();
        let nearest_points: Vec<(usize, usize)> = series.with(|all| {
            all.iter()
                .enumerate()
                .filter(|(i, _)| !hidden.contains(i))
                .filter_map(|(i, s)| nearest(&s.points, x).map(|n| (i, s.sources[n])))
                .collect()
        });
        let several = lines.with(Vec::len) > 1;
        let lines: Vec<(usize, String)> = histories.with(|h| {
            let h = h.as_deref().unwrap_or_default();
            nearest_points
                .iter()
                .filter_map(|&(i, source)| {
                    let m = h.get(i)?.get(source)?;
                    let label = label_of(i);
                    let text = format!(
                        "step {} · {} · {}",
                        m.step,
                        format::time(m.timestamp),
                        format::number(m.value)
                    );
                    Some((
                        i,
                        if several {
                            format!("{label}: {text}")
                        } else {
                            text
                        },
                    ))
                })
                .collect()
        });
        if lines.is_empty() {
            return None;
        }
        let xs = LinearScale {
            domain: drawing.with(|d| d.x_range),
            range: plot_x,
        };
        Some((xs.map(x), lines))
    };
    let data_csv = move || {
        histories.with_untracked(|h| {
            lines.with_untracked(|lines| {
                runs.with_value(|runs| {
                    let named: Vec<(&ChartRun, &str)> =
                        lines.iter().map(|(r, k)| (&runs[*r], k.as_str())).collect();
                    csv(&named, h.as_deref().unwrap_or_default())
                })
            })
        })
    };
    // Adding or removing a metric renumbers the lines: the hidden ones are shown again.
    let set_keys = move |change: &dyn Fn(&mut Vec<String>)| {
        hidden.set(Default::default());
        highlighted.set(None);
        keys.update(|k| change(k));
    };
    let choices = StoredValue::new(choices);
    let stem = key.replace('/', "_");
    let many = Memo::new(move |_| lines.with(Vec::len) > 10);

    view! {
        // With many lines, 1 px strokes: Chromium draws those as hairlines, which paints a
        // card of 100 runs about a third faster than 1.5 px.
        <figure class="metric-chart" data-testid="metric-chart" data-metric-key=key.clone()
            class:many=many
            data-x-range=move || drawing.with(|d| format!("{} {}", d.x_range.0, d.x_range.1))>
            <figcaption>
                <b>{key.clone()}</b>
                {move || keys.with(|k| k.iter().skip(1).cloned().collect::<Vec<_>>()).into_iter().map(|extra| {
                    let removed = extra.clone();
                    view! {
                        <span class="chip" data-testid="chart-metric">{extra}
                            <button class="link" title="Remove this metric from the chart"
                                on:click=move |_| set_keys(&|k| k.retain(|x| *x != removed))>"×"</button>
                        </span>
                    }
                }).collect_view()}
                {move || {
                    let addable: Vec<String> = choices.with_value(|c| {
                        keys.with(|k| c.iter().filter(|x| !k.contains(x)).cloned().collect())
                    });
                    (!addable.is_empty()).then(|| view! {
                        <select class="add-metric" data-testid="chart-add-metric" title="Draw another metric on this chart"
                            on:change=move |ev| {
                                let chosen = event_target_value(&ev);
                                if !chosen.is_empty() {
                                    set_keys(&|k| k.push(chosen.clone()));
                                }
                            }>
                            <option value="" selected>"+ metric"</option>
                            {addable.into_iter().map(|k| view! { <option value=k.clone()>{k.clone()}</option> }).collect_view()}
                        </select>
                    })
                }}
                <span class="muted" data-testid="chart-points">{move || drawing.with(|d| format!(" {} of {} points drawn", d.drawn, series.with(|all| all.iter().map(|s| s.points.len() + s.marks.len()).sum::<usize>())))}</span>
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
                    <ExportButtons svg=svg_ref stem=stem csv=data_csv/>
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
                    view! {
                        {y_ticks}
                        {x_ticks}
                    }
                })}
                // Lines stay the same elements from one drawing to the next; only their path
                // changes, and hovering the legend only changes classes.
                <For each=move || drawing.with(|d| d.lines.iter().map(|l| l.0).collect::<Vec<usize>>()) key=|i| *i let:i>
                    <path class="line" style=format!("stroke:{}", colour(i))
                        class:raw=move || drawing.with(|d| line_of(d, i).is_some_and(|l| !l.2.is_empty()))
                        class:focus=move || highlighted.get() == Some(i)
                        class:dim=move || highlighted.get().is_some_and(|f| f != i)
                        d=move || drawing.with(|d| line_of(d, i).map(|l| l.1.clone()).unwrap_or_default())/>
                    <path class="line smoothed" style=format!("stroke:{}", colour(i))
                        class:focus=move || highlighted.get() == Some(i)
                        class:dim=move || highlighted.get().is_some_and(|f| f != i)
                        d=move || drawing.with(|d| line_of(d, i).map(|l| l.2.clone()).unwrap_or_default())/>
                </For>
                {move || drawing.with(|d| d.marks.iter().map(|(x, y, label)| view! {
                    <text class="nonfinite" data-testid="chart-nonfinite" x=*x y=*y text-anchor="middle">
                        "▲"<title>{label.clone()}</title>
                    </text>
                }).collect_view())}
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
            <div class="tooltip" data-testid="chart-tooltip">
                {move || tooltip().map(|(_, lines)| lines.into_iter().map(|(i, text)| view! {
                    <div style=format!("color:{}", colour(i))>{text}</div>
                }).collect_view())}
            </div>
            {move || (lines.with(Vec::len) > 1).then(|| view! {
                <ul class="legend">
                    {(0..lines.with(Vec::len)).map(|i| {
                        let label = label_of(i);
                        view! {
                            <li data-testid="chart-legend-item" class:hidden=move || hidden.with(|h| h.contains(&i))
                                title="Click to hide or show this run"
                                on:click=move |_| hidden.update(|h| if !h.remove(&i) { h.insert(i); })
                                on:mouseenter=move |_| highlighted.set(Some(i))
                                on:mouseleave=move |_| highlighted.set(None)>
                                <span class="swatch" style=format!("background:{}", colour(i))></span>
                                {label}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </figure>
    }
}

/// Renders its children once they first come on screen (or near it), so a page of many charts
/// only draws those the reader gets to.
#[component]
pub fn OnScreen(children: ChildrenFn) -> impl IntoView {
    use wasm_bindgen::closure::Closure;
    let seen = RwSignal::new(false);
    let node = NodeRef::<leptos::html::Div>::new();
    let observer = StoredValue::new_local(None::<web_sys::IntersectionObserver>);
    let callback = StoredValue::new_local(None::<Closure<dyn FnMut(js_sys::Array)>>);
    Effect::new(move |_| {
        let Some(element) = node.get() else {
            return;
        };
        if seen.get_untracked() || observer.with_value(Option::is_some) {
            return;
        }
        let on_change = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let visible = entries.iter().any(|entry| {
                entry
                    .unchecked_into::<web_sys::IntersectionObserverEntry>()
                    .is_intersecting()
            });
            if visible && !seen.get_untracked() {
                seen.set(true);
                observer.with_value(|o| {
                    if let Some(o) = o {
                        o.disconnect();
                    }
                });
            }
        });
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin("200px");
        if let Ok(watcher) = web_sys::IntersectionObserver::new_with_options(
            on_change.as_ref().unchecked_ref(),
            &options,
        ) {
            watcher.observe(&element);
            observer.set_value(Some(watcher));
            callback.set_value(Some(on_change));
        } else {
            // No observer: draw at once.
            seen.set(true);
        }
    });
    on_cleanup(move || {
        observer.with_value(|o| {
            if let Some(o) = o {
                o.disconnect();
            }
        });
    });
    view! {
        <div node_ref=node class="on-screen">
            <Show when=move || seen.get() fallback=|| view! { <div class="chart-placeholder"></div> }>
                {children()}
            </Show>
        </div>
    }
}

/// The charts of an experiment's runs: one card per metric, the runs overlaid.
#[component]
pub fn RunCharts(runs: Memo<Vec<ChartRun>>, keys: Memo<Vec<String>>) -> impl IntoView {
    let cards = move || {
        let runs = runs.get();
        let ids: Vec<&str> = runs.iter().map(|r| r.run_id.as_str()).collect();
        let set = ids.join(",");
        let all = keys.get();
        all.iter()
            .map(|key| {
                (
                    format!("{key}|{set}"),
                    key.clone(),
                    runs.clone(),
                    all.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    view! {
        <section class="charts" data-testid="runs-charts">
            <For each=cards key=|card| card.0.clone() let:card>
                <OnScreen>
                    {
                        let (_, key, runs, choices) = card.clone();
                        move || view! { <MetricChart key=key.clone() runs=runs.clone() choices=choices.clone()/> }
                    }
                </OnScreen>
            </For>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_break_where_a_point_cannot_be_placed() {
        let d = path(
            [
                Some((1.0, 2.25)),
                Some((-3.04, 4.0)),
                None,
                Some((5.0, 6.0)),
            ]
            .into_iter(),
        );
        assert_eq!(d, "M1.0,2.3L-3.0,4.0M5.0,6.0");
        let mut out = String::new();
        for v in [0.0, 0.04, -0.06, 1234.56, -98765.0, 9.95] {
            push_tenths(&mut out, v);
            out.push(' ');
        }
        assert_eq!(out, "0.0 0.0 -0.1 1234.6 -98765.0 10.0 ");
    }
}
