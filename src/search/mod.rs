//! MLflow's search: the filter language, `order_by` clauses, ordering and paging of runs,
//! experiments and the registry.
//!
//! Pure: text is tokenized with spans, parsed into values (with errors that say where and what
//! to fix), then applied.

mod filter;
mod lexer;
mod matching;
mod names;
mod order;
mod page;

pub use filter::{Clause, Filter, FilterError, Op, Operand, Target};
pub use lexer::Span;
pub use matching::like;
pub use names::{
    run_attribute, run_attribute_names, Entity, DATASET_FIELDS, RUN_ATTRIBUTES,
    RUN_ATTRIBUTE_ALIASES, RUN_NUMERIC_ATTRIBUTES,
};

pub use order::{
    parse_order_by, sort_alike, sort_experiments, sort_models, sort_run_indices, sort_runs,
    sort_versions, OrderKey,
};
pub use page::{decode_page_token, encode_page_token, Page};
