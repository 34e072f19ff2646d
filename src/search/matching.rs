//! Whether a run, experiment, registered model or model version satisfies a parsed filter,
//! with MLflow's semantics: a missing value never matches (not even `!=`), metrics compare
//! their latest value, `LIKE` takes `%` and `_`, `ILIKE` ignores case, a dataset clause holds
//! when any of the run's dataset inputs satisfies it.

use super::filter::{Clause, Filter, Op, Operand};
use super::names::Entity;
use crate::domain::{Experiment, ModelVersion, RegisteredModel, Run, Tag, DATASET_CONTEXT_TAG};

/// `LIKE` matching: `%` is any run of characters, `_` exactly one, everything else literal.
pub fn like(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    // Greedy matching with one backtrack point, the last `%` seen: linear for these patterns.
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('%') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '_' || c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '%')
}

fn compare_text(op: Op, value: &Operand, lhs: Option<&str>) -> bool {
    let Some(lhs) = lhs else {
        return op == Op::IsNull;
    };
    match (op, value) {
        (Op::IsNotNull, _) => true,
        (Op::IsNull, _) => false,
        (Op::Eq, Operand::Text(v)) => lhs == v,
        (Op::Ne, Operand::Text(v)) => lhs != v,
        (Op::Like, Operand::Text(v)) => like(lhs, v),
        (Op::ILike, Operand::Text(v)) => like(&lhs.to_lowercase(), &v.to_lowercase()),
        (Op::In, Operand::List(list)) => list.iter().any(|v| v == lhs),
        (Op::NotIn, Operand::List(list)) => !list.iter().any(|v| v == lhs),
        // A quoted text against a number (e.g. version_number = '3') was turned into a number.
        _ => false,
    }
}

fn compare_number(op: Op, value: &Operand, lhs: Option<f64>) -> bool {
    let (Some(lhs), Operand::Number(v)) = (lhs, value) else {
        return false;
    };
    match op {
        Op::Eq => lhs == *v,
        Op::Ne => lhs != *v,
        Op::Gt => lhs > *v,
        Op::Ge => lhs >= *v,
        Op::Lt => lhs < *v,
        Op::Le => lhs <= *v,
        _ => false,
    }
}

fn tag<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter().find(|t| t.key == key).map(|t| t.value.as_str())
}

fn run_clause(run: &Run, clause: &Clause) -> bool {
    let (op, value, key) = (clause.op, &clause.value, clause.key.as_str());
    let info = &run.info;
    match clause.entity {
        Entity::Metric => compare_number(op, value, run.latest_metric(key).map(|m| m.value)),
        Entity::Param => compare_text(op, value, run.param(key)),
        Entity::Tag => compare_text(op, value, run.tag(key)),
        Entity::Attribute => match key {
            "start_time" => compare_number(op, value, info.start_time.map(|t| t as f64)),
            "end_time" => compare_number(op, value, info.end_time.map(|t| t as f64)),
            "run_id" => compare_text(op, value, Some(&info.run_id)),
            "run_name" => compare_text(op, value, Some(&info.run_name)),
            "user_id" => compare_text(op, value, Some(&info.user_id)),
            "status" => compare_text(op, value, Some(info.status.as_str())),
            "artifact_uri" => compare_text(op, value, Some(&info.artifact_uri)),
            _ => false,
        },
        Entity::Dataset => run.inputs.iter().any(|input| match key {
            "name" => compare_text(op, value, Some(&input.dataset.name)),
            "digest" => compare_text(op, value, Some(&input.dataset.digest)),
            _ => tag(&input.tags, DATASET_CONTEXT_TAG)
                .is_some_and(|context| compare_text(op, value, Some(context))),
        }),
    }
}

fn experiment_clause(experiment: &Experiment, clause: &Clause) -> bool {
    let (op, value) = (clause.op, &clause.value);
    match (clause.entity, clause.key.as_str()) {
        (Entity::Tag, key) => compare_text(op, value, experiment.tag(key)),
        (_, "name") => compare_text(op, value, Some(&experiment.name)),
        (_, "creation_time") => {
            compare_number(op, value, experiment.creation_time.map(|t| t as f64))
        }
        (_, "last_update_time") => {
            compare_number(op, value, experiment.last_update_time.map(|t| t as f64))
        }
        _ => false,
    }
}

fn model_clause(model: &RegisteredModel, clause: &Clause) -> bool {
    let (op, value) = (clause.op, &clause.value);
    match (clause.entity, clause.key.as_str()) {
        (Entity::Tag, key) => compare_text(op, value, tag(&model.tags, key)),
        (_, "name") => compare_text(op, value, Some(&model.name)),
        _ => false,
    }
}

fn version_clause(version: &ModelVersion, clause: &Clause) -> bool {
    let (op, value) = (clause.op, &clause.value);
    match (clause.entity, clause.key.as_str()) {
        (Entity::Tag, key) => compare_text(op, value, tag(&version.tags, key)),
        (_, "name") => compare_text(op, value, Some(&version.name)),
        (_, "run_id") => compare_text(op, value, version.run_id.as_deref()),
        (_, "source_path") => compare_text(op, value, Some(&version.source)),
        (_, "version_number") => compare_number(op, value, Some(version.version as f64)),
        _ => false,
    }
}

impl Filter {
    pub fn matches_run(&self, run: &Run) -> bool {
        self.clauses.iter().all(|c| run_clause(run, c))
    }

    pub fn matches_experiment(&self, experiment: &Experiment) -> bool {
        self.clauses
            .iter()
            .all(|c| experiment_clause(experiment, c))
    }

    pub fn matches_model(&self, model: &RegisteredModel) -> bool {
        self.clauses.iter().all(|c| model_clause(model, c))
    }

    pub fn matches_version(&self, version: &ModelVersion) -> bool {
        self.clauses.iter().all(|c| version_clause(version, c))
    }
}

#[cfg(test)]
mod tests {
    use super::like;

    #[test]
    fn like_patterns() {
        for (text, pattern, expected) in [
            ("abc", "abc", true),
            ("abc", "a%", true),
            ("abc", "%c", true),
            ("abc", "%b%", true),
            ("abc", "a_c", true),
            ("abc", "a_", false),
            ("abc", "ABC", false),
            ("jamie-foo C+W bar", "jamie-foo C+%", true),
            ("a.b", "a_b", true),
            ("axb", "a.b", false),
            ("", "%", true),
            ("", "_", false),
            ("aaab", "%a%ab", true),
            ("mississippi", "m%iss%pi", true),
            ("mississippi", "m%iss%pix", false),
        ] {
            assert_eq!(like(text, pattern), expected, "{text} LIKE {pattern}");
        }
    }
}
