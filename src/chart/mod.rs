//! Chart math, pure and tested natively: scales and ticks (linear, log and ordinal), decimation
//! that keeps every pixel column's extremes, the nearest point under a cursor, smoothing, box
//! plot summaries and contours. The metric chart (`app::chart`) and the compare plots
//! (`app::compare`) draw with it.

mod axis;
mod contour;
mod decimate;
mod scale;
mod smooth;
mod stats;

pub use axis::{Axis, Value};
pub use contour::{interpolate, isoline, ramp, Grid, Segment};
pub use decimate::{min_max, nearest, Point};
pub use scale::{nice_ticks, rounded_end, LinearScale, LogScale};
pub use smooth::smooth;
pub use stats::BoxStats;
