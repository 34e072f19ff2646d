//! Request arguments: a JSON body, or a query string read into the same shape.

use serde_json::{Map, Value};

use crate::codec::percent;
use crate::codec::rest::{int_from_json, text_from_json};
use crate::domain::DomainError;

/// The arguments of one request, as a JSON object.
pub struct Args {
    object: Map<String, Value>,
}

impl Args {
    /// Arguments from a request body; `null` or no body is an empty object.
    pub fn from_body(body: Option<Value>) -> Result<Args, DomainError> {
        match body {
            None | Some(Value::Null) => Ok(Args { object: Map::new() }),
            Some(Value::Object(object)) => Ok(Args { object }),
            Some(other) => Err(DomainError::invalid(format!(
                "The request body must be a JSON object, got {other}"
            ))),
        }
    }

    /// Arguments from a query string: `a=1&b=x&b=y` gives `{"a": "1", "b": ["x", "y"]}`.
    pub fn from_query(query: &str) -> Args {
        let mut object = Map::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (key, value) = (percent::decode(key), Value::from(percent::decode(value)));
            match object.get_mut(&key) {
                None => {
                    object.insert(key, value);
                }
                Some(Value::Array(items)) => items.push(value),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, value]);
                }
            }
        }
        Args { object }
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.object.get(name).filter(|v| !v.is_null())
    }

    pub fn raw(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }

    pub fn opt_str(&self, name: &str) -> Result<Option<String>, DomainError> {
        match self.get(name) {
            None => Ok(None),
            Some(value) => text_from_json(value)
                .map(Some)
                .ok_or_else(|| invalid_value(name, value, "a string")),
        }
    }

    pub fn req_str(&self, name: &str) -> Result<String, DomainError> {
        self.opt_str(name)?.ok_or_else(|| missing(name))
    }

    /// The first of several names that is present (e.g. `run_id`, then the older `run_uuid`).
    pub fn req_str_of(&self, names: &[&str]) -> Result<String, DomainError> {
        for name in names {
            if let Some(value) = self.opt_str(name)? {
                return Ok(value);
            }
        }
        Err(missing(names[0]))
    }

    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, DomainError> {
        match self.get(name) {
            None => Ok(None),
            Some(value) => int_from_json(value)
                .map(Some)
                .ok_or_else(|| invalid_value(name, value, "an integer")),
        }
    }

    /// A boolean, given as JSON `true`/`false` or, in a query, as the text `true`/`false`.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, DomainError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(value) => match text_from_json(value)
                .as_deref()
                .map(str::to_ascii_lowercase)
            {
                Some(t) if t == "true" => Ok(Some(true)),
                Some(t) if t == "false" => Ok(Some(false)),
                _ => Err(invalid_value(name, value, "a boolean")),
            },
        }
    }

    /// A list of strings; a single string is a list of one.
    pub fn str_list(&self, name: &str) -> Result<Vec<String>, DomainError> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    text_from_json(item).ok_or_else(|| invalid_value(name, item, "a string"))
                })
                .collect(),
            Some(value) => text_from_json(value)
                .map(|s| vec![s])
                .ok_or_else(|| invalid_value(name, value, "a list of strings")),
        }
    }

    /// `max_results`, with a default and MLflow's upper limit.
    pub fn max_results(&self, default: usize, limit: usize) -> Result<usize, DomainError> {
        match self.opt_int("max_results")? {
            None => Ok(default),
            Some(n) if n < 1 => Err(DomainError::invalid(format!(
                "Invalid value {n} for parameter 'max_results' supplied. It must be a positive integer."
            ))),
            Some(n) if n as u64 > limit as u64 => Err(DomainError::invalid(format!(
                "Invalid value {n} for parameter 'max_results' supplied. It must be at most {limit}."
            ))),
            Some(n) => Ok(n as usize),
        }
    }
}

fn missing(name: &str) -> DomainError {
    DomainError::invalid(format!(
        "Missing value for required parameter '{name}'. See the API docs for more information about request parameters."
    ))
}

fn invalid_value(name: &str, value: &Value, expected: &str) -> DomainError {
    DomainError::invalid(format!(
        "Invalid value {value} for parameter '{name}' supplied: expected {expected}."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings() {
        let args =
            Args::from_query("run_ids=a&run_ids=b&metric_key=val%20rmse&x=1+2&max_results=320");
        assert_eq!(args.str_list("run_ids").unwrap(), vec!["a", "b"]);
        assert_eq!(args.req_str("metric_key").unwrap(), "val rmse");
        assert_eq!(args.req_str("x").unwrap(), "1 2");
        assert_eq!(args.opt_int("max_results").unwrap(), Some(320));
        assert!(args.req_str("nope").unwrap_err().message.contains("'nope'"));
    }
}
