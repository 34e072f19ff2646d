//! Completions for the filter box: MLflow's entity prefixes, then the keys present.

use super::columns::{quote_key, Keys};

const ENTITIES: [&str; 5] = ["metrics.", "params.", "tags.", "attributes.", "datasets."];
const ATTRIBUTES: [&str; 7] = [
    "run_name",
    "status",
    "start_time",
    "end_time",
    "user_id",
    "run_id",
    "artifact_uri",
];

/// Completions for the word being typed at the end of `text`.
pub fn suggestions(text: &str, keys: &Keys) -> Vec<String> {
    let word = text.rsplit(char::is_whitespace).next().unwrap_or_default();
    if word.is_empty() {
        return Vec::new();
    }
    let lower = word.to_lowercase();
    let mut out: Vec<String> = match word.split_once('.') {
        None => ENTITIES
            .iter()
            .map(|e| (*e).to_owned())
            .chain(ATTRIBUTES.iter().map(|a| (*a).to_owned()))
            .filter(|s| s.starts_with(&lower) && *s != word)
            .collect(),
        Some((entity, partial)) => {
            let partial = partial.trim_start_matches(['`', '"']).to_lowercase();
            let (prefix, list): (&str, Vec<String>) = match entity {
                "metrics" | "metric" => ("metrics", keys.metrics.clone()),
                "params" | "param" => ("params", keys.params.clone()),
                "tags" | "tag" => ("tags", keys.tags.clone()),
                "attributes" | "attribute" | "attr" | "run" => (
                    "attributes",
                    ATTRIBUTES.iter().map(|a| (*a).to_owned()).collect(),
                ),
                "datasets" | "dataset" => (
                    "datasets",
                    ["name", "digest", "context"].map(str::to_owned).to_vec(),
                ),
                _ => return Vec::new(),
            };
            list.into_iter()
                .filter(|k| k.to_lowercase().starts_with(&partial))
                .map(|k| format!("{prefix}.{}", quote_key(&k)))
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
        let keys = Keys {
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
    }
}
