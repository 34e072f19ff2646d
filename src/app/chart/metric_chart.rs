//! A metric's histories as a chart (`metric-chart`), one line per run and metric (more metrics
//! can be added to a chart): x by step, wall time or time since each run started; linear or log
//! y; smoothing with the raw lines kept faint; drag a box to zoom (the decimation follows, so
//! detail appears), double-click to reset; hover for each line's nearest point; a legend to
//! hide a line (click) or pick it out (hover); NaN and ±inf marked; the data as CSV and the
//! chart as SVG or PNG. What is drawn is computed by `drawing`; this module holds only what the
//! reader is doing (zoom, hover, drag, settings) and the SVG elements.

use std::collections::HashSet;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::draw::colour;
use super::drawing::{
    addable, csv, line_label, lines_of, nearest_points, ChartRun, Drawing, Look, Series, XAxis,
    BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH,
};
use crate::app::format;
use crate::app::use_app;
use crate::app::widgets::ExportButtons;
use crate::domain::Metric;

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
    // Each line's history: all of them read when the lines change, and then only those a
    // write touched, read again in place (the others are kept as they are).
    let histories = RwSignal::new_local(None::<Vec<Vec<Metric>>>);
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
                all.push(tracker.metric_history(id, key).await.unwrap_or_default());
            }
            if generation.get_value() == mine {
                histories.set(Some(all));
            }
        });
    });
    Effect::new(move |_| {
        let wanted = wanted();
        let touched: Vec<usize> = app.notice.with(|n| {
            (0..wanted.len())
                .filter(|&i| n.changes.touches_history(&wanted[i].0, &wanted[i].1))
                .collect()
        });
        if touched.is_empty() {
            return;
        }
        let tracker = app.tracker();
        let mine = generation.get_value();
        leptos::task::spawn_local(async move {
            let mut fresh = Vec::with_capacity(touched.len());
            for &i in &touched {
                let (id, key) = &wanted[i];
                fresh.push((i, tracker.metric_history(id, key).await.unwrap_or_default()));
            }
            if generation.get_value() == mine {
                histories.update(|all| {
                    if let Some(all) = all {
                        for (i, history) in fresh {
                            if let Some(slot) = all.get_mut(i) {
                                *slot = history;
                            }
                        }
                    }
                });
            }
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

    let series = Memo::new(move |_| {
        let axis = x_axis.get();
        histories.with(|h| {
            let h = h.as_deref().unwrap_or_default();
            lines.with(|lines| {
                runs.with_value(|runs| {
                    lines
                        .iter()
                        .zip(h)
                        .map(|((r, _), history)| Series::of(history, axis, runs[*r].start_time))
                        .collect::<Vec<_>>()
                })
            })
        })
    });
    // Everything drawn, recomputed when data, zoom or settings change.
    let drawing = Memo::new(move |_| {
        let look = Look {
            hidden: hidden.get(),
            zoom: zoom.get(),
            weight: weight.get(),
            log_y: log_y.get(),
        };
        // The series follow the axis already.
        series.with(|all| Drawing::of(all, x_axis.get_untracked(), &look))
    });

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
                <span class="muted" data-testid="chart-points">{move || drawing.with(|d| format!(" {} of {} points drawn", d.drawn, series.with(|all| all.iter().map(Series::len).sum::<usize>())))}</span>
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
                        class:raw=move || drawing.with(|d| d.line(i).is_some_and(|l| !l.2.is_empty()))
                        class:focus=move || highlighted.get() == Some(i)
                        class:dim=move || highlighted.get().is_some_and(|f| f != i)
                        d=move || drawing.with(|d| d.line(i).map(|l| l.1.clone()).unwrap_or_default())/>
                    <path class="line smoothed" style=format!("stroke:{}", colour(i))
                        class:focus=move || highlighted.get() == Some(i)
                        class:dim=move || highlighted.get().is_some_and(|f| f != i)
                        d=move || drawing.with(|d| d.line(i).map(|l| l.2.clone()).unwrap_or_default())/>
                </For>
                {move || drawing.with(|d| d.marks.iter().map(|(x, y, label)| view! {
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
