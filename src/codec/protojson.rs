//! Protobuf's JSON mapping of doubles, which MLflow's REST API uses: finite values are JSON
//! numbers; NaN and the infinities are the strings `"NaN"`, `"Infinity"` and `"-Infinity"`.

use serde::{Deserialize, Deserializer, Serializer};
use serde_json::Value;

/// A double as protobuf's JSON mapping writes it.
pub fn double_to_json(value: f64) -> Value {
    if value.is_nan() {
        Value::from("NaN")
    } else if value == f64::INFINITY {
        Value::from("Infinity")
    } else if value == f64::NEG_INFINITY {
        Value::from("-Infinity")
    } else {
        Value::from(value)
    }
}

/// A double as protobuf's JSON mapping reads it: a number, or a string holding one.
pub fn double_from_json(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            other => other.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
        },
        _ => None,
    }
}

/// For `#[serde(with = "protojson::double")]` on an `f64` field.
pub mod double {
    use super::*;

    pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&double_to_json(*value), serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        let value = Value::deserialize(deserializer)?;
        double_from_json(&value)
            .ok_or_else(|| serde::de::Error::custom(format!("expected a double, got {value}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_values_round_trip() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -1.5, 1e300] {
            let back = double_from_json(&double_to_json(v)).unwrap();
            assert_eq!(back.to_bits(), v.to_bits(), "{v}");
        }
        assert_eq!(double_to_json(f64::NAN), Value::from("NaN"));
        assert_eq!(double_from_json(&Value::from("3.5")), Some(3.5));
        assert_eq!(double_from_json(&Value::from("abc")), None);
        assert_eq!(double_from_json(&Value::Bool(true)), None);
    }
}
