//! MLflow's `MLmodel` file: the flavors a model can be loaded as (with their settings), its
//! signature (inputs, outputs, params as column or tensor specs), where its input example is,
//! and when and by which MLflow it was saved.

use serde_json::Value;
use yaml_rust2::Yaml;

use super::yaml::Meta;
use crate::domain::DomainError;

/// One column or tensor of a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecItem {
    /// The column's name ("" for an unnamed tensor or column).
    pub name: String,
    /// The type: a column type (`double`, `string`, ...) or a tensor's dtype and shape.
    pub kind: String,
    pub required: bool,
}

/// What an `MLmodel` file says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MlModel {
    /// Each flavor and its settings (`key`, `value` as text), in the file's order.
    pub flavors: Vec<(String, Vec<(String, String)>)>,
    pub inputs: Vec<SpecItem>,
    pub outputs: Vec<SpecItem>,
    pub params: Vec<SpecItem>,
    /// The input example's file, relative to the model folder.
    pub input_example: Option<String>,
    pub mlflow_version: Option<String>,
    pub created: Option<String>,
    pub model_size_bytes: Option<i64>,
}

/// Reads `text`, the `MLmodel` file at `file`.
pub fn parse(file: &str, text: &str) -> Result<MlModel, DomainError> {
    let meta = Meta::parse(file, text)?;
    let mut model = MlModel {
        mlflow_version: meta.text("mlflow_version"),
        created: meta.text("utc_time_created"),
        model_size_bytes: meta.int("model_size_bytes").ok().flatten(),
        ..MlModel::default()
    };
    if let Some(Yaml::Hash(flavors)) = meta.raw("flavors") {
        for (name, settings) in flavors {
            let mut pairs = Vec::new();
            flatten(String::new(), settings, &mut pairs);
            model.flavors.push((scalar(name), pairs));
        }
    }
    if let Some(signature) = meta.raw("signature") {
        for (key, list) in [
            ("inputs", &mut model.inputs),
            ("outputs", &mut model.outputs),
            ("params", &mut model.params),
        ] {
            if let Yaml::String(json) = &signature[key] {
                *list = spec(file, key, json)?;
            }
        }
    }
    if let Some(info) = meta.raw("saved_input_example_info") {
        if let Yaml::String(path) = &info["artifact_path"] {
            model.input_example = Some(path.clone());
        }
    }
    Ok(model)
}

/// A YAML value as text (`null` for nothing).
fn scalar(value: &Yaml) -> String {
    match value {
        Yaml::String(s) | Yaml::Real(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => b.to_string(),
        Yaml::Null | Yaml::BadValue => "null".to_owned(),
        Yaml::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        Yaml::Hash(_) | Yaml::Alias(_) => String::new(),
    }
}

/// Nested settings as dotted keys (`env.conda`).
fn flatten(prefix: String, value: &Yaml, out: &mut Vec<(String, String)>) {
    match value {
        Yaml::Hash(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    scalar(k)
                } else {
                    format!("{prefix}.{}", scalar(k))
                };
                flatten(key, v, out);
            }
        }
        other => out.push((prefix, scalar(other))),
    }
}

/// A signature part: MLflow writes it as a JSON list inside the YAML.
fn spec(file: &str, part: &str, json: &str) -> Result<Vec<SpecItem>, DomainError> {
    let items: Vec<Value> = serde_json::from_str(json).map_err(|e| {
        DomainError::invalid(format!(
            "{file}: signature {part} is not a JSON list of specs: {e}"
        ))
    })?;
    Ok(items
        .iter()
        .map(|item| {
            let text = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or_default();
            let kind = match item.get("tensor-spec") {
                Some(tensor) => {
                    let dtype = tensor.get("dtype").and_then(Value::as_str).unwrap_or("?");
                    let shape = tensor
                        .get("shape")
                        .map(Value::to_string)
                        .unwrap_or_default();
                    format!("tensor {dtype} {shape}")
                }
                None if text("type") == "array" || text("type") == "object" => item
                    .get("items")
                    .or_else(|| item.get("properties"))
                    .map(|inner| format!("{} of {inner}", text("type")))
                    .unwrap_or_else(|| text("type").to_owned()),
                None => text("type").to_owned(),
            };
            SpecItem {
                name: text("name").to_owned(),
                kind,
                required: item
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_flavors_signature_and_example() {
        let text = r#"
artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    python_version: 3.11.7
  sklearn:
    pickled_model: model.pkl
    sklearn_version: 1.5.2
mlflow_version: 2.22.5
model_size_bytes: 1234
saved_input_example_info:
  artifact_path: input_example.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "distance", "required": true}, {"type": "string", "name": "zone", "required": false}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'
  params: null
utc_time_created: '2026-11-26 15:06:40.545540'
"#;
        let model = parse("model/MLmodel", text).unwrap();
        assert_eq!(model.flavors[0].0, "python_function");
        assert_eq!(
            model.flavors[0].1[0],
            ("env.conda".to_owned(), "conda.yaml".to_owned())
        );
        assert_eq!(model.flavors[1].0, "sklearn");
        assert_eq!(
            model.inputs,
            vec![
                SpecItem {
                    name: "distance".into(),
                    kind: "double".into(),
                    required: true
                },
                SpecItem {
                    name: "zone".into(),
                    kind: "string".into(),
                    required: false
                }
            ]
        );
        assert_eq!(model.outputs[0].kind, "tensor float64 [-1]");
        assert!(model.params.is_empty());
        assert_eq!(model.input_example.as_deref(), Some("input_example.json"));
        assert_eq!(model.model_size_bytes, Some(1234));
    }

    #[test]
    fn a_broken_signature_names_the_file() {
        let text = "flavors: {}\nsignature:\n  inputs: '[{'\n";
        let error = parse("m/MLmodel", text).unwrap_err();
        assert!(
            error.message.starts_with("m/MLmodel: signature inputs"),
            "{}",
            error.message
        );
    }

    #[test]
    fn reads_the_fixture_models() {
        let root = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/mlflow2-sqlite/mlruns/1"
        );
        let mut seen = 0;
        for run in std::fs::read_dir(root).unwrap().flatten() {
            for folder in ["model", "models_mlflow"] {
                let path = run.path().join("artifacts").join(folder).join("MLmodel");
                if let Ok(text) = std::fs::read_to_string(&path) {
                    let model = parse(&path.display().to_string(), &text).unwrap();
                    assert!(model.flavors.iter().any(|f| f.0 == "python_function"));
                    seen += 1;
                }
            }
        }
        assert!(seen >= 2);
    }
}
