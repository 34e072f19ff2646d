//! The list of registered models (`model-list`), searchable with MLflow's filter language (or
//! plain words) and ordered by name or time, or the board of all of them; and the resource the
//! registry pages follow.

use crate::app::notices::follow;
use futures::FutureExt;
use leptos::prelude::*;

use super::board::{Board, FocusAfterMove};
use super::data::{latest_version, load_registry, stage_summary, Card, Registry};
use super::links::{clicked_a_link, model_link, version_link};
use crate::app::format;
use crate::app::hooks::use_title;
use crate::app::route::{navigate, set_query, Page, Route};
use crate::app::widgets::{NameAction, NameForm, UrlChoice};
use crate::app::{keep_last, use_app};
use crate::domain::{DomainError, RegisteredModel};
use crate::search::{Filter, Target};

/// The registry (see [`load_registry`]), reloaded after every write, keeping the last answer
/// meanwhile.
pub fn use_registry(
    only: Option<String>,
    with_runs: Signal<bool>,
) -> ReadSignal<Option<Result<Registry, DomainError>>, LocalStorage> {
    let app = use_app();
    // The registry, and the source runs' metrics when the board shows them.
    let changed = follow(app.notice, move |c| {
        c.touches_registry() || (with_runs.get_untracked() && !c.runs.is_empty())
    });
    keep_last(LocalResource::new(move || {
        let tracker = app.tracker();
        changed.track();
        let (only, with_runs) = (only.clone(), with_runs.get());
        async move { load_registry(&tracker, only.as_deref(), with_runs).await }
    }))
}

/// The search box's text as a registered-model filter: MLflow's language, or plain words
/// taken as `name ILIKE '%words%'`.
fn model_filter(text: &str) -> Result<Filter, String> {
    let text = text.trim();
    let plain = !text.is_empty()
        && !text.contains(['=', '<', '>', '!', '\''])
        && !text.to_ascii_uppercase().contains("LIKE");
    let query = if plain {
        format!("name ILIKE '%{text}%'")
    } else {
        text.to_owned()
    };
    Filter::parse(Target::RegisteredModels, &query).map_err(|e| DomainError::from(e).message)
}

#[component]
pub fn ModelsPage() -> impl IntoView {
    let app = use_app();
    let route = expect_context::<RwSignal<Route>>();
    use_title(|| "Models".to_owned());
    let focus_after: FocusAfterMove = RwSignal::new(None);
    let text = Memo::new(move |_| route.with(|r| r.get("filter").unwrap_or_default().to_owned()));
    let filter = Memo::new(move |_| model_filter(&text.get()));
    let board = Memo::new(move |_| route.with(|r| r.get("view") == Some("board")));
    // The list needs no runs; the board shows each version's source run.
    let registry = use_registry(None, board.into());
    let by_time = Memo::new(move |_| route.with(|r| r.get("order") == Some("updated")));
    let set = move |key: &str, value: Option<&str>| set_query(route, key, value);
    let shown = move || {
        let filter = filter.get().ok()?;
        registry.with(|r| {
            let registry = r.as_ref()?.as_ref().ok()?;
            Some(registry.matching(&filter, by_time.get()))
        })
    };
    let create: NameAction = Callback::new(move |name: String| {
        let tracker = app.tracker();
        async move {
            tracker
                .create_registered_model(&name, Vec::new(), String::new())
                .await?;
            navigate(&Route::page(Page::Model(name)));
            Ok(())
        }
        .boxed_local()
    });
    view! {
        <section class="models-page" data-testid="models-page">
            <div class="page-head">
                <h1>"Models"</h1>
                <div class="actions">
                    <NameForm placeholder="New model name" input_testid="model-name-input"
                        button_testid="model-create" button_label="Create model" action=create/>
                </div>
            </div>
            <div class="toolbar">
                <input type="search" class="search" data-testid="model-search"
                    placeholder="Search: a name, or name LIKE 'taxi%' and tags.team = 'ml'"
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        set("filter", (!value.is_empty()).then_some(value.as_str()));
                    }/>
                <UrlChoice testid="model-order" key="order" first="By name" second=("updated", "Last modified first")/>
                <label class="toggle">
                    <input type="checkbox" data-testid="models-view-board" prop:checked=move || board.get()
                        on:change=move |ev| set("view", event_target_checked(&ev).then_some("board"))/>
                    " Board of all models"
                </label>
            </div>
            {move || filter.get().err().map(|e| view! { <p class="error-line" data-testid="search-error">{e}</p> })}
            {move || match shown() {
                None => registry.with(|r| match r {
                    Some(Err(e)) => view! { <p class="error-line">{e.message.clone()}</p> }.into_any(),
                    _ => view! { <p class="muted">"Loading…"</p> }.into_any(),
                }),
                Some((_, cards)) if board.get() => view! { <Board cards=cards show_model=true focus_after=focus_after/> }.into_any(),
                Some((models, _)) if models.is_empty() => view! {
                    <p class="muted" data-testid="model-list">"No registered models match. Create one above, register a run's model from its page, or import an MLflow registry."</p>
                }.into_any(),
                Some((models, cards)) => view! { <ModelList models=models cards=cards/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ModelList(models: Vec<RegisteredModel>, cards: Vec<Card>) -> impl IntoView {
    view! {
        <table class="kv model-list" data-testid="model-list">
            <thead><tr><th>"Name"</th><th>"Latest version"</th><th>"Stages"</th><th>"Aliases"</th><th>"Tags"</th><th>"Last modified"</th></tr></thead>
            <tbody>
                {models.into_iter().map(|m| {
                    let latest = latest_version(&cards, &m.name);
                    let stages = stage_summary(&cards, &m.name);
                    let aliases = m.aliases.iter().map(|(a, v)| format!("@{a} v{v}")).collect::<Vec<_>>().join(" ");
                    let tags = m.tags.iter().map(|t| format!("{}={}", t.key, t.value)).collect::<Vec<_>>().join(", ");
                    let target = Route::page(Page::Model(m.name.clone()));
                    view! {
                        <tr data-testid="model-item" data-name=m.name.clone() class="clickable"
                            on:click=move |ev| if !clicked_a_link(&ev) { navigate(&target) }>
                            <td><a href=model_link(&m.name)>{m.name.clone()}</a></td>
                            <td>{latest.map(|v| view! { <a href=version_link(&m.name, v)>{format!("v{v}")}</a> })}</td>
                            <td>{stages}</td>
                            <td>{aliases}</td>
                            <td class="value">{tags}</td>
                            <td>{format::time(m.last_updated_timestamp)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::registry::data::tests::model;
    use crate::domain::Tag;

    #[test]
    fn plain_words_search_names() {
        let filter = model_filter("taxi").unwrap();
        let mut model = model("NYC-Taxi", &[]);
        model.tags = vec![Tag::new("team", "ml")];
        assert!(filter.matches_model(&model));
        assert!(model_filter("tags.team = 'ml'")
            .unwrap()
            .matches_model(&model));
        model.name = "other".into();
        assert!(!filter.matches_model(&model));
        assert!(model_filter("name = ").is_err());
    }
}
