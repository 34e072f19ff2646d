//! A registered model's page: its name (renamed in place), description, tags, aliases with the
//! "aliases from stages" helper, its versions, and its board.

use futures::FutureExt;
use leptos::prelude::*;

use super::board::{Board, FocusAfterMove};
use super::data::{aliases_from_stages, newest_first, Card};
use super::links::version_link;
use super::models::use_registry;
use super::tags::TagEditor;
use crate::app::format;
use crate::app::hooks::use_title;
use crate::app::route::{navigate, Page, Route};
use crate::app::use_app;
use crate::app::widgets::{
    run_action, DescriptionEditor, EditorState, ErrorLine, NameAction, NameForm,
};
use crate::domain::{RegisteredModel, Tag};

#[component]
pub fn ModelPage(name: String) -> impl IntoView {
    let registry = use_registry(Some(name.clone()), Signal::stored(true));
    let editor = EditorState::new();
    let focus_after: FocusAfterMove = RwSignal::new(None);
    let name = StoredValue::new(name);
    use_title(move || name.get_value());
    view! {
        {move || registry.with(|r| match r {
            None => view! { <p class="muted">"Loading…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error-line">{e.message.clone()}</p> }.into_any(),
            Some(Ok(registry)) => match registry.model(&name.get_value()) {
                None => view! {
                    <section class="not-found">
                        <h1>"Model not found"</h1>
                        <p class="error-line">{format!("Registered Model with name={} not found", name.get_value())}</p>
                        <a href="#/models">"All models"</a>
                    </section>
                }.into_any(),
                Some(model) => {
                    let cards = registry.cards.clone();
                    view! { <ModelView model=model.clone() cards=cards editor=editor focus_after=focus_after/> }.into_any()
                }
            },
        })}
    }
}

#[component]
fn ModelView(
    model: RegisteredModel,
    cards: Vec<Card>,
    editor: EditorState,
    focus_after: FocusAfterMove,
) -> impl IntoView {
    let app = use_app();
    let error = RwSignal::new(None::<String>);
    let name = model.name.clone();
    let renaming = RwSignal::new(false);
    let confirm_delete = RwSignal::new(false);
    let show_helper = RwSignal::new(false);
    let description = Signal::derive({
        let text = model.description.clone();
        move || text.clone()
    });
    let save_description = {
        let name = name.clone();
        Callback::new(move |text: String| {
            let (tracker, name) = (app.tracker(), name.clone());
            run_action(error, async move {
                tracker.update_registered_model(&name, text).await.map(drop)
            });
        })
    };
    let rename: NameAction = {
        let name = name.clone();
        Callback::new(move |new_name: String| {
            let (tracker, name) = (app.tracker(), name.clone());
            async move {
                tracker.rename_registered_model(&name, &new_name).await?;
                navigate(&Route::page(Page::Model(new_name)));
                Ok(())
            }
            .boxed_local()
        })
    };
    let delete = {
        let name = name.clone();
        move |_| {
            let (tracker, name) = (app.tracker(), name.clone());
            run_action(error, async move {
                tracker.delete_registered_model(&name).await?;
                navigate(&Route::page(Page::Models));
                Ok(())
            });
        }
    };
    let suggestions = aliases_from_stages(&model, &cards);
    let apply_suggestions = {
        let (name, suggestions) = (name.clone(), suggestions.clone());
        move |_| {
            let (tracker, name, suggestions) = (app.tracker(), name.clone(), suggestions.clone());
            show_helper.set(false);
            run_action(error, async move {
                for (alias, version, _) in suggestions {
                    tracker.set_alias(&name, &alias, version).await?;
                }
                Ok(())
            });
        }
    };
    let tag_set = {
        let name = name.clone();
        Callback::new(move |(key, value): (String, String)| {
            let (tracker, name) = (app.tracker(), name.clone());
            run_action(error, async move {
                tracker
                    .set_registered_model_tag(&name, Tag::new(key, value))
                    .await
            });
        })
    };
    let tag_remove = {
        let name = name.clone();
        Callback::new(move |key: String| {
            let (tracker, name) = (app.tracker(), name.clone());
            run_action(error, async move {
                tracker.delete_registered_model_tag(&name, &key).await
            });
        })
    };
    let remove_alias = {
        let name = name.clone();
        move |alias: String| {
            let (tracker, name) = (app.tracker(), name.clone());
            run_action(
                error,
                async move { tracker.delete_alias(&name, &alias).await },
            );
        }
    };
    let version_count = cards.len();
    let rows = newest_first(&cards);
    view! {
        <section class="model-page" data-testid="model-page">
            <nav class="crumbs"><a href="#/models">"← Models"</a></nav>
            <div class="page-head">
                <h1 data-testid="model-name">{model.name.clone()}</h1>
                <div class="actions">
                    <button class="secondary" data-testid="model-rename" on:click=move |_| renaming.update(|r| *r = !*r)>"Rename"</button>
                    <button class="secondary" data-testid="model-delete" on:click=move |_| confirm_delete.set(true)>"Delete"</button>
                </div>
            </div>
            <Show when=move || renaming.get()>
                <NameForm placeholder="New name" input_testid="model-rename-input" button_testid="model-rename-save"
                    button_label="Rename" action=rename/>
            </Show>
            <Show when=move || confirm_delete.get()>
                <div class="dialog" role="dialog">
                    <p>{format!("Delete this model and its {version_count} versions? This cannot be undone.")}</p>
                    <div class="actions">
                        <button class="danger" data-testid="model-delete-confirm" on:click=delete.clone()>"Delete"</button>
                        <button class="secondary" on:click=move |_| confirm_delete.set(false)>"Cancel"</button>
                    </div>
                </div>
            </Show>
            <ErrorLine error=error/>
            <DescriptionEditor text=description save=save_description state=editor/>
            <div class="columns">
                <TagEditor tags=model.tags.clone() set=tag_set remove=tag_remove/>
                <section class="panel">
                    <h3>"Aliases"</h3>
                    <div class="chips" data-testid="model-aliases">
                        {model.aliases.iter().map(|(alias, version)| {
                            let (remove, gone) = (remove_alias.clone(), alias.clone());
                            view! {
                                <span class="chip alias" data-testid="alias-chip" data-alias=alias.clone()>
                                    <a href=version_link(&name, *version)>{format!("@{alias} → v{version}")}</a>
                                    <button class="link" data-testid="alias-remove" title="Delete this alias"
                                        on:click=move |_| remove(gone.clone())>"×"</button>
                                </span>
                            }
                        }).collect_view()}
                    </div>
                    <button class="secondary small" data-testid="aliases-from-stages" on:click=move |_| show_helper.update(|s| *s = !*s)>
                        "Aliases from stages…"
                    </button>
                    <Show when=move || show_helper.get()>
                        <div class="helper" data-testid="aliases-preview">
                            {if suggestions.is_empty() {
                                view! { <p class="muted">"Nothing to do: every Staging and Production version already has its alias."</p> }.into_any()
                            } else {
                                view! {
                                    <p>"This will set:"</p>
                                    <ul>
                                        {suggestions.iter().map(|(alias, version, now)| {
                                            let note = now.map(|v| format!(" (moves from v{v})")).unwrap_or_default();
                                            view! { <li data-testid="alias-suggestion">{format!("@{alias} → v{version}{note}")}</li> }
                                        }).collect_view()}
                                    </ul>
                                    <button data-testid="aliases-apply" on:click=apply_suggestions.clone()>"Set these aliases"</button>
                                }.into_any()
                            }}
                        </div>
                    </Show>
                </section>
            </div>
            <section class="panel">
                <h3>"Versions"</h3>
                <table class="kv" data-testid="version-list">
                    <thead><tr><th>"Version"</th><th>"Stage"</th><th>"Aliases"</th><th>"Source run"</th><th>"Registered"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|c| view! {
                            <tr data-testid="version-row" data-version=c.version.version.to_string()>
                                <td><a href=version_link(&c.version.name, c.version.version)>{format!("v{}", c.version.version)}</a></td>
                                <td>{c.version.current_stage.as_str()}</td>
                                <td>{c.aliases.iter().map(|a| format!("@{a}")).collect::<Vec<_>>().join(" ")}</td>
                                <td>{c.run.map(|(_, _, name)| name)}</td>
                                <td>{format::time(c.version.creation_timestamp)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <Board cards=cards show_model=false focus_after=focus_after/>
        </section>
    }
}
