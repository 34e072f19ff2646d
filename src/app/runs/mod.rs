//! An experiment's runs table: MLflow's filter language with key suggestions, sorting by
//! column headers (shift adds a key), a column picker, nested runs as a tree, grouping,
//! multi-select with bulk actions, and the keyboard. Every setting lives in the URL
//! ([`view::TableView`]); rows are virtualized.
//!
//! The data logic is plain and tested natively: [`view`] (settings ↔ URL), [`arrange`]
//! (filter, sort, tree, groups), [`columns`], [`cells`] (escaped row HTML), [`suggest`]. The
//! components are [`section`] (the whole), [`toolbar`], [`search_box`], [`selection`],
//! [`grid`] (whose rows [`rows`] keeps by hand) and [`new_run`]; [`table`] is the state they
//! share.

mod arrange;
mod cells;
mod columns;
mod grid;
mod new_run;
mod rows;
mod search_box;
mod section;
mod selection;
mod suggest;
mod table;
mod toolbar;
mod view;

pub use section::RunsSection;
