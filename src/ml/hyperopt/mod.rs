//! Hyperparameter search as hyperopt's `fmin` does it: a [`Space`], an algorithm (random
//! search or TPE), a seed, and a [`Search`] that proposes trials one at a time and learns
//! from each outcome. Running the objective, and tracking each trial as a run, is the
//! caller's.

mod space;
mod tpe;

pub use space::{quantize, Param, Prior, Space, SpaceError, Vals};
pub use tpe::{CANDIDATES, GAMMA, LINEAR_FORGETTING, PRIOR_WEIGHT, STARTUP_TRIALS};

use crate::ml::rng::Rng;

/// How the next trial is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algo {
    /// From the prior, every time (`hyperopt.rand.suggest`).
    Random,
    /// Random for the first [`STARTUP_TRIALS`], then the Tree-structured Parzen Estimator
    /// (`hyperopt.tpe.suggest`).
    Tpe,
}

impl Algo {
    pub fn parse(name: &str) -> Option<Algo> {
        match name {
            "rand" | "random" => Some(Algo::Random),
            "tpe" => Some(Algo::Tpe),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Algo::Random => "rand",
            Algo::Tpe => "tpe",
        }
    }
}

/// How a trial ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The objective's loss, a number that is not NaN.
    Loss(f64),
    /// The objective failed (or gave NaN); the search goes on without it.
    Failed(String),
    /// Stopped before it ended; the search stops.
    Cancelled,
}

/// One trial: its number (from 0, hyperopt's `tid`), the values tried, and how it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    pub tid: usize,
    pub vals: Vals,
    pub outcome: Option<Outcome>,
}

impl Trial {
    pub fn loss(&self) -> Option<f64> {
        match self.outcome {
            Some(Outcome::Loss(loss)) => Some(loss),
            _ => None,
        }
    }
}

/// What bounds a search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Trials to run in all (at least 1).
    pub max_evals: usize,
    /// Stop after this many trials in a row without a better loss (hyperopt's
    /// `no_progress_loss`).
    pub early_stop: Option<usize>,
}

/// Why a search was refused before it began.
pub fn check_limits(limits: &Limits) -> Result<(), SpaceError> {
    if limits.max_evals == 0 {
        return Err(SpaceError("max_evals must be at least 1".to_owned()));
    }
    if limits.early_stop == Some(0) {
        return Err(SpaceError(
            "early stopping needs at least 1 trial without progress".to_owned(),
        ));
    }
    Ok(())
}

/// A search under way: the trials so far and the generator that proposes the next.
pub struct Search {
    pub space: Space,
    algo: Algo,
    limits: Limits,
    rng: Rng,
    trials: Vec<Trial>,
}

impl Search {
    pub fn new(space: Space, algo: Algo, limits: Limits, seed: u64) -> Result<Search, SpaceError> {
        check_limits(&limits)?;
        Ok(Search {
            space,
            algo,
            limits,
            rng: Rng::new(seed),
            trials: Vec::new(),
        })
    }

    pub fn trials(&self) -> &[Trial] {
        &self.trials
    }

    /// The next trial to run, or `None` when the search is over: `max_evals` reached, a
    /// trial cancelled, or no progress for `early_stop` trials.
    pub fn propose(&mut self) -> Option<&Trial> {
        if self.is_over() {
            return None;
        }
        let vals = match self.algo {
            Algo::Random => self.space.sample(&mut self.rng),
            Algo::Tpe => {
                let observed: Vec<tpe::Observation> = self
                    .trials
                    .iter()
                    .filter_map(|t| {
                        t.loss().map(|loss| tpe::Observation {
                            vals: &t.vals,
                            loss,
                        })
                    })
                    .collect();
                tpe::suggest(&self.space, &observed, self.trials.len(), &mut self.rng)
            }
        };
        self.trials.push(Trial {
            tid: self.trials.len(),
            vals,
            outcome: None,
        });
        self.trials.last()
    }

    /// Records how trial `tid` ended; a NaN loss is a failure.
    pub fn record(&mut self, tid: usize, outcome: Outcome) {
        let outcome = match outcome {
            Outcome::Loss(loss) if loss.is_nan() => Outcome::Failed("the loss is NaN".to_owned()),
            other => other,
        };
        if let Some(trial) = self.trials.get_mut(tid) {
            trial.outcome = Some(outcome);
        }
    }

    /// The trial with the lowest loss (the first of equals).
    pub fn best(&self) -> Option<&Trial> {
        self.trials
            .iter()
            .filter(|t| t.loss().is_some())
            .min_by(|a, b| {
                a.loss()
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&b.loss().unwrap_or(f64::INFINITY))
            })
    }

    pub fn cancelled(&self) -> bool {
        self.trials
            .iter()
            .any(|t| t.outcome == Some(Outcome::Cancelled))
    }

    fn is_over(&self) -> bool {
        if self.trials.len() >= self.limits.max_evals || self.cancelled() {
            return true;
        }
        let Some(patience) = self.limits.early_stop else {
            return false;
        };
        // Trials since the best so far was found.
        let best_at = self.best().map_or(0, |t| t.tid + 1);
        self.trials.len() - best_at >= patience
    }
}
