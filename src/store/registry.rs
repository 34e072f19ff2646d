//! The model registry's writes, with MLflow's rules: registered models (create, rename,
//! describe, tag, alias, delete) and their versions (register, describe, tag, move between
//! stages with an optional "archive the versions now there", delete). Version numbers grow and
//! are never given twice, even after a delete. Each write is one atomic list of changes.

use super::tracker::Tracker;
use super::{Change, Records, Store};
use crate::clock::now_ms;
use crate::domain::validation::{validate_model_alias, validate_model_name, validate_registry_tag};
use crate::domain::{
    model_version_not_found, upsert_tag, DomainError, ModelUri, ModelVersion, RegisteredModel,
    Stage, StageTransition, Tag,
};

/// What `model-versions/create` takes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewModelVersion {
    pub name: String,
    pub source: String,
    pub run_id: Option<String>,
    pub run_link: String,
    pub description: String,
    pub tags: Vec<Tag>,
    pub model_id: Option<String>,
    pub user_id: String,
}

fn model_exists(name: &str) -> DomainError {
    DomainError::already_exists(format!("Registered Model (name={name}) already exists."))
}

/// The registered model `name` among `records`.
async fn model_in(records: &impl Records, name: &str) -> Result<RegisteredModel, DomainError> {
    records
        .registered_models()
        .await?
        .into_iter()
        .find(|m| m.name == name)
        .ok_or_else(|| {
            DomainError::not_found(format!("Registered Model with name={name} not found"))
        })
}

/// The versions of model `name` among `records`, in version order.
async fn versions_in(records: &impl Records, name: &str) -> Result<Vec<ModelVersion>, DomainError> {
    let mut versions: Vec<ModelVersion> = records
        .model_versions()
        .await?
        .into_iter()
        .filter(|v| v.name == name)
        .collect();
    versions.sort_by_key(|v| v.version);
    Ok(versions)
}

/// Version `number` of model `name` among `records`.
async fn version_in(
    records: &impl Records,
    name: &str,
    number: u64,
) -> Result<ModelVersion, DomainError> {
    versions_in(records, name)
        .await?
        .into_iter()
        .find(|v| v.version == number)
        .ok_or_else(|| model_version_not_found(name, number))
}

impl<S: Store> Tracker<S> {
    /// A registered model by name.
    pub async fn registered_model(&self, name: &str) -> Result<RegisteredModel, DomainError> {
        model_in(self.store(), name).await
    }

    /// The versions of model `name`, in version order.
    pub async fn versions_of(&self, name: &str) -> Result<Vec<ModelVersion>, DomainError> {
        versions_in(self.store(), name).await
    }

    /// One version of a model.
    pub async fn model_version(
        &self,
        name: &str,
        version: u64,
    ) -> Result<ModelVersion, DomainError> {
        version_in(self.store(), name, version).await
    }

    pub async fn create_registered_model(
        &self,
        name: &str,
        tags: Vec<Tag>,
        description: String,
    ) -> Result<RegisteredModel, DomainError> {
        validate_model_name(name)?;
        for tag in &tags {
            validate_registry_tag(tag)?;
        }
        let write = self.begin().await?;
        if model_in(&write, name).await.is_ok() {
            return Err(model_exists(name));
        }
        let now = now_ms();
        let mut model = RegisteredModel {
            name: name.to_owned(),
            creation_timestamp: now,
            last_updated_timestamp: now,
            description,
            tags: Vec::new(),
            aliases: Vec::new(),
            last_version: 0,
        };
        for tag in tags {
            upsert_tag(&mut model.tags, &tag.key, &tag.value);
        }
        self.commit(write, vec![Change::PutRegisteredModel(model.clone())])
            .await?;
        Ok(model)
    }

    /// Renames a model; its versions follow it.
    pub async fn rename_registered_model(
        &self,
        name: &str,
        new_name: &str,
    ) -> Result<RegisteredModel, DomainError> {
        validate_model_name(new_name)?;
        let write = self.begin().await?;
        let mut model = model_in(&write, name).await?;
        if new_name == name {
            return Ok(model);
        }
        if model_in(&write, new_name).await.is_ok() {
            return Err(model_exists(new_name));
        }
        let now = now_ms();
        let versions = versions_in(&write, name).await?;
        let mut changes: Vec<Change> = versions
            .iter()
            .map(|v| Change::DeleteModelVersion {
                name: name.to_owned(),
                version: v.version,
            })
            .collect();
        changes.push(Change::DeleteRegisteredModel {
            name: name.to_owned(),
        });
        model.name = new_name.to_owned();
        model.last_updated_timestamp = now;
        changes.push(Change::PutRegisteredModel(model.clone()));
        for mut version in versions {
            version.name = new_name.to_owned();
            version.last_updated_timestamp = now;
            changes.push(Change::PutModelVersion(version));
        }
        self.commit(write, changes).await?;
        Ok(model)
    }

    /// Changes a model with `edit`, stamping its update time.
    async fn edit_model(
        &self,
        name: &str,
        edit: impl FnOnce(&mut RegisteredModel) -> Result<(), DomainError>,
    ) -> Result<RegisteredModel, DomainError> {
        let write = self.begin().await?;
        let mut model = model_in(&write, name).await?;
        edit(&mut model)?;
        model.last_updated_timestamp = now_ms();
        self.commit(write, vec![Change::PutRegisteredModel(model.clone())])
            .await?;
        Ok(model)
    }

    pub async fn update_registered_model(
        &self,
        name: &str,
        description: String,
    ) -> Result<RegisteredModel, DomainError> {
        self.edit_model(name, |m| {
            m.description = description;
            Ok(())
        })
        .await
    }

    pub async fn set_registered_model_tag(&self, name: &str, tag: Tag) -> Result<(), DomainError> {
        validate_registry_tag(&tag)?;
        self.edit_model(name, |m| {
            upsert_tag(&mut m.tags, &tag.key, &tag.value);
            Ok(())
        })
        .await
        .map(drop)
    }

    pub async fn delete_registered_model_tag(
        &self,
        name: &str,
        key: &str,
    ) -> Result<(), DomainError> {
        self.edit_model(name, |m| {
            m.tags.retain(|t| t.key != key);
            Ok(())
        })
        .await
        .map(drop)
    }

    /// Points `alias` at `version` (moving it if it pointed elsewhere).
    pub async fn set_alias(
        &self,
        name: &str,
        alias: &str,
        version: u64,
    ) -> Result<(), DomainError> {
        validate_model_alias(alias)?;
        let write = self.begin().await?;
        let mut model = model_in(&write, name).await?;
        // The version must exist.
        version_in(&write, name, version).await?;
        model.aliases.retain(|(a, _)| a != alias);
        model.aliases.push((alias.to_owned(), version));
        model.aliases.sort();
        model.last_updated_timestamp = now_ms();
        self.commit(write, vec![Change::PutRegisteredModel(model)])
            .await
    }

    pub async fn delete_alias(&self, name: &str, alias: &str) -> Result<(), DomainError> {
        self.edit_model(name, |m| {
            m.aliases.retain(|(a, _)| a != alias);
            Ok(())
        })
        .await
        .map(drop)
    }

    /// Deletes a model with its versions.
    pub async fn delete_registered_model(&self, name: &str) -> Result<(), DomainError> {
        let write = self.begin().await?;
        model_in(&write, name).await?;
        let mut changes: Vec<Change> = versions_in(&write, name)
            .await?
            .into_iter()
            .map(|v| Change::DeleteModelVersion {
                name: name.to_owned(),
                version: v.version,
            })
            .collect();
        changes.push(Change::DeleteRegisteredModel {
            name: name.to_owned(),
        });
        self.commit(write, changes).await
    }

    /// Registers a new version of model `name`, numbered after every version it ever had.
    pub async fn create_model_version(
        &self,
        new: NewModelVersion,
    ) -> Result<ModelVersion, DomainError> {
        validate_model_name(&new.name)?;
        for tag in &new.tags {
            validate_registry_tag(tag)?;
        }
        let write = self.begin().await?;
        let mut model = model_in(&write, &new.name).await?;
        let versions = versions_in(&write, &new.name).await?;
        let number = versions
            .iter()
            .map(|v| v.version)
            .chain([model.last_version])
            .max()
            .unwrap_or(0)
            + 1;
        let now = now_ms();
        let mut version = ModelVersion {
            creation_timestamp: now,
            last_updated_timestamp: now,
            description: new.description,
            user_id: new.user_id,
            run_id: new.run_id.filter(|r| !r.is_empty()),
            run_link: new.run_link,
            model_id: new.model_id.filter(|m| !m.is_empty()),
            ..ModelVersion::new(&new.name, number, &new.source)
        };
        for tag in new.tags {
            upsert_tag(&mut version.tags, &tag.key, &tag.value);
        }
        model.last_version = number;
        model.last_updated_timestamp = now;
        self.commit(
            write,
            vec![
                Change::PutRegisteredModel(model),
                Change::PutModelVersion(version.clone()),
            ],
        )
        .await?;
        Ok(version)
    }

    /// Changes a version with `edit`, stamping its update time.
    async fn edit_version(
        &self,
        name: &str,
        number: u64,
        edit: impl FnOnce(&mut ModelVersion),
    ) -> Result<ModelVersion, DomainError> {
        let write = self.begin().await?;
        let mut version = version_in(&write, name, number).await?;
        edit(&mut version);
        version.last_updated_timestamp = now_ms();
        self.commit(write, vec![Change::PutModelVersion(version.clone())])
            .await?;
        Ok(version)
    }

    pub async fn update_model_version(
        &self,
        name: &str,
        number: u64,
        description: String,
    ) -> Result<ModelVersion, DomainError> {
        self.edit_version(name, number, |v| v.description = description)
            .await
    }

    pub async fn set_model_version_tag(
        &self,
        name: &str,
        number: u64,
        tag: Tag,
    ) -> Result<(), DomainError> {
        validate_registry_tag(&tag)?;
        self.edit_version(name, number, |v| {
            upsert_tag(&mut v.tags, &tag.key, &tag.value)
        })
        .await
        .map(drop)
    }

    pub async fn delete_model_version_tag(
        &self,
        name: &str,
        number: u64,
        key: &str,
    ) -> Result<(), DomainError> {
        self.edit_version(name, number, |v| v.tags.retain(|t| t.key != key))
            .await
            .map(drop)
    }

    /// Moves a version to `stage`; with `archive_existing`, the model's other versions in that
    /// stage (Staging or Production only) move to Archived. Every move is kept in the
    /// versions' stage history.
    pub async fn transition_stage(
        &self,
        name: &str,
        number: u64,
        stage: Stage,
        archive_existing: bool,
    ) -> Result<ModelVersion, DomainError> {
        if archive_existing && !stage.is_active() {
            return Err(DomainError::invalid(format!(
                "Model version transition cannot archive existing model versions because '{stage}' is not an Active stage. Valid stages are Staging, Production"
            )));
        }
        let write = self.begin().await?;
        let mut model = model_in(&write, name).await?;
        let versions = versions_in(&write, name).await?;
        let now = now_ms();
        let mut moved = None;
        let mut changes = Vec::new();
        for mut version in versions {
            let to = if version.version == number {
                stage
            } else if archive_existing && version.current_stage == stage {
                Stage::Archived
            } else {
                continue;
            };
            version.stage_history.push(StageTransition {
                from: version.current_stage,
                to,
                timestamp: now,
            });
            version.current_stage = to;
            version.last_updated_timestamp = now;
            if version.version == number {
                moved = Some(version.clone());
            }
            changes.push(Change::PutModelVersion(version));
        }
        let moved = moved.ok_or_else(|| model_version_not_found(name, number))?;
        model.last_updated_timestamp = now;
        changes.push(Change::PutRegisteredModel(model));
        self.commit(write, changes).await?;
        Ok(moved)
    }

    /// Deletes a version (and the aliases pointing at it); its number is not given again.
    pub async fn delete_model_version(&self, name: &str, number: u64) -> Result<(), DomainError> {
        let write = self.begin().await?;
        version_in(&write, name, number).await?;
        let mut model = model_in(&write, name).await?;
        model.aliases.retain(|(_, v)| *v != number);
        model.last_version = model.last_version.max(number);
        model.last_updated_timestamp = now_ms();
        self.commit(
            write,
            vec![
                Change::DeleteModelVersion {
                    name: name.to_owned(),
                    version: number,
                },
                Change::PutRegisteredModel(model),
            ],
        )
        .await
    }

    /// The version a `models:/` URI names: `models:/<name>/<version>`, `models:/<name>@<alias>`,
    /// `models:/<name>/<stage>` (the newest version in it) or `models:/<name>/latest`.
    pub async fn resolve_model_uri(&self, uri: &str) -> Result<ModelVersion, DomainError> {
        self.version_at(&ModelUri::parse(uri)?).await
    }

    /// The version `uri` names.
    pub async fn version_at(&self, uri: &ModelUri) -> Result<ModelVersion, DomainError> {
        let model = self.registered_model(&uri.name).await?;
        let versions = self.versions_of(&uri.name).await?;
        let number = uri.pick(&model, &versions)?;
        versions
            .into_iter()
            .find(|v| v.version == number)
            .ok_or_else(|| model_version_not_found(&uri.name, number))
    }
}
