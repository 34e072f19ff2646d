//! Artifact files as a tree of folders, each file with its size and a download button: the
//! run page's `artifact-tree` (with uploads) and a model version's files.

use crate::app::notices::follow;
use leptos::prelude::*;

use super::error::js_error;
use super::format;
use super::use_app;
use super::widgets::{download, run_action, ErrorLine};
use crate::domain::{ArtifactFile, DomainError};

/// A folder of the artifact tree: its files and sub-folders.
#[derive(Debug, Default, PartialEq)]
pub struct Folder {
    folders: Vec<(String, Folder)>,
    files: Vec<ArtifactFile>,
}

impl Folder {
    /// The tree of `files` (paths from the owner's root), folders and files in the order given.
    pub fn build(files: &[ArtifactFile]) -> Folder {
        let mut root = Folder::default();
        for file in files {
            let mut folder = &mut root;
            let parts: Vec<&str> = file.path.split('/').collect();
            for part in &parts[..parts.len() - 1] {
                let index = match folder.folders.iter().position(|(name, _)| name == part) {
                    Some(index) => index,
                    None => {
                        folder.folders.push(((*part).to_owned(), Folder::default()));
                        folder.folders.len() - 1
                    }
                };
                folder = &mut folder.folders[index].1;
            }
            folder.files.push(file.clone());
        }
        root
    }
}

/// `folder` as nested lists; a file's download reads it from `owner` (a run or logged model)
/// and reports a failure into `error`.
pub fn folder_view(folder: Folder, owner: String, error: RwSignal<Option<String>>) -> AnyView {
    let app = use_app();
    let folders = folder
        .folders
        .into_iter()
        .map(|(name, sub)| {
            let inner = folder_view(sub, owner.clone(), error);
            view! {
                <li class="folder">
                    <details open>
                        <summary>{name}"/"</summary>
                        {inner}
                    </details>
                </li>
            }
        })
        .collect_view();
    let files = folder
        .files
        .into_iter()
        .map(|file| {
            let name = file.path.rsplit('/').next().unwrap_or_default().to_owned();
            let path = file.path.clone();
            let owner = owner.clone();
            let fetch = move |_| {
                let (tracker, owner, path) = (app.tracker(), owner.clone(), path.clone());
                run_action(error, async move {
                    let bytes = tracker.file(&owner, &path).await?;
                    download(&path, &bytes).map_err(DomainError::internal)
                });
            };
            view! {
                <li class="file" data-path=file.path.clone()>
                    <span>{name}</span>
                    <span class="muted small">{format::bytes(file.size)}</span>
                    <button class="link" data-testid="artifact-download" on:click=fetch>"Download"</button>
                </li>
            }
        })
        .collect_view();
    view! { <ul>{folders}{files}</ul> }.into_any()
}

/// A run's artifacts (`artifact-tree`), with an upload button while the run is not `deleted`.
#[component]
pub fn Artifacts(run_id: String, #[prop(into)] deleted: Signal<bool>) -> impl IntoView {
    let app = use_app();
    let error = RwSignal::new(None::<String>);
    let stored_id = StoredValue::new(run_id);
    let changed = follow(app.notice, move |c| {
        stored_id.with_value(|id| c.touches_artifacts(id))
    });
    let files = LocalResource::new(move || {
        let tracker = app.tracker();
        changed.track();
        let id = stored_id.get_value();
        async move { tracker.artifacts(&id).await }
    });
    let upload = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(list) = input.files() else {
            return;
        };
        let chosen: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        input.set_value("");
        let tracker = app.tracker();
        let id = stored_id.get_value();
        run_action(error, async move {
            for file in chosen {
                let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
                    .await
                    .map_err(|e| js_error(&format!("reading {}", file.name()), e))?;
                let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                tracker.put_artifact(&id, &file.name(), bytes).await?;
            }
            Ok(())
        });
    };
    view! {
        <section class="panel">
            <div class="section-head">
                <h3>"Artifacts"</h3>
                <Show when=move || !deleted.get()>
                    <label class="upload">
                        "Upload files"
                        <input type="file" multiple data-testid="artifact-upload" on:change=upload/>
                    </label>
                </Show>
            </div>
            <ErrorLine error=error/>
            <div class="artifact-tree" data-testid="artifact-tree">
                {move || match files.get() {
                    None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="error-line">{e.message}</p> }.into_any(),
                    Some(Ok(list)) if list.is_empty() => view! { <p class="muted">"No artifacts."</p> }.into_any(),
                    Some(Ok(list)) => folder_view(Folder::build(&list), stored_id.get_value(), error),
                }}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> ArtifactFile {
        ArtifactFile {
            path: path.into(),
            size: 1,
        }
    }

    #[test]
    fn files_sit_in_their_folders() {
        let tree = Folder::build(&[
            file("model/MLmodel"),
            file("model/env/conda.yaml"),
            file("notes.txt"),
        ]);
        assert_eq!(tree.files, [file("notes.txt")]);
        assert_eq!(tree.folders.len(), 1);
        let (name, model) = &tree.folders[0];
        assert_eq!(name, "model");
        assert_eq!(model.files, [file("model/MLmodel")]);
        assert_eq!(model.folders[0].0, "env");
        assert_eq!(model.folders[0].1.files, [file("model/env/conda.yaml")]);
    }
}
