//! The Import / Export page, its import status and report, and the page-wide drop target.

use leptos::prelude::*;

use crate::app::format;
use crate::app::storage::StorageStatus;
use crate::app::use_app;
use crate::app::widgets::{run_action, ErrorLine};
use crate::store::import::{Counts, ImportReport};
use crate::store::ExportScope;

use super::export::{export, ExportFormat};
use super::job::ImportJob;
use super::progress::ImportState;

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
                {move || job.space_warning.get().map(|warning| view! {
                    <div class="banner warning" data-testid="import-space-warning" role="status">{warning}</div>
                })}
                <ImportStatus job=job/>
                <StorageStatus/>
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
        ImportState::Cancelled => view! {
            <div class="banner warning" data-testid="import-cancelled" role="status">
                "Import cancelled; nothing was written."
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

/// What an import counts: the label and `data-kind` of its report row, and its counts.
type Reported = (&'static str, &'static str, fn(&ImportReport) -> Counts);

const REPORTED: [Reported; 5] = [
    ("Experiments", "experiments", |r| r.experiments),
    ("Runs", "runs", |r| r.runs),
    ("Registered models", "registered-models", |r| {
        r.registered_models
    }),
    ("Model versions", "model-versions", |r| r.model_versions),
    ("Logged models", "logged-models", |r| r.logged_models),
];

/// What an import did: a row per kind (`report-row` with `data-kind`), each count in a cell of
/// its own (`report-added`, `report-updated`, `report-unchanged`).
#[component]
fn Report(report: ImportReport) -> impl IntoView {
    view! {
        <div class="import-report" data-testid="import-report">
            <p><strong>"Imported."</strong></p>
            <table class="kv">
                <thead><tr><th></th><th>"added"</th><th>"updated"</th><th>"unchanged"</th></tr></thead>
                <tbody>
                    {REPORTED.iter().map(|(label, kind, counts)| {
                        let c = counts(&report);
                        view! {
                            <tr data-testid="report-row" data-kind=*kind>
                                <th>{*label}</th>
                                <td data-testid="report-added">{c.added}</td>
                                <td data-testid="report-updated">{c.updated}</td>
                                <td data-testid="report-unchanged">{c.skipped}</td>
                            </tr>
                        }
                    }).collect_view()}
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
