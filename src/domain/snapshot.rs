//! A self-contained set of tracking data: what an import brings in and an export writes out.

use super::{Experiment, LoggedModel, Metric, ModelVersion, RegisteredModel, Run};

/// One file of a run's artifacts, with its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactBytes {
    /// Relative to the run's artifact root, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A run with everything it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSnapshot {
    pub run: Run,
    /// Every metric point, all keys, each key's points in the order logged.
    pub history: Vec<Metric>,
    pub artifacts: Vec<ArtifactBytes>,
}

/// An MLflow 3 logged model with its files.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedModelSnapshot {
    pub model: LoggedModel,
    pub artifacts: Vec<ArtifactBytes>,
}

/// Experiments and runs as a source holds them. Experiment ids are the source's; runs refer
/// to them through `run.info.experiment_id`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    pub experiments: Vec<Experiment>,
    pub runs: Vec<RunSnapshot>,
    pub registered_models: Vec<RegisteredModel>,
    pub model_versions: Vec<ModelVersion>,
    pub logged_models: Vec<LoggedModelSnapshot>,
    /// What the source held that could not be taken as it was, in words for the user.
    pub warnings: Vec<String>,
}

impl Snapshot {
    pub fn metric_points(&self) -> usize {
        self.runs.iter().map(|r| r.history.len()).sum()
    }

    pub fn artifact_files(&self) -> usize {
        self.runs.iter().map(|r| r.artifacts.len()).sum()
    }

    /// The runs of one experiment (by the snapshot's experiment id).
    pub fn runs_of(&self, experiment_id: &str) -> Vec<&RunSnapshot> {
        self.runs
            .iter()
            .filter(|r| r.run.info.experiment_id == experiment_id)
            .collect()
    }

    /// The versions of one registered model.
    pub fn versions_of(&self, model: &str) -> Vec<&ModelVersion> {
        self.model_versions
            .iter()
            .filter(|v| v.name == model)
            .collect()
    }
}

impl Snapshot {
    /// Puts several sources into one import. Experiment ids of every source but the first are
    /// prefixed with the source's position (`"2/1"`), since ids only mean something within
    /// their source; experiments are matched by name on import anyway.
    pub fn combine(sources: Vec<Snapshot>) -> Snapshot {
        let mut combined = Snapshot::default();
        for (index, mut source) in sources.into_iter().enumerate() {
            if index > 0 {
                let prefix = |id: &mut String| *id = format!("{}/{id}", index + 1);
                source
                    .experiments
                    .iter_mut()
                    .for_each(|e| prefix(&mut e.experiment_id));
                source
                    .runs
                    .iter_mut()
                    .for_each(|r| prefix(&mut r.run.info.experiment_id));
                source
                    .logged_models
                    .iter_mut()
                    .for_each(|m| prefix(&mut m.model.experiment_id));
            }
            combined.experiments.extend(source.experiments);
            combined.runs.extend(source.runs);
            combined.registered_models.extend(source.registered_models);
            combined.model_versions.extend(source.model_versions);
            combined.logged_models.extend(source.logged_models);
            combined.warnings.extend(source.warnings);
        }
        combined
    }
}

impl Snapshot {
    /// Gives runs whose experiment the source did not include an experiment to belong to,
    /// named by `name_for(run id, experiment id)`, and says so in a warning.
    pub fn adopt_orphan_runs(&mut self, name_for: impl Fn(&str, &str) -> String) {
        let mut missing: Vec<(String, String)> = Vec::new();
        for run in &self.runs {
            let id = &run.run.info.experiment_id;
            let known = self.experiments.iter().any(|e| &e.experiment_id == id)
                || missing.iter().any(|(m, _)| m == id);
            if !known {
                missing.push((id.clone(), name_for(&run.run.info.run_id, id)));
            }
        }
        for (id, name) in missing {
            self.warnings.push(format!(
                "runs of experiment {id} came without the experiment; they were put in experiment '{name}'"
            ));
            self.experiments.push(Experiment {
                experiment_id: id,
                name,
                artifact_location: String::new(),
                lifecycle_stage: super::LifecycleStage::Active,
                creation_time: None,
                last_update_time: None,
                tags: Vec::new(),
            });
        }
    }
}
