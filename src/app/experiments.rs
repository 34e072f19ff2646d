//! The experiments sidebar, the welcome page, and an experiment's page with its runs table.

use futures::FutureExt;
use leptos::prelude::*;

use super::notices::follow;
use super::route::{navigate, Page, Route};
use super::runs::RunsSection;
use super::storage::StorageStatus;
use super::transfer::{export, ExportFormat};
use super::widgets::{run_action, DescriptionEditor, EditorState, ErrorLine, NameAction, NameForm};
use super::{keep_last, use_app};
use crate::domain::is_system_tag;
use crate::domain::{Experiment, LifecycleStage, Tag, ViewType, DEFAULT_EXPERIMENT_ID, NOTE_TAG};
use crate::store::ChangeSet;
use crate::store::ExportScope;

fn use_route_signal() -> RwSignal<Route> {
    expect_context::<RwSignal<Route>>()
}

fn selected_experiment(route: &Route) -> Option<String> {
    match &route.page {
        Page::Experiment(id) => Some(id.clone()),
        Page::Run { experiment_id, .. } => Some(experiment_id.clone()),
        Page::Home
        | Page::Transfer
        | Page::Compare
        | Page::Models
        | Page::Model(_)
        | Page::Version { .. } => None,
    }
}

fn experiment_route(id: &str) -> Route {
    Route::page(Page::Experiment(id.to_owned()))
}

/// A name box and a Create button; creating opens the new experiment.
#[component]
fn NewExperimentForm(#[prop(optional)] on_done: Option<Callback<()>>) -> impl IntoView {
    let app = use_app();
    let action: NameAction = Callback::new(move |name: String| {
        let tracker = app.tracker();
        async move {
            let id = tracker.create_experiment(&name, None, vec![]).await?;
            if let Some(done) = on_done {
                done.run(());
            }
            navigate(&experiment_route(&id));
            Ok(())
        }
        .boxed_local()
    });
    view! {
        <NameForm placeholder="Experiment name" input_testid="experiment-name-input"
            button_testid="experiment-create" button_label="Create" action=action/>
    }
}

/// The list of experiments down the left side.
#[component]
pub fn ExperimentSidebar() -> impl IntoView {
    let app = use_app();
    let route = use_route_signal();
    let show_deleted = Memo::new(move |_| route.get().get("experiments") == Some("all"));
    let changed = follow(app.notice, ChangeSet::touches_experiments);
    let experiments = LocalResource::new(move || {
        let tracker = app.tracker();
        changed.track();
        let view = if show_deleted.get() {
            ViewType::All
        } else {
            ViewType::ActiveOnly
        };
        async move { tracker.experiments(view).await }
    });
    let creating = RwSignal::new(false);
    let selected = Memo::new(move |_| selected_experiment(&route.get()));
    let toggle_deleted = move |_| {
        let current = route.get_untracked();
        let value = (!show_deleted.get_untracked()).then_some("all");
        navigate(&current.with("experiments", value));
    };
    view! {
        <aside class="sidebar">
            <div class="section-head">
                <h2>"Experiments"</h2>
                <button class="small" data-testid="experiment-new" on:click=move |_| creating.update(|c| *c = !*c)>
                    "+ New"
                </button>
            </div>
            <Show when=move || creating.get()>
                <NewExperimentForm on_done=Callback::new(move |_| creating.set(false))/>
            </Show>
            <ul class="experiment-list" data-testid="experiment-list">
                {move || match experiments.get() {
                    None => view! { <li class="muted">"Loading…"</li> }.into_any(),
                    Some(Err(e)) => view! { <li class="error-line">{e.message}</li> }.into_any(),
                    Some(Ok(list)) => {
                        let keep = route.get_untracked().query;
                        list.into_iter()
                            .map(|e| {
                                let id = e.experiment_id.clone();
                                let mut target = experiment_route(&id);
                                target.query = keep.iter().filter(|(k, _)| k == "experiments").cloned().collect();
                                let is_selected = {
                                    let id = id.clone();
                                    move || selected.get().as_deref() == Some(id.as_str())
                                };
                                view! {
                                    <li data-testid="experiment-item" data-experiment-id=id.clone()
                                        class:selected=is_selected
                                        class:deleted=e.lifecycle_stage == LifecycleStage::Deleted>
                                        <a href=target.to_hash() title=e.name.clone()>{e.name.clone()}</a>
                                    </li>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }
                }}
            </ul>
            <label class="toggle">
                <input type="checkbox" data-testid="show-deleted-experiments"
                    prop:checked=move || show_deleted.get() on:change=toggle_deleted/>
                "Show deleted"
            </label>
        </aside>
    }
}

/// What a new user sees first, and what `#/` opens once there is data.
#[component]
pub fn HomePage() -> impl IntoView {
    let app = use_app();
    let changed = follow(app.notice, |c| {
        c.touches_experiments() || !c.runs.is_empty()
    });
    let overview = LocalResource::new(move || {
        let tracker = app.tracker();
        changed.track();
        async move {
            let experiments = tracker.experiments(ViewType::ActiveOnly).await?;
            let ids: Vec<String> = experiments
                .iter()
                .map(|e| e.experiment_id.clone())
                .collect();
            let runs = tracker.runs(&ids, ViewType::All).await?;
            Ok::<_, crate::domain::DomainError>((experiments, runs.len()))
        }
    });
    move || match overview.get() {
        None => view! { <p class="muted">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error-line">{e.message}</p> }.into_any(),
        Some(Ok((experiments, run_count))) => {
            if run_count == 0 && experiments.len() <= 1 {
                view! { <Welcome/> }.into_any()
            } else {
                let first = experiments
                    .iter()
                    .find(|e| e.experiment_id != DEFAULT_EXPERIMENT_ID)
                    .or(experiments.first())
                    .map(|e| e.experiment_id.clone());
                // Only while the address still says home: a link followed meanwhile wins.
                let location = window().location();
                let still_home = location
                    .hash()
                    .is_ok_and(|hash| Route::parse(&hash).page == Page::Home);
                if let (Some(id), true) = (first, still_home) {
                    let _ = location.replace(&experiment_route(&id).to_hash());
                }
                view! { <p class="muted">"Opening…"</p> }.into_any()
            }
        }
    }
}

const CONSOLE_EXAMPLE: &str = r#"const {experiment_id} = await labbook.rest("POST",
  "/api/2.0/mlflow/experiments/create", {name: "my-first-experiment"});
const {run} = await labbook.rest("POST", "/api/2.0/mlflow/runs/create",
  {experiment_id, run_name: "baseline"});
for (let step = 0; step < 50; step++)
  await labbook.rest("POST", "/api/2.0/mlflow/runs/log-metric", {run_id: run.info.run_id,
    key: "loss", value: 1 / (step + 1), timestamp: Date.now(), step});"#;

#[component]
fn Welcome() -> impl IntoView {
    view! {
        <section class="welcome" data-testid="welcome">
            <h1>"Welcome to labbook"</h1>
            <p>
                "labbook tracks machine-learning experiments and their runs: parameters, metric histories, tags and files, "
                "kept in this browser, with no server and nothing to install."
            </p>
            <div class="welcome-steps">
                <div class="card">
                    <h3>"Start an experiment"</h3>
                    <p>"Name it, then add runs from its page."</p>
                    <NewExperimentForm/>
                </div>
                <div class="card">
                    <h3>"Log from code"</h3>
                    <p>
                        "This page answers MLflow's REST API. Open the browser console and try:"
                    </p>
                    <pre class="code">{CONSOLE_EXAMPLE}</pre>
                    <p class="muted">"Runs appear here as they are logged."</p>
                </div>
            </div>
            <p class="muted" data-testid="welcome-storage">
                "Everything stays in this browser. A browser may clear a site's data (when its disk runs low, or when you clear "
                "browsing data); labbook asks it to keep yours once you store something, and Import / Export makes a backup."
            </p>
            <StorageStatus/>
        </section>
    }
}

/// One experiment: its name, description, and runs.
#[component]
pub fn ExperimentPage(experiment_id: String) -> impl IntoView {
    let app = use_app();
    let id = StoredValue::new(experiment_id.clone());
    let changed = follow(app.notice, move |c| {
        c.everything || c.experiments.contains(&id.get_value())
    });
    let experiment = keep_last(LocalResource::new(move || {
        let tracker = app.tracker();
        changed.track();
        let id = id.get_value();
        async move { tracker.experiment(&id).await }
    }));
    // Made once for the page, not for each refresh of its data, so typing survives updates;
    // for the same reason the runs section sits outside the part that is redrawn.
    let editor = EditorState::new();
    let renaming = RwSignal::new(None::<String>);
    let found = Memo::new(move |_| experiment.with(|e| matches!(e, Some(Ok(_)))));
    let deleted = Signal::derive(move || {
        experiment
            .get()
            .and_then(Result::ok)
            .is_some_and(|e| e.lifecycle_stage == LifecycleStage::Deleted)
    });
    view! {
        <section class="experiment-page" data-testid="experiment-page" data-experiment-id=experiment_id.clone()>
            {move || match experiment.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! {
                    <div class="not-found">
                        <h1>"Experiment not found"</h1>
                        <p class="error-line">{e.message}</p>
                        <a href="#/">"Back to all experiments"</a>
                    </div>
                }
                .into_any(),
                Some(Ok(experiment)) => {
                    view! { <ExperimentView experiment=experiment editor=editor renaming=renaming/> }
                        .into_any()
                }
            }}
            <Show when=move || found.get()>
                <RunsSection experiment_id=id.get_value() deleted=deleted/>
            </Show>
        </section>
    }
}

/// `renaming` holds the name being typed while the rename form is open.
#[component]
fn ExperimentView(
    experiment: Experiment,
    editor: EditorState,
    renaming: RwSignal<Option<String>>,
) -> impl IntoView {
    let app = use_app();
    let id = experiment.experiment_id.clone();
    let deleted = experiment.lifecycle_stage == LifecycleStage::Deleted;
    let error = RwSignal::new(None::<String>);
    let name = experiment.name.clone();
    let description = Signal::derive({
        let text = experiment.description().unwrap_or_default().to_owned();
        move || text.clone()
    });
    let rename = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (tracker, id) = (app.tracker(), id.clone());
            let name = renaming.get_untracked().unwrap_or_default();
            renaming.set(None);
            run_action(error, async move {
                tracker.rename_experiment(&id, name.trim()).await
            });
        }
    };
    let toggle_deleted = {
        let id = id.clone();
        move |_| {
            let (tracker, id) = (app.tracker(), id.clone());
            run_action(error, async move {
                if deleted {
                    tracker.restore_experiment(&id).await
                } else {
                    tracker.delete_experiment(&id).await
                }
            });
        }
    };
    let save_description = {
        let id = id.clone();
        Callback::new(move |text: String| {
            let (tracker, id) = (app.tracker(), id.clone());
            run_action(error, async move {
                tracker
                    .set_experiment_tag(&id, Tag::new(NOTE_TAG, text))
                    .await
            });
        })
    };
    let export = {
        let id = id.clone();
        let stem = format!("experiment-{}", experiment.name);
        move |format: ExportFormat| {
            let (tracker, id, stem) = (app.tracker(), id.clone(), stem.clone());
            run_action(error, async move {
                export(tracker, ExportScope::Experiment(id), format, &stem).await
            });
        }
    };
    let (export_zip, export_mlflow) = (export.clone(), export.clone());
    let user_tags: Vec<Tag> = experiment
        .tags
        .iter()
        .filter(|t| !is_system_tag(&t.key))
        .cloned()
        .collect();
    view! {
        <div class="experiment-head">
            <div class="page-head">
                {
                    let name = name.clone();
                    move || if renaming.with(Option::is_some) {
                        view! {
                            <form class="inline-form" on:submit=rename.clone()>
                                <input type="text" data-testid="experiment-rename-input"
                                    prop:value=move || renaming.get().unwrap_or_default()
                                    on:input=move |ev| renaming.set(Some(event_target_value(&ev)))/>
                                <button type="submit" data-testid="experiment-rename-save">"Save"</button>
                                <button type="button" class="secondary" on:click=move |_| renaming.set(None)>"Cancel"</button>
                            </form>
                        }.into_any()
                    } else {
                        view! { <h1 data-testid="experiment-name">{name.clone()}</h1> }.into_any()
                    }
                }
                <div class="actions">
                    <button class="secondary" data-testid="experiment-export-json" title="Runs, params, metric histories and tags as JSON"
                        on:click=move |_| export(ExportFormat::BundleJson)>"Export .json"</button>
                    <button class="secondary" data-testid="experiment-export-zip" title="Everything, with the artifacts, as a zip"
                        on:click=move |_| export_zip(ExportFormat::BundleZip)>"Export .zip"</button>
                    <button class="secondary" data-testid="experiment-export-mlflow" title="As an MLflow file store (mlruns) that MLflow reads"
                        on:click=move |_| export_mlflow(ExportFormat::MlflowFileStore)>"Export mlruns"</button>
                    <Show when=move || !deleted>
                        <button class="secondary" data-testid="experiment-rename" on:click={
                            let name = name.clone();
                            move |_| renaming.set(Some(name.clone()))
                        }>"Rename"</button>
                    </Show>
                    <button class="secondary" data-testid=if deleted { "experiment-restore" } else { "experiment-delete" }
                        on:click=toggle_deleted>
                        {if deleted { "Restore" } else { "Delete" }}
                    </button>
                </div>
            </div>
            <p class="meta">
                "Experiment ID " <code>{id.clone()}</code>
                " · Artifact location " <code>{experiment.artifact_location.clone()}</code>
                {deleted.then(|| view! { " · " <span class="badge deleted">"deleted"</span> })}
            </p>
            {(!user_tags.is_empty()).then(|| view! {
                <ul class="chips">
                    {user_tags.into_iter().map(|t| view! { <li><b>{t.key}</b>": "{t.value}</li> }).collect_view()}
                </ul>
            })}
            <ErrorLine error=error/>
            <DescriptionEditor text=description save=save_description state=editor/>
        </div>
    }
}
