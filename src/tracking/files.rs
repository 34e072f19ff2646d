//! The files the fluent API writes, byte for byte as MLflow writes them.

use serde_json::Value;

use crate::codec::yaml;

/// What `log_dict` writes for `dictionary` into `artifact_file`: YAML (keys sorted, block
/// style, as PyYAML's `yaml.dump(..., indent=2, default_flow_style=False)`) for `.yaml` and
/// `.yml`, else JSON as Python's `json.dump(..., indent=2)` (non-ASCII escaped).
pub fn dict_file(dictionary: &Value, artifact_file: &str) -> String {
    let extension = artifact_file
        .rsplit_once('.')
        .map(|(_, e)| e)
        .unwrap_or_default();
    if matches!(extension, "yaml" | "yml") {
        yaml::dump(dictionary)
    } else {
        ascii_json(dictionary)
    }
}

/// `value` as pretty JSON with every character outside ASCII escaped, as Python's
/// `json.dump(value, indent=2)` writes it.
fn ascii_json(value: &Value) -> String {
    escape_non_ascii(&serde_json::to_string_pretty(value).unwrap_or_default())
}

/// `value` on one line as Python's `json.dumps(value)` writes it (`", "` and `": "` between
/// items, non-ASCII escaped): how MLflow writes a data set's source, schema and profile.
pub fn python_json(value: &Value) -> String {
    let mut bytes = Vec::new();
    let mut writer = serde_json::Serializer::with_formatter(&mut bytes, PythonFormatter);
    if serde::Serialize::serialize(value, &mut writer).is_err() {
        return value.to_string();
    }
    escape_non_ascii(&String::from_utf8(bytes).unwrap_or_default())
}

/// A value logged as a param or tag, written as Python's `str()` writes it: `True`, `None`,
/// `12.0`, `1e-05`; text as it is, and lists and objects as JSON.
pub fn python_str(value: &Value) -> String {
    match value {
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Null => "None".to_owned(),
        Value::String(text) => text.clone(),
        Value::Number(n) if n.is_f64() => python_float(n.as_f64().unwrap_or(f64::NAN)),
        Value::Number(n) => n.to_string(),
        other => python_json(other),
    }
}

/// A float as Python's `repr` writes it: the shortest digits that read back the same,
/// positional from 1e-4 up to 1e16 (with `.0` when whole), else with an exponent of at
/// least two digits.
pub fn python_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    if x == 0.0 || (1e-4..1e16).contains(&x.abs()) {
        let text = format!("{x}");
        return if text.contains('.') {
            text
        } else {
            format!("{text}.0")
        };
    }
    let text = format!("{x:e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let (sign, digits) = match exponent.strip_prefix('-') {
        Some(digits) => ('-', digits),
        None => ('+', exponent),
    };
    format!("{mantissa}e{sign}{digits:0>2}")
}

/// Python's default separators.
struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        writer.write_all(if first { b"" } else { b", " })
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        writer.write_all(if first { b"" } else { b", " })
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }
}

/// JSON text with each character outside ASCII as `\uXXXX` (surrogate pairs beyond the
/// basic plane), as Python's `ensure_ascii` writes it.
fn escape_non_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dictionaries_are_written_as_mlflow_writes_them() {
        // What MLflow 3.17 wrote for the course's `log_dict` calls (the fixtures' run).
        let features =
            json!({"categorical": ["PU_DO"], "numerical": ["trip_distance"], "n_features": 1589});
        assert_eq!(
            dict_file(&features, "config/features.json"),
            "{\n  \"categorical\": [\n    \"PU_DO\"\n  ],\n  \"numerical\": [\n    \"trip_distance\"\n  ],\n  \"n_features\": 1589\n}"
        );
        let config = json!({"split": {"train": 1600, "val": 400}, "model": "LinearRegression"});
        assert_eq!(
            dict_file(&config, "config/run_config.yaml"),
            "model: LinearRegression\nsplit:\n  train: 1600\n  val: 400\n"
        );
        assert_eq!(
            dict_file(&json!({"city": "Zürich 🚕"}), "c.json"),
            "{\n  \"city\": \"Z\\u00fcrich \\ud83d\\ude95\"\n}"
        );
    }

    #[test]
    fn data_set_texts_are_written_as_python_dumps_them() {
        // A data set's profile and source as MLflow 3.17 recorded them (the fixtures).
        assert_eq!(
            python_json(&json!({"num_rows": 1600, "num_elements": 8000})),
            r#"{"num_rows": 1600, "num_elements": 8000}"#
        );
        assert_eq!(
            python_json(
                &json!({"uri": "./data/green_tripdata_2021-01.parquet", "tags": ["é", 1.5]})
            ),
            r#"{"uri": "./data/green_tripdata_2021-01.parquet", "tags": ["\u00e9", 1.5]}"#
        );
    }
}
