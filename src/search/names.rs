//! The names a runs filter is written with: entity prefixes and their aliases, run attributes
//! and theirs, dataset fields. The parser reads them from here, and a search box can offer
//! them knowing each one parses.

/// What the key of a clause names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Metric,
    Param,
    Tag,
    Attribute,
    Dataset,
}

impl Entity {
    /// Every entity, in the order MLflow lists them.
    pub const ALL: [Entity; 5] = [
        Entity::Metric,
        Entity::Param,
        Entity::Tag,
        Entity::Attribute,
        Entity::Dataset,
    ];

    /// The prefix a runs filter names this entity by (`metrics`, `params`, `tags`,
    /// `attributes`, `datasets`), written before a `.` and the key.
    pub fn prefix(self) -> &'static str {
        match self {
            Entity::Metric => "metrics",
            Entity::Param => "params",
            Entity::Tag => "tags",
            Entity::Attribute => "attributes",
            Entity::Dataset => "datasets",
        }
    }

    /// The other prefixes a runs filter may name this entity by, as MLflow accepts them.
    pub fn prefix_aliases(self) -> &'static [&'static str] {
        match self {
            Entity::Metric => &["metric"],
            Entity::Param => &["param", "parameter", "parameters"],
            Entity::Tag => &["tag"],
            Entity::Attribute => &["attribute", "attr", "run"],
            Entity::Dataset => &["dataset"],
        }
    }

    /// The entity a runs filter's prefix names, by its own prefix or an alias.
    pub fn from_prefix(prefix: &str) -> Option<Entity> {
        Entity::ALL
            .into_iter()
            .find(|e| e.prefix() == prefix || e.prefix_aliases().contains(&prefix))
    }

    /// The name MLflow's messages use.
    pub(super) fn name(self) -> &'static str {
        match self {
            Entity::Metric => "metric",
            Entity::Param => "parameter",
            Entity::Tag => "tag",
            Entity::Attribute => "attribute",
            Entity::Dataset => "dataset",
        }
    }
}

/// The attributes of a run a filter compares, by the names clauses resolve them to, in the
/// order MLflow's messages list them.
pub const RUN_ATTRIBUTES: [&str; 7] = [
    "run_id",
    "run_name",
    "user_id",
    "status",
    "start_time",
    "end_time",
    "artifact_uri",
];

/// The run attributes compared as numbers (milliseconds since the Unix epoch); the others are
/// text.
pub const RUN_NUMERIC_ATTRIBUTES: [&str; 2] = ["start_time", "end_time"];

/// MLflow's other names for run attributes, each with the attribute it stands for.
pub const RUN_ATTRIBUTE_ALIASES: [(&str, &str); 5] = [
    ("created", "start_time"),
    ("Created", "start_time"),
    ("run name", "run_name"),
    ("Run name", "run_name"),
    ("Run Name", "run_name"),
];

/// The fields of a run's dataset inputs a filter compares.
pub const DATASET_FIELDS: [&str; 3] = ["name", "digest", "context"];

/// Every name a runs filter may give an attribute: the attributes, then their aliases.
pub fn run_attribute_names() -> impl Iterator<Item = &'static str> {
    RUN_ATTRIBUTES
        .into_iter()
        .chain(RUN_ATTRIBUTE_ALIASES.into_iter().map(|(alias, _)| alias))
}

/// The attribute a run attribute's name stands for: the name itself, or what its alias does.
pub fn run_attribute(name: &str) -> Option<&'static str> {
    RUN_ATTRIBUTES.into_iter().find(|a| *a == name).or_else(|| {
        RUN_ATTRIBUTE_ALIASES
            .into_iter()
            .find(|(alias, _)| *alias == name)
            .map(|(_, attribute)| attribute)
    })
}

/// Whether an attribute's name may order runs too: all may but the aliases of text
/// attributes (`run name`...), as in MLflow.
pub(super) fn orders_runs(name: &str) -> bool {
    RUN_ATTRIBUTES.contains(&name)
        || run_attribute(name).is_some_and(|a| RUN_NUMERIC_ATTRIBUTES.contains(&a))
}

#[cfg(test)]
mod tests {
    use super::super::{parse_order_by, Filter, Target};
    use super::*;

    /// The key as a filter writes it: in backticks when it holds a space.
    fn written(key: &str) -> String {
        if key.contains(' ') {
            format!("`{key}`")
        } else {
            key.to_owned()
        }
    }

    #[test]
    fn every_prefix_names_its_entity() {
        for entity in Entity::ALL {
            let (key, value) = match entity {
                Entity::Metric => ("m", "1"),
                Entity::Param | Entity::Tag => ("k", "'v'"),
                Entity::Attribute => ("run_id", "'r'"),
                Entity::Dataset => ("name", "'d'"),
            };
            for prefix in [entity.prefix()].iter().chain(entity.prefix_aliases()) {
                assert_eq!(Entity::from_prefix(prefix), Some(entity));
                let text = format!("{prefix}.{key} = {value}");
                let filter = Filter::parse(Target::Runs, &text).unwrap();
                assert_eq!(filter.clauses[0].entity, entity, "{text}");
            }
        }
        assert_eq!(Entity::from_prefix("metricz"), None);
    }

    #[test]
    fn every_attribute_offered_parses_to_its_attribute() {
        for name in run_attribute_names() {
            let attribute = run_attribute(name).unwrap();
            let value = if RUN_NUMERIC_ATTRIBUTES.contains(&attribute) {
                "1"
            } else {
                "'x'"
            };
            for prefix in ["", "attributes."] {
                let text = format!("{prefix}{} = {value}", written(name));
                let clause = &Filter::parse(Target::Runs, &text).unwrap().clauses[0];
                assert_eq!(
                    (clause.entity, clause.key.as_str()),
                    (Entity::Attribute, attribute),
                    "{text}"
                );
            }
            let order = parse_order_by(Target::Runs, &format!("{} DESC", written(name)));
            assert_eq!(order.is_ok(), orders_runs(name), "{name}");
        }
        assert_eq!(run_attribute_names().count(), 12);
        assert_eq!(run_attribute("Run name"), Some("run_name"));
        assert_eq!(run_attribute("nope"), None);
    }

    #[test]
    fn every_dataset_field_parses() {
        for field in DATASET_FIELDS {
            let text = format!("datasets.{field} = 'x'");
            let clause = &Filter::parse(Target::Runs, &text).unwrap().clauses[0];
            assert_eq!(
                (clause.entity, clause.key.as_str()),
                (Entity::Dataset, field)
            );
        }
    }
}
