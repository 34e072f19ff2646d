//! Reading what the user chose (files, a folder, a drop) and decoding it into one snapshot,
//! then handing it to the tracker's all-or-nothing import.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::app::error::js_error;
use crate::app::format;
use crate::codec::archive::{Limits, SourceFile, ZipReader};
use crate::codec::bundle::{self, BUNDLE_JSON};
use crate::codec::file_store::FileStore;
use crate::codec::sqlite::SqliteStore;
use crate::codec::{export_import, parse_json, rest_import};
use crate::domain::{DomainError, Snapshot};
use crate::store::import::ImportReport;

use super::progress::{ImportState, Pacer, Progress};

/// The largest file the page will read: browsers cannot hold much more in one buffer.
pub const MAX_FILE_BYTES: f64 = 2.0 * 1024.0 * 1024.0 * 1024.0;
/// Zip directory records checked between two chances to yield (a few milliseconds of work).
const DIRECTORY_SLICE: usize = 2000;

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

pub async fn run_import(
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
