//! The compare page: the chosen runs plotted (parallel coordinates with brushing, scatter, box,
//! contour, each with its settings in the URL and exports like the metric charts), then their
//! params, latest metrics and tags in one table.

mod box_plot;
mod card;
mod contour;
mod diff;
mod fields;
mod page;
mod parallel;
mod scatter;

pub use page::ComparePage;
