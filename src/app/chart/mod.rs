//! Metric charts drawn as SVG from the pure math in `crate::chart`: a run's chart per metric,
//! an experiment's chart view with runs overlaid, and the path and colour helpers the compare
//! plots draw with too.

pub mod draw;
mod drawing;
mod metric_chart;
mod paths;
mod run_charts;
mod series;

pub use metric_chart::MetricChart;
pub use run_charts::RunCharts;
pub use series::ChartRun;
