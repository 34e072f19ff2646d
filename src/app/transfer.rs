//! Import and export: files in through the file input, a folder picker or a drop anywhere on
//! the page; bundles out as JSON or zip. Long work shows progress, pauses often enough to keep
//! the page responsive, and can be cancelled with nothing written.

use std::cell::Cell;
use std::rc::Rc;

use gloo::timers::future::TimeoutFuture;
use leptos::prelude::*;

use super::error::js_error;
use super::format;
use super::widgets::{download, run_action, ErrorLine};
use super::{use_app, AppState};
use crate::codec::archive::{Limits, SourceFile, ZipBuilder, ZipReader};
use crate::codec::bundle::{self, BUNDLE_JSON};
use crate::codec::file_store::FileStore;
use crate::codec::file_store_export;
use crate::codec::sqlite::SqliteStore;
use crate::codec::{export_import, parse_json, rest_import};
use crate::domain::{DomainError, Snapshot};
use crate::store::import::ImportReport;
use crate::store::ExportScope;

/// The largest file the page will read: browsers cannot hold much more in one buffer.
pub const MAX_FILE_BYTES: f64 = 2.0 * 1024.0 * 1024.0 * 1024.0;
/// How long the page works before it lets the browser paint and handle input.
const SLICE_MS: f64 = 25.0;
/// Zip directory records checked between two chances to yield (a few milliseconds of work).
const DIRECTORY_SLICE: usize = 2000;

/// Where an import has got to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub phase: String,
    pub done: usize,
    pub total: usize,
    pub unit: &'static str,
    pub bytes: f64,
}

/// The state of the import panel.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportState {
    Idle,
    Running(Progress),
    Done(ImportReport),
    Failed(String),
}

/// Shared by the panel and the page-wide drop target.
#[derive(Clone, Copy)]
pub struct ImportJob {
    app: AppState,
    pub state: RwSignal<ImportState>,
    cancel: StoredValue<Rc<Cell<bool>>, LocalStorage>,
}

impl ImportJob {
    pub fn new(app: AppState) -> ImportJob {
        ImportJob {
            app,
            state: RwSignal::new(ImportState::Idle),
            cancel: StoredValue::new_local(Rc::new(Cell::new(false))),
        }
    }

    fn cancelled(&self) -> Rc<Cell<bool>> {
        self.cancel.get_value()
    }

    pub fn running(&self) -> bool {
        matches!(self.state.get_untracked(), ImportState::Running(_))
    }

    /// Imports the files given, as one import.
    pub fn start(self, files: Vec<web_sys::File>) {
        if files.is_empty() || self.running() {
            return;
        }
        let app = self.app;
        let cancelled = self.cancelled();
        cancelled.set(false);
        self.state.set(ImportState::Running(Progress {
            phase: "Starting".into(),
            ..Progress::default()
        }));
        leptos::task::spawn_local(async move {
            let outcome = run_import(app.tracker(), files, self.state, &cancelled).await;
            self.state.set(match outcome {
                Ok(report) => ImportState::Done(report),
                Err(e) => ImportState::Failed(e.message),
            });
        });
    }

    pub fn cancel(&self) {
        self.cancelled().set(true);
    }
}

/// Yields to the browser when the current slice of work has run long enough.
struct Pacer {
    since: f64,
}

impl Pacer {
    fn new() -> Pacer {
        Pacer {
            since: js_sys::Date::now(),
        }
    }

    async fn pace(&mut self, cancelled: &Cell<bool>) -> Result<(), DomainError> {
        if js_sys::Date::now() - self.since > SLICE_MS {
            TimeoutFuture::new(0).await;
            self.since = js_sys::Date::now();
        }
        if cancelled.get() {
            Err(DomainError::invalid(
                "Import cancelled; nothing was written.",
            ))
        } else {
            Ok(())
        }
    }
}

fn relative_path(file: &web_sys::File) -> String {
    js_sys::Reflect::get(file, &"webkitRelativePath".into())
        .ok()
        .and_then(|v| v.as_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| file.name())
}

async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, DomainError> {
    let name = relative_path(file);
    if file.size() > MAX_FILE_BYTES {
        return Err(DomainError::invalid(format!(
            "{name} is {}; the browser cannot read a file over {} at once. Import the mlruns folder with “Choose a folder”, or split the data.",
            format::bytes(file.size() as u64),
            format::bytes(MAX_FILE_BYTES as u64)
        )));
    }
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| js_error(&format!("{name} could not be read"), e))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn lower_name(file: &web_sys::File) -> String {
    file.name().to_ascii_lowercase()
}

async fn run_import(
    tracker: Rc<crate::store::Tracker<crate::store::AnyStore>>,
    files: Vec<web_sys::File>,
    state: RwSignal<ImportState>,
    cancelled: &Cell<bool>,
) -> Result<ImportReport, DomainError> {
    let mut pacer = Pacer::new();
    let show = |phase: &str, done: usize, total: usize, unit: &'static str, bytes: f64| {
        state.set(ImportState::Running(Progress {
            phase: phase.to_owned(),
            done,
            total,
            unit,
            bytes,
        }));
    };
    let mut sources: Vec<Snapshot> = Vec::new();
    // Saved REST responses chosen together are one source.
    let mut responses: Vec<(String, serde_json::Value)> = Vec::new();
    // A picked folder arrives as many files with relative paths.
    let (folder, singles): (Vec<web_sys::File>, Vec<web_sys::File>) = files
        .into_iter()
        .partition(|f| relative_path(f).contains('/'));
    let (databases, singles): (Vec<web_sys::File>, Vec<web_sys::File>) =
        singles.into_iter().partition(|f| {
            let lower = lower_name(f);
            lower.ends_with(".db") || lower.ends_with(".sqlite")
        });
    // Every file tree given: a picked folder, and each zip.
    let mut trees: Vec<(String, Vec<SourceFile>)> = Vec::new();
    if !folder.is_empty() {
        let total = folder.len();
        let mut tree = Vec::with_capacity(total);
        let mut bytes = 0.0;
        for (i, file) in folder.iter().enumerate() {
            pacer.pace(cancelled).await?;
            bytes += file.size();
            show("Reading the folder", i, total, "files", bytes);
            tree.push(SourceFile {
                path: relative_path(file),
                bytes: read_file(file).await?,
            });
        }
        let name = relative_path(&folder[0])
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        trees.push((name, tree));
    }
    for file in singles {
        let name = file.name();
        let lower = lower_name(&file);
        show(&format!("Reading {name}"), 0, 1, "files", file.size());
        let bytes = read_file(&file).await?;
        if lower.ends_with(".zip") {
            let mut reader = ZipReader::open(&name, bytes, Limits::default())?;
            let total = reader.len();
            loop {
                pacer.pace(cancelled).await?;
                let left = reader.scan(DIRECTORY_SLICE)?;
                show(
                    &format!("Checking {name}"),
                    total - left,
                    total,
                    "entries",
                    0.0,
                );
                if left == 0 {
                    break;
                }
            }
            let mut tree = Vec::with_capacity(total);
            let mut inflated = 0.0;
            for i in 0..total {
                pacer.pace(cancelled).await?;
                if let Some(entry) = reader.read(i)? {
                    inflated += entry.bytes.len() as f64;
                    tree.push(entry);
                }
                if i % 64 == 0 {
                    show(&format!("Unpacking {name}"), i, total, "entries", inflated);
                }
            }
            trees.push((name, tree));
        } else if lower.ends_with(".json") {
            let text = String::from_utf8(bytes)
                .map_err(|_| DomainError::invalid(format!("{name} is not UTF-8 text")))?;
            let document = parse_json(&name, &text)?;
            if document["format"] == bundle::FORMAT {
                let decoded = bundle::decode(&name, &text)?;
                let listed: usize = decoded.listed_artifacts.iter().map(|(_, p)| p.len()).sum();
                let mut snapshot = decoded.snapshot;
                if listed > 0 {
                    snapshot.warnings.push(format!(
                        "{name} lists {listed} artifact files but, being JSON, does not carry them; export as zip to move artifacts."
                    ));
                }
                sources.push(snapshot);
            } else if rest_import::detect(&document) {
                responses.push((name, document));
            } else {
                return Err(DomainError::invalid(format!(
                    "{name} is neither a labbook bundle nor a response saved from MLflow's REST API"
                )));
            }
        } else {
            return Err(DomainError::invalid(format!(
                "{name}: labbook imports .zip archives (an mlruns folder, an mlflow-export-import export or a labbook bundle), .json files (labbook bundles, saved MLflow REST responses), MLflow's mlflow.db, and picked folders"
            )));
        }
    }
    if databases.is_empty() {
        for (name, tree) in trees {
            sources.push(decode_tree(&name, tree, &mut pacer, cancelled, &show).await?);
        }
    } else {
        // With a database, the folders and zips given are where its artifacts are.
        let artifacts: Vec<SourceFile> = trees.into_iter().flat_map(|(_, tree)| tree).collect();
        let mut artifacts = Some(artifacts);
        for file in databases {
            let name = file.name();
            show(&format!("Reading {name}"), 0, 1, "files", file.size());
            let bytes = read_file(&file).await?;
            pacer.pace(cancelled).await?;
            let mut store = SqliteStore::open(&name, bytes)?;
            let given = artifacts.take().unwrap_or_default();
            let had_files = !given.is_empty();
            let (runs_with_files, _) = store.attach_artifacts(given);
            if !had_files && store.runs() > 0 {
                store.note(format!(
                    "{name}: no mlruns folder or zip was given with it, so no run artifacts were imported; choose the database and its mlruns folder (zipped) together"
                ));
            } else if runs_with_files < store.runs() {
                store.note(format!(
                    "{name}: artifacts were found for {runs_with_files} of {} runs; the others had none, or theirs were not in the files given",
                    store.runs()
                ));
            }
            while store.read_metric_slice()? {
                show(
                    &format!("Reading metrics from {name}"),
                    store.metric_rows_read(),
                    store.metric_rows(),
                    "metric points",
                    0.0,
                );
                pacer.pace(cancelled).await?;
            }
            sources.push(store.finish()?);
        }
    }
    if !responses.is_empty() {
        sources.push(rest_import::decode(&responses)?);
    }
    let snapshot = Snapshot::combine(sources);
    let runs = snapshot.runs.len();
    show("Writing to the database", 0, runs, "runs", 0.0);
    let mut progress = |done: usize, total: usize| {
        if cancelled.get() {
            return Err(DomainError::invalid(
                "Import cancelled; nothing was written.",
            ));
        }
        show("Writing to the database", done, total, "changes", 0.0);
        Ok(())
    };
    tracker.import(snapshot, &mut progress).await
}

/// A zip's files: a labbook bundle, or an MLflow file store.
async fn decode_tree(
    name: &str,
    tree: Vec<SourceFile>,
    pacer: &mut Pacer,
    cancelled: &Cell<bool>,
    show: &impl Fn(&str, usize, usize, &'static str, f64),
) -> Result<Snapshot, DomainError> {
    let bundle_at = tree.iter().position(|f| {
        f.path == BUNDLE_JSON
            || f.path
                .split_once('/')
                .is_some_and(|(_, rest)| rest == BUNDLE_JSON)
    });
    if let Some(index) = bundle_at {
        let root = tree[index].path.trim_end_matches(BUNDLE_JSON).to_owned();
        let text = std::str::from_utf8(&tree[index].bytes).map_err(|_| {
            DomainError::invalid(format!("{name}: {BUNDLE_JSON} is not UTF-8 text"))
        })?;
        let mut decoded = bundle::decode(&format!("{name}: {BUNDLE_JSON}"), text)?;
        let missing = bundle::attach_artifacts(&mut decoded, |entry| {
            let path = format!("{root}{entry}");
            tree.iter()
                .find(|f| f.path == path)
                .map(|f| f.bytes.clone())
        });
        let mut snapshot = decoded.snapshot;
        if !missing.is_empty() {
            snapshot.warnings.push(format!(
                "{name}: {} listed artifact files are missing from the archive (first: {})",
                missing.len(),
                missing[0]
            ));
        }
        return Ok(snapshot);
    }
    if FileStore::detect(&tree) {
        return decode_file_store(tree, pacer, cancelled, show).await;
    }
    if export_import::detect(&tree) {
        show(
            &format!("Reading the export in {name}"),
            0,
            1,
            "exports",
            0.0,
        );
        pacer.pace(cancelled).await?;
        return export_import::decode(&tree);
    }
    Err(DomainError::invalid(format!(
        "{name} holds no MLflow data labbook reads: expected an mlruns folder (with <experiment id>/meta.yaml), an mlflow-export-import export (run.json, experiment.json, model.json) or a labbook bundle ({BUNDLE_JSON})"
    )))
}

async fn decode_file_store(
    tree: Vec<SourceFile>,
    pacer: &mut Pacer,
    cancelled: &Cell<bool>,
    show: &impl Fn(&str, usize, usize, &'static str, f64),
) -> Result<Snapshot, DomainError> {
    let mut store = FileStore::new(tree)?;
    let total = store.runs_total();
    while let Some(result) = store.next_run() {
        result?;
        if store.runs_done() % 16 == 0 {
            show("Reading runs", store.runs_done(), total, "runs", 0.0);
        }
        pacer.pace(cancelled).await?;
    }
    store.finish()
}

/// Offers everything in `scope` as a bundle: JSON alone, or a zip with the artifacts.
async fn export_bundle(
    tracker: Rc<crate::store::Tracker<crate::store::AnyStore>>,
    scope: ExportScope,
    zip: bool,
    stem: &str,
) -> Result<(), DomainError> {
    let snapshot = tracker.export(&scope, zip).await?;
    let document = bundle::encode(&snapshot).to_string();
    if !zip {
        return download(&format!("{stem}.json"), document.as_bytes())
            .map_err(DomainError::internal);
    }
    let mut archive = ZipBuilder::new();
    archive.add(BUNDLE_JSON, document.as_bytes())?;
    let owners = snapshot
        .runs
        .iter()
        .map(|r| (&r.run.info.run_id, &r.artifacts))
        .chain(
            snapshot
                .logged_models
                .iter()
                .map(|m| (&m.model.model_id, &m.artifacts)),
        );
    for (owner, artifacts) in owners {
        for artifact in artifacts {
            archive.add(
                &bundle::artifact_entry(owner, &artifact.path),
                &artifact.bytes,
            )?;
        }
        TimeoutFuture::new(0).await;
    }
    download(&format!("{stem}.zip"), &archive.finish()?).map_err(DomainError::internal)
}

/// The formats an export can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A labbook bundle, JSON only.
    BundleJson,
    /// A labbook bundle zip, with artifacts.
    BundleZip,
    /// An MLflow file store (`mlruns/`) zip, with artifacts.
    MlflowFileStore,
    /// An mlflow-export-import `export-all` zip, with artifacts.
    ExportImport,
}

/// Offers everything in `scope` as a download in `format`.
pub async fn export(
    tracker: Rc<crate::store::Tracker<crate::store::AnyStore>>,
    scope: ExportScope,
    format: ExportFormat,
    stem: &str,
) -> Result<(), DomainError> {
    match format {
        ExportFormat::BundleJson => export_bundle(tracker, scope, false, stem).await,
        ExportFormat::BundleZip => export_bundle(tracker, scope, true, stem).await,
        ExportFormat::MlflowFileStore | ExportFormat::ExportImport => {
            let snapshot = tracker.export(&scope, true).await?;
            let (files, name) = if format == ExportFormat::MlflowFileStore {
                (
                    file_store_export::encode(&snapshot),
                    format!("{stem}-mlruns.zip"),
                )
            } else {
                (
                    export_import::encode(&snapshot),
                    format!("{stem}-export-all.zip"),
                )
            };
            let mut archive = ZipBuilder::new();
            for (i, file) in files.iter().enumerate() {
                archive.add(&file.path, &file.bytes)?;
                if i % 256 == 0 {
                    TimeoutFuture::new(0).await;
                }
            }
            download(&name, &archive.finish()?).map_err(DomainError::internal)
        }
    }
}

fn files_of(input: &web_sys::HtmlInputElement) -> Vec<web_sys::File> {
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Files dropped onto the page.
pub fn dropped_files(event: &web_sys::DragEvent) -> Vec<web_sys::File> {
    let Some(list) = event.data_transfer().and_then(|d| d.files()) else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[component]
pub fn ImportExportPage() -> impl IntoView {
    let job = expect_context::<ImportJob>();
    let pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let files = files_of(&input);
        input.set_value("");
        job.start(files);
    };
    let app = use_app();
    let export_error = RwSignal::new(None::<String>);
    let export = move |format: ExportFormat| {
        let tracker = app.tracker();
        run_action(export_error, async move {
            export(tracker, ExportScope::Everything, format, "labbook-export").await
        });
    };
    view! {
        <section class="transfer" data-testid="import-page">
            <h1>"Import and export"</h1>
            <div class="panel">
                <h3>"Import"</h3>
                <p class="muted">
                    "An MLflow file store (a zip of the mlruns folder, or the folder itself, from MLflow 2 or 3), "
                    "MLflow's SQLite database (mlflow.db, chosen together with its mlruns folder zipped, for the artifacts), "
                    "an mlflow-export-import export (zipped, or the folder), responses saved from MLflow's REST API (.json), "
                    "or a labbook bundle (.json, or .zip with artifacts). You can also drop files anywhere on this page. "
                    "Experiments are matched by name, runs by id: importing the same data again changes nothing."
                </p>
                <div class="inline-form">
                    <label class="button">
                        "Choose files"
                        <input type="file" multiple accept=".zip,.json,.db,.sqlite" data-testid="import-input"
                            on:change=pick prop:disabled=move || matches!(job.state.get(), ImportState::Running(_))/>
                    </label>
                    <label class="button secondary">
                        "Choose a folder"
                        <input type="file" data-testid="import-folder" prop:webkitdirectory=true on:change=pick/>
                    </label>
                </div>
                <ImportStatus job=job/>
            </div>
            <div class="panel">
                <h3>"Export"</h3>
                <p class="muted">
                    "Everything in this browser: as a labbook bundle; as an MLflow file store that MLflow reads "
                    "(run mlflow from the folder holding mlruns); or as an mlflow-export-import export-all, for its import tools. "
                    "An experiment's page exports just that experiment."
                </p>
                <div class="inline-form">
                    <button data-testid="export-json" on:click=move |_| export(ExportFormat::BundleJson)>"Bundle (.json, no artifacts)"</button>
                    <button data-testid="export-zip" on:click=move |_| export(ExportFormat::BundleZip)>"Bundle with artifacts (.zip)"</button>
                    <button data-testid="export-mlflow" on:click=move |_| export(ExportFormat::MlflowFileStore)>"MLflow file store (mlruns .zip)"</button>
                    <button data-testid="export-export-import" on:click=move |_| export(ExportFormat::ExportImport)>"mlflow-export-import (.zip)"</button>
                </div>
                <ErrorLine error=export_error/>
            </div>
        </section>
    }
}

#[component]
fn ImportStatus(job: ImportJob) -> impl IntoView {
    move || {
        match job.state.get() {
        ImportState::Idle => ().into_any(),
        ImportState::Running(progress) => view! {
            <div class="import-progress">
                <p>{progress.phase.clone()}</p>
                <progress data-testid="import-progress" max=progress.total.max(1) value=progress.done></progress>
                <p class="muted small">
                    {format!("{} of {} {}", progress.done, progress.total, progress.unit)}
                    {(progress.bytes > 0.0).then(|| format!(" · {}", format::bytes(progress.bytes as u64)))}
                </p>
                <button class="secondary" data-testid="import-cancel" on:click=move |_| job.cancel()>"Cancel"</button>
            </div>
        }
        .into_any(),
        ImportState::Failed(message) => view! {
            <div class="banner error" data-testid="import-error" role="alert">{message}</div>
        }
        .into_any(),
        ImportState::Done(report) => view! { <Report report=report/> }.into_any(),
    }
    }
}

#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let row = |kind: &'static str, c: crate::store::import::Counts| {
        view! { <tr><th>{kind}</th><td>{c.added}</td><td>{c.updated}</td><td>{c.skipped}</td></tr> }
    };
    view! {
        <div class="import-report" data-testid="import-report">
            <p><strong>"Imported."</strong></p>
            <table class="kv">
                <thead><tr><th></th><th>"added"</th><th>"updated"</th><th>"unchanged"</th></tr></thead>
                <tbody>
                    {row("Experiments", report.experiments)}
                    {row("Runs", report.runs)}
                    {row("Registered models", report.registered_models)}
                    {row("Model versions", report.model_versions)}
                    {row("Logged models", report.logged_models)}
                </tbody>
            </table>
            <p class="muted">
                {format!("{} metric points, {} artifact files ({}) written.",
                    report.metric_points, report.artifact_files, format::bytes(report.artifact_bytes))}
            </p>
            {(!report.warnings.is_empty()).then(|| view! {
                <ul class="warnings" data-testid="import-warnings">
                    {report.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}
                </ul>
            })}
            <a href="#/">"Go to the experiments"</a>
        </div>
    }
}

/// Makes the whole page a drop target for imports.
pub fn install_drop_target(job: ImportJob) {
    let over = window_event_listener(leptos::ev::dragover, |ev| ev.prevent_default());
    let drop = window_event_listener(leptos::ev::drop, move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        let files = dropped_files(&ev);
        if !files.is_empty() {
            let _ = window().location().set_hash("#/import");
            job.start(files);
        }
    });
    on_cleanup(move || {
        over.remove();
        drop.remove();
    });
}
