//! The Tree-structured Parzen Estimator, as hyperopt's `tpe.py` does it.
//!
//! The trials so far are split by loss into a good set (the best `ceil(γ·√N)`, at most
//! [`LINEAR_FORGETTING`]) and the rest. For each hyperparameter on its own, a Parzen
//! estimator (a mixture of one normal per observation and one for the prior) is fitted to
//! the good set's values and another to the rest's; [`CANDIDATES`] values are drawn from the
//! good one and the one with the highest ratio of good to rest likelihood is proposed.
//! Observations older than the last [`LINEAR_FORGETTING`] weigh less, linearly.

use crate::ml::hyperopt::space::{quantize, Prior, Space, Vals};
use crate::ml::rng::Rng;

/// Trials drawn from the prior before the estimator takes over.
pub const STARTUP_TRIALS: usize = 20;
/// The share of trials, by `ceil(γ·√N)`, that makes the good set.
pub const GAMMA: f64 = 0.25;
/// Values drawn from the good estimator per hyperparameter, the best of which is proposed.
pub const CANDIDATES: usize = 24;
/// The weight of the prior among the observations.
pub const PRIOR_WEIGHT: f64 = 1.0;
/// How many of the newest observations weigh fully; also the good set's largest size.
pub const LINEAR_FORGETTING: usize = 25;

/// hyperopt's guard against the logarithm of 0.
const EPS: f64 = 1e-12;

/// One finished trial the estimator learns from: its values and its loss.
pub struct Observation<'a> {
    pub vals: &'a Vals,
    pub loss: f64,
}

/// The next point to try, given the successful trials so far (oldest first) and how many
/// trials there were in all.
pub fn suggest(space: &Space, observed: &[Observation], trials: usize, rng: &mut Rng) -> Vals {
    if trials < STARTUP_TRIALS || observed.is_empty() {
        return space.sample(rng);
    }
    let n_below = ((GAMMA * (observed.len() as f64).sqrt()).ceil() as usize).min(LINEAR_FORGETTING);
    let mut order: Vec<usize> = (0..observed.len()).collect();
    order.sort_by(|&a, &b| observed[a].loss.total_cmp(&observed[b].loss));
    let mut is_below = vec![false; observed.len()];
    for &i in &order[..n_below] {
        is_below[i] = true;
    }
    let proposed: Vec<f64> = space
        .params
        .iter()
        .map(|param| {
            // The values this hyperparameter took where it was active, oldest first.
            let (mut below, mut above) = (Vec::new(), Vec::new());
            for (i, o) in observed.iter().enumerate() {
                if let Some(v) = o.vals.get(&param.label) {
                    if is_below[i] { &mut below } else { &mut above }.push(*v);
                }
            }
            propose(&param.prior, &below, &above, rng)
        })
        .collect();
    space.active(&proposed)
}

/// The best of [`CANDIDATES`] values drawn from the good set's estimator.
fn propose(prior: &Prior, below: &[f64], above: &[f64], rng: &mut Rng) -> f64 {
    let best = |candidates: Vec<f64>, score: &dyn Fn(f64) -> f64| {
        candidates
            .into_iter()
            .map(|c| (c, score(c)))
            .fold((f64::NAN, f64::NEG_INFINITY), |best, (c, s)| {
                if s > best.1 || best.0.is_nan() {
                    (c, s)
                } else {
                    best
                }
            })
            .0
    };
    match *prior {
        Prior::Categorical { low, high } => {
            let good = categorical(below, low, high);
            let rest = categorical(above, low, high);
            let candidates = (0..CANDIDATES)
                .map(|_| (low + rng.weighted(&good) as i64) as f64)
                .collect();
            let at = |x: f64| (x as i64 - low) as usize;
            best(candidates, &|x| good[at(x)].ln() - rest[at(x)].ln())
        }
        Prior::Uniform { low, high, q, log } => {
            let (mu, sigma) = (0.5 * (low + high), high - low);
            let to_fit = |xs: &[f64]| -> Vec<f64> {
                xs.iter()
                    .map(|&x| if log { x.max(EPS).ln() } else { x })
                    .collect()
            };
            let bounds = Some((low, high));
            let good = Mixture::fit(&to_fit(below), mu, sigma, bounds, q, log);
            let rest = Mixture::fit(&to_fit(above), mu, sigma, bounds, q, log);
            let candidates = (0..CANDIDATES).map(|_| good.sample(rng)).collect();
            best(candidates, &|x| good.log_pdf(x) - rest.log_pdf(x))
        }
        Prior::Normal { mu, sigma } => {
            let good = Mixture::fit(below, mu, sigma, None, None, false);
            let rest = Mixture::fit(above, mu, sigma, None, None, false);
            let candidates = (0..CANDIDATES).map(|_| good.sample(rng)).collect();
            best(candidates, &|x| good.log_pdf(x) - rest.log_pdf(x))
        }
    }
}

/// The probabilities of a categorical hyperparameter's values: the observations' weighted
/// counts plus the prior weight on each.
fn categorical(observed: &[f64], low: i64, high: i64) -> Vec<f64> {
    let mut counts = vec![PRIOR_WEIGHT; (high - low) as usize];
    for (x, w) in observed.iter().zip(forgetting_weights(observed.len())) {
        if let Some(count) = counts.get_mut((*x as i64 - low) as usize) {
            *count += w;
        }
    }
    let total: f64 = counts.iter().sum();
    counts.iter().map(|c| c / total).collect()
}

/// The weights of `n` observations, oldest first: the newest [`LINEAR_FORGETTING`] weigh 1,
/// older ones rise linearly from `1/n`.
fn forgetting_weights(n: usize) -> Vec<f64> {
    if n <= LINEAR_FORGETTING {
        return vec![1.0; n];
    }
    let ramp = n - LINEAR_FORGETTING;
    let mut weights: Vec<f64> = (0..ramp)
        .map(|i| {
            let start = 1.0 / n as f64;
            if ramp == 1 {
                start
            } else {
                start + (1.0 - start) * i as f64 / (ramp - 1) as f64
            }
        })
        .collect();
    weights.extend(std::iter::repeat_n(1.0, LINEAR_FORGETTING));
    weights
}

/// A mixture of normals (of the logarithm when `log`), truncated to `bounds` and rounded to
/// `q` when given: hyperopt's `GMM1` and `LGMM1`.
struct Mixture {
    weights: Vec<f64>,
    mus: Vec<f64>,
    sigmas: Vec<f64>,
    bounds: Option<(f64, f64)>,
    q: Option<f64>,
    log: bool,
}

impl Mixture {
    /// hyperopt's `adaptive_parzen_normal`: a component at each observation and one at the
    /// prior; each component as wide as the larger gap to its neighbours, clipped between
    /// `prior_sigma / min(100, 1 + components)` and `prior_sigma`.
    fn fit(
        observed: &[f64],
        prior_mu: f64,
        prior_sigma: f64,
        bounds: Option<(f64, f64)>,
        q: Option<f64>,
        log: bool,
    ) -> Mixture {
        let weights_by_age = forgetting_weights(observed.len());
        let mut entries: Vec<(f64, f64)> = observed.iter().copied().zip(weights_by_age).collect();
        entries.sort_by(|a, b| a.0.total_cmp(&b.0));
        let prior_at = entries.partition_point(|(mu, _)| *mu < prior_mu);
        entries.insert(prior_at, (prior_mu, PRIOR_WEIGHT));
        let mus: Vec<f64> = entries.iter().map(|e| e.0).collect();
        let n = mus.len();
        let mut sigmas = vec![prior_sigma; n];
        if n == 2 {
            // One observation: half the prior's width.
            sigmas[1 - prior_at] = prior_sigma * 0.5;
        } else if n > 2 {
            for i in 0..n {
                sigmas[i] = match i {
                    0 => mus[1] - mus[0],
                    _ if i == n - 1 => mus[n - 1] - mus[n - 2],
                    _ => (mus[i] - mus[i - 1]).max(mus[i + 1] - mus[i]),
                };
            }
            let min_sigma = prior_sigma / (100.0f64).min(1.0 + n as f64);
            for sigma in &mut sigmas {
                *sigma = sigma.clamp(min_sigma, prior_sigma);
            }
        }
        sigmas[prior_at] = prior_sigma;
        let total: f64 = entries.iter().map(|e| e.1).sum();
        Mixture {
            weights: entries.iter().map(|e| e.1 / total).collect(),
            mus,
            sigmas,
            bounds,
            q,
            log,
        }
    }

    fn sample(&self, rng: &mut Rng) -> f64 {
        let x = loop {
            let i = rng.weighted(&self.weights);
            let x = self.mus[i] + self.sigmas[i] * rng.normal();
            match self.bounds {
                Some((low, high)) if x < low || x >= high => continue,
                _ => break x,
            }
        };
        quantize(if self.log { x.exp() } else { x }, self.q)
    }

    /// The log density (the log probability of its bin when rounded) of `x`.
    fn log_pdf(&self, x: f64) -> f64 {
        let mass = |lower: f64, upper: f64| -> f64 {
            self.components()
                .map(|(w, mu, sigma)| {
                    w * (normal_cdf((upper - mu) / sigma) - normal_cdf((lower - mu) / sigma))
                })
                .sum()
        };
        let accepted = match self.bounds {
            Some((low, high)) => mass(low, high),
            None => 1.0,
        };
        let to_space = |v: f64| if self.log { v.max(EPS).ln() } else { v };
        let clip = |v: f64| match self.bounds {
            Some((low, high)) => v.clamp(low, high),
            None => v,
        };
        let density = match self.q {
            Some(q) => mass(clip(to_space(x - q / 2.0)), clip(to_space(x + q / 2.0))).ln(),
            None => {
                let at = to_space(x);
                let logs: Vec<f64> = self
                    .components()
                    .map(|(w, mu, sigma)| w.ln() + normal_log_pdf(at, mu, sigma))
                    .collect();
                log_sum_exp(&logs) - if self.log { at } else { 0.0 }
            }
        };
        density - accepted.ln()
    }

    fn components(&self) -> impl Iterator<Item = (f64, f64, f64)> + '_ {
        self.weights
            .iter()
            .zip(&self.mus)
            .zip(&self.sigmas)
            .map(|((w, mu), sigma)| (*w, *mu, *sigma))
    }
}

fn normal_cdf(z: f64) -> f64 {
    0.5 * (1.0 + libm::erf(z / std::f64::consts::SQRT_2))
}

fn normal_log_pdf(x: f64, mu: f64, sigma: f64) -> f64 {
    let z = (x - mu) / sigma;
    -0.5 * z * z - sigma.ln() - 0.5 * (std::f64::consts::TAU).ln()
}

fn log_sum_exp(logs: &[f64]) -> f64 {
    let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if top == f64::NEG_INFINITY {
        return top;
    }
    top + logs.iter().map(|l| (l - top).exp()).sum::<f64>().ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_observations_weigh_less_past_the_newest_twenty_five() {
        assert_eq!(forgetting_weights(3), vec![1.0; 3]);
        let weights = forgetting_weights(30);
        assert_eq!(weights.len(), 30);
        assert_eq!(weights[0], 1.0 / 30.0);
        assert_eq!(weights[4], 1.0);
        assert!(weights[..5].windows(2).all(|w| w[0] < w[1]));
        assert!(weights[5..].iter().all(|w| *w == 1.0));
    }

    #[test]
    fn a_parzen_estimator_puts_a_component_at_each_observation_and_the_prior() {
        let m = Mixture::fit(&[0.2, 0.9, 0.4], 0.5, 1.0, Some((0.0, 1.0)), None, false);
        assert_eq!(m.mus, vec![0.2, 0.4, 0.5, 0.9]);
        // Each as wide as its larger gap, clipped at 1 / min(100, 5); the prior keeps its own.
        let expected = [0.2, 0.2, 1.0, 0.4];
        for (s, e) in m.sigmas.iter().zip(expected) {
            assert!((s - e).abs() < 1e-12, "{:?}", m.sigmas);
        }
        assert!((m.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let one = Mixture::fit(&[0.9], 0.5, 1.0, None, None, false);
        assert_eq!((one.mus, one.sigmas), (vec![0.5, 0.9], vec![1.0, 0.5]));
    }

    #[test]
    fn a_rounded_value_has_the_probability_of_its_bin() {
        let m = Mixture::fit(&[], 5.0, 10.0, Some((0.0, 10.0)), Some(1.0), false);
        // The prior alone, truncated to [0, 10]: the bins of 0..=10 hold all of it.
        let total: f64 = (0..=10).map(|x| m.log_pdf(f64::from(x)).exp()).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
    }
}
