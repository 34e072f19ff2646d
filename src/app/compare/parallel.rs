//! Parallel coordinates (`compare-parallel`): an axis per param or metric (text params on
//! ordinal axes), a line per run coloured by the last axis; drag along an axis to keep the
//! runs inside a range (a brush, kept in the URL's `pc.brush`), the rest dimmed.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::card::{shorten, PlotCard, BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH};
use super::fields::{csv_of, Field};
use crate::app::chart::draw::{colour, path};
use crate::app::route::{set_query, Route};
use crate::chart::{ramp, Axis, Value};
use crate::domain::Run;

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

/// The axes when the URL names none: the params whose values differ (at most six), then the
/// first metric.
fn default_axes(fields: &[Field], runs: &[Run]) -> Vec<Field> {
    let differs = |f: &Field| {
        let mut values = runs.iter().map(|r| f.value(r));
        let first = values.next();
        values.any(|v| Some(v) != first)
    };
    let mut axes: Vec<Field> = fields
        .iter()
        .filter(|f| f.is_param() && differs(f))
        .take(6)
        .cloned()
        .collect();
    axes.extend(fields.iter().find(|f| !f.is_param()).cloned());
    axes
}

/// The axes the URL's `pc.axes` names (comma-separated), or the default ones.
fn axes_of(named: Option<&str>, fields: &[Field], runs: &[Run]) -> Vec<Field> {
    match named {
        Some(text) => text.split(',').filter_map(Field::parse).collect(),
        None => default_axes(fields, runs),
    }
}

/// `axes` with `field` added at the end, or taken out when it is there, as the URL writes them.
fn toggled(axes: &[Field], field: &Field) -> String {
    let mut next = axes.to_vec();
    if next.contains(field) {
        next.retain(|x| x != field);
    } else {
        next.push(field.clone());
    }
    next.iter().map(Field::name).collect::<Vec<_>>().join(",")
}

/// An axis as drawn: its field, where it stands across, and its scale.
type Placed = (Field, f64, Axis);

/// Each axis placed evenly across the plot, scaled to the runs' values.
fn layout(axes: Vec<Field>, runs: &[Run]) -> Vec<Placed> {
    let count = axes.len().max(1);
    // Room on the right for the last axis' title.
    let right = WIDTH - RIGHT - 32.0;
    let gap = (right - LEFT) / (count.max(2) - 1) as f64;
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
        .collect()
}

/// For each run, whether every brush (on an axis shown) keeps it.
fn kept(runs: &[Run], layout: &[Placed], brushes: &[Brush]) -> Vec<bool> {
    runs.iter()
        .map(|run| {
            brushes.iter().all(|b| {
                let Some((field, _, axis)) = layout.iter().find(|(f, _, _)| f.name() == b.field)
                else {
                    return true;
                };
                field
                    .value(run)
                    .and_then(|v| axis.coordinate(&v))
                    .is_some_and(|c| c >= b.range.0 && c <= b.range.1)
            })
        })
        .collect()
}

/// The brushes after a drag on `placed` from pixel row `from` to `to`: that axis' brush
/// replaced by the one drawn, or cleared by a click (a drag under 3 pixels).
fn brushed(brushes: Vec<Brush>, placed: &Placed, from: f64, to: f64) -> Vec<Brush> {
    let (field, _, axis) = placed;
    let name = field.name();
    let mut list: Vec<Brush> = brushes.into_iter().filter(|b| b.field != name).collect();
    if (from - to).abs() >= 3.0 {
        let (a, b) = (axis.invert(from), axis.invert(to));
        list.push(Brush {
            field: name,
            range: (a.min(b), a.max(b)),
        });
    }
    list
}

/// Half the height a brush adds around its range: on an ordinal axis a brush covers whole
/// categories' bands.
fn brush_pad(axis: &Axis) -> f64 {
    match axis {
        Axis::Ordinal { categories, .. } => {
            (HEIGHT - BOTTOM - TOP) / categories.len().max(1) as f64 / 2.0
        }
        Axis::Linear(_) => 0.0,
    }
}

/// Run `index`'s line colour: by its value on the last axis when that is numeric (grey
/// without one), else its own colour.
fn stroke(run: &Run, index: usize, last: Option<&Placed>) -> String {
    match last {
        Some((field, _, Axis::Linear(scale))) => match field.value(run) {
            Some(Value::Number(n)) => {
                let (lo, hi) = scale.domain;
                ramp((n - lo) / (hi - lo))
            }
            _ => "#8c959f".to_owned(),
        },
        _ => colour(index).to_owned(),
    }
}

#[component]
pub fn ParallelPlot(runs: StoredValue<Vec<Run>>, fields: StoredValue<Vec<Field>>) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let axes = Memo::new(move |_| {
        route.with(|r| {
            runs.with_value(|runs| fields.with_value(|f| axes_of(r.get("pc.axes"), f, runs)))
        })
    });
    let brushes = Memo::new(move |_| {
        route.with(|r| r.get("pc.brush").map(parse_brushes).unwrap_or_default())
    });
    // Each axis: its field, x position and scale.
    let layout = Memo::new(move |_| {
        let axes = axes.get();
        runs.with_value(|runs| layout(axes, runs))
    });
    // Which runs every brush keeps.
    let kept = Memo::new(move |_| {
        let brushes = brushes.get();
        layout.with(|layout| runs.with_value(|runs| kept(runs, layout, &brushes)))
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
        let Some(list) = layout.with_untracked(|l| {
            l.get(index)
                .map(|placed| brushed(brushes.get_untracked(), placed, from, to))
        }) else {
            return;
        };
        let text = brushes_text(&list);
        set_query(
            route,
            "pc.brush",
            (!list.is_empty()).then_some(text.as_str()),
        );
    };
    let lines = move || {
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
                        let stroke = stroke(run, i, layout.last());
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
                        let pad = brush_pad(axis);
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
                                    let text = toggled(&axes.get_untracked(), &field);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::compare::fields::fields_of;
    use crate::app::test_runs::run;

    #[test]
    fn default_axes_are_the_differing_params_then_a_metric() {
        let runs = [
            run("a", &[("lr", "0.1"), ("seed", "1")], &[("acc", 0.9)]),
            run("b", &[("lr", "0.2"), ("seed", "1")], &[("acc", 0.8)]),
        ];
        let fields = fields_of(&runs);
        let names = |axes: Vec<Field>| axes.iter().map(Field::name).collect::<Vec<_>>();
        assert_eq!(
            names(axes_of(None, &fields, &runs)),
            ["params.lr", "metrics.acc"]
        );
        assert_eq!(
            names(axes_of(Some("params.seed,tags.x"), &fields, &runs)),
            ["params.seed"]
        );
        let acc = Field::Metric("acc".into());
        let lr = Field::Param("lr".into());
        assert_eq!(toggled(&[lr.clone(), acc.clone()], &acc), "params.lr");
        assert_eq!(toggled(&[acc], &lr), "metrics.acc,params.lr");
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
    fn brushes_keep_the_runs_inside_them() {
        let runs = [
            run("a", &[("opt", "adam")], &[("acc", 0.9)]),
            run("b", &[("opt", "sgd")], &[("acc", 0.5)]),
            run("c", &[], &[("acc", 0.7)]),
        ];
        let placed = layout(
            vec![Field::Param("opt".into()), Field::Metric("acc".into())],
            &runs,
        );
        assert_eq!(placed[0].1, LEFT);
        assert!(brush_pad(&placed[0].2) > 0.0, "ordinal");
        assert_eq!(brush_pad(&placed[1].2), 0.0);
        // Dragging down the accuracy axis from 0.95 to 0.65.
        let (top, low) = (placed[1].2.at(0.95), placed[1].2.at(0.65));
        let brushes = brushed(vec![], &placed[1], top, low);
        assert_eq!(brushes.len(), 1);
        assert_eq!(kept(&runs, &placed, &brushes), [true, false, true]);
        assert!(
            brushed(brushes.clone(), &placed[1], top, top + 1.0).is_empty(),
            "a click clears"
        );
        let elsewhere = Brush {
            field: "params.depth".into(),
            range: (0.0, 1.0),
        };
        assert_eq!(
            kept(&runs, &placed, &[elsewhere]),
            [true, true, true],
            "no such axis"
        );
        assert_eq!(stroke(&runs[2], 2, None), colour(2));
        assert_eq!(stroke(&runs[0], 0, placed.last()), ramp(1.0));
        assert_eq!(stroke(&runs[0], 0, placed.first()), colour(0));
    }
}
