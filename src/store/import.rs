//! How a [`Snapshot`] merges into what the store already holds.
//!
//! The rules, documented for users in the README:
//! - Experiments are matched by name. An imported experiment whose name exists locally merges
//!   into it: the local one keeps its id and takes the imported tags, state, times and
//!   artifact location; otherwise it is created with the next free local id, oldest first,
//!   so a fresh database gets the source's ids `0, 1, 2...` back when the source numbered
//!   them in creation order, as MLflow's SQL store does.
//! - Runs are matched by run id (MLflow's run ids are unique everywhere). A run already here
//!   with the same content is skipped; with other content it is replaced, with its metric
//!   histories; its artifacts are written over path by path.
//! - The same run id twice in one import with different content is an error.
//! - MLflow 3 logged models match by id, as runs do.
//! - Registered models match by name and model versions by name and number; one already here
//!   with the same content is skipped, with other content replaced.
//!
//! [`plan`] is pure: it turns the snapshot into the [`Change`]s that do the above and the
//! report of what they will do.

use std::collections::HashMap;

use super::Change;
use crate::domain::{
    compare_ids, next_experiment_id, normalize_artifact_path, upsert_tag, ArtifactBytes,
    DomainError, Experiment, LoggedModel, ModelVersion, RegisteredModel, Run, Snapshot,
};

/// How many of one kind were added, updated or skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub added: usize,
    pub updated: usize,
    pub skipped: usize,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub experiments: Counts,
    pub runs: Counts,
    pub registered_models: Counts,
    pub model_versions: Counts,
    pub logged_models: Counts,
    pub metric_points: usize,
    pub artifact_files: usize,
    pub artifact_bytes: u64,
    pub warnings: Vec<String>,
}

/// Writes a run's or logged model's files, counting them in the report.
fn push_artifacts(
    changes: &mut Vec<Change>,
    report: &mut ImportReport,
    owner: &str,
    artifacts: Vec<ArtifactBytes>,
) -> Result<(), DomainError> {
    for artifact in artifacts {
        let path = normalize_artifact_path(&artifact.path)?;
        report.artifact_files += 1;
        report.artifact_bytes += artifact.bytes.len() as u64;
        changes.push(Change::PutArtifact {
            run_id: owner.to_owned(),
            path,
            bytes: artifact.bytes,
        });
    }
    Ok(())
}

/// What the store holds, as far as an import needs to know.
pub struct Existing<'a> {
    pub experiments: &'a [Experiment],
    pub runs: &'a [Run],
    pub registered_models: &'a [RegisteredModel],
    pub model_versions: &'a [ModelVersion],
    pub logged_models: &'a [LoggedModel],
}

/// The changes that merge `snapshot` into a store holding `existing`.
pub fn plan(
    existing: Existing<'_>,
    snapshot: Snapshot,
) -> Result<(Vec<Change>, ImportReport), DomainError> {
    let Existing {
        experiments,
        runs,
        registered_models,
        model_versions,
        logged_models,
    } = existing;
    let mut report = ImportReport {
        warnings: snapshot.warnings,
        ..ImportReport::default()
    };
    let mut changes = Vec::new();

    // Experiments, oldest first (then by the source's id), so new local ids follow the order
    // they were created in even where the source's ids are random (MLflow 3 file stores).
    let mut incoming = snapshot.experiments;
    incoming.sort_by(|a, b| {
        a.creation_time
            .unwrap_or(i64::MAX)
            .cmp(&b.creation_time.unwrap_or(i64::MAX))
            .then_with(|| compare_ids(&a.experiment_id, &b.experiment_id))
    });
    let mut next_id = next_experiment_id(experiments);
    let mut id_map: HashMap<String, String> = HashMap::new();
    let mut planned: Vec<Experiment> = experiments.to_vec();
    for experiment in incoming {
        if id_map.contains_key(&experiment.experiment_id) {
            return Err(DomainError::invalid(format!(
                "experiment id {} appears twice in the import",
                experiment.experiment_id
            )));
        }
        let source_id = experiment.experiment_id.clone();
        match planned.iter_mut().find(|e| e.name == experiment.name) {
            Some(local) => {
                let mut merged = local.clone();
                for tag in &experiment.tags {
                    upsert_tag(&mut merged.tags, &tag.key, &tag.value);
                }
                merged.lifecycle_stage = experiment.lifecycle_stage;
                merged.artifact_location = experiment.artifact_location.clone();
                merged.creation_time = experiment.creation_time;
                merged.last_update_time = experiment.last_update_time;
                if merged == *local {
                    report.experiments.skipped += 1;
                } else {
                    report.experiments.updated += 1;
                    *local = merged.clone();
                    changes.push(Change::PutExperiment(merged));
                }
                id_map.insert(source_id, local.experiment_id.clone());
            }
            None => {
                let mut created = experiment;
                created.experiment_id = next_id.to_string();
                next_id += 1;
                report.experiments.added += 1;
                id_map.insert(source_id, created.experiment_id.clone());
                planned.push(created.clone());
                changes.push(Change::PutExperiment(created));
            }
        }
    }

    // Runs.
    let existing: HashMap<&str, &Run> = runs.iter().map(|r| (r.info.run_id.as_str(), r)).collect();
    let mut seen: HashMap<String, Run> = HashMap::new();
    for mut snapshot_run in snapshot.runs {
        let run = &mut snapshot_run.run;
        let Some(local_experiment) = id_map.get(&run.info.experiment_id) else {
            return Err(DomainError::invalid(format!(
                "run {} belongs to experiment {}, which the import does not contain",
                run.info.run_id, run.info.experiment_id
            )));
        };
        run.info.experiment_id = local_experiment.clone();
        if let Some(earlier) = seen.get(&run.info.run_id) {
            if earlier == run {
                continue;
            }
            return Err(DomainError::invalid(format!(
                "run {} appears twice in the import with different content; nothing was imported",
                run.info.run_id
            )));
        }
        seen.insert(run.info.run_id.clone(), run.clone());
        let run_id = run.info.run_id.clone();
        match existing.get(run_id.as_str()) {
            Some(local) if *local == run => {
                report.runs.skipped += 1;
                continue;
            }
            Some(_) => {
                report.runs.updated += 1;
                changes.push(Change::ClearMetrics {
                    run_id: run_id.clone(),
                });
            }
            None => report.runs.added += 1,
        }
        report.metric_points += snapshot_run.history.len();
        changes.push(Change::PutRun(snapshot_run.run));
        if !snapshot_run.history.is_empty() {
            changes.push(Change::AppendMetrics {
                run_id: run_id.clone(),
                points: snapshot_run.history,
            });
        }
        push_artifacts(&mut changes, &mut report, &run_id, snapshot_run.artifacts)?;
    }
    // MLflow 3 logged models, by id, in the experiment their source's id maps to.
    for mut snapshot_model in snapshot.logged_models {
        let model = &mut snapshot_model.model;
        let Some(local_experiment) = id_map.get(&model.experiment_id) else {
            return Err(DomainError::invalid(format!(
                "logged model {} belongs to experiment {}, which the import does not contain",
                model.model_id, model.experiment_id
            )));
        };
        model.experiment_id = local_experiment.clone();
        match logged_models.iter().find(|m| m.model_id == model.model_id) {
            Some(local) if local == model => {
                report.logged_models.skipped += 1;
                continue;
            }
            Some(_) => report.logged_models.updated += 1,
            None => report.logged_models.added += 1,
        }
        let model_id = model.model_id.clone();
        changes.push(Change::PutLoggedModel(snapshot_model.model));
        push_artifacts(
            &mut changes,
            &mut report,
            &model_id,
            snapshot_model.artifacts,
        )?;
    }

    // The registry: models by name, versions by name and number.
    for model in snapshot.registered_models {
        match registered_models.iter().find(|m| m.name == model.name) {
            Some(local) if *local == model => report.registered_models.skipped += 1,
            Some(_) => {
                report.registered_models.updated += 1;
                changes.push(Change::PutRegisteredModel(model));
            }
            None => {
                report.registered_models.added += 1;
                changes.push(Change::PutRegisteredModel(model));
            }
        }
    }
    for version in snapshot.model_versions {
        match model_versions
            .iter()
            .find(|v| v.name == version.name && v.version == version.version)
        {
            Some(local) if *local == version => report.model_versions.skipped += 1,
            Some(_) => {
                report.model_versions.updated += 1;
                changes.push(Change::PutModelVersion(version));
            }
            None => {
                report.model_versions.added += 1;
                changes.push(Change::PutModelVersion(version));
            }
        }
    }
    Ok((changes, report))
}
