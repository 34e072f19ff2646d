//! MLflow's search: `order_by` clauses, ordering and paging of runs and experiments.
//!
//! Pure: clauses are parsed into values first (with errors that say what to fix), then applied.
//! The filter language arrives with the search issue; until then a non-empty filter is refused.

mod order;
mod page;

pub use order::{
    parse_experiment_order_by, parse_run_order_by, sort_experiments, sort_runs, OrderEntity,
    OrderKey,
};
pub use page::{decode_page_token, encode_page_token, Page};

use crate::domain::DomainError;

/// Accepts an empty filter; any other is refused until the filter language lands.
pub fn check_filter(filter: Option<&str>) -> Result<(), DomainError> {
    match filter.map(str::trim) {
        None | Some("") => Ok(()),
        Some(_) => Err(DomainError::invalid(
            "filter not supported yet: labbook does not parse MLflow filter expressions in this version",
        )),
    }
}
