//! The data sets the run used (`run-datasets`), when it used any.

use leptos::prelude::*;

use crate::domain::{DatasetInput, DATASET_CONTEXT_TAG};

/// What the run used a data set for (`training`, `eval`), as MLflow tags it.
fn context(input: &DatasetInput) -> Option<String> {
    input
        .tags
        .iter()
        .find(|t| t.key == DATASET_CONTEXT_TAG)
        .map(|t| t.value.clone())
}

#[component]
pub fn Datasets(inputs: Vec<DatasetInput>) -> impl IntoView {
    view! {
        <section class="panel">
            <h3>"Datasets"</h3>
            <table class="kv" data-testid="run-datasets">
                <thead><tr><th>"Name"</th><th>"Digest"</th><th>"Context"</th><th>"Source"</th></tr></thead>
                <tbody>
                    {inputs.into_iter().map(|input| view! {
                        <tr>
                            <td>{input.dataset.name.clone()}</td>
                            <td><code>{input.dataset.digest.clone()}</code></td>
                            <td>{context(&input)}</td>
                            <td class="value">{input.dataset.source.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Dataset, Tag};

    #[test]
    fn a_data_set_s_context_is_its_mlflow_tag() {
        let mut input = DatasetInput {
            tags: vec![Tag::new("other", "x")],
            dataset: Dataset {
                name: "taxi".into(),
                digest: "d1".into(),
                source_type: "local".into(),
                source: "taxi.csv".into(),
                schema: None,
                profile: None,
            },
        };
        assert_eq!(context(&input), None);
        input.tags.push(Tag::new(DATASET_CONTEXT_TAG, "training"));
        assert_eq!(context(&input).as_deref(), Some("training"));
    }
}
