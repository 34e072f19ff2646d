//! `order_by` clauses (`<identifier> [ASC|DESC]`) and the orders MLflow sorts results in.

use std::cmp::Ordering;

use super::filter::{Parser, Purpose, Target};
use super::lexer::{tokenize, Kind};
use super::names::Entity;
use crate::domain::{DomainError, Experiment, ModelVersion, RegisteredModel, Run};

/// One parsed `order_by` clause, its key with aliases translated (`created` is `start_time`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderKey {
    pub entity: Entity,
    pub key: String,
    pub ascending: bool,
}

impl OrderKey {
    fn attribute(key: &str, ascending: bool) -> OrderKey {
        OrderKey {
            entity: Entity::Attribute,
            key: key.to_owned(),
            ascending,
        }
    }
}

/// Parses one `order_by` clause for `target`, with MLflow's rules and messages.
pub fn parse_order_by(target: Target, clause: &str) -> Result<OrderKey, DomainError> {
    let unparsable = || {
        DomainError::invalid(format!(
            "Invalid order_by clause '{clause}'. Could not be parsed. Write '<key> [ASC|DESC]' with no other words, e.g. 'metrics.rmse DESC'; quote keys with spaces in backticks"
        ))
    };
    if clause.is_empty() || clause.trim() != clause {
        return Err(unparsable());
    }
    let tokens = tokenize(clause);
    let id_len = Parser::identifier_len(&tokens);
    if id_len == 0 || tokens.iter().any(|t| t.kind == Kind::Unterminated) {
        return Err(unparsable());
    }
    let ascending = match &tokens[id_len..] {
        [] => true,
        [direction] if direction.is_keyword("ASC") => true,
        [direction] if direction.is_keyword("DESC") => false,
        // `timestamp` is a type name to MLflow's tokenizer: a bad direction after it is
        // reported as an unparsable clause.
        [direction]
            if direction.kind == Kind::Word && !(id_len == 1 && tokens[0].text == "timestamp") =>
        {
            return Err(DomainError::invalid(format!(
                "Invalid ordering key in order_by clause '{clause}'. Use ASC or DESC."
            )))
        }
        _ => return Err(unparsable()),
    };
    let parser = Parser {
        target,
        text: clause,
    };
    let (entity, key) = parser.resolve(&tokens[..id_len], Purpose::Order)?;
    let orderable = match target {
        Target::Runs => entity != Entity::Dataset,
        _ => entity == Entity::Attribute,
    };
    if !orderable {
        return Err(DomainError::invalid(format!(
            "Invalid order_by entity: {} in '{clause}'",
            match entity {
                Entity::Dataset => "dataset",
                _ => "tag",
            }
        )));
    }
    let key = match (target, key.as_str()) {
        (Target::RegisteredModels, "timestamp") => "creation_timestamp".to_owned(),
        _ => key,
    };
    Ok(OrderKey {
        entity,
        key,
        ascending,
    })
}

/// A value a result is sorted by.
#[derive(Debug, PartialEq)]
enum SortValue<'a> {
    Number(f64),
    Text(&'a str),
}

/// Compares by one key as MLflow does: values first in the asked direction, then NaN, then
/// missing values, whatever the direction.
fn compare_by(a: &Option<SortValue>, b: &Option<SortValue>, ascending: bool) -> Ordering {
    let tier = |v: &Option<SortValue>| match v {
        None => 2,
        Some(SortValue::Number(n)) if n.is_nan() => 1,
        Some(_) => 0,
    };
    let (ta, tb) = (tier(a), tier(b));
    if ta != tb || ta != 0 {
        return ta.cmp(&tb);
    }
    let order = match (a, b) {
        (Some(SortValue::Number(x)), Some(SortValue::Number(y))) => {
            x.partial_cmp(y).unwrap_or(Ordering::Equal)
        }
        (Some(SortValue::Text(x)), Some(SortValue::Text(y))) => x.cmp(y),
        (Some(SortValue::Number(_)), _) => Ordering::Less,
        _ => Ordering::Greater,
    };
    if ascending {
        order
    } else {
        order.reverse()
    }
}

/// The order of `items` by `keys` (positions, first to last), computing each item's values
/// once rather than at every comparison.
fn sorted_order<'v, T>(
    items: &'v [T],
    keys: &[OrderKey],
    value: impl Fn(&'v T, &OrderKey) -> Option<SortValue<'v>>,
) -> Vec<usize> {
    let values: Vec<Vec<Option<SortValue>>> = items
        .iter()
        .map(|item| keys.iter().map(|k| value(item, k)).collect())
        .collect();
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        keys.iter()
            .enumerate()
            .map(|(n, k)| compare_by(&values[a][n], &values[b][n], k.ascending))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    order
}

/// Sorts `items` by `keys`.
fn sort_by_keys<T>(
    items: &mut [T],
    keys: &[OrderKey],
    value: impl for<'a> Fn(&'a T, &OrderKey) -> Option<SortValue<'a>>,
) {
    let order = sorted_order(items, keys, value);
    apply_permutation(items, order);
}

/// Reorders `items` so that the item at `permutation[i]` ends up at `i`, by swaps.
fn apply_permutation<T>(items: &mut [T], mut permutation: Vec<usize>) {
    for start in 0..items.len() {
        let mut at = start;
        loop {
            let from = permutation[at];
            permutation[at] = at;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

fn time(t: Option<i64>) -> Option<SortValue<'static>> {
    t.map(|t| SortValue::Number(t as f64))
}

fn run_value<'a>(run: &'a Run, key: &OrderKey) -> Option<SortValue<'a>> {
    let info = &run.info;
    match key.entity {
        Entity::Metric => run
            .latest_metric(&key.key)
            .map(|m| SortValue::Number(m.value)),
        Entity::Param => run.param(&key.key).map(SortValue::Text),
        Entity::Tag => run.tag(&key.key).map(SortValue::Text),
        Entity::Dataset => None,
        Entity::Attribute => match key.key.as_str() {
            "start_time" => time(info.start_time),
            "end_time" => time(info.end_time),
            "run_id" => Some(SortValue::Text(&info.run_id)),
            "run_name" => Some(SortValue::Text(&info.run_name)),
            "user_id" => Some(SortValue::Text(&info.user_id)),
            "status" => Some(SortValue::Text(info.status.as_str())),
            "artifact_uri" => Some(SortValue::Text(&info.artifact_uri)),
            _ => None,
        },
    }
}

/// The given keys, then start time (newest first) unless ordered by it already, then run id.
fn run_keys(order: &[OrderKey]) -> Vec<OrderKey> {
    let mut keys: Vec<OrderKey> = order.to_vec();
    let by_start = |k: &OrderKey| k.entity == Entity::Attribute && k.key == "start_time";
    if !keys.iter().any(by_start) {
        keys.push(OrderKey::attribute("start_time", false));
    }
    keys.push(OrderKey::attribute("run_id", true));
    keys
}

/// Sorts runs as MLflow does (see [`run_keys`]).
pub fn sort_runs(runs: &mut [Run], order: &[OrderKey]) {
    sort_by_keys(runs, &run_keys(order), run_value);
}

/// Whether `a` and `b` sort alike by every key of `order` and MLflow's tie-breaks: one put in
/// place of the other keeps a sorted list sorted.
pub fn sort_alike(a: &Run, b: &Run, order: &[OrderKey]) -> bool {
    run_keys(order)
        .iter()
        .all(|key| run_value(a, key) == run_value(b, key))
}

/// Sorts positions into `runs` as [`sort_runs`] sorts the runs, leaving `runs` in place.
pub fn sort_run_indices(runs: &[Run], indices: &mut [usize], order: &[OrderKey]) {
    let order = sorted_order(indices, &run_keys(order), |&i, key| {
        run_value(&runs[i], key)
    });
    apply_permutation(indices, order);
}

fn experiment_value<'a>(experiment: &'a Experiment, key: &OrderKey) -> Option<SortValue<'a>> {
    match key.key.as_str() {
        "experiment_id" => Some(match experiment.experiment_id.parse::<f64>() {
            Ok(n) => SortValue::Number(n),
            Err(_) => SortValue::Text(&experiment.experiment_id),
        }),
        "name" => Some(SortValue::Text(&experiment.name)),
        "creation_time" => time(experiment.creation_time),
        "last_update_time" => time(experiment.last_update_time),
        _ => None,
    }
}

/// Sorts experiments: by the given keys (newest first when none), then by id.
pub fn sort_experiments(experiments: &mut [Experiment], order: &[OrderKey]) {
    let mut keys: Vec<OrderKey> = order.to_vec();
    if keys.is_empty() {
        keys.push(OrderKey::attribute("creation_time", false));
    }
    keys.push(OrderKey::attribute("experiment_id", true));
    sort_by_keys(experiments, &keys, experiment_value);
}

fn model_value<'a>(model: &'a RegisteredModel, key: &OrderKey) -> Option<SortValue<'a>> {
    match key.key.as_str() {
        "name" => Some(SortValue::Text(&model.name)),
        "creation_timestamp" => time(Some(model.creation_timestamp)),
        "last_updated_timestamp" => time(Some(model.last_updated_timestamp)),
        _ => None,
    }
}

/// Sorts registered models: by the given keys, then by name.
pub fn sort_models(models: &mut [RegisteredModel], order: &[OrderKey]) {
    let mut keys: Vec<OrderKey> = order.to_vec();
    if !keys.iter().any(|k| k.key == "name") {
        keys.push(OrderKey::attribute("name", true));
    }
    sort_by_keys(models, &keys, model_value);
}

fn version_value<'a>(version: &'a ModelVersion, key: &OrderKey) -> Option<SortValue<'a>> {
    match key.key.as_str() {
        "name" => Some(SortValue::Text(&version.name)),
        "version_number" => Some(SortValue::Number(version.version as f64)),
        "creation_timestamp" => time(Some(version.creation_timestamp)),
        "last_updated_timestamp" => time(Some(version.last_updated_timestamp)),
        _ => None,
    }
}

/// Sorts model versions: by the given keys, then by name, then newest version first.
pub fn sort_versions(versions: &mut [ModelVersion], order: &[OrderKey]) {
    let mut keys: Vec<OrderKey> = order.to_vec();
    if !keys.iter().any(|k| k.key == "name") {
        keys.push(OrderKey::attribute("name", true));
    }
    if !keys.iter().any(|k| k.key == "version_number") {
        keys.push(OrderKey::attribute("version_number", false));
    }
    sort_by_keys(versions, &keys, version_value);
}
