//! A metric's histories as a chart (`metric-chart`), one line per run and metric (more metrics
//! can be added to a chart): x by step, wall time or time since each run started; linear or log
//! y; smoothing with the raw lines kept faint; drag a box to zoom (the decimation follows, so
//! detail appears), double-click to reset; hover for each line's nearest point; a legend to
//! hide a line (click) or pick it out (hover); NaN and ±inf marked; the data as CSV and the
//! chart as SVG or PNG. What is drawn is computed by `drawing`; this module holds only what the
//! reader is doing (zoom, hover, drag, settings) and the SVG elements.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::draw::colour;
use super::drawing::{Drawing, Look, BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH};
use super::paths::PathSetter;
use super::series::{addable, csv, line_label, lines_of, nearest_points, ChartRun, Series, XAxis};
use crate::app::format;
use crate::app::use_app;
use crate::app::widgets::ExportButtons;
use crate::domain::History;

/// Each line's history and its series on `axis`.
#[derive(Debug, Clone)]
struct Placed {
    axis: XAxis,
    lines: Vec<(Arc<History>, Arc<Series>)>,
}

impl Placed {
    /// Whether `b` holds other series than `a` (the same ones are the same values).
    fn changed(a: Option<&Placed>, b: Option<&Placed>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => {
                let series = |p: &Placed| {
                    p.lines
                        .iter()
                        .map(|(_, s)| Arc::clone(s))
                        .collect::<Vec<_>>()
                };
                !same_series(&series(a), &series(b))
            }
            _ => true,
        }
    }
}

/// Whether two lists hold the very same series.
fn same_series(a: &[Arc<Series>], b: &[Arc<Series>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| Arc::ptr_eq(x, y))
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
    let lines = Memo::new(move |_| keys.with(|keys| lines_of(keys, run_count)));
    // Each line's history: all of them read when the lines change; then, of those a write
    // touched, only the points appended are read and added (or the whole history again, when
    // it was written anew). The others stay the same values, so nothing derived from them is
    // made again.
    let histories = RwSignal::new_local(None::<Vec<Arc<History>>>);
    let wanted = move || -> Vec<(String, String)> {
        lines.with_untracked(|lines| {
            runs.with_value(|runs| {
                lines
                    .iter()
                    .map(|(r, k)| (runs[*r].run_id.clone(), k.clone()))
                    .collect()
            })
        })
    };
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        lines.track();
        let wanted = wanted();
        let tracker = app.tracker();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        leptos::task::spawn_local(async move {
            let mut all = Vec::with_capacity(wanted.len());
            for (id, key) in &wanted {
                all.push(Arc::new(
                    tracker
                        .metric_history_from(id, key, 0)
                        .await
                        .unwrap_or_default(),
                ));
            }
            // `None` once the chart has gone (another page opened) while the histories were read.
            if generation.try_get_value() == Some(mine) {
                histories.set(Some(all));
            }
        });
    });
    Effect::new(move |_| {
        let wanted = wanted();
        let touched: Vec<(usize, bool)> = app.calm_notice.with(|n| {
            (0..wanted.len())
                .filter(|&i| n.changes.touches_history(&wanted[i].0, &wanted[i].1))
                .map(|i| (i, n.changes.appended_to(&wanted[i].0, &wanted[i].1)))
                .collect()
        });
        if touched.is_empty() {
            return;
        }
        let tracker = app.tracker();
        let mine = generation.get_value();
        // Where each history read again starts: after the points the chart has, when it grew.
        let starts: Vec<(usize, usize)> = histories.with_untracked(|h| {
            touched
                .iter()
                .map(|&(i, appended)| {
                    let had = h.as_ref().and_then(|h| h.get(i)).map_or(0, |h| h.len());
                    (i, if appended { had } else { 0 })
                })
                .collect()
        });
        leptos::task::spawn_local(async move {
            let mut fresh = Vec::with_capacity(starts.len());
            for &(i, from) in &starts {
                let (id, key) = &wanted[i];
                let points = tracker
                    .metric_history_from(id, key, from)
                    .await
                    .unwrap_or_default();
                fresh.push((i, from, points));
            }
            if generation.try_get_value() != Some(mine)
                || fresh.iter().all(|(_, from, p)| *from > 0 && p.is_empty())
            {
                return;
            }
            histories.update(|all| {
                let Some(all) = all else {
                    return;
                };
                for (i, from, points) in fresh {
                    let Some(slot) = all.get_mut(i) else {
                        continue;
                    };
                    // Reads that overlap (two notices in a row) add only what is new.
                    let known = slot.len().saturating_sub(from);
                    if from == 0 {
                        *slot = Arc::new(points);
                    } else if slot.len() >= from && points.len() > known {
                        Arc::make_mut(slot).append(&points.since(known));
                    }
                }
            });
        });
    });
    let label_of = move |i: usize| -> String {
        let key_count = keys.with(Vec::len);
        lines.with(|lines| {
            let (r, k) = &lines[i];
            runs.with_value(|runs| line_label(&runs[*r], k, run_count, key_count))
        })
    };
    let hidden = RwSignal::new(HashSet::<usize>::new());
    let highlighted = RwSignal::new(None::<usize>);
    let x_axis = RwSignal::new(XAxis::Step);
    let log_y = RwSignal::new(false);
    let weight = RwSignal::new(0.0f64);
    let zoom = RwSignal::new(None::<(f64, f64)>);
    let drag = RwSignal::new(None::<(f64, f64)>);
    let hover = RwSignal::new(None::<f64>);
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();

    // Each line's series on the axis, made again only for the histories that changed.
    let placed = Memo::new_with_compare(
        move |before: Option<&Placed>| {
            let axis = x_axis.get();
            histories.with(|h| {
                let h = h.as_deref().unwrap_or_default();
                lines.with(|lines| {
                    runs.with_value(|runs| {
                        let lines = lines
                            .iter()
                            .zip(h)
                            .enumerate()
                            .map(|(i, ((r, _), history))| {
                                let same = before
                                    .filter(|b| b.axis == axis)
                                    .and_then(|b| b.lines.get(i))
                                    .filter(|(was, _)| Arc::ptr_eq(was, history));
                                match same {
                                    Some(line) => line.clone(),
                                    None => (
                                        Arc::clone(history),
                                        Arc::new(Series::of(history, axis, runs[*r].start_time)),
                                    ),
                                }
                            })
                            .collect();
                        Placed { axis, lines }
                    })
                })
            })
        },
        Placed::changed,
    );
    let series = Memo::new_with_compare(
        move |_| {
            placed.with(|p| {
                p.lines
                    .iter()
                    .map(|(_, s)| Arc::clone(s))
                    .collect::<Vec<_>>()
            })
        },
        |a, b| a.is_none_or(|a| b.is_none_or(|b| !same_series(a, b))),
    );
    // Everything drawn, recomputed when data, zoom or settings change; the lines whose series
    // are unchanged keep their paths when they can (see `Drawing`).
    let drawing = Memo::new_with_compare(
        move |before: Option<&Drawing>| {
            let look = Look {
                hidden: hidden.get(),
                zoom: zoom.get(),
                weight: weight.get(),
                log_y: log_y.get(),
            };
            // The series follow the axis already.
            series.with(|all| Drawing::of(all, x_axis.get_untracked(), &look, before))
        },
        |_, _| true,
    );

    // The axes and marks change far less often than the lines: they are drawn again only
    // when they change.
    let ticks = Memo::new(move |_| drawing.with(|d| (d.x_ticks.clone(), d.y_ticks.clone())));
    let marks = Memo::new(move |_| drawing.with(|d| d.marks.clone()));

    let data_x = move |client_x: f64| -> Option<f64> {
        let svg = svg_ref.get_untracked()?;
        let element: &web_sys::Element = svg.unchecked_ref();
        let left = element.get_bounding_client_rect().left();
        drawing.with_untracked(|d| d.x_at(client_x - left))
    };
    // Under the cursor: its x in pixels, and each shown run's nearest point.
    let tooltip = move || {
        let x = hover.get()?;
        let hidden = hidden.get();
        let nearest_points = series.with(|all| nearest_points(all, &hidden, x));
        let several = lines.with(Vec::len) > 1;
        let lines: Vec<(usize, String)> = histories.with(|h| {
            let h = h.as_deref().unwrap_or_default();
            nearest_points
                .iter()
                .filter_map(|&(i, source)| {
                    let history = h.get(i)?;
                    let label = label_of(i);
                    let text = format!(
                        "step {} · {} · {}",
                        history.steps().get(source)?,
                        format::time(history.timestamps()[source]),
                        format::number(history.values()[source])
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
        Some((drawing.with(|d| d.px_at(x)), lines))
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
    let paths = PathSetter::new();
    Effect::new(move |_| drawing.with(|d| paths.set(d)));

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
                    let addable = choices.with_value(|c| keys.with(|k| addable(c, k)));
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
                <span class="muted" data-testid="chart-points">{move || drawing.with(|d| format!(" {} of {} points drawn", d.drawn, series.with(|all| all.iter().map(|s| s.len()).sum::<usize>())))}</span>
                <span class="controls">
                    <select data-testid="chart-x" on:change=move |ev| {
                        zoom.set(None);
                        x_axis.set(XAxis::from_choice(&event_target_value(&ev)));
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
                        if let Some(range) = drawing.with_untracked(|d| d.zoom_of(a, b)) {
                            zoom.set(Some(range));
                        }
                    }
                    drag.set(None);
                }
                on:dblclick=move |_| zoom.set(None)>
                <rect class="plot" x=LEFT y=TOP width=WIDTH - LEFT - RIGHT height=HEIGHT - TOP - BOTTOM/>
                {move || ticks.with(|(x_ticks, y_ticks)| {
                    let y_ticks = y_ticks.iter().map(|(y, label)| view! {
                        <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=*y y2=*y/>
                        <text class="tick" x=LEFT - 4.0 y=*y + 3.0 text-anchor="end">{label.clone()}</text>
                    }).collect_view();
                    let x_ticks = x_ticks.iter().map(|(x, label)| view! {
                        <text class="tick" x=*x y=HEIGHT - BOTTOM + 16.0 text-anchor="middle">{label.clone()}</text>
                    }).collect_view();
                    view! {
                        {y_ticks}
                        {x_ticks}
                    }
                })}
                // Lines stay the same elements from one drawing to the next; their paths are
                // set by one effect, only those drawn again (see `PathSetter`), and hovering
                // the legend only changes classes.
                <For each=move || drawing.with(|d| d.lines.iter().map(|l| l.index).collect::<Vec<usize>>()) key=|i| *i let:i>
                    {
                        let (raw, smoothed, raw_path, smoothed_path) = paths.add(i, drawing);
                        view! {
                            <path node_ref=raw d=raw_path class="line" style=format!("stroke:{}", colour(i))
                                class:raw=move || { weight.get() > 0.0 }
                                class:focus=move || highlighted.get() == Some(i)
                                class:dim=move || highlighted.get().is_some_and(|f| f != i)/>
                            <path node_ref=smoothed d=smoothed_path class="line smoothed" style=format!("stroke:{}", colour(i))
                                class:focus=move || highlighted.get() == Some(i)
                                class:dim=move || highlighted.get().is_some_and(|f| f != i)/>
                        }
                    }
                </For>
                {move || marks.with(|marks| marks.iter().map(|(x, y, label)| view! {
                    <text class="nonfinite" data-testid="chart-nonfinite" x=*x y=*y text-anchor="middle">
                        "▲"<title>{label.clone()}</title>
                    </text>
                }).collect_view())}
                {move || drag.get().map(|(a, b)| {
                    let (x0, x1) = drawing.with(|d| (d.px_at(a.min(b)), d.px_at(a.max(b))));
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
