//! Completions for the filter box: MLflow's entity prefixes, then the keys present.

use super::columns::quote_key;
use crate::domain::RunKeys;
use crate::search::{run_attribute_names, Entity, DATASET_FIELDS};

/// The attribute names to offer: every name the parser takes, once whatever its case.
fn attribute_names() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in run_attribute_names() {
        let lower = name.to_lowercase();
        if !names.contains(&lower) {
            names.push(lower);
        }
    }
    names
}

/// Completions for the word being typed at the end of `text`: the entity prefixes and the
/// attributes, then, after a prefix (or one of its aliases), the keys present, the attributes
/// or the dataset fields. Every completion is one the parser takes.
pub fn suggestions(text: &str, keys: &RunKeys) -> Vec<String> {
    let word = text.rsplit(char::is_whitespace).next().unwrap_or_default();
    if word.is_empty() {
        return Vec::new();
    }
    let lower = word.to_lowercase();
    let mut out: Vec<String> = match word.split_once('.') {
        None => Entity::ALL
            .iter()
            .map(|e| format!("{}.", e.prefix()))
            .chain(attribute_names().iter().map(|a| quote_key(a)))
            .filter(|s| s.starts_with(&lower) && *s != word)
            .collect(),
        Some((prefix, partial)) => {
            let partial = partial.trim_start_matches(['`', '"']).to_lowercase();
            let Some(entity) = Entity::from_prefix(prefix) else {
                return Vec::new();
            };
            let list: Vec<String> = match entity {
                Entity::Metric => keys.metrics.clone(),
                Entity::Param => keys.params.clone(),
                Entity::Tag => keys.tags.clone(),
                Entity::Attribute => attribute_names(),
                Entity::Dataset => DATASET_FIELDS.map(str::to_owned).to_vec(),
            };
            list.into_iter()
                .filter(|k| k.to_lowercase().starts_with(&partial))
                .map(|k| format!("{}.{}", entity.prefix(), quote_key(&k)))
                .filter(|s| s != word)
                .collect()
        }
    };
    out.truncate(8);
    out
}

/// `text` with its last word replaced by `completion`.
pub fn complete(text: &str, completion: &str) -> String {
    let cut = text.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let spacer = if completion.ends_with('.') { "" } else { " " };
    format!("{}{completion}{spacer}", &text[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_keys_for_the_last_word() {
        let keys = RunKeys {
            metrics: vec!["rmse".into(), "r2 score".into()],
            params: vec!["lr".into()],
            tags: vec![],
        };
        assert_eq!(suggestions("met", &keys), ["metrics."]);
        assert_eq!(
            suggestions("metrics.r", &keys),
            ["metrics.rmse", "metrics.`r2 score`"]
        );
        assert_eq!(suggestions("metrics.rmse < 1 and par", &keys), ["params."]);
        assert!(suggestions("metrics.rmse < 1 ", &keys).is_empty());
        assert_eq!(
            complete("metrics.rmse < 1 and par", "params."),
            "metrics.rmse < 1 and params."
        );
        assert_eq!(complete("params.l", "params.lr"), "params.lr ");
        assert_eq!(suggestions("parameter.l", &keys), ["params.lr"]);
        assert_eq!(suggestions("attr.cr", &keys), ["attributes.created"]);
        assert_eq!(suggestions("datasets.d", &keys), ["datasets.digest"]);
    }

    #[test]
    fn every_attribute_offered_parses() {
        let keys = RunKeys::default();
        let offered = suggestions("attributes.", &keys);
        assert!(offered.len() >= 8, "{offered:?}");
        for name in attribute_names() {
            let clause = format!("attributes.{} = 'x'", quote_key(&name));
            let numeric = matches!(name.as_str(), "start_time" | "end_time" | "created");
            let clause = if numeric {
                format!("attributes.{} > 0", quote_key(&name))
            } else {
                clause
            };
            assert!(
                crate::search::Filter::parse(crate::search::Target::Runs, &clause).is_ok(),
                "{clause}"
            );
        }
    }
}
