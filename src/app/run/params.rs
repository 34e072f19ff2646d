//! The run's parameters (`run-params`).

use leptos::prelude::*;

use crate::domain::Param;

#[component]
pub fn ParamsTable(params: Vec<Param>) -> impl IntoView {
    view! {
        <section class="panel">
            <h3>"Parameters"</h3>
            <table class="kv" data-testid="run-params">
                <thead><tr><th>"Name"</th><th>"Value"</th></tr></thead>
                <tbody>
                    {params.into_iter().map(|p| view! { <tr><td>{p.key}</td><td class="value">{p.value}</td></tr> }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
