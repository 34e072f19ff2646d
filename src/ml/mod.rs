//! Training in the page: seeded randomness and hyperparameter search (hyperopt's `fmin`
//! spaces, random search and TPE).
//!
//! Pure computation: this module does no IO, knows nothing of runs or the store, and gives
//! the same answers natively and in the browser for the same seed. Tracking a search as
//! runs is `tracking::hyperopt`'s.

pub mod hyperopt;
pub mod rng;
