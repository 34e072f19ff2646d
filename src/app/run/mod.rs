//! One run's page: its state, description, metrics with their charts, params, tags, data sets
//! and artifacts, with an index of its sections and a form to log more from the page.

mod data;
mod datasets;
mod head;
mod index;
mod info;
mod log_form;
mod metrics;
mod page;
mod params;
mod tags;

pub use page::RunPage;
