//! labbook: an experiment tracker and model registry in the spirit of MLflow that runs
//! entirely in the browser. See `ARCHITECTURE.md` for the map of the code.

pub mod api;
pub mod chart;
pub mod clock;
pub mod codec;
pub mod domain;
pub mod heap;
pub mod ml;
pub mod search;
pub mod store;
pub mod tracking;

pub mod app;
