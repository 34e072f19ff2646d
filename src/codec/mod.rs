//! Serialized formats and how they map to the domain: pure encoders and decoders, no IO.
//!
//! Each format has its own types, converted to and from [`crate::domain`] explicitly, so that
//! a format can change without the model changing.

pub mod archive;
pub mod bundle;
pub mod file_store;
pub mod markdown;
pub mod protojson;
pub mod rest;
pub mod sqlite;
pub mod yaml;
