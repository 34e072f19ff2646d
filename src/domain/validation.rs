//! MLflow's validation rules for what users log (from `mlflow/utils/validation.py`), with its
//! limits and its messages, so that labbook refuses exactly what `mlflow server` refuses.

use super::{DatasetInput, DomainError, Metric, Param, Tag};

pub const MAX_PARAMS_TAGS_PER_BATCH: usize = 100;
pub const MAX_METRICS_PER_BATCH: usize = 1000;
pub const MAX_ENTITIES_PER_BATCH: usize = 1000;
pub const MAX_PARAM_VAL_LENGTH: usize = 6000;
pub const MAX_TAG_VAL_LENGTH: usize = 8000;
pub const MAX_EXPERIMENT_NAME_LENGTH: usize = 500;
pub const MAX_EXPERIMENT_TAG_KEY_LENGTH: usize = 250;
pub const MAX_EXPERIMENT_TAG_VAL_LENGTH: usize = 5000;
pub const MAX_ENTITY_KEY_LENGTH: usize = 250;
pub const MAX_MODEL_REGISTRY_TAG_KEY_LENGTH: usize = 250;
pub const MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH: usize = 100_000;
pub const MAX_DATASET_NAME_SIZE: usize = 500;
pub const MAX_DATASET_DIGEST_SIZE: usize = 36;
pub const MAX_DATASET_SCHEMA_SIZE: usize = 1_048_575;
pub const MAX_DATASET_SOURCE_SIZE: usize = 65_535;
pub const MAX_DATASET_PROFILE_SIZE: usize = 16_777_215;
pub const MAX_INPUT_TAG_KEY_SIZE: usize = 255;
pub const MAX_INPUT_TAG_VALUE_SIZE: usize = 500;
pub const MAX_REGISTERED_MODEL_ALIAS_LENGTH: usize = 255;
/// The largest page `experiments/search` and `runs/search` hand out.
pub const MAX_RESULTS_PER_PAGE: usize = 50_000;

const BAD_CHARACTERS_MESSAGE: &str = "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).";

/// What a key names, for messages ("Invalid metric name: ...").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Metric,
    Param,
    Tag,
}

impl KeyKind {
    fn noun(self) -> &'static str {
        match self {
            KeyKind::Metric => "metric",
            KeyKind::Param => "parameter",
            KeyKind::Tag => "tag",
        }
    }
}

/// Checks a metric, param or tag key: allowed characters, and that it names one file.
pub fn validate_key(kind: KeyKind, key: &str) -> Result<(), DomainError> {
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, '_' | '/' | '.' | '-' | ' ' | ':');
    if !key.chars().all(allowed) {
        return Err(DomainError::invalid(format!(
            "Invalid {} name: '{key}'. {BAD_CHARACTERS_MESSAGE}",
            kind.noun()
        )));
    }
    if path_not_unique(key) {
        return Err(DomainError::invalid(format!(
            "Invalid {} name: '{key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '{}'",
            kind.noun(),
            normpath(key)
        )));
    }
    Ok(())
}

fn length_limit(entity: &str, limit: usize, value: &str) -> Result<(), DomainError> {
    let length = value.chars().count();
    if length <= limit {
        return Ok(());
    }
    let head: String = value.chars().take(250).collect();
    Err(DomainError::invalid(format!(
        "{entity} '{head}' had length {length}, which exceeded length limit of {limit}"
    )))
}

pub fn validate_metric(metric: &Metric) -> Result<(), DomainError> {
    validate_key(KeyKind::Metric, &metric.key)?;
    if metric.timestamp < 0 {
        return Err(DomainError::invalid(format!(
            "Got invalid timestamp {} for metric '{}' (value={}). Timestamp must be a nonnegative long (64-bit integer) ",
            metric.timestamp, metric.key, metric.value
        )));
    }
    length_limit("Metric name", MAX_ENTITY_KEY_LENGTH, &metric.key)
}

pub fn validate_param(param: &Param) -> Result<(), DomainError> {
    validate_key(KeyKind::Param, &param.key)?;
    length_limit("Param key", MAX_ENTITY_KEY_LENGTH, &param.key)?;
    length_limit("Param value", MAX_PARAM_VAL_LENGTH, &param.value)
}

pub fn validate_run_tag(tag: &Tag) -> Result<(), DomainError> {
    validate_key(KeyKind::Tag, &tag.key)?;
    length_limit("Tag key", MAX_ENTITY_KEY_LENGTH, &tag.key)?;
    length_limit("Tag value", MAX_TAG_VAL_LENGTH, &tag.value)
}

pub fn validate_experiment_tag(tag: &Tag) -> Result<(), DomainError> {
    validate_key(KeyKind::Tag, &tag.key)?;
    length_limit("Tag key", MAX_EXPERIMENT_TAG_KEY_LENGTH, &tag.key)?;
    length_limit("Tag value", MAX_EXPERIMENT_TAG_VAL_LENGTH, &tag.value)
}

pub fn validate_registry_tag(tag: &Tag) -> Result<(), DomainError> {
    validate_key(KeyKind::Tag, &tag.key)?;
    length_limit(
        "Registered model key",
        MAX_MODEL_REGISTRY_TAG_KEY_LENGTH,
        &tag.key,
    )?;
    length_limit(
        "Registered model value",
        MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH,
        &tag.value,
    )
}

pub fn validate_experiment_name(name: &str) -> Result<(), DomainError> {
    if name.is_empty() {
        return Err(DomainError::invalid("Invalid experiment name: ''"));
    }
    if name.chars().count() > MAX_EXPERIMENT_NAME_LENGTH {
        return Err(DomainError::invalid(format!(
            "Experiment name exceeds the maximum length of {MAX_EXPERIMENT_NAME_LENGTH} characters"
        )));
    }
    Ok(())
}

/// A run id: an alphanumeric, then up to 255 alphanumerics, underscores or dashes.
pub fn validate_run_id(run_id: &str) -> Result<(), DomainError> {
    if is_identifier(run_id, 256) {
        Ok(())
    } else {
        Err(DomainError::invalid(format!("Invalid run ID: '{run_id}'")))
    }
}

/// An experiment id: an alphanumeric, then up to 63 alphanumerics, underscores or dashes.
pub fn validate_experiment_id(experiment_id: &str) -> Result<(), DomainError> {
    if is_identifier(experiment_id, 64) {
        Ok(())
    } else {
        Err(DomainError::invalid(format!(
            "Invalid experiment ID: '{experiment_id}'"
        )))
    }
}

fn is_identifier(id: &str, max_len: usize) -> bool {
    let mut chars = id.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    first.is_ascii_alphanumeric()
        && id.chars().count() <= max_len
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// The limits of one `log-batch` request.
pub fn validate_batch_limits(
    metrics: usize,
    params: usize,
    tags: usize,
) -> Result<(), DomainError> {
    let check = |entity: &str, limit: usize, length: usize| {
        if length > limit {
            Err(DomainError::invalid(format!(
                "A batch logging request can contain at most {limit} {entity}. Got {length} {entity}. Please split up {entity} across multiple requests and try again."
            )))
        } else {
            Ok(())
        }
    };
    check("metrics", MAX_METRICS_PER_BATCH, metrics)?;
    check("params", MAX_PARAMS_TAGS_PER_BATCH, params)?;
    check("tags", MAX_PARAMS_TAGS_PER_BATCH, tags)?;
    check(
        "metrics, params, and tags",
        MAX_ENTITIES_PER_BATCH,
        metrics + params + tags,
    )
}

/// A batch may not give one param key twice.
pub fn validate_param_keys_unique(params: &[Param]) -> Result<(), DomainError> {
    let mut seen: Vec<&str> = Vec::new();
    let mut dupes: Vec<&str> = Vec::new();
    for param in params {
        if seen.contains(&param.key.as_str()) {
            dupes.push(&param.key);
        } else {
            seen.push(&param.key);
        }
    }
    if dupes.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = dupes.iter().map(|k| format!("'{k}'")).collect();
    Err(DomainError::invalid(format!(
        "Duplicate parameter keys have been submitted: [{}]. Please ensure the request contains only one param value per param key.",
        listed.join(", ")
    )))
}

pub fn validate_dataset_input(input: &DatasetInput) -> Result<(), DomainError> {
    let dataset = &input.dataset;
    let checks = [
        ("Dataset name", MAX_DATASET_NAME_SIZE, dataset.name.as_str()),
        ("Dataset digest", MAX_DATASET_DIGEST_SIZE, &dataset.digest),
        ("Dataset source", MAX_DATASET_SOURCE_SIZE, &dataset.source),
        (
            "Dataset schema",
            MAX_DATASET_SCHEMA_SIZE,
            dataset.schema.as_deref().unwrap_or(""),
        ),
        (
            "Dataset profile",
            MAX_DATASET_PROFILE_SIZE,
            dataset.profile.as_deref().unwrap_or(""),
        ),
    ];
    for (what, limit, value) in checks {
        length_limit(what, limit, value)?;
    }
    for (what, value) in [
        ("name", &dataset.name),
        ("digest", &dataset.digest),
        ("source_type", &dataset.source_type),
        ("source", &dataset.source),
    ] {
        if value.is_empty() {
            return Err(DomainError::invalid(format!(
                "Dataset {what} must be provided"
            )));
        }
    }
    for tag in &input.tags {
        length_limit("Input tag key", MAX_INPUT_TAG_KEY_SIZE, &tag.key)?;
        length_limit("Input tag value", MAX_INPUT_TAG_VALUE_SIZE, &tag.value)?;
    }
    Ok(())
}

pub fn validate_model_name(name: &str) -> Result<(), DomainError> {
    if name.is_empty() {
        Err(DomainError::invalid(
            "Registered model name cannot be empty.",
        ))
    } else {
        Ok(())
    }
}

pub fn validate_model_alias(alias: &str) -> Result<(), DomainError> {
    if alias.is_empty() {
        return Err(DomainError::invalid(
            "Registered model alias name cannot be empty.",
        ));
    }
    if !alias
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return Err(DomainError::invalid(format!(
            "Invalid alias name: '{alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-)."
        )));
    }
    length_limit(
        "Registered model alias name",
        MAX_REGISTERED_MODEL_ALIAS_LENGTH,
        alias,
    )?;
    if alias.eq_ignore_ascii_case("latest") {
        return Err(DomainError::invalid(
            "'latest' alias name (case insensitive) is reserved.",
        ));
    }
    let mut chars = alias.chars();
    if matches!(chars.next(), Some('v' | 'V'))
        && alias.len() > 1
        && chars.all(|c| c.is_ascii_digit())
    {
        return Err(DomainError::invalid(format!(
            "Version alias name '{alias}' is reserved."
        )));
    }
    Ok(())
}

/// True where a key, taken as a file path, would name some other file (`a/../b`, `./a`, `/a`).
pub fn path_not_unique(name: &str) -> bool {
    let norm = normpath(name);
    norm != name || norm == "." || norm.starts_with("..") || norm.starts_with('/')
}

/// Python's `posixpath.normpath`.
pub fn normpath(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let leading = path.len() - path.trim_start_matches('/').len();
    let initial = match leading {
        0 => "",
        2 => "//",
        _ => "/",
    };
    let mut parts: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        if comp.is_empty() || comp == "." {
            continue;
        }
        if comp != ".." || (initial.is_empty() && parts.is_empty()) || parts.last() == Some(&"..") {
            parts.push(comp);
        } else if !parts.is_empty() {
            parts.pop();
        }
    }
    let joined = format!("{initial}{}", parts.join("/"));
    if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    }
}
