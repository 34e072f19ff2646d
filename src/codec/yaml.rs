//! The flat `meta.yaml` files MLflow's file store writes, read into a small key-value view.

use yaml_rust2::{Yaml, YamlLoader};

use crate::domain::DomainError;

/// A parsed `meta.yaml`: a mapping at the top.
pub struct Meta {
    file: String,
    root: Yaml,
}

impl Meta {
    /// Parses `text`, read from `file`; errors say where the YAML went wrong.
    pub fn parse(file: &str, text: &str) -> Result<Meta, DomainError> {
        let docs = YamlLoader::load_from_str(text).map_err(|e| {
            DomainError::invalid(format!(
                "{file}: malformed YAML at line {}, column {}: {}",
                e.marker().line(),
                e.marker().col() + 1,
                e.info()
            ))
        })?;
        let root = docs.into_iter().next().unwrap_or(Yaml::Null);
        if !matches!(root, Yaml::Hash(_)) {
            return Err(DomainError::invalid(format!(
                "{file}: expected a YAML mapping of keys to values"
            )));
        }
        Ok(Meta {
            file: file.to_owned(),
            root,
        })
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    /// The YAML value itself, for the rare shapes the helpers below do not cover.
    pub fn raw(&self, key: &str) -> Option<&Yaml> {
        self.get(key)
    }

    fn get(&self, key: &str) -> Option<&Yaml> {
        match &self.root[key] {
            Yaml::Null | Yaml::BadValue => None,
            value => Some(value),
        }
    }

    /// A text value; numbers are taken as their text (MLflow writes some ids unquoted).
    pub fn text(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
            Yaml::Integer(i) => Some(i.to_string()),
            Yaml::Boolean(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn required_text(&self, key: &str) -> Result<String, DomainError> {
        self.text(key)
            .ok_or_else(|| DomainError::invalid(format!("{}: '{key}' is missing", self.file)))
    }

    /// An integer value; absent or `null` is `None`.
    pub fn int(&self, key: &str) -> Result<Option<i64>, DomainError> {
        match self.get(key) {
            None => Ok(None),
            Some(Yaml::Integer(i)) => Ok(Some(*i)),
            Some(Yaml::String(s)) | Some(Yaml::Real(s)) => {
                s.trim().parse().map(Some).map_err(|_| {
                    DomainError::invalid(format!("{}: '{key}' is not an integer: '{s}'", self.file))
                })
            }
            Some(other) => Err(DomainError::invalid(format!(
                "{}: '{key}' is not an integer: {other:?}",
                self.file
            ))),
        }
    }

    /// A mapping of text to text (e.g. `tags:`), in file order; absent is empty.
    pub fn pairs(&self, key: &str) -> Vec<(String, String)> {
        let Some(Yaml::Hash(map)) = self.get(key) else {
            return Vec::new();
        };
        map.iter()
            .filter_map(|(k, v)| {
                let text = |y: &Yaml| match y {
                    Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
                    Yaml::Integer(i) => Some(i.to_string()),
                    Yaml::Boolean(b) => Some(b.to_string()),
                    _ => None,
                };
                Some((text(k)?, text(v)?))
            })
            .collect()
    }
}

/// `value` as YAML the way PyYAML's `yaml.dump(value, indent=2, default_flow_style=False)`
/// writes it: block style, mapping keys sorted, sequences in a mapping not indented, strings
/// plain where YAML reads them back as the same string, else quoted.
pub fn dump(value: &serde_json::Value) -> String {
    let mut out = String::new();
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => dump_map(map, 0, &mut out),
        serde_json::Value::Array(items) if !items.is_empty() => dump_list(items, 0, &mut out),
        scalar => {
            out.push_str(&inline(scalar));
            out.push('\n');
        }
    }
    out
}

fn dump_map(map: &serde_json::Map<String, serde_json::Value>, indent: usize, out: &mut String) {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    for key in keys {
        out.push_str(&" ".repeat(indent));
        out.push_str(&scalar_text(key));
        out.push(':');
        match &map[key] {
            serde_json::Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                dump_map(inner, indent + 2, out);
            }
            serde_json::Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                dump_list(items, indent, out);
            }
            value => {
                out.push(' ');
                out.push_str(&inline(value));
                out.push('\n');
            }
        }
    }
}

fn dump_list(items: &[serde_json::Value], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            serde_json::Value::Object(inner) if !inner.is_empty() => {
                // The first key goes on the dash's line, the others under it.
                let mut block = String::new();
                dump_map(inner, indent + 2, &mut block);
                out.push_str(&block[indent + 2..]);
            }
            serde_json::Value::Array(inner) if !inner.is_empty() => {
                let mut block = String::new();
                dump_list(inner, indent + 2, &mut block);
                out.push_str(&block[indent + 2..]);
            }
            value => {
                out.push_str(&inline(value));
                out.push('\n');
            }
        }
    }
}

/// A scalar, or an empty mapping or sequence, on one line.
fn inline(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "null".to_owned(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 1e16 => format!("{f:.1}"),
            (_, _, Some(f)) => f.to_string(),
            _ => n.to_string(),
        },
        serde_json::Value::String(s) => scalar_text(s),
        serde_json::Value::Array(_) => "[]".to_owned(),
        serde_json::Value::Object(_) => "{}".to_owned(),
    }
}

/// A string as YAML: plain when a YAML reader gives back the same string, single-quoted when
/// that is enough, double-quoted (with escapes) for line breaks and control characters.
fn scalar_text(text: &str) -> String {
    if text.chars().any(|c| c.is_control()) {
        return serde_json::Value::from(text).to_string();
    }
    let plain = YamlLoader::load_from_str(text)
        .ok()
        .and_then(|docs| docs.into_iter().next())
        .is_some_and(|doc| doc == Yaml::String(text.to_owned()))
        && !text.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`', ' ',
        ])
        && !text.ends_with(' ')
        && !text.contains(": ")
        && !text.contains(" #");
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mlflow_meta() {
        let meta = Meta::parse(
            "m.yaml",
            "experiment_id: '674914312941967225'\nstatus: 3\nend_time: null\nname: nyc\nschema: '{\"a\":\n  1}'\ntags:\n  mlflow.data.context: training\n",
        )
        .unwrap();
        assert_eq!(
            meta.text("experiment_id").as_deref(),
            Some("674914312941967225")
        );
        assert_eq!(meta.int("status").unwrap(), Some(3));
        assert_eq!(meta.int("end_time").unwrap(), None);
        assert_eq!(meta.text("schema").as_deref(), Some("{\"a\": 1}"));
        assert_eq!(
            meta.pairs("tags"),
            vec![("mlflow.data.context".to_owned(), "training".to_owned())]
        );
        assert!(meta
            .int("name")
            .unwrap_err()
            .message
            .contains("'name' is not an integer"));
    }

    #[test]
    fn malformed_yaml_says_where() {
        let error = Meta::parse("mlruns/1/meta.yaml", "name: [unclosed\nother: 1")
            .err()
            .unwrap();
        assert!(
            error
                .message
                .starts_with("mlruns/1/meta.yaml: malformed YAML at line"),
            "{}",
            error.message
        );
        let error = Meta::parse("x.yaml", "- a\n- b").err().unwrap();
        assert!(error.message.contains("expected a YAML mapping"));
    }

    #[test]
    fn values_dump_as_pyyaml_writes_them_and_read_back_the_same() {
        use serde_json::json;
        let value = json!({
            "model": "LinearRegression",
            "split": {"val": 400, "train": 1600},
            "features": ["PU_DO", "trip_distance"],
            "folds": [{"alpha": 0.1, "name": "fold-0"}, {"alpha": 1.0, "name": "fold-1"}],
            "grid": [[1, 2], []],
            "empty": {},
            "none": null,
            "flag": true,
            "odd": ["", "yes", "1.5", "a: b", "- x", "it's", "line\nbreak", " padded", "#tag", "null"],
        });
        let text = dump(&value);
        assert!(text.starts_with(
            "empty: {}\nfeatures:\n- PU_DO\n- trip_distance\nflag: true\nfolds:\n- alpha: 0.1\n  name: fold-0\n- alpha: 1.0\n  name: fold-1\ngrid:\n- - 1\n  - 2\n- []\nmodel: LinearRegression\nnone: null\n"
        ), "{text}");
        let back = &YamlLoader::load_from_str(&text).unwrap()[0];
        let odd: Vec<&str> = back["odd"]
            .as_vec()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            odd,
            [
                "",
                "yes",
                "1.5",
                "a: b",
                "- x",
                "it's",
                "line\nbreak",
                " padded",
                "#tag",
                "null"
            ]
        );
        assert_eq!(back["split"]["train"].as_i64(), Some(1600));
        assert_eq!(dump(&json!("plain")), "plain\n");
    }
}
