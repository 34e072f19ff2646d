//! Form pieces the pages share: running an action and showing its error, a name form, and a
//! select kept in the URL.

use futures::future::LocalBoxFuture;
use leptos::prelude::*;

use crate::app::route::{set_query, Route};
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

/// A select of two choices kept in the URL: `key` absent for the first, `key=<value>` for the
/// second.
#[component]
pub fn UrlChoice(
    testid: &'static str,
    key: &'static str,
    first: &'static str,
    second: (&'static str, &'static str),
) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let (value, label) = second;
    let on = Memo::new(move |_| route.with(|r| r.get(key) == Some(value)));
    view! {
        <select data-testid=testid on:change=move |ev| {
            let chosen = event_target_value(&ev) == value;
            set_query(route, key, chosen.then_some(value));
        }>
            <option value="" selected=move || !on.get()>{first}</option>
            <option value=value selected=move || on.get()>{label}</option>
        </select>
    }
}
