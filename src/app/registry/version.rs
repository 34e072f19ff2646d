//! A model version's page: its stage (with transitions and their history), the `models:/` URIs
//! that name it (each resolved), aliases, description, tags, the source run and its metrics,
//! the model's `MLmodel` and its files.

use crate::app::notices::follow;
use leptos::prelude::*;

use super::links::model_link;
use super::mlmodel::MlModelView;
use super::tags::TagEditor;
use super::version_data::{load_version, VersionData};
use crate::app::artifacts::{folder_view, Folder};
use crate::app::format;
use crate::app::hooks::use_title;
use crate::app::route::{navigate, Page, Route};
use crate::app::widgets::{run_action, DescriptionEditor, EditorState, ErrorLine};
use crate::app::{keep_last, use_app};
use crate::domain::{Stage, Tag};

#[component]
pub fn VersionPage(name: String, version: String) -> impl IntoView {
    let app = use_app();
    let editor = EditorState::new();
    let key = StoredValue::new((name, version));
    // The version, its model, its source run (metrics) and its files.
    let changed = follow(app.notice, |c| {
        c.touches_registry() || !c.runs.is_empty() || !c.artifacts.is_empty()
    });
    let data = keep_last(LocalResource::new(move || {
        let tracker = app.tracker();
        changed.track();
        let (name, version) = key.get_value();
        async move { load_version(&tracker, &name, &version).await }
    }));
    use_title(move || {
        data.with(|d| match d {
            None => String::new(),
            Some(Ok(data)) => data.title(),
            Some(Err(_)) => "Model version not found".to_owned(),
        })
    });
    view! {
        {move || data.with(|d| match d {
            None => view! { <p class="muted">"Loading…"</p> }.into_any(),
            Some(Err(e)) => view! {
                <section class="not-found">
                    <h1>"Model version not found"</h1>
                    <p class="error-line">{e.message.clone()}</p>
                    <a href="#/models">"All models"</a>
                </section>
            }.into_any(),
            Some(Ok(data)) => view! { <VersionView data=data.clone() editor=editor/> }.into_any(),
        })}
    }
}

#[component]
fn VersionView(data: VersionData, editor: EditorState) -> impl IntoView {
    let app = use_app();
    let error = RwSignal::new(None::<String>);
    let version = data.version.clone();
    let name = StoredValue::new(version.name.clone());
    let number = version.version;
    let target = RwSignal::new(Stage::Production);
    let archive = RwSignal::new(false);
    let alias = RwSignal::new(String::new());
    let transition = move |_| {
        let tracker = app.tracker();
        let (to, archive) = (target.get_untracked(), archive.get_untracked());
        run_action(error, async move {
            tracker
                .transition_stage(&name.get_value(), number, to, archive)
                .await
                .map(drop)
        });
    };
    let set_alias = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (tracker, text) = (app.tracker(), alias.get_untracked().trim().to_owned());
        run_action(error, async move {
            tracker.set_alias(&name.get_value(), &text, number).await?;
            alias.set(String::new());
            Ok(())
        });
    };
    let remove_alias = move |gone: String| {
        let tracker = app.tracker();
        run_action(error, async move {
            tracker.delete_alias(&name.get_value(), &gone).await
        });
    };
    let delete = move |_| {
        let tracker = app.tracker();
        run_action(error, async move {
            tracker
                .delete_model_version(&name.get_value(), number)
                .await?;
            navigate(&Route::page(Page::Model(name.get_value())));
            Ok(())
        });
    };
    let save_description = Callback::new(move |text: String| {
        let tracker = app.tracker();
        run_action(error, async move {
            tracker
                .update_model_version(&name.get_value(), number, text)
                .await
                .map(drop)
        });
    });
    let tag_set = Callback::new(move |(key, value): (String, String)| {
        let tracker = app.tracker();
        run_action(error, async move {
            tracker
                .set_model_version_tag(&name.get_value(), number, Tag::new(key, value))
                .await
        });
    });
    let tag_remove = Callback::new(move |key: String| {
        let tracker = app.tracker();
        run_action(error, async move {
            tracker
                .delete_model_version_tag(&name.get_value(), number, &key)
                .await
        });
    });
    let description = Signal::derive({
        let text = version.description.clone();
        move || text.clone()
    });
    let aliases = data.model.aliases_of(number);
    let back = model_link(&version.name);
    let stage = version.current_stage;
    let run_section = data.run.clone().map(|run| {
        let link = Route::page(Page::Run {
            experiment_id: run.info.experiment_id.clone(),
            run_id: run.info.run_id.clone(),
        })
        .to_hash();
        view! {
            <section class="panel">
                <h3>"Source run"</h3>
                <p><a href=link data-testid="version-run-link">{run.display_name().to_owned()}</a></p>
                <table class="kv" data-testid="version-run-metrics">
                    <tbody>
                        {run.data.metrics.iter().map(|m| view! {
                            <tr><td>{m.key.clone()}</td><td class="value">{format::number(m.value)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }
    });
    let owner = data.owner.clone().unwrap_or_default();
    view! {
        <section class="version-page" data-testid="version-page">
            <nav class="crumbs"><a href=back>{format!("← {}", version.name)}</a></nav>
            <div class="page-head">
                <h1>{format!("{} v{number}", version.name)}</h1>
                <span class=format!("stage {}", stage.as_str().to_ascii_lowercase()) data-testid="version-stage">{stage.as_str()}</span>
                {aliases.iter().map(|a| view! { <span class="chip alias">"@"{a.clone()}</span> }).collect_view()}
                <div class="actions">
                    <button class="secondary" data-testid="version-delete" on:click=delete>"Delete version"</button>
                </div>
            </div>
            <ErrorLine error=error/>
            <div class="columns">
                <section class="panel">
                    <h3>"Stage"</h3>
                    <div class="inline-form">
                        <select data-testid="version-stage-select" on:change=move |ev| {
                            if let Ok(s) = event_target_value(&ev).parse() {
                                target.set(s);
                            }
                        }>
                            {Stage::ALL.iter().map(|s| view! {
                                <option value=s.as_str() selected=*s == Stage::Production>{s.as_str()}</option>
                            }).collect_view()}
                        </select>
                        <label class="toggle"><input type="checkbox" data-testid="version-archive-existing"
                            on:change=move |ev| archive.set(event_target_checked(&ev))/>" archive the versions now there"</label>
                        <button data-testid="version-transition" on:click=transition>"Move"</button>
                    </div>
                    {version.stage_history.is_empty().then(|| view! {
                        <p class="muted small">"No stage changes recorded in labbook for this version."</p>
                    })}
                    <table class="kv" data-testid="stage-history">
                        <thead><tr><th>"When"</th><th>"From"</th><th>"To"</th></tr></thead>
                        <tbody>
                            {version.stage_history.iter().rev().map(|h| view! {
                                <tr data-testid="stage-history-row">
                                    <td>{format::time(h.timestamp)}</td><td>{h.from.as_str()}</td><td>{h.to.as_str()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
                <section class="panel">
                    <h3>"Aliases and URIs"</h3>
                    <div class="chips">
                        {aliases.iter().map(|a| {
                            let gone = a.clone();
                            view! {
                                <span class="chip alias" data-testid="alias-chip" data-alias=a.clone()>"@"{a.clone()}
                                    <button class="link" data-testid="alias-remove" on:click=move |_| remove_alias(gone.clone())>"×"</button>
                                </span>
                            }
                        }).collect_view()}
                    </div>
                    <form class="inline-form" on:submit=set_alias>
                        <input type="text" placeholder="alias, e.g. champion" data-testid="alias-input"
                            prop:value=move || alias.get() on:input=move |ev| alias.set(event_target_value(&ev))/>
                        <button type="submit" class="secondary" data-testid="alias-set">"Set alias"</button>
                    </form>
                    <ul class="uris">
                        {data.uris.iter().map(|(uri, resolved)| {
                            let answer = match resolved {
                                Ok(v) => format!("→ v{v}"),
                                Err(e) => e.clone(),
                            };
                            view! { <li data-testid="model-uri" data-uri=uri.clone()><code>{uri.clone()}</code>" "<span class="muted">{answer}</span></li> }
                        }).collect_view()}
                    </ul>
                    <p class="muted small">"Source: "<code data-testid="version-source">{version.source.clone()}</code></p>
                </section>
            </div>
            <DescriptionEditor text=description save=save_description state=editor/>
            <div class="columns">
                <TagEditor tags=version.tags.clone() set=tag_set remove=tag_remove/>
                {run_section}
            </div>
            {data.mlmodel.clone().map(|m| view! { <MlModelView model=m example=data.input_example.clone() requirements=data.requirements.clone()/> })}
            <section class="panel">
                <h3>"Files"</h3>
                <div class="artifact-tree" data-testid="version-files">
                    {if data.files.is_empty() {
                        view! { <p class="muted">{format!("No files for this version in labbook; its source is {}", version.source)}</p> }.into_any()
                    } else {
                        folder_view(Folder::build(&data.files), owner, error)
                    }}
                </div>
            </section>
        </section>
    }
}
