//! Editing the tags of a registered model or a model version: a remove button on each, and a
//! form to add or change one.

use leptos::prelude::*;

use crate::domain::Tag;

/// Tags with a remove button each, and a form to add or change one.
#[component]
pub fn TagEditor(
    tags: Vec<Tag>,
    set: Callback<(String, String)>,
    remove: Callback<String>,
) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    view! {
        <section class="panel">
            <h3>"Tags"</h3>
            <table class="kv" data-testid="tags-table">
                <tbody>
                    {tags.into_iter().map(|t| {
                        let (gone, row_key) = (t.key.clone(), t.key.clone());
                        view! {
                            <tr data-testid="tag-row" data-key=row_key>
                                <td>{t.key}</td><td class="value">{t.value}</td>
                                <td><button class="link" data-testid="tag-remove" title="Delete this tag"
                                    on:click=move |_| remove.run(gone.clone())>"×"</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                let k = key.get_untracked().trim().to_owned();
                if !k.is_empty() {
                    set.run((k, value.get_untracked()));
                    key.set(String::new());
                    value.set(String::new());
                }
            }>
                <input type="text" placeholder="key" data-testid="tag-key" prop:value=move || key.get()
                    on:input=move |ev| key.set(event_target_value(&ev))/>
                <input type="text" placeholder="value" data-testid="tag-value" prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))/>
                <button type="submit" class="secondary" data-testid="tag-add">"Set tag"</button>
            </form>
        </section>
    }
}
