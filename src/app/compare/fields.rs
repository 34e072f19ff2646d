//! What the compare plots put on their axes: a run's param or latest metric (a [`Field`]),
//! which fields the runs have, which are numeric, the CSV of a plot's fields, and the select
//! that picks a field and keeps it in the URL.

use leptos::prelude::*;

use crate::app::route::{set_query, Route};
use crate::chart::Value;
use crate::codec::csv::CsvWriter;
use crate::domain::Run;
use crate::domain::RunKeys;

/// What a plot axis shows: a param or a metric's latest value, named as in filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Param(String),
    Metric(String),
}

impl Field {
    /// Reads `params.<key>` or `metrics.<key>`.
    pub fn parse(text: &str) -> Option<Field> {
        if let Some(key) = text.strip_prefix("params.") {
            return Some(Field::Param(key.to_owned()));
        }
        text.strip_prefix("metrics.")
            .map(|key| Field::Metric(key.to_owned()))
    }

    pub fn name(&self) -> String {
        match self {
            Field::Param(k) => format!("params.{k}"),
            Field::Metric(k) => format!("metrics.{k}"),
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Field::Param(k) | Field::Metric(k) => k,
        }
    }

    pub fn is_param(&self) -> bool {
        matches!(self, Field::Param(_))
    }

    /// `run`'s value: a param read as a number when it is one, a metric's latest value.
    pub fn value(&self, run: &Run) -> Option<Value> {
        match self {
            Field::Param(k) => run.param(k).map(Value::parse),
            Field::Metric(k) => run
                .latest_metric(k)
                .map(|m| m.value)
                .filter(|v| v.is_finite())
                .map(Value::Number),
        }
    }
}

/// Every param, then every metric, the runs have (each sorted by key).
pub fn fields_of(runs: &[Run]) -> Vec<Field> {
    let keys = RunKeys::of(runs);
    keys.params
        .into_iter()
        .map(Field::Param)
        .chain(keys.metrics.into_iter().map(Field::Metric))
        .collect()
}

/// The params among `fields`, in order.
pub fn params(fields: &[Field]) -> Vec<Field> {
    fields.iter().filter(|f| f.is_param()).cloned().collect()
}

/// The metrics among `fields`, in order.
pub fn metrics(fields: &[Field]) -> Vec<Field> {
    fields.iter().filter(|f| !f.is_param()).cloned().collect()
}

/// Whether every run having `field` has a number there.
pub fn numeric(field: &Field, runs: &[Run]) -> bool {
    runs.iter()
        .filter_map(|r| field.value(r))
        .all(|v| matches!(v, Value::Number(_)))
}

/// The `fields` that are numeric in `runs`, in order.
pub fn numeric_fields(fields: &[Field], runs: &[Run]) -> Vec<Field> {
    fields
        .iter()
        .filter(|f| numeric(f, runs))
        .cloned()
        .collect()
}

/// The plot's data as CSV: each run's id, name and value of each field.
pub fn csv_of(runs: &[Run], fields: &[Field]) -> String {
    let mut out = CsvWriter::new();
    out.row(
        ["run_id".to_owned(), "run_name".to_owned()]
            .into_iter()
            .chain(fields.iter().map(Field::name)),
    );
    for run in runs {
        let values = fields.iter().map(|f| match f.value(run) {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Text(t)) => t,
            None => String::new(),
        });
        out.row(
            [run.info.run_id.clone(), run.display_name().to_owned()]
                .into_iter()
                .chain(values),
        );
    }
    out.finish()
}

/// The CSV of a plot whose axes are the `chosen` fields (those set).
pub fn chosen_csv(runs: StoredValue<Vec<Run>>, chosen: &[Memo<Option<Field>>]) -> String {
    let used: Vec<Field> = chosen.iter().filter_map(|f| f.get_untracked()).collect();
    runs.with_value(|r| csv_of(r, &used))
}

/// The field the URL's `key` names, or `fallback`.
pub fn chosen(route: RwSignal<Route>, key: &'static str, fallback: Option<Field>) -> Option<Field> {
    route
        .with(|r| r.get(key).and_then(Field::parse))
        .or(fallback)
}

/// A select of fields, kept in the URL under `key`.
#[component]
pub fn FieldSelect(
    label: &'static str,
    testid: &'static str,
    key: &'static str,
    options: Vec<Field>,
    current: Option<Field>,
) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let current = current.map(|f| f.name()).unwrap_or_default();
    view! {
        <label>{label}" "
            <select data-testid=testid on:change=move |ev| set_query(route, key, Some(&event_target_value(&ev)))>
                {options.into_iter().map(|f| {
                    let (name, label) = (f.name(), f.name());
                    let selected = name == current;
                    view! { <option value=name selected=selected>{label}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_runs::run;

    #[test]
    fn fields_read_params_as_numbers_or_text_and_metrics_as_numbers() {
        let runs = [
            run("a", &[("lr", "0.1"), ("opt", "adam")], &[("acc", 0.9)]),
            run("b", &[("lr", "0.2"), ("opt", "sgd")], &[("acc", f64::NAN)]),
        ];
        let fields = fields_of(&runs);
        assert_eq!(
            fields.iter().map(Field::name).collect::<Vec<_>>(),
            ["params.lr", "params.opt", "metrics.acc"]
        );
        assert!(numeric(&fields[0], &runs));
        assert!(!numeric(&fields[1], &runs));
        assert_eq!(fields[2].value(&runs[1]), None, "NaN is not placed");
        assert_eq!(
            Field::parse("metrics.a.b"),
            Some(Field::Metric("a.b".into()))
        );
        assert_eq!(Field::parse("tags.x"), None);
        assert_eq!(params(&fields), fields[..2]);
        assert_eq!(metrics(&fields), fields[2..]);
        assert_eq!(
            numeric_fields(&fields, &runs),
            [fields[0].clone(), fields[2].clone()]
        );
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let runs = [run("a", &[("note", "x, \"y\"")], &[])];
        let text = csv_of(&runs, &[Field::Param("note".into())]);
        assert_eq!(text, "run_id,run_name,params.note\na,a,\"x, \"\"y\"\"\"\n");
    }
}
