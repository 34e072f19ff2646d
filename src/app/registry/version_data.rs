//! What a model version's page shows, read through the tracker: the version and its model, the
//! source run, the model's files with its `MLmodel` read (and the input example and
//! requirements it names), and every `models:/` URI that names the version, each resolved.

use crate::codec::mlmodel::{self, MlModel};
use crate::domain::{
    model_version_not_found, tidy_relative_path, ArtifactFile, DomainError, ModelSelector,
    ModelUri, ModelVersion, RegisteredModel, Run, Stage,
};
use crate::store::{Store, Tracker};

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
        return Some((run_id, tidy_relative_path(path)?));
    }
    let (_, path) = version.source.rsplit_once("/artifacts/")?;
    Some((run_id, tidy_relative_path(path)?))
}

/// A version with what its page shows around it.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionData {
    pub version: ModelVersion,
    pub model: RegisteredModel,
    pub run: Option<Run>,
    /// The model's files (paths from the owner's root) and their owner.
    pub files: Vec<ArtifactFile>,
    pub owner: Option<String>,
    pub mlmodel: Option<Result<MlModel, String>>,
    pub input_example: Option<String>,
    pub requirements: Option<String>,
    /// Each `models:/` URI naming this version, with what it resolves to.
    pub uris: Vec<(String, Result<u64, String>)>,
}

impl VersionData {
    /// What the page is about, for the browser's title: "taxi-model v3".
    pub fn title(&self) -> String {
        format!("{} v{}", self.version.name, self.version.version)
    }
}

/// The text of the file at `path` of `owner`, if it can be read.
async fn read_text<S: Store>(tracker: &Tracker<S>, owner: &str, path: &str) -> Option<String> {
    let bytes = tracker.file(owner, path).await.ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Version `number` (as the URL gives it) of model `name`, and what its page shows. Files
/// that cannot be read are left out rather than failing the page.
pub async fn load_version<S: Store>(
    tracker: &Tracker<S>,
    name: &str,
    number: &str,
) -> Result<VersionData, DomainError> {
    let number: u64 = number.parse().map_err(|_| {
        DomainError::invalid(format!("Model version must be an integer, got '{number}'"))
    })?;
    let versions = tracker.versions_of(name).await?;
    let version = versions
        .iter()
        .find(|v| v.version == number)
        .cloned()
        .ok_or_else(|| model_version_not_found(name, number))?;
    let model = tracker.registered_model(name).await?;
    let run = match &version.run_id {
        Some(id) => tracker.run(id).await.ok(),
        None => None,
    };
    let (owner, folder) = match model_location(&version) {
        Some((owner, folder)) => (Some(owner), folder),
        None => (None, String::new()),
    };
    let mut files = Vec::new();
    if let Some(owner) = &owner {
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
    let in_folder = |name: &str| {
        if folder.is_empty() {
            name.to_owned()
        } else {
            format!("{folder}/{name}")
        }
    };
    // A file of the model's folder, when the version has one.
    let read = |path: String| {
        let owner = owner.clone();
        let listed = files.iter().any(|f| f.path == path);
        async move {
            match owner {
                Some(owner) if listed => read_text(tracker, &owner, &path).await,
                _ => None,
            }
        }
    };
    let mlmodel_path = in_folder("MLmodel");
    let mlmodel = read(mlmodel_path.clone())
        .await
        .map(|text| mlmodel::parse(&mlmodel_path, &text).map_err(|e| e.message));
    let example_path = mlmodel
        .as_ref()
        .and_then(|m| m.as_ref().ok())
        .and_then(|m| m.input_example.clone())
        .map(|p| in_folder(&p));
    let input_example = match example_path {
        Some(path) => read(path).await,
        None => None,
    };
    let requirements = read(in_folder("requirements.txt")).await;
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
                name: name.to_owned(),
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

#[cfg(test)]
mod tests {
    use futures::executor::block_on;

    use super::*;
    use crate::app::test_runs::experiment_with_a_run;
    use crate::store::{MemStore, NewModelVersion};

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

    const MLMODEL: &str = "flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n  sklearn:\n    sklearn_version: 1.5.2\nmlflow_version: 2.22.5\nsaved_input_example_info:\n  artifact_path: input_example.json\n";

    #[test]
    fn a_version_comes_with_its_files_mlmodel_and_uris() {
        let tracker = Tracker::new(MemStore::new());
        let run_id = block_on(async {
            let id = experiment_with_a_run(&tracker).await?;
            for (path, text) in [
                ("model/MLmodel", MLMODEL),
                ("model/input_example.json", "{\"distance\": [1.5]}"),
                ("model/requirements.txt", "scikit-learn==1.5.2"),
                ("plots/loss.txt", "x"),
            ] {
                tracker
                    .put_artifact(&id, path, text.as_bytes().to_vec())
                    .await?;
            }
            tracker
                .create_registered_model("taxi", vec![], String::new())
                .await?;
            tracker
                .create_model_version(NewModelVersion {
                    name: "taxi".into(),
                    source: format!("runs:/{id}/model"),
                    run_id: Some(id.clone()),
                    ..NewModelVersion::default()
                })
                .await?;
            tracker.set_alias("taxi", "champion", 1).await?;
            tracker
                .transition_stage("taxi", 1, Stage::Staging, false)
                .await?;
            Ok::<_, DomainError>(id)
        })
        .unwrap();

        let data = block_on(load_version(&tracker, "taxi", "1")).unwrap();
        assert_eq!(data.title(), "taxi v1");
        assert_eq!(data.owner.as_deref(), Some(run_id.as_str()));
        assert_eq!(data.run.map(|r| r.info.run_id), Some(run_id));
        let paths: Vec<&str> = data.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "model/MLmodel",
                "model/input_example.json",
                "model/requirements.txt"
            ]
        );
        let flavors = data.mlmodel.and_then(Result::ok).map(|m| m.flavors.len());
        assert_eq!(flavors, Some(2));
        assert_eq!(data.input_example.as_deref(), Some("{\"distance\": [1.5]}"));
        assert_eq!(data.requirements.as_deref(), Some("scikit-learn==1.5.2"));
        assert_eq!(
            data.uris,
            [
                ("models:/taxi/1".to_owned(), Ok(1)),
                ("models:/taxi@champion".to_owned(), Ok(1)),
                ("models:/taxi/Staging".to_owned(), Ok(1)),
                ("models:/taxi/latest".to_owned(), Ok(1)),
            ]
        );
        let wrong = block_on(load_version(&tracker, "taxi", "one")).unwrap_err();
        assert_eq!(wrong.message, "Model version must be an integer, got 'one'");
        assert!(block_on(load_version(&tracker, "taxi", "2")).is_err());
    }
}
