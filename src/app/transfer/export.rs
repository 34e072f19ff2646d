//! Exports as downloads: labbook bundles (JSON, or zip with artifacts), an MLflow file store
//! and an mlflow-export-import `export-all`, each zipped.

use std::rc::Rc;

use gloo::timers::future::TimeoutFuture;

use crate::app::widgets::download;
use crate::clock::now_ms;
use crate::codec::archive::ZipBuilder;
use crate::codec::bundle::{self, BUNDLE_JSON};
use crate::codec::{export_import, file_store_export};
use crate::domain::DomainError;
use crate::store::{AnyStore, ExportScope, Tracker};

/// Offers everything in `scope` as a bundle: JSON alone, or a zip with the artifacts.
async fn export_bundle(
    tracker: Rc<Tracker<AnyStore>>,
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
    tracker: Rc<Tracker<AnyStore>>,
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
                    export_import::encode_at(&snapshot, now_ms()),
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
