//! Training in the page: seeded randomness, tables and the synthetic taxi data set, features
//! as `DictVectorizer` makes them, the estimators (linear models, trees, forests, boosted
//! trees) and their metrics, and hyperparameter search (hyperopt's `fmin` spaces, random
//! search and TPE).
//!
//! Pure computation: this module does no IO, knows nothing of runs or the store, and gives
//! the same answers natively and in the browser for the same seed. Tracking a search as
//! runs is `tracking::hyperopt`'s.

pub mod estimators;
pub mod features;
pub mod hyperopt;
pub mod linear;
pub mod metrics;
pub mod rng;
pub mod table;
pub mod taxi;
pub mod trainer;
pub mod trees;
