//! Descriptions: markdown shown safely, and edited in place with what is typed kept by the
//! page.

use leptos::prelude::*;

use crate::codec::markdown::to_safe_html;

/// Markdown rendered safely (no raw HTML, no script links).
#[component]
pub fn Markdown(#[prop(into)] text: Signal<String>) -> impl IntoView {
    view! { <div class="markdown" inner_html=move || to_safe_html(&text.get())></div> }
}

/// Whether a description is being edited, and the text typed so far. Pages own it, so that
/// what is typed survives the page showing newer data (a run logged to meanwhile).
#[derive(Clone, Copy)]
pub struct EditorState {
    editing: RwSignal<bool>,
    draft: RwSignal<String>,
}

impl EditorState {
    pub fn new() -> EditorState {
        EditorState {
            editing: RwSignal::new(false),
            draft: RwSignal::new(String::new()),
        }
    }
}

/// A markdown description with an Edit button; `save` stores the new text.
#[component]
pub fn DescriptionEditor(
    #[prop(into)] text: Signal<String>,
    save: Callback<String>,
    state: EditorState,
) -> impl IntoView {
    let EditorState { editing, draft } = state;
    view! {
        <section class="description" data-testid="description">
            <div class="section-head">
                <h3>"Description"</h3>
                <Show when=move || !editing.get()>
                    <button class="link" data-testid="description-edit" on:click=move |_| {
                        draft.set(text.get_untracked());
                        editing.set(true);
                    }>"Edit"</button>
                </Show>
            </div>
            {
                move || {
                    if editing.get() {
                        view! {
                            <form class="description-form" on:submit=move |ev| {
                                ev.prevent_default();
                                save.run(draft.get_untracked());
                                editing.set(false);
                            }>
                                <textarea data-testid="description-input" rows="6"
                                    prop:value=move || draft.get()
                                    on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                                <div class="actions">
                                    <button type="submit" data-testid="description-save">"Save"</button>
                                    <button type="button" class="secondary" on:click=move |_| editing.set(false)>"Cancel"</button>
                                </div>
                            </form>
                        }.into_any()
                    } else if text.get().trim().is_empty() {
                        view! { <p class="muted">"No description yet. Markdown is welcome."</p> }.into_any()
                    } else {
                        view! { <Markdown text=text/> }.into_any()
                    }
                }
            }
        </section>
    }
}
