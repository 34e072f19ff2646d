//! Axes for values that are numbers or text: a param is numeric when every run's value reads
//! as a number, otherwise its values are categories in order (an ordinal axis).

use super::scale::{nice_ticks, LinearScale};

/// A run's value for one axis.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    Text(String),
}

impl Value {
    /// A param's text as a number when it reads as a finite one.
    pub fn parse(text: &str) -> Value {
        match text.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Value::Number(n),
            _ => Value::Text(text.to_owned()),
        }
    }

    fn text(&self) -> String {
        match self {
            Value::Number(n) => n.to_string(),
            Value::Text(t) => t.clone(),
        }
    }
}

/// Places values along a pixel interval.
#[derive(Debug, Clone, PartialEq)]
pub enum Axis {
    Linear(LinearScale),
    /// Categories in order, spread evenly along the range.
    Ordinal {
        categories: Vec<String>,
        range: (f64, f64),
    },
}

impl Axis {
    /// An axis for `values` (missing ones ignored): linear when all are finite numbers,
    /// ordinal over their texts otherwise.
    pub fn fit<'a>(values: impl IntoIterator<Item = &'a Value> + Clone, range: (f64, f64)) -> Axis {
        let numbers: Option<Vec<f64>> = values
            .clone()
            .into_iter()
            .map(|v| match v {
                Value::Number(n) => Some(*n),
                Value::Text(_) => None,
            })
            .collect();
        if let Some(numbers) = numbers {
            return Axis::Linear(LinearScale::fit(numbers, range));
        }
        let mut categories: Vec<String> = values.into_iter().map(Value::text).collect();
        categories.sort();
        categories.dedup();
        Axis::Ordinal { categories, range }
    }

    /// Where `value` goes, if this axis can place it.
    pub fn map(&self, value: &Value) -> Option<f64> {
        self.coordinate(value).map(|c| self.at(c))
    }

    /// `value` along the axis: the number itself on a linear axis, its category's index on an
    /// ordinal one; `None` if this axis cannot place it.
    pub fn coordinate(&self, value: &Value) -> Option<f64> {
        match (self, value) {
            (Axis::Linear(_), Value::Number(n)) => Some(*n),
            (Axis::Linear(_), Value::Text(_)) => None,
            (Axis::Ordinal { categories, .. }, v) => {
                let text = v.text();
                categories.iter().position(|c| *c == text).map(|i| i as f64)
            }
        }
    }

    /// The pixel of a coordinate.
    pub fn at(&self, coordinate: f64) -> f64 {
        match self {
            Axis::Linear(scale) => scale.map(coordinate),
            Axis::Ordinal { categories, range } => {
                let (r0, r1) = *range;
                r0 + (coordinate + 0.5) / categories.len().max(1) as f64 * (r1 - r0)
            }
        }
    }

    /// The coordinate at pixel `position`: a number on a linear axis, the nearest category's
    /// index on an ordinal one.
    pub fn invert(&self, position: f64) -> f64 {
        match self {
            Axis::Linear(s) => {
                let (d0, d1) = s.domain;
                let (r0, r1) = s.range;
                d0 + (position - r0) / (r1 - r0) * (d1 - d0)
            }
            Axis::Ordinal { categories, range } => {
                let n = categories.len().max(1);
                let (r0, r1) = *range;
                let fraction = (position - r0) / (r1 - r0);
                (fraction * n as f64 - 0.5)
                    .round()
                    .clamp(0.0, (n - 1) as f64)
            }
        }
    }

    /// Tick positions and labels: round numbers, or every category (thinned to about
    /// `max_labels`).
    pub fn ticks(&self, max_labels: usize) -> Vec<(f64, String)> {
        match self {
            Axis::Linear(s) => nice_ticks(s.domain.0, s.domain.1, max_labels.min(6))
                .into_iter()
                .map(|t| (s.map(t), trim_number(t)))
                .collect(),
            Axis::Ordinal { categories, .. } => {
                let every = categories.len().div_ceil(max_labels.max(1)).max(1);
                categories
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % every == 0)
                    .map(|(i, c)| (self.at(i as f64), c.clone()))
                    .collect()
            }
        }
    }
}

/// A tick value without float noise (0.30000000000000004 → 0.3).
fn trim_number(value: f64) -> String {
    let text = format!("{value:.10}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_a_linear_axis_and_text_an_ordinal_one() {
        let numbers = [Value::parse("1"), Value::parse(" 3 ")];
        let axis = Axis::fit(&numbers, (0.0, 100.0));
        assert_eq!(axis.map(&Value::Number(2.0)), Some(50.0));
        assert_eq!(axis.map(&Value::Text("adam".into())), None);
        assert_eq!(axis.invert(25.0), 1.5);

        let mixed = [Value::parse("sgd"), Value::parse("adam"), Value::parse("1")];
        let axis = Axis::fit(&mixed, (0.0, 90.0));
        // Three bands of 30 pixels, categories sorted: "1", "adam", "sgd".
        assert_eq!(axis.map(&Value::Text("adam".into())), Some(45.0));
        assert_eq!(axis.map(&Value::Number(1.0)), Some(15.0));
        assert_eq!(axis.map(&Value::Text("rmsprop".into())), None);
        assert_eq!(axis.invert(80.0), 2.0);
        assert_eq!(axis.coordinate(&Value::Text("sgd".into())), Some(2.0));
        assert_eq!(axis.at(0.0), 15.0);
        assert_eq!(
            axis.ticks(10),
            vec![
                (15.0, "1".to_owned()),
                (45.0, "adam".to_owned()),
                (75.0, "sgd".to_owned())
            ]
        );
    }

    #[test]
    fn nan_and_inf_params_are_categories() {
        assert_eq!(Value::parse("nan"), Value::Text("nan".into()));
        assert_eq!(Value::parse("inf"), Value::Text("inf".into()));
        assert_eq!(Value::parse("1e-3"), Value::Number(0.001));
    }

    #[test]
    fn linear_ticks_have_no_float_noise() {
        let axis = Axis::fit(&[Value::Number(0.05), Value::Number(0.75)], (0.0, 1.0));
        let labels: Vec<String> = axis.ticks(6).into_iter().map(|t| t.1).collect();
        assert_eq!(labels, ["0.2", "0.4", "0.6"]);
        assert_eq!(trim_number(0.1 + 0.2), "0.3");
        assert_eq!(trim_number(-0.0), "0");
        assert_eq!(trim_number(20.0), "20");
    }
}
