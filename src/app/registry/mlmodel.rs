//! A model's `MLmodel` file as read by `codec::mlmodel`: where it was saved from, its flavors,
//! its signature, its input example and requirements.

use leptos::prelude::*;

use crate::app::format;
use crate::codec::mlmodel::{MlModel, SpecItem};

/// A signature part (inputs, outputs or params), when it has any.
fn spec_table(title: &'static str, items: Vec<SpecItem>) -> impl IntoView {
    (!items.is_empty()).then(|| {
        view! {
            <h4>{title}</h4>
            <table class="kv" data-testid="signature-table" data-part=title.to_ascii_lowercase()>
                <thead><tr><th>"Name"</th><th>"Type"</th><th>"Required"</th></tr></thead>
                <tbody>
                    {items.into_iter().map(|i| view! {
                        <tr><td>{if i.name.is_empty() { "—".to_owned() } else { i.name }}</td><td>{i.kind}</td><td>{if i.required { "yes" } else { "no" }}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}

/// The `MLmodel` file read: flavors with their settings, signature, input example and
/// requirements; or why it could not be read.
#[component]
pub fn MlModelView(
    model: Result<MlModel, String>,
    example: Option<String>,
    requirements: Option<String>,
) -> impl IntoView {
    let model = match model {
        Ok(m) => m,
        Err(e) => {
            return view! { <section class="panel" data-testid="mlmodel"><h3>"MLmodel"</h3><p class="error-line">{e}</p></section> }
                .into_any()
        }
    };
    let saved = [
        model.mlflow_version.clone().map(|v| format!("MLflow {v}")),
        model.created.clone().map(|c| format!("saved {c}")),
        model
            .model_size_bytes
            .map(|b| format::bytes(b.max(0) as u64)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <section class="panel" data-testid="mlmodel">
            <h3>"MLmodel"</h3>
            <p class="muted small">{saved}</p>
            <h4>"Flavors"</h4>
            {model.flavors.into_iter().map(|(flavor, settings)| view! {
                <details class="flavor" data-testid="mlmodel-flavor" data-flavor=flavor.clone() open>
                    <summary>{flavor.clone()}</summary>
                    <table class="kv"><tbody>
                        {settings.into_iter().map(|(k, v)| view! { <tr><td>{k}</td><td class="value">{v}</td></tr> }).collect_view()}
                    </tbody></table>
                </details>
            }).collect_view()}
            {spec_table("Inputs", model.inputs)}
            {spec_table("Outputs", model.outputs)}
            {spec_table("Params", model.params)}
            {example.map(|e| view! { <h4>"Input example"</h4><pre class="code" data-testid="input-example">{e}</pre> })}
            {requirements.map(|r| view! { <h4>"Requirements"</h4><pre class="code" data-testid="requirements">{r}</pre> })}
        </section>
    }
    .into_any()
}
