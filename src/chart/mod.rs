//! Chart math: scales and ticks for the metric charts, pure and tested natively.
//! The one module that draws (`render`) arrives with the charts issue.

mod scale;

pub use scale::{nice_ticks, LinearScale};
