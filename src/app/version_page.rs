//! A model version's page: its stage (with transitions and their history), the `models:/` URIs
//! that name it (each resolved), aliases, description, tags, the source run and its metrics,
//! and the model's files with its `MLmodel` read (flavors, signature, input example,
//! requirements). Also the run page's "Register model" form, which registers a run's model
//! folder (one with an `MLmodel` first), any artifact folder, or an MLflow 3 logged model.

use leptos::prelude::*;

use super::format;
use super::registry::{version_link, TagEditor};
use super::route::{navigate, Page, Route};
use super::run_page::{folder_view, Folder};
use super::widgets::{run_action, DescriptionEditor, EditorState, ErrorLine};
use super::{keep_last, use_app, AppState};
use crate::codec::mlmodel::{self, MlModel, SpecItem};
use crate::domain::{
    model_version_not_found, ArtifactFile, DomainError, ModelSelector, ModelUri, ModelVersion,
    RegisteredModel, Run, Stage, Tag,
};
use crate::store::NewModelVersion;

/// Where a version's files are in labbook: the run or logged model holding them, and the
/// folder inside it ("" for all of a logged model).
fn model_location(version: &ModelVersion) -> Option<(String, String)> {
    if let Some(model_id) = &version.model_id {
        return Some((model_id.clone(), String::new()));
    }
    if let Some(id) = version.source.strip_prefix("models:/m-") {
        return Some((format!("m-{id}"), String::new()));
    }
    let run_id = version.run_id.clone()?;
    if let Some(rest) = version.source.strip_prefix("runs:/") {
        let path = rest.split_once('/').map(|(_, p)| p).unwrap_or_default();
        return Some((run_id, path.trim_matches('/').to_owned()));
    }
    let (_, path) = version.source.rsplit_once("/artifacts/")?;
    Some((run_id, path.trim_matches('/').to_owned()))
}

/// What the page shows besides the version itself.
#[derive(Debug, Clone, PartialEq)]
struct VersionData {
    version: ModelVersion,
    model: RegisteredModel,
    run: Option<Run>,
    /// The model's files (paths from the owner's root) and their owner.
    files: Vec<ArtifactFile>,
    owner: Option<String>,
    mlmodel: Option<Result<MlModel, String>>,
    input_example: Option<String>,
    requirements: Option<String>,
    /// Each `models:/` URI naming this version, with what it resolves to.
    uris: Vec<(String, Result<u64, String>)>,
}

async fn load_version(
    app: AppState,
    name: String,
    number: String,
) -> Result<VersionData, DomainError> {
    let tracker = app.tracker();
    let number: u64 = number.parse().map_err(|_| {
        DomainError::invalid(format!("Model version must be an integer, got '{number}'"))
    })?;
    let versions = tracker.versions_of(&name).await?;
    let version = versions
        .iter()
        .find(|v| v.version == number)
        .cloned()
        .ok_or_else(|| model_version_not_found(&name, number))?;
    let model = tracker.registered_model(&name).await?;
    let run = match &version.run_id {
        Some(id) => tracker.run(id).await.ok(),
        None => None,
    };
    let location = model_location(&version);
    let mut files = Vec::new();
    if let Some((owner, folder)) = &location {
        let all = if run.as_ref().is_some_and(|r| r.info.run_id == *owner) {
            tracker.artifacts(owner).await.unwrap_or_default()
        } else {
            tracker
                .logged_model_artifacts(owner)
                .await
                .unwrap_or_default()
        };
        let prefix = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        files = all
            .into_iter()
            .filter(|f| f.path.starts_with(&prefix))
            .collect();
    }
    let owner = location.as_ref().map(|(o, _)| o.clone());
    let folder = location.map(|(_, f)| f).unwrap_or_default();
    let in_folder = |name: &str| {
        if folder.is_empty() {
            name.to_owned()
        } else {
            format!("{folder}/{name}")
        }
    };
    let read = |path: String| {
        let (tracker, owner) = (tracker.clone(), owner.clone());
        async move {
            let owner = owner?;
            let bytes = tracker.file(&owner, &path).await.ok()?;
            Some(String::from_utf8_lossy(&bytes).into_owned())
        }
    };
    let mlmodel_path = in_folder("MLmodel");
    let has = |path: &str| files.iter().any(|f| f.path == path);
    let mlmodel = if has(&mlmodel_path) {
        read(mlmodel_path.clone())
            .await
            .map(|text| mlmodel::parse(&mlmodel_path, &text).map_err(|e| e.message))
    } else {
        None
    };
    let example_path = mlmodel
        .as_ref()
        .and_then(|m| m.as_ref().ok())
        .and_then(|m| m.input_example.clone())
        .map(|p| in_folder(&p));
    let input_example = match example_path.filter(|p| has(p)) {
        Some(path) => read(path).await,
        None => None,
    };
    let requirements_path = in_folder("requirements.txt");
    let requirements = if has(&requirements_path) {
        read(requirements_path).await
    } else {
        None
    };
    // Every URI that names this version, each resolved the way `labbook.rest` resolves it.
    let selectors = std::iter::once(ModelSelector::Version(number))
        .chain(
            model
                .aliases_of(number)
                .into_iter()
                .map(ModelSelector::Alias),
        )
        .chain(
            (version.current_stage != Stage::None)
                .then_some(ModelSelector::Stage(version.current_stage)),
        )
        .chain([ModelSelector::Latest]);
    let uris = selectors
        .map(|selector| {
            let uri = ModelUri {
                name: name.clone(),
                selector,
            };
            let resolved = uri.pick(&model, &versions).map_err(|e| e.message);
            (uri.to_string(), resolved)
        })
        .collect();
    Ok(VersionData {
        version,
        model,
        run,
        files,
        owner,
        mlmodel,
        input_example,
        requirements,
        uris,
    })
}

#[component]
pub fn VersionPage(name: String, version: String) -> impl IntoView {
    let app = use_app();
    let editor = EditorState::new();
    let key = StoredValue::new((name, version));
    let data = keep_last(LocalResource::new(move || {
        app.revision.track();
        let (name, version) = key.get_value();
        load_version(app, name, version)
    }));
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
    let model_link = Route::page(Page::Model(version.name.clone())).to_hash();
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
            <nav class="crumbs"><a href=model_link>{format!("← {}", version.name)}</a></nav>
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

fn spec_table(title: &'static str, items: Vec<SpecItem>) -> impl IntoView {
    (!items.is_empty()).then(|| {
        view! {
            <h4>{title}</h4>
            <table class="kv" data-testid="signature-table" data-part=title.to_ascii_lowercase()>
                <thead><tr><th>"Name"</th><th>"Type"</th><th>"Required"</th></tr></thead>
                <tbody>
                    {items.into_iter().map(|i| view! {
                        <tr><td>{if i.name.is_empty() { "—".to_owned() } else { i.name }}</td><td>{i.kind}</td><td>{if i.required { "yes" } else { "no" }}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}

#[component]
fn MlModelView(
    model: Result<MlModel, String>,
    example: Option<String>,
    requirements: Option<String>,
) -> impl IntoView {
    let model = match model {
        Ok(m) => m,
        Err(e) => {
            return view! { <section class="panel" data-testid="mlmodel"><h3>"MLmodel"</h3><p class="error-line">{e}</p></section> }
                .into_any()
        }
    };
    let saved = [
        model.mlflow_version.clone().map(|v| format!("MLflow {v}")),
        model.created.clone().map(|c| format!("saved {c}")),
        model
            .model_size_bytes
            .map(|b| format::bytes(b.max(0) as u64)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <section class="panel" data-testid="mlmodel">
            <h3>"MLmodel"</h3>
            <p class="muted small">{saved}</p>
            <h4>"Flavors"</h4>
            {model.flavors.into_iter().map(|(flavor, settings)| view! {
                <details class="flavor" data-testid="mlmodel-flavor" data-flavor=flavor.clone() open>
                    <summary>{flavor.clone()}</summary>
                    <table class="kv"><tbody>
                        {settings.into_iter().map(|(k, v)| view! { <tr><td>{k}</td><td class="value">{v}</td></tr> }).collect_view()}
                    </tbody></table>
                </details>
            }).collect_view()}
            {spec_table("Inputs", model.inputs)}
            {spec_table("Outputs", model.outputs)}
            {spec_table("Params", model.params)}
            {example.map(|e| view! { <h4>"Input example"</h4><pre class="code" data-testid="input-example">{e}</pre> })}
            {requirements.map(|r| view! { <h4>"Requirements"</h4><pre class="code" data-testid="requirements">{r}</pre> })}
        </section>
    }
    .into_any()
}

/// The folders of a run's artifacts a model can be registered from: those holding an `MLmodel`
/// first, then every other folder.
fn model_folders(files: &[ArtifactFile]) -> Vec<(String, bool)> {
    let mut folders: Vec<String> = files
        .iter()
        .flat_map(|f| {
            let parts: Vec<&str> = f.path.split('/').collect();
            (1..parts.len()).map(move |n| parts[..n].join("/"))
        })
        .collect();
    folders.sort();
    folders.dedup();
    let mut listed: Vec<(String, bool)> = folders
        .into_iter()
        .map(|folder| {
            let has_mlmodel = files.iter().any(|f| f.path == format!("{folder}/MLmodel"));
            (folder, has_mlmodel)
        })
        .collect();
    listed.sort_by_key(|(_, has)| !has);
    listed
}

/// The run page's "Register model": a folder of the run (or one of its MLflow 3 logged
/// models) registered as a new version of a new or existing model.
#[component]
pub fn RegisterModel(run: Run) -> impl IntoView {
    let app = use_app();
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let chosen = RwSignal::new(String::new());
    let model_name = RwSignal::new(String::new());
    let run = StoredValue::new(run);
    let choices = LocalResource::new(move || {
        let tracker = app.tracker();
        let run_id = run.with_value(|r| r.info.run_id.clone());
        async move {
            let files = tracker.artifacts(&run_id).await.unwrap_or_default();
            let mut options: Vec<(String, String)> = tracker
                .logged_models()
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|m| m.source_run_id.as_deref() == Some(run_id.as_str()))
                .map(|m| {
                    (
                        format!("model:{}", m.model_id),
                        format!("logged model {} ({})", m.name, m.model_id),
                    )
                })
                .collect();
            options.extend(model_folders(&files).into_iter().map(|(folder, has)| {
                let label = if has {
                    format!("{folder}/ (MLmodel)")
                } else {
                    format!("{folder}/")
                };
                (format!("path:{folder}"), label)
            }));
            let names: Vec<String> = tracker
                .registered_models()
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|m| m.name)
                .collect();
            (options, names)
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let tracker = app.tracker();
        let name = model_name.get_untracked().trim().to_owned();
        let choice = chosen.get_untracked();
        let choice = if choice.is_empty() {
            choices
                .get_untracked()
                .and_then(|(options, _)| options.first().map(|o| o.0.clone()))
                .unwrap_or_default()
        } else {
            choice
        };
        let info = run.with_value(|r| r.info.clone());
        run_action(error, async move {
            if name.is_empty() {
                return Err(DomainError::invalid("Give the model a name."));
            }
            let (source, model_id) = if let Some(id) = choice.strip_prefix("model:") {
                (format!("models:/{id}"), Some(id.to_owned()))
            } else if let Some(folder) = choice.strip_prefix("path:") {
                (
                    format!("{}/{folder}", info.artifact_uri.trim_end_matches('/')),
                    None,
                )
            } else {
                return Err(DomainError::invalid(
                    "This run has no artifact folder or logged model to register.",
                ));
            };
            if tracker.registered_model(&name).await.is_err() {
                tracker
                    .create_registered_model(&name, Vec::new(), String::new())
                    .await?;
            }
            let version = tracker
                .create_model_version(NewModelVersion {
                    name: name.clone(),
                    source,
                    run_id: Some(info.run_id.clone()),
                    model_id,
                    ..NewModelVersion::default()
                })
                .await?;
            navigate(&Route::parse(&version_link(&name, version.version)));
            Ok(())
        });
    };
    view! {
        <section class="panel register-model">
            <div class="section-head">
                <h3>"Model registry"</h3>
                <button class="secondary" data-testid="register-model" on:click=move |_| open.update(|o| *o = !*o)>"Register model"</button>
            </div>
            <Show when=move || open.get()>
                <form class="inline-form" on:submit=submit>
                    {move || choices.get().map(|(options, names)| view! {
                        <select data-testid="register-path" on:change=move |ev| chosen.set(event_target_value(&ev))>
                            {options.into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                        </select>
                        <input type="text" list="registered-model-names" placeholder="Model name (new or existing)" data-testid="register-name"
                            prop:value=move || model_name.get() on:input=move |ev| model_name.set(event_target_value(&ev))/>
                        <datalist id="registered-model-names">
                            {names.into_iter().map(|n| view! { <option value=n/> }).collect_view()}
                        </datalist>
                    })}
                    <button type="submit" data-testid="register-submit">"Register"</button>
                </form>
                <ErrorLine error=error/>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(source: &str, run_id: Option<&str>, model_id: Option<&str>) -> ModelVersion {
        ModelVersion {
            run_id: run_id.map(Into::into),
            model_id: model_id.map(Into::into),
            ..ModelVersion::new("m", 1, source)
        }
    }

    #[test]
    fn a_version_s_files_are_found_from_its_source() {
        let file_store = version(
            "file:///tmp/mlruns/1/abc/artifacts/model",
            Some("abc"),
            None,
        );
        assert_eq!(
            model_location(&file_store),
            Some(("abc".into(), "model".into()))
        );
        let runs_uri = version("runs:/abc/nested/model/", Some("abc"), None);
        assert_eq!(
            model_location(&runs_uri),
            Some(("abc".into(), "nested/model".into()))
        );
        let logged = version("models:/m-123", Some("abc"), None);
        assert_eq!(
            model_location(&logged),
            Some(("m-123".into(), String::new()))
        );
        let elsewhere = version("s3://bucket/model", None, None);
        assert_eq!(model_location(&elsewhere), None);
    }

    #[test]
    fn folders_with_an_mlmodel_come_first() {
        let files: Vec<ArtifactFile> = [
            "plots/a.png",
            "model/MLmodel",
            "model/model.pkl",
            "model/env/conda.yaml",
        ]
        .iter()
        .map(|p| ArtifactFile {
            path: (*p).into(),
            size: 1,
        })
        .collect();
        assert_eq!(
            model_folders(&files),
            vec![
                ("model".to_owned(), true),
                ("model/env".to_owned(), false),
                ("plots".to_owned(), false)
            ]
        );
    }
}
