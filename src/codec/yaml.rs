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
}
