//! The table's columns: the fixed ones, and a metric, param or tag column per key chosen
//! (from the URL, else as last chosen for the experiment, else the first keys); their default
//! widths; and what a click on a header does to the sort.

use std::collections::HashMap;

use crate::app::format;
use crate::domain::{Run, RunKeys};

/// Metric and param columns shown before the user picks.
const DEFAULT_COLUMNS: usize = 40;

/// A metric, param or tag column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Column {
    Metric(String),
    Param(String),
    Tag(String),
}

/// A key as MLflow's search language writes it: bare when it can be, else quoted.
pub fn quote_key(key: &str) -> String {
    if key.chars().all(|c| c.is_alphanumeric() || c == '_') && !key.is_empty() {
        key.to_owned()
    } else if !key.contains('`') {
        format!("`{key}`")
    } else {
        format!("\"{key}\"")
    }
}

impl Column {
    pub fn id(&self) -> String {
        match self {
            Column::Metric(k) => format!("metrics.{k}"),
            Column::Param(k) => format!("params.{k}"),
            Column::Tag(k) => format!("tags.{k}"),
        }
    }

    pub fn parse(id: &str) -> Option<Column> {
        let (prefix, key) = id.split_once('.')?;
        match prefix {
            "metrics" => Some(Column::Metric(key.to_owned())),
            "params" => Some(Column::Param(key.to_owned())),
            "tags" => Some(Column::Tag(key.to_owned())),
            _ => None,
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Column::Metric(k) | Column::Param(k) | Column::Tag(k) => k,
        }
    }

    /// The `order_by` clause that sorts by this column.
    pub fn clause(&self) -> String {
        let prefix = self.id();
        let prefix = prefix.split('.').next().unwrap_or_default();
        format!("{prefix}.{}", quote_key(self.key()))
    }

    pub fn cell(&self, run: &Run) -> Option<String> {
        match self {
            Column::Metric(k) => run.latest_metric(k).map(|m| format::number(m.value)),
            Column::Param(k) => run.param(k).map(str::to_owned),
            Column::Tag(k) => run.tag(k).map(str::to_owned),
        }
    }

    pub fn class(&self) -> &'static str {
        match self {
            Column::Metric(_) => "metric num",
            Column::Param(_) => "param",
            Column::Tag(_) => "tag",
        }
    }
}

/// A column for every key of `keys`: metrics, then params, then tags.
pub fn all_columns(keys: &RunKeys) -> Vec<Column> {
    let metrics = keys.metrics.iter().cloned().map(Column::Metric);
    let params = keys.params.iter().cloned().map(Column::Param);
    let tags = keys.tags.iter().cloned().map(Column::Tag);
    metrics.chain(params).chain(tags).collect()
}

/// The columns chosen: `chosen` ids (from the URL, else as last chosen for this experiment),
/// else the first metrics and params.
pub fn chosen_columns(chosen: Option<&[String]>, keys: &RunKeys) -> Vec<Column> {
    match chosen {
        Some(ids) => ids.iter().filter_map(|id| Column::parse(id)).collect(),
        None => keys
            .metrics
            .iter()
            .cloned()
            .map(Column::Metric)
            .chain(keys.params.iter().cloned().map(Column::Param))
            .take(DEFAULT_COLUMNS)
            .collect(),
    }
}

/// The fixed columns: label, id (the `order_by` clause that sorts by it), sortable.
pub const FIXED: [(&str, &str, bool); 5] = [
    ("Run name", "attributes.run_name", true),
    ("Status", "attributes.status", true),
    ("Created", "attributes.start_time", true),
    ("Duration", "attributes.duration", false),
    ("User", "attributes.user_id", true),
];

/// The selection checkbox column's id (for its width).
pub const SELECT_COLUMN: &str = "select";

/// A column's width in pixels: as the user dragged it, else a default for its kind.
pub fn width_of(widths: &HashMap<String, f64>, id: &str) -> f64 {
    widths.get(id).copied().unwrap_or(match id {
        SELECT_COLUMN => 34.0,
        "attributes.run_name" => 240.0,
        "attributes.start_time" => 170.0,
        "attributes.status" => 112.0,
        "attributes.duration" => 96.0,
        _ => 120.0,
    })
}

/// The sort after a click on the header sorting by `clause`: a plain click sorts by it alone
/// (flipping the direction if it was the only key), shift adds it or flips it in place.
pub fn clicked_sort(current: &[String], clause: &str, shift: bool) -> Vec<String> {
    let base = |c: &str| {
        c.trim_end_matches(" DESC")
            .trim_end_matches(" ASC")
            .to_owned()
    };
    let found = current.iter().position(|c| base(c) == clause);
    let flipped = |c: &str| {
        if c.ends_with(" DESC") {
            format!("{clause} ASC")
        } else {
            format!("{clause} DESC")
        }
    };
    match (shift, found) {
        (true, Some(i)) => {
            let mut next = current.to_vec();
            next[i] = flipped(&current[i]);
            next
        }
        (true, None) => {
            let mut next = current.to_vec();
            next.push(format!("{clause} DESC"));
            next
        }
        (false, Some(0)) if current.len() == 1 => vec![flipped(&current[0])],
        (false, _) => vec![format!("{clause} DESC")],
    }
}

/// The `order_by` clause that sorts by the column with this id (keys quoted as needed).
pub fn sort_clause(column_id: &str) -> String {
    Column::parse(column_id).map_or_else(|| column_id.to_owned(), |c| c.clause())
}

/// The direction arrow (and position, when several keys) of a header.
pub fn sort_mark(current: &[String], clause: &str) -> String {
    current
        .iter()
        .position(|c| c.starts_with(clause) && c[clause.len()..].trim().len() <= 4)
        .map(|i| {
            let arrow = if current[i].ends_with(" ASC") {
                "▲"
            } else {
                "▼"
            };
            if current.len() > 1 {
                format!(" {arrow}{}", i + 1)
            } else {
                format!(" {arrow}")
            }
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_clicks_build_the_sort() {
        let none: Vec<String> = vec![];
        let one = clicked_sort(&none, "metrics.rmse", false);
        assert_eq!(one, ["metrics.rmse DESC"]);
        let flipped = clicked_sort(&one, "metrics.rmse", false);
        assert_eq!(flipped, ["metrics.rmse ASC"]);
        let two = clicked_sort(&flipped, "params.lr", true);
        assert_eq!(two, ["metrics.rmse ASC", "params.lr DESC"]);
        assert_eq!(
            clicked_sort(&two, "params.lr", true),
            ["metrics.rmse ASC", "params.lr ASC"]
        );
        assert_eq!(clicked_sort(&two, "params.lr", false), ["params.lr DESC"]);
        assert_eq!(sort_mark(&two, "params.lr"), " ▼2");
        assert_eq!(sort_mark(&two, "params.l"), "");
    }

    #[test]
    fn quotes_keys_that_need_it() {
        assert_eq!(quote_key("rmse"), "rmse");
        assert_eq!(quote_key("val/loss"), "`val/loss`");
        assert_eq!(Column::Metric("a b".into()).clause(), "metrics.`a b`");
        assert_eq!(
            Column::parse("params.x.y"),
            Some(Column::Param("x.y".into()))
        );
    }
}
