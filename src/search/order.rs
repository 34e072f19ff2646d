//! `order_by` clauses (`<identifier> [ASC|DESC]`) and the orders MLflow sorts results in.

use std::cmp::Ordering;

use crate::domain::{DomainError, Experiment, Run};

/// What an ordering key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEntity {
    Attribute,
    Metric,
    Param,
    Tag,
}

/// One parsed `order_by` clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderKey {
    pub entity: OrderEntity,
    pub key: String,
    pub ascending: bool,
}

const RUN_ORDER_ATTRIBUTES: [&str; 7] = [
    "run_id",
    "run_name",
    "user_id",
    "status",
    "start_time",
    "end_time",
    "artifact_uri",
];

const EXPERIMENT_ORDER_ATTRIBUTES: [&str; 4] =
    ["experiment_id", "name", "creation_time", "last_update_time"];

/// Splits `identifier [ASC|DESC]` into the identifier and the direction.
fn split_direction(clause: &str) -> Result<(&str, bool), DomainError> {
    let clause = clause.trim();
    if clause.is_empty() {
        return Err(DomainError::invalid(
            "Invalid order_by clause '': expected '<identifier> [ASC|DESC]'",
        ));
    }
    if let Some((head, last)) = clause.rsplit_once(char::is_whitespace) {
        let head = head.trim_end();
        if last.eq_ignore_ascii_case("asc") {
            return Ok((head, true));
        }
        if last.eq_ignore_ascii_case("desc") {
            return Ok((head, false));
        }
        let quoted = clause.starts_with('`') || clause.contains(".`") || clause.contains(".\"");
        if !quoted {
            return Err(DomainError::invalid(format!(
                "Invalid order_by clause '{clause}': '{last}' is not ASC or DESC. Write '<identifier> ASC' or '<identifier> DESC', and quote keys that contain spaces with backticks."
            )));
        }
    }
    Ok((clause, true))
}

/// Removes backticks or quotes around a key.
fn unquote(key: &str) -> Result<String, DomainError> {
    for quote in ['`', '"', '\''] {
        if let Some(inner) = key.strip_prefix(quote) {
            return inner.strip_suffix(quote).map(str::to_owned).ok_or_else(|| {
                DomainError::invalid(format!(
                    "Invalid order_by key {key}: the opening {quote} is never closed"
                ))
            });
        }
    }
    Ok(key.to_owned())
}

fn entity_of(prefix: &str) -> Option<OrderEntity> {
    match prefix {
        "metric" | "metrics" => Some(OrderEntity::Metric),
        "param" | "params" | "parameter" | "parameters" => Some(OrderEntity::Param),
        "tag" | "tags" => Some(OrderEntity::Tag),
        "attribute" | "attributes" | "attr" | "run" => Some(OrderEntity::Attribute),
        _ => None,
    }
}

/// Parses a `runs/search` `order_by` clause, e.g. ``metrics.`f1 score` DESC``.
pub fn parse_run_order_by(clause: &str) -> Result<OrderKey, DomainError> {
    let (identifier, ascending) = split_direction(clause)?;
    let (entity, raw_key) = match identifier.split_once('.') {
        Some((prefix, rest)) => match entity_of(prefix) {
            Some(entity) => (entity, rest),
            None => (OrderEntity::Attribute, identifier),
        },
        None => (OrderEntity::Attribute, identifier),
    };
    let mut key = unquote(raw_key)?;
    if entity == OrderEntity::Attribute {
        key = match key.as_str() {
            "created" => "start_time".to_owned(),
            "run name" | "run_name" => "run_name".to_owned(),
            _ => key,
        };
        if !RUN_ORDER_ATTRIBUTES.contains(&key.as_str()) {
            return Err(DomainError::invalid(format!(
                "Invalid order_by attribute key '{key}' in '{}'. Valid keys are {}; metrics, params and tags are ordered by 'metrics.<key>', 'params.<key>', 'tags.<key>'.",
                clause.trim(),
                RUN_ORDER_ATTRIBUTES.join(", ")
            )));
        }
    }
    if key.is_empty() {
        return Err(DomainError::invalid(format!(
            "Invalid order_by clause '{}': the key is empty",
            clause.trim()
        )));
    }
    Ok(OrderKey {
        entity,
        key,
        ascending,
    })
}

/// Parses an `experiments/search` `order_by` clause.
pub fn parse_experiment_order_by(clause: &str) -> Result<OrderKey, DomainError> {
    let (identifier, ascending) = split_direction(clause)?;
    let bare = identifier
        .split_once('.')
        .filter(|(prefix, _)| entity_of(prefix) == Some(OrderEntity::Attribute))
        .map_or(identifier, |(_, rest)| rest);
    let key = unquote(bare)?;
    if !EXPERIMENT_ORDER_ATTRIBUTES.contains(&key.as_str()) {
        return Err(DomainError::invalid(format!(
            "Invalid order_by key '{key}' in '{}'. Valid keys are {}.",
            clause.trim(),
            EXPERIMENT_ORDER_ATTRIBUTES.join(", ")
        )));
    }
    Ok(OrderKey {
        entity: OrderEntity::Attribute,
        key,
        ascending,
    })
}

/// A value a run or experiment is sorted by.
#[derive(Debug, PartialEq)]
enum SortValue<'a> {
    Number(f64),
    Text(&'a str),
}

fn compare_values(a: &SortValue, b: &SortValue) -> Ordering {
    match (a, b) {
        // NaN sorts above every number, as MLflow's SQL store orders `is_nan` first.
        (SortValue::Number(x), SortValue::Number(y)) => match (x.is_nan(), y.is_nan()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        },
        (SortValue::Text(x), SortValue::Text(y)) => x.cmp(y),
        (SortValue::Number(_), SortValue::Text(_)) => Ordering::Less,
        (SortValue::Text(_), SortValue::Number(_)) => Ordering::Greater,
    }
}

/// Compares by one key; a missing value sorts last whatever the direction.
fn compare_by(a: Option<SortValue>, b: Option<SortValue>, ascending: bool) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            let order = compare_values(&x, &y);
            if ascending {
                order
            } else {
                order.reverse()
            }
        }
    }
}

fn run_value<'a>(run: &'a Run, key: &OrderKey) -> Option<SortValue<'a>> {
    let info = &run.info;
    match key.entity {
        OrderEntity::Metric => run
            .latest_metric(&key.key)
            .map(|m| SortValue::Number(m.value)),
        OrderEntity::Param => run.param(&key.key).map(SortValue::Text),
        OrderEntity::Tag => run.tag(&key.key).map(SortValue::Text),
        OrderEntity::Attribute => match key.key.as_str() {
            "start_time" => info.start_time.map(|t| SortValue::Number(t as f64)),
            "end_time" => info.end_time.map(|t| SortValue::Number(t as f64)),
            "run_id" => Some(SortValue::Text(&info.run_id)),
            "run_name" => Some(SortValue::Text(&info.run_name)),
            "user_id" => Some(SortValue::Text(&info.user_id)),
            "status" => Some(SortValue::Text(info.status.as_str())),
            "artifact_uri" => Some(SortValue::Text(&info.artifact_uri)),
            _ => None,
        },
    }
}

/// Sorts runs as MLflow does: by the given keys, then by start time (newest first) unless
/// ordered by it already, then by run id.
pub fn sort_runs(runs: &mut [Run], order: &[OrderKey]) {
    let mut keys: Vec<OrderKey> = order.to_vec();
    let by_start = |k: &OrderKey| k.entity == OrderEntity::Attribute && k.key == "start_time";
    if !keys.iter().any(by_start) {
        keys.push(OrderKey {
            entity: OrderEntity::Attribute,
            key: "start_time".to_owned(),
            ascending: false,
        });
    }
    keys.push(OrderKey {
        entity: OrderEntity::Attribute,
        key: "run_id".to_owned(),
        ascending: true,
    });
    runs.sort_by(|a, b| {
        keys.iter()
            .map(|k| compare_by(run_value(a, k), run_value(b, k), k.ascending))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
}

fn experiment_value<'a>(experiment: &'a Experiment, key: &str) -> Option<SortValue<'a>> {
    match key {
        "experiment_id" => Some(match experiment.experiment_id.parse::<f64>() {
            Ok(n) => SortValue::Number(n),
            Err(_) => SortValue::Text(&experiment.experiment_id),
        }),
        "name" => Some(SortValue::Text(&experiment.name)),
        "creation_time" => experiment
            .creation_time
            .map(|t| SortValue::Number(t as f64)),
        "last_update_time" => experiment
            .last_update_time
            .map(|t| SortValue::Number(t as f64)),
        _ => None,
    }
}

/// Sorts experiments: by the given keys (newest first when none), then by id.
pub fn sort_experiments(experiments: &mut [Experiment], order: &[OrderKey]) {
    let mut keys: Vec<OrderKey> = order.to_vec();
    if keys.is_empty() {
        keys.push(OrderKey {
            entity: OrderEntity::Attribute,
            key: "creation_time".to_owned(),
            ascending: false,
        });
    }
    keys.push(OrderKey {
        entity: OrderEntity::Attribute,
        key: "experiment_id".to_owned(),
        ascending: true,
    });
    experiments.sort_by(|a, b| {
        keys.iter()
            .map(|k| {
                compare_by(
                    experiment_value(a, &k.key),
                    experiment_value(b, &k.key),
                    k.ascending,
                )
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(clause: &str, entity: OrderEntity, key: &str, ascending: bool) {
        assert_eq!(
            parse_run_order_by(clause),
            Ok(OrderKey {
                entity,
                key: key.to_owned(),
                ascending
            }),
            "{clause}"
        );
    }

    #[test]
    fn parses_run_order_by() {
        use OrderEntity::*;
        check("attributes.start_time DESC", Attribute, "start_time", false);
        check("start_time", Attribute, "start_time", true);
        check("created asc", Attribute, "start_time", true);
        check("metrics.rmse ASC", Metric, "rmse", true);
        check("metric.`f1 score` DESC", Metric, "f1 score", false);
        check("metrics.a.b", Metric, "a.b", true);
        check("params.\"learning rate\"", Param, "learning rate", true);
        check("tags.model DESC", Tag, "model", false);
        check("run.run_name", Attribute, "run_name", true);
    }

    #[test]
    fn rejects_bad_order_by() {
        for clause in [
            "",
            "metrics.rmse DOWN",
            "attributes.nope",
            "metrics.`open DESC",
        ] {
            assert!(parse_run_order_by(clause).is_err(), "{clause}");
        }
        assert!(parse_experiment_order_by("name DESC").is_ok());
        assert!(parse_experiment_order_by("metrics.x").is_err());
    }
}
