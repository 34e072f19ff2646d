//! Chart math, pure and tested natively: scales and ticks (linear and log), decimation that
//! keeps every pixel column's extremes, the nearest point under a cursor, and smoothing.
//! The metric chart component (`app::chart`) draws with it.

mod decimate;
mod scale;
mod smooth;

pub use decimate::{min_max, nearest, Point};
pub use scale::{nice_ticks, LinearScale, LogScale};
pub use smooth::smooth;
