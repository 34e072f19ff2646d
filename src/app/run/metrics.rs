//! The run's latest metrics (`run-metrics`), each with a sparkline of its whole history.

use crate::app::notices::follow;
use leptos::prelude::*;

use crate::app::format;
use crate::app::use_app;
use crate::chart::LinearScale;
use crate::domain::Metric;

const SPARK_WIDTH: f64 = 120.0;
const SPARK_HEIGHT: f64 = 28.0;

/// The run's latest `metrics`. A row stays while its metric does (with its sparkline); a
/// logged point changes its value and step in place.
#[component]
pub fn MetricsTable(run_id: String, metrics: Memo<Vec<Metric>>) -> impl IntoView {
    let keys = Memo::new(move |_| {
        metrics.with(|all| all.iter().map(|m| m.key.clone()).collect::<Vec<_>>())
    });
    let latest = move |key: &str| metrics.with(|all| all.iter().find(|m| m.key == key).cloned());
    view! {
        <section class="panel">
            <h3>"Metrics"</h3>
            <table class="kv" data-testid="run-metrics">
                <thead><tr><th>"Name"</th><th>"Latest"</th><th>"Step"</th><th>"History"</th></tr></thead>
                <tbody>
                    <For each=move || keys.get() key=|k| k.clone() let:key>
                        {
                            let point = Memo::new({
                                let key = key.clone();
                                move |_| latest(&key).map(|m| (m.value, m.step))
                            });
                            view! {
                                <tr data-metric-key=key.clone()>
                                    <td>{key.clone()}</td>
                                    <td class="num" title=move || point.get().map(|(v, _)| v.to_string())>
                                        {move || point.get().map(|(v, _)| format::number(v))}
                                    </td>
                                    <td class="num">{move || point.get().map(|(_, step)| step)}</td>
                                    <td><Sparkline run_id=run_id.clone() key=key.clone()/></td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </section>
    }
}

/// The points of a sparkline of `values`, x by position in the history; values that are not
/// finite are left out.
fn sparkline_points(values: &[f64]) -> String {
    let xs = LinearScale::fit(
        [0.0, values.len().saturating_sub(1) as f64],
        (1.0, SPARK_WIDTH - 1.0),
    );
    let ys = LinearScale::fit(values.iter().copied(), (SPARK_HEIGHT - 2.0, 2.0));
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(|(i, &v)| format!("{:.1},{:.1}", xs.map(i as f64), ys.map(v)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A tiny line of a metric's whole history.
#[component]
fn Sparkline(run_id: String, key: String) -> impl IntoView {
    let app = use_app();
    let wanted = StoredValue::new((run_id, key));
    let changed = follow(app.calm_notice, move |c| {
        wanted.with_value(|(run_id, key)| c.touches_history(run_id, key))
    });
    let history = LocalResource::new(move || {
        let tracker = app.tracker();
        changed.track();
        let (run_id, key) = wanted.get_value();
        async move { tracker.metric_history_from(&run_id, &key, 0).await }
    });
    move || {
        history.get().and_then(|h| h.ok()).map(|history| {
            let count = history.len();
            let values = history.values();
            view! {
                <svg class="spark" width=SPARK_WIDTH height=SPARK_HEIGHT role="img"
                    aria-label=format!("{count} points")>
                    <polyline points=sparkline_points(values)/>
                </svg>
                <span class="muted small">{format!("{count} pts")}</span>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_span_the_box_and_skip_what_is_not_finite() {
        assert_eq!(
            sparkline_points(&[1.0, f64::NAN, 3.0]),
            "1.0,26.0 119.0,2.0"
        );
        assert_eq!(sparkline_points(&[2.0]), "60.0,14.0");
        assert_eq!(sparkline_points(&[]), "");
    }
}
