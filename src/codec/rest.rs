//! MLflow's REST JSON: the shapes `mlflow server` answers with (protobuf's JSON mapping, as
//! MLflow prints it), and decoders for the entities it sends.
//!
//! As protobuf's printer does, empty lists and absent optional fields are left out, doubles
//! use [`protojson`](super::protojson) and 64-bit integers are JSON numbers.

use serde_json::{json, Map, Value};

use super::protojson::{double_from_json, double_to_json};
use crate::domain::{
    Dataset, DatasetInput, DomainError, Experiment, FileInfo, LoggedModel, LoggedModelStatus,
    Metric, ModelVersion, ModelVersionStatus, Param, RegisteredModel, Run, RunInfo, Stage,
    StageTransition, Tag,
};

fn put_list(object: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    if !items.is_empty() {
        object.insert(key.to_owned(), Value::Array(items));
    }
}

fn put_opt<T: Into<Value>>(object: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(v) = value {
        object.insert(key.to_owned(), v.into());
    }
}

pub fn tag_to_json(tag: &Tag) -> Value {
    json!({ "key": tag.key, "value": tag.value })
}

pub fn param_to_json(param: &Param) -> Value {
    json!({ "key": param.key, "value": param.value })
}

pub fn metric_to_json(metric: &Metric) -> Value {
    json!({
        "key": metric.key,
        "value": double_to_json(metric.value),
        "timestamp": metric.timestamp,
        "step": metric.step,
    })
}

pub fn experiment_to_json(experiment: &Experiment) -> Value {
    let mut o = Map::new();
    o.insert(
        "experiment_id".into(),
        experiment.experiment_id.clone().into(),
    );
    o.insert("name".into(), experiment.name.clone().into());
    o.insert(
        "artifact_location".into(),
        experiment.artifact_location.clone().into(),
    );
    o.insert(
        "lifecycle_stage".into(),
        experiment.lifecycle_stage.as_str().into(),
    );
    put_opt(&mut o, "last_update_time", experiment.last_update_time);
    put_opt(&mut o, "creation_time", experiment.creation_time);
    put_list(
        &mut o,
        "tags",
        experiment.tags.iter().map(tag_to_json).collect(),
    );
    Value::Object(o)
}

pub fn run_info_to_json(info: &RunInfo) -> Value {
    let mut o = Map::new();
    o.insert("run_uuid".into(), info.run_id.clone().into());
    o.insert("experiment_id".into(), info.experiment_id.clone().into());
    o.insert("run_name".into(), info.run_name.clone().into());
    o.insert("user_id".into(), info.user_id.clone().into());
    o.insert("status".into(), info.status.as_str().into());
    put_opt(&mut o, "start_time", info.start_time);
    put_opt(&mut o, "end_time", info.end_time);
    o.insert("artifact_uri".into(), info.artifact_uri.clone().into());
    o.insert(
        "lifecycle_stage".into(),
        info.lifecycle_stage.as_str().into(),
    );
    o.insert("run_id".into(), info.run_id.clone().into());
    Value::Object(o)
}

fn dataset_input_to_json(input: &DatasetInput) -> Value {
    let d = &input.dataset;
    let mut dataset = Map::new();
    dataset.insert("name".into(), d.name.clone().into());
    dataset.insert("digest".into(), d.digest.clone().into());
    dataset.insert("source_type".into(), d.source_type.clone().into());
    dataset.insert("source".into(), d.source.clone().into());
    put_opt(&mut dataset, "schema", d.schema.clone());
    put_opt(&mut dataset, "profile", d.profile.clone());
    let mut o = Map::new();
    put_list(&mut o, "tags", input.tags.iter().map(tag_to_json).collect());
    o.insert("dataset".into(), Value::Object(dataset));
    Value::Object(o)
}

pub fn run_to_json(run: &Run) -> Value {
    let mut data = Map::new();
    put_list(
        &mut data,
        "metrics",
        run.data.metrics.iter().map(metric_to_json).collect(),
    );
    put_list(
        &mut data,
        "params",
        run.data.params.iter().map(param_to_json).collect(),
    );
    put_list(
        &mut data,
        "tags",
        run.data.tags.iter().map(tag_to_json).collect(),
    );
    let mut inputs = Map::new();
    put_list(
        &mut inputs,
        "dataset_inputs",
        run.inputs.iter().map(dataset_input_to_json).collect(),
    );
    json!({
        "info": run_info_to_json(&run.info),
        "data": Value::Object(data),
        "inputs": Value::Object(inputs),
    })
}

pub fn file_info_to_json(file: &FileInfo) -> Value {
    let mut o = Map::new();
    o.insert("path".into(), file.path.clone().into());
    o.insert("is_dir".into(), file.is_dir.into());
    put_opt(&mut o, "file_size", file.file_size);
    Value::Object(o)
}

// Decoders.

/// A JSON integer, or a string holding one (protobuf's JSON mapping allows both for int64).
pub fn int_from_json(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A JSON string; numbers and booleans are taken as their text, as MLflow's parser does.
pub fn text_from_json(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
        _ => None,
    }
}

fn field<'a>(object: &'a Value, name: &str, what: &str) -> Result<&'a Value, DomainError> {
    object.get(name).filter(|v| !v.is_null()).ok_or_else(|| {
        DomainError::invalid(format!(
            "Missing value for required parameter '{name}' in {what}."
        ))
    })
}

fn text_field(object: &Value, name: &str, what: &str) -> Result<String, DomainError> {
    let value = field(object, name, what)?;
    text_from_json(value).ok_or_else(|| {
        DomainError::invalid(format!(
            "Invalid value {value} for parameter '{name}' in {what}: expected a string."
        ))
    })
}

/// `{key, value}` as a tag.
pub fn tag_from_json(value: &Value) -> Result<Tag, DomainError> {
    Ok(Tag::new(
        text_field(value, "key", "a tag")?,
        text_field(value, "value", "a tag")?,
    ))
}

/// `{key, value}` as a param.
pub fn param_from_json(value: &Value) -> Result<Param, DomainError> {
    Ok(Param::new(
        text_field(value, "key", "a param")?,
        text_field(value, "value", "a param")?,
    ))
}

/// `{key, value, timestamp, step}` as a metric point; `step` defaults to 0.
pub fn metric_from_json(value: &Value) -> Result<Metric, DomainError> {
    let key = text_field(value, "key", "a metric")?;
    let raw_value = field(value, "value", "a metric")?;
    let metric_value = double_from_json(raw_value).ok_or_else(|| {
        DomainError::invalid(format!(
            "Got invalid value {raw_value} for metric '{key}'. Please specify value as a valid double (64-bit floating point)"
        ))
    })?;
    let raw_timestamp = field(value, "timestamp", "a metric")?;
    let timestamp = int_from_json(raw_timestamp).ok_or_else(|| {
        DomainError::invalid(format!(
            "Got invalid timestamp {raw_timestamp} for metric '{key}'. Timestamp must be a nonnegative long (64-bit integer) "
        ))
    })?;
    let step = match value.get("step").filter(|v| !v.is_null()) {
        None => 0,
        Some(raw) => int_from_json(raw).ok_or_else(|| {
            DomainError::invalid(format!(
                "Got invalid step {raw} for metric '{key}'. Step must be a valid long (64-bit integer)."
            ))
        })?,
    };
    Ok(Metric {
        key,
        value: metric_value,
        timestamp,
        step,
    })
}

/// `{tags, dataset: {name, digest, source_type, source, schema, profile}}` as a dataset input.
pub fn dataset_input_from_json(value: &Value) -> Result<DatasetInput, DomainError> {
    let dataset = field(value, "dataset", "a dataset input")?;
    let optional = |name: &str| dataset.get(name).and_then(text_from_json);
    Ok(DatasetInput {
        tags: list_from_json(value.get("tags"), tag_from_json)?,
        dataset: Dataset {
            name: text_field(dataset, "name", "a dataset")?,
            digest: text_field(dataset, "digest", "a dataset")?,
            source_type: text_field(dataset, "source_type", "a dataset")?,
            source: text_field(dataset, "source", "a dataset")?,
            schema: optional("schema"),
            profile: optional("profile"),
        },
    })
}

/// A JSON list decoded item by item; absent or null is an empty list.
pub fn list_from_json<T>(
    value: Option<&Value>,
    item: impl Fn(&Value) -> Result<T, DomainError>,
) -> Result<Vec<T>, DomainError> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items.iter().map(item).collect(),
        Some(other) => Err(DomainError::invalid(format!(
            "Expected a list, got {other}"
        ))),
    }
}

fn optional_text(object: &Value, name: &str) -> Option<String> {
    object.get(name).and_then(text_from_json)
}

fn optional_int(object: &Value, name: &str, what: &str) -> Result<Option<i64>, DomainError> {
    match object.get(name).filter(|v| !v.is_null()) {
        None => Ok(None),
        Some(value) => int_from_json(value).map(Some).ok_or_else(|| {
            DomainError::invalid(format!("'{name}' of {what} is not an integer: {value}"))
        }),
    }
}

/// An experiment as `experiments/get` shows it.
pub fn experiment_from_json(value: &Value) -> Result<Experiment, DomainError> {
    let what = "an experiment";
    let lifecycle = optional_text(value, "lifecycle_stage").unwrap_or_else(|| "active".into());
    Ok(Experiment {
        experiment_id: text_field(value, "experiment_id", what)?,
        name: text_field(value, "name", what)?,
        artifact_location: optional_text(value, "artifact_location").unwrap_or_default(),
        lifecycle_stage: lifecycle.parse().map_err(DomainError::invalid)?,
        creation_time: optional_int(value, "creation_time", what)?,
        last_update_time: optional_int(value, "last_update_time", what)?,
        tags: list_from_json(value.get("tags"), tag_from_json)?,
    })
}

/// A run as `runs/get` shows it: `{info, data, inputs}`.
pub fn run_from_json(value: &Value) -> Result<Run, DomainError> {
    let what = "a run";
    let info = field(value, "info", what)?;
    let run_id = match optional_text(info, "run_id") {
        Some(id) => id,
        None => text_field(info, "run_uuid", what)?,
    };
    let status = optional_text(info, "status").unwrap_or_else(|| "FINISHED".into());
    let lifecycle = optional_text(info, "lifecycle_stage").unwrap_or_else(|| "active".into());
    let empty = Value::Null;
    let data = value.get("data").unwrap_or(&empty);
    let inputs = value.get("inputs").unwrap_or(&empty);
    let tags = list_from_json(data.get("tags"), tag_from_json)?;
    let run_name = crate::domain::run_name_or_tag(optional_text(info, "run_name"), &tags);
    Ok(Run {
        info: RunInfo {
            run_id,
            experiment_id: text_field(info, "experiment_id", what)?,
            run_name,
            user_id: optional_text(info, "user_id").unwrap_or_default(),
            status: status.parse().map_err(DomainError::invalid)?,
            start_time: optional_int(info, "start_time", what)?,
            end_time: optional_int(info, "end_time", what)?,
            artifact_uri: optional_text(info, "artifact_uri").unwrap_or_default(),
            lifecycle_stage: lifecycle.parse().map_err(DomainError::invalid)?,
        },
        data: crate::domain::RunData {
            metrics: list_from_json(data.get("metrics"), metric_from_json)?,
            params: list_from_json(data.get("params"), param_from_json)?,
            tags,
        },
        inputs: list_from_json(inputs.get("dataset_inputs"), dataset_input_from_json)?,
    })
}

/// A model version as `model-versions/get` shows it; `aliases` as that endpoint,
/// `registered-models/alias` and `get-latest-versions` list them (searches and a model's
/// `latest_versions` leave them out).
pub fn model_version_to_json(version: &ModelVersion, aliases: Option<&[String]>) -> Value {
    let mut o = Map::new();
    let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    o.insert("name".into(), version.name.clone().into());
    o.insert("version".into(), version.version.to_string().into());
    o.insert(
        "creation_timestamp".into(),
        version.creation_timestamp.into(),
    );
    o.insert(
        "last_updated_timestamp".into(),
        version.last_updated_timestamp.into(),
    );
    put_opt(&mut o, "user_id", text(&version.user_id));
    o.insert(
        "current_stage".into(),
        version.current_stage.as_str().into(),
    );
    put_opt(&mut o, "description", text(&version.description));
    o.insert("source".into(), version.source.clone().into());
    put_opt(&mut o, "run_id", version.run_id.clone());
    o.insert("status".into(), version.status.as_str().into());
    put_opt(&mut o, "status_message", text(&version.status_message));
    put_list(
        &mut o,
        "tags",
        version.tags.iter().map(tag_to_json).collect(),
    );
    put_opt(&mut o, "run_link", text(&version.run_link));
    if let Some(aliases) = aliases {
        put_list(
            &mut o,
            "aliases",
            aliases.iter().map(|a| Value::from(a.as_str())).collect(),
        );
    }
    put_opt(&mut o, "model_id", version.model_id.clone());
    Value::Object(o)
}

/// A registered model with its latest version of each stage.
pub fn registered_model_to_json(model: &RegisteredModel, latest: &[&ModelVersion]) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), model.name.clone().into());
    o.insert("creation_timestamp".into(), model.creation_timestamp.into());
    o.insert(
        "last_updated_timestamp".into(),
        model.last_updated_timestamp.into(),
    );
    put_opt(
        &mut o,
        "description",
        (!model.description.is_empty()).then(|| model.description.clone()),
    );
    put_list(
        &mut o,
        "latest_versions",
        latest
            .iter()
            .map(|v| model_version_to_json(v, None))
            .collect(),
    );
    put_list(&mut o, "tags", model.tags.iter().map(tag_to_json).collect());
    let mut aliases = model.aliases.clone();
    aliases.sort();
    put_list(
        &mut o,
        "aliases",
        aliases
            .iter()
            .map(|(alias, version)| json!({ "alias": alias, "version": version.to_string() }))
            .collect(),
    );
    Value::Object(o)
}

fn version_number(value: &Value, what: &str) -> Result<u64, DomainError> {
    int_from_json(value)
        .filter(|v| *v > 0)
        .map(|v| v as u64)
        .ok_or_else(|| {
            DomainError::invalid(format!("{what}: version {value} is not a positive integer"))
        })
}

/// A registered model as `registered-models/get` shows it (its versions are read apart).
pub fn registered_model_from_json(value: &Value) -> Result<RegisteredModel, DomainError> {
    let what = "a registered model";
    let mut aliases = Vec::new();
    for alias in value
        .get("aliases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        aliases.push((
            text_field(alias, "alias", "an alias")?,
            version_number(field(alias, "version", "an alias")?, "an alias")?,
        ));
    }
    Ok(RegisteredModel {
        name: text_field(value, "name", what)?,
        creation_timestamp: optional_int(value, "creation_timestamp", what)?.unwrap_or(0),
        last_updated_timestamp: optional_int(value, "last_updated_timestamp", what)?.unwrap_or(0),
        description: optional_text(value, "description").unwrap_or_default(),
        tags: list_from_json(value.get("tags"), tag_from_json)?,
        aliases,
        last_version: 0,
    })
}

/// A model version as `model-versions/get` shows it, with labbook's `stage_history`.
pub fn model_version_from_json(value: &Value) -> Result<ModelVersion, DomainError> {
    let what = "a model version";
    let stage = |text: &str| text.parse::<Stage>().map_err(DomainError::invalid);
    let status_text = optional_text(value, "status").unwrap_or_else(|| "READY".into());
    let mut stage_history = Vec::new();
    for entry in value
        .get("stage_history")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        stage_history.push(StageTransition {
            from: stage(&text_field(entry, "from", what)?)?,
            to: stage(&text_field(entry, "to", what)?)?,
            timestamp: optional_int(entry, "timestamp", what)?.unwrap_or(0),
        });
    }
    Ok(ModelVersion {
        name: text_field(value, "name", what)?,
        version: version_number(field(value, "version", what)?, what)?,
        creation_timestamp: optional_int(value, "creation_timestamp", what)?.unwrap_or(0),
        last_updated_timestamp: optional_int(value, "last_updated_timestamp", what)?.unwrap_or(0),
        current_stage: stage(
            &optional_text(value, "current_stage").unwrap_or_else(|| "None".into()),
        )?,
        description: optional_text(value, "description").unwrap_or_default(),
        user_id: optional_text(value, "user_id").unwrap_or_default(),
        source: optional_text(value, "source").unwrap_or_default(),
        run_id: optional_text(value, "run_id"),
        run_link: optional_text(value, "run_link").unwrap_or_default(),
        status: ModelVersionStatus::parse(&status_text).ok_or_else(|| {
            DomainError::invalid(format!("{what}: unknown status '{status_text}'"))
        })?,
        status_message: optional_text(value, "status_message").unwrap_or_default(),
        tags: list_from_json(value.get("tags"), tag_from_json)?,
        model_id: optional_text(value, "model_id"),
        stage_history,
    })
}

/// labbook's record of a version's stage changes, kept in bundles.
pub fn stage_history_to_json(version: &ModelVersion) -> Value {
    version
        .stage_history
        .iter()
        .map(|t| json!({ "from": t.from.as_str(), "to": t.to.as_str(), "timestamp": t.timestamp }))
        .collect()
}

/// An MLflow 3 logged model as `logged-models/get` shows it: `{info, data}`.
pub fn logged_model_to_json(model: &LoggedModel, registrations: &[(String, u64)]) -> Value {
    let mut info = Map::new();
    info.insert("model_id".into(), model.model_id.clone().into());
    info.insert("experiment_id".into(), model.experiment_id.clone().into());
    info.insert("name".into(), model.name.clone().into());
    info.insert(
        "creation_timestamp_ms".into(),
        model.creation_timestamp.into(),
    );
    info.insert(
        "last_updated_timestamp_ms".into(),
        model.last_updated_timestamp.into(),
    );
    info.insert(
        "artifact_uri".into(),
        model.artifact_location.clone().into(),
    );
    info.insert("status".into(), model.status.as_str().into());
    put_opt(&mut info, "model_type", model.model_type.clone());
    put_opt(&mut info, "source_run_id", model.source_run_id.clone());
    put_list(
        &mut info,
        "tags",
        model.tags.iter().map(tag_to_json).collect(),
    );
    put_list(
        &mut info,
        "registrations",
        registrations
            .iter()
            .map(|(name, version)| json!({ "name": name, "version": version.to_string() }))
            .collect(),
    );
    let mut data = Map::new();
    put_list(
        &mut data,
        "params",
        model.params.iter().map(param_to_json).collect(),
    );
    put_list(
        &mut data,
        "metrics",
        model
            .metrics
            .iter()
            .map(|m| {
                let mut metric = metric_to_json(m);
                metric["model_id"] = model.model_id.clone().into();
                metric
            })
            .collect(),
    );
    json!({ "info": Value::Object(info), "data": Value::Object(data) })
}

/// A logged model as `logged-models/get` shows it.
pub fn logged_model_from_json(value: &Value) -> Result<LoggedModel, DomainError> {
    let what = "a logged model";
    let info = field(value, "info", what)?;
    let empty = Value::Null;
    let data = value.get("data").unwrap_or(&empty);
    let status = optional_text(info, "status").unwrap_or_else(|| "LOGGED_MODEL_READY".into());
    Ok(LoggedModel {
        model_id: text_field(info, "model_id", what)?,
        experiment_id: text_field(info, "experiment_id", what)?,
        name: optional_text(info, "name").unwrap_or_default(),
        artifact_location: optional_text(info, "artifact_uri").unwrap_or_default(),
        creation_timestamp: optional_int(info, "creation_timestamp_ms", what)?.unwrap_or(0),
        last_updated_timestamp: optional_int(info, "last_updated_timestamp_ms", what)?.unwrap_or(0),
        status: LoggedModelStatus::parse(&status)
            .ok_or_else(|| DomainError::invalid(format!("{what}: unknown status '{status}'")))?,
        model_type: optional_text(info, "model_type"),
        source_run_id: optional_text(info, "source_run_id"),
        params: list_from_json(data.get("params"), param_from_json)?,
        tags: list_from_json(info.get("tags"), tag_from_json)?,
        metrics: list_from_json(data.get("metrics"), metric_from_json)?,
    })
}
