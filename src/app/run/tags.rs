//! The run's tags: the ones people set (`run-tags`), then MLflow's own (`mlflow.*`) folded
//! away with their count. The description's tag is shown as the description, not here.

use leptos::prelude::*;

use crate::domain::is_system_tag;
use crate::domain::{Tag, NOTE_TAG};

/// `tags` as (set by people, MLflow's own), each in the order given, without the description.
fn split_tags(tags: Vec<Tag>) -> (Vec<Tag>, Vec<Tag>) {
    tags.into_iter()
        .filter(|t| t.key != NOTE_TAG)
        .partition(|t| !is_system_tag(&t.key))
}

/// Rows of a tag table; MLflow's own tags (`system`) are drawn muted.
fn tag_rows(tags: Vec<Tag>, system: bool) -> impl IntoView {
    tags.into_iter()
        .map(|t| view! { <tr class:system=system><td>{t.key}</td><td class="value">{t.value}</td></tr> })
        .collect_view()
}

#[component]
pub fn TagsTable(tags: Vec<Tag>) -> impl IntoView {
    let (user, system) = split_tags(tags);
    let folded = (!system.is_empty()).then(|| {
        let summary = format!("System tags ({})", system.len());
        view! {
            <details data-testid="run-system-tags">
                <summary>{summary}</summary>
                <table class="kv">
                    <thead><tr><th>"Name"</th><th>"Value"</th></tr></thead>
                    <tbody>{tag_rows(system, true)}</tbody>
                </table>
            </details>
        }
    });
    view! {
        <section class="panel">
            <h3>"Tags"</h3>
            <table class="kv" data-testid="run-tags">
                <thead><tr><th>"Name"</th><th>"Value"</th></tr></thead>
                <tbody>{tag_rows(user, false)}</tbody>
            </table>
            {folded}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mlflow_s_own_tags_are_set_apart_and_the_description_left_out() {
        let (user, system) = split_tags(vec![
            Tag::new("mlflow.runName", "baseline"),
            Tag::new("team", "ml"),
            Tag::new(NOTE_TAG, "# notes"),
            Tag::new("mlflow.user", "ana"),
            Tag::new("owner", "ana"),
        ]);
        assert_eq!(user, [Tag::new("team", "ml"), Tag::new("owner", "ana")]);
        assert_eq!(
            system,
            [
                Tag::new("mlflow.runName", "baseline"),
                Tag::new("mlflow.user", "ana")
            ]
        );
    }
}
