//! The run page's "Register model": a folder of the run's artifacts (those with an `MLmodel`
//! first) or one of its MLflow 3 logged models, registered as a new version of a new or
//! existing model.

use crate::app::notices::follow;
use leptos::prelude::*;

use super::links::version_route;
use crate::app::route::navigate;
use crate::app::widgets::{run_action, ErrorLine};
use crate::app::{keep_last, use_app};
use crate::domain::{ArtifactFile, DomainError, ModelVersion};
use crate::store::{NewModelVersion, Store, Tracker};

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

/// What a run can be registered from, and the models it can be registered to.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegisterChoices {
    /// The select's options, value and label: the run's logged models (`model:<id>`), then
    /// its folders (`path:<folder>`).
    pub options: Vec<(String, String)>,
    /// The registered models' names.
    pub names: Vec<String>,
}

/// What run `run_id` can be registered from. Lists that cannot be read are left empty.
pub async fn register_choices<S: Store>(tracker: &Tracker<S>, run_id: &str) -> RegisterChoices {
    let files = tracker.artifacts(run_id).await.unwrap_or_default();
    let mut options: Vec<(String, String)> = tracker
        .logged_models()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.source_run_id.as_deref() == Some(run_id))
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
    let names = tracker
        .registered_models()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|m| m.name)
        .collect();
    RegisterChoices { options, names }
}

/// The source (and logged model) a version registered from `choice` (an option's value) of
/// the run whose artifacts are at `artifact_uri` has.
fn source_of(choice: &str, artifact_uri: &str) -> Result<(String, Option<String>), DomainError> {
    if let Some(id) = choice.strip_prefix("model:") {
        Ok((format!("models:/{id}"), Some(id.to_owned())))
    } else if let Some(folder) = choice.strip_prefix("path:") {
        Ok((
            format!("{}/{folder}", artifact_uri.trim_end_matches('/')),
            None,
        ))
    } else {
        Err(DomainError::invalid(
            "This run has no artifact folder or logged model to register.",
        ))
    }
}

/// Registers `choice` of run `run_id` (artifacts at `artifact_uri`) as a new version of
/// model `name`, creating the model when there is none of that name.
pub async fn register<S: Store>(
    tracker: &Tracker<S>,
    run_id: &str,
    artifact_uri: &str,
    name: &str,
    choice: &str,
) -> Result<ModelVersion, DomainError> {
    if name.is_empty() {
        return Err(DomainError::invalid("Give the model a name."));
    }
    let (source, model_id) = source_of(choice, artifact_uri)?;
    if tracker.registered_model(name).await.is_err() {
        tracker
            .create_registered_model(name, Vec::new(), String::new())
            .await?;
    }
    tracker
        .create_model_version(NewModelVersion {
            name: name.to_owned(),
            source,
            run_id: Some(run_id.to_owned()),
            model_id,
            ..NewModelVersion::default()
        })
        .await
}

/// The form, closed until "Register model" is pressed; what is chosen and typed stays while
/// the run's data refreshes.
#[component]
pub fn RegisterModel(run_id: String, artifact_uri: String) -> impl IntoView {
    let app = use_app();
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let chosen = RwSignal::new(String::new());
    let model_name = RwSignal::new(String::new());
    let run = StoredValue::new((run_id, artifact_uri));
    let changed = follow(app.notice, move |c| {
        c.touches_registry() || c.logged_models || run.with_value(|r| c.touches_artifacts(&r.0))
    });
    let loaded = keep_last(LocalResource::new(move || {
        let tracker = app.tracker();
        changed.track();
        let run_id = run.with_value(|r| r.0.clone());
        async move { register_choices(&tracker, &run_id).await }
    }));
    // Drawn anew only when the choices change, not at every write.
    let choices = Memo::new(move |_| loaded.get());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let tracker = app.tracker();
        let name = model_name.get_untracked().trim().to_owned();
        let choice = chosen.get_untracked();
        let choice = if choice.is_empty() {
            choices.with_untracked(|c| {
                c.as_ref()
                    .and_then(|c| c.options.first().map(|o| o.0.clone()))
                    .unwrap_or_default()
            })
        } else {
            choice
        };
        let (run_id, artifact_uri) = run.get_value();
        run_action(error, async move {
            let version = register(&tracker, &run_id, &artifact_uri, &name, &choice).await?;
            navigate(&version_route(&name, version.version));
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
                    {move || choices.get().map(|RegisterChoices { options, names }| {
                        let current = chosen.get_untracked();
                        view! {
                            <select data-testid="register-path" on:change=move |ev| chosen.set(event_target_value(&ev))>
                                {options.into_iter().map(|(value, label)| {
                                    let selected = value == current;
                                    view! { <option value=value selected=selected>{label}</option> }
                                }).collect_view()}
                            </select>
                            <input type="text" list="registered-model-names" placeholder="Model name (new or existing)" data-testid="register-name"
                                prop:value=move || model_name.get() on:input=move |ev| model_name.set(event_target_value(&ev))/>
                            <datalist id="registered-model-names">
                                {names.into_iter().map(|n| view! { <option value=n/> }).collect_view()}
                            </datalist>
                        }
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
    use futures::executor::block_on;

    use super::*;
    use crate::store::{MemStore, NewRun};

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

    #[test]
    fn a_run_s_folder_is_registered_as_a_new_model_s_first_version() {
        let tracker = Tracker::new(MemStore::new());
        block_on(async {
            let experiment = tracker.create_experiment("e", None, vec![]).await?;
            let run = tracker
                .create_run(NewRun {
                    experiment_id: experiment,
                    ..NewRun::default()
                })
                .await?;
            let (id, uri) = (run.info.run_id.clone(), run.info.artifact_uri.clone());
            for path in ["model/MLmodel", "plots/loss.txt"] {
                tracker.put_artifact(&id, path, b"x".to_vec()).await?;
            }
            let choices = register_choices(&tracker, &id).await;
            assert_eq!(
                choices.options,
                [
                    ("path:model".to_owned(), "model/ (MLmodel)".to_owned()),
                    ("path:plots".to_owned(), "plots/".to_owned())
                ]
            );
            assert!(choices.names.is_empty());

            let refused = register(&tracker, &id, &uri, "", "path:model").await;
            assert_eq!(refused.unwrap_err().message, "Give the model a name.");
            let nothing = register(&tracker, &id, &uri, "fare", "").await;
            assert!(nothing.is_err());
            let first = register(&tracker, &id, &uri, "fare", "path:model").await?;
            assert_eq!(first.version, 1);
            assert_eq!(first.source, format!("{uri}/model"));
            assert_eq!(first.run_id.as_deref(), Some(id.as_str()));
            let second = register(&tracker, &id, &uri, "fare", "path:plots").await?;
            assert_eq!(second.version, 2);
            assert_eq!(register_choices(&tracker, &id).await.names, ["fare"]);
            Ok::<_, DomainError>(())
        })
        .unwrap();
        assert_eq!(
            source_of("model:m-1", "x"),
            Ok(("models:/m-1".to_owned(), Some("m-1".to_owned())))
        );
    }
}
