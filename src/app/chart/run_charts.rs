//! An experiment's chart view: one card per metric with the chosen runs overlaid, each card
//! drawn only once it comes on screen.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::metric_chart::MetricChart;
use super::series::ChartRun;

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
