//! Small pieces shared by the pages: errors, markdown, description editing, downloads.

use futures::future::LocalBoxFuture;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::codec::markdown::to_safe_html;
use crate::domain::DomainError;

/// Runs `work` and reports its error, if any, into `error`.
pub fn run_action<F>(error: RwSignal<Option<String>>, work: F)
where
    F: std::future::Future<Output = Result<(), DomainError>> + 'static,
{
    error.set(None);
    leptos::task::spawn_local(async move {
        if let Err(e) = work.await {
            error.set(Some(e.message));
        }
    });
}

/// What a [`NameForm`] does with the name typed: some async work that may fail.
pub type NameAction = Callback<String, LocalBoxFuture<'static, Result<(), DomainError>>>;

/// A text box and a button; submitting runs `action` with the trimmed text, clears the box on
/// success, and shows the error otherwise.
#[component]
pub fn NameForm(
    placeholder: &'static str,
    input_testid: &'static str,
    button_testid: &'static str,
    button_label: &'static str,
    action: NameAction,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let work = action.run(name.get_untracked().trim().to_owned());
        run_action(error, async move {
            work.await?;
            name.set(String::new());
            Ok(())
        });
    };
    view! {
        <form class="inline-form" on:submit=submit>
            <input type="text" placeholder=placeholder data-testid=input_testid
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))/>
            <button type="submit" data-testid=button_testid>{button_label}</button>
        </form>
        <ErrorLine error=error/>
    }
}

/// Shows an error message when there is one.
#[component]
pub fn ErrorLine(error: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! { <p class="error-line" role="alert">{message}</p> }
        })
    }
}

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

/// Offers `bytes` to the user as a download called by the last part of `path`.
pub fn download(path: &str, bytes: &[u8]) -> Result<(), String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let anchor: web_sys::HtmlAnchorElement = document()
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url).map_err(|e| format!("{e:?}"))
}
