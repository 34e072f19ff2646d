//! Form pieces the pages share: running an action and showing its error, and a name form.

use futures::future::LocalBoxFuture;
use leptos::prelude::*;

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
