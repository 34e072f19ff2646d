//! Serialized formats and how they map to the domain: pure encoders and decoders, no IO.
//!
//! Each format has its own types, converted to and from [`crate::domain`] explicitly, so that
//! a format can change without the model changing.

pub mod archive;
pub mod bundle;
pub mod csv;
pub mod export_import;
pub mod file_store;
pub mod file_store_export;
pub mod markdown;
pub mod mlmodel;
pub mod percent;
pub mod protojson;
pub mod rest;
pub mod rest_import;
pub mod sqlite;
pub mod yaml;

use crate::domain::DomainError;

/// Parses JSON text read from `file`; a failure says where, by line and column.
pub fn parse_json(file: &str, text: &str) -> Result<serde_json::Value, DomainError> {
    serde_json::from_str(text).map_err(|e| {
        DomainError::invalid(format!(
            "{file}: not valid JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        ))
    })
}
