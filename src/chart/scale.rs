//! Linear scales and "nice" tick values (1, 2 or 5 times a power of ten).

/// Maps a data interval onto a pixel interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearScale {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl LinearScale {
    /// A scale over the finite values given; an empty or flat domain is widened by one.
    pub fn fit(values: impl IntoIterator<Item = f64>, range: (f64, f64)) -> LinearScale {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.into_iter().filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if lo > hi {
            (lo, hi) = (0.0, 1.0);
        } else if lo == hi {
            (lo, hi) = (lo - 0.5, hi + 0.5);
        }
        LinearScale {
            domain: (lo, hi),
            range,
        }
    }

    pub fn map(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        r0 + (value - d0) / (d1 - d0) * (r1 - r0)
    }
}

/// Maps positive values onto a pixel interval by their logarithm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogScale {
    /// log10 of the smallest and largest value.
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl LogScale {
    /// A scale over the positive finite values given (others cannot be placed on it).
    pub fn fit(values: impl IntoIterator<Item = f64>, range: (f64, f64)) -> LogScale {
        let logs = values
            .into_iter()
            .filter(|v| v.is_finite() && *v > 0.0)
            .map(f64::log10);
        LogScale {
            domain: LinearScale::fit(logs, range).domain,
            range,
        }
    }

    /// Where `value` goes, or `None` for a value a log axis cannot show (zero, negative).
    pub fn map(&self, value: f64) -> Option<f64> {
        (value > 0.0).then(|| {
            LinearScale {
                domain: self.domain,
                range: self.range,
            }
            .map(value.log10())
        })
    }

    /// Powers of ten within the domain; over less than two decades, also their 2 and 5 times.
    pub fn ticks(&self) -> Vec<f64> {
        let (lo, hi) = self.domain;
        let decades = lo.floor() as i32..=hi.ceil() as i32;
        let inside = |v: &f64| v.log10() >= lo - 1e-9 && v.log10() <= hi + 1e-9;
        let powers: Vec<f64> = decades
            .clone()
            .map(|e| 10f64.powi(e))
            .filter(inside)
            .collect();
        if powers.len() >= 3 {
            return powers;
        }
        decades
            .flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(e)))
            .filter(inside)
            .collect()
    }
}

/// About `count` round tick values covering `[lo, hi]`.
pub fn nice_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    let Some(step) = NiceStep::of(lo, hi, count) else {
        return Vec::new();
    };
    let first = (lo / step.value()).ceil() as i64;
    let last = (hi / step.value()).floor() as i64;
    (first..=last).map(|i| step.times(i as f64)).collect()
}

/// `hi` raised to the next multiple of a tenth of the step of `count` nice ticks over
/// `lo..hi` (a hundredth or so of the interval): the end of an axis fitted to a series that
/// grows point by point then moves once in many points, not at each.
pub fn rounded_end(lo: f64, hi: f64, count: usize) -> f64 {
    match NiceStep::of(lo, hi, count) {
        Some(step) => {
            let fine = NiceStep {
                multiple: step.multiple,
                exponent: step.exponent - 1,
            };
            // A hair under, so an end already on a multiple stays where it is.
            let n = (hi / fine.value() - 1e-9).ceil();
            fine.times(n).max(hi)
        }
        None => hi,
    }
}

/// A tick step: 1, 2, 5 or 10 times a power of ten.
struct NiceStep {
    multiple: f64,
    exponent: i32,
}

impl NiceStep {
    /// The step giving about `count` ticks over `lo..hi`.
    fn of(lo: f64, hi: f64, count: usize) -> Option<NiceStep> {
        if !(lo.is_finite() && hi.is_finite()) || hi <= lo || count == 0 {
            return None;
        }
        let raw = (hi - lo) / count as f64;
        let exponent = raw.log10().floor() as i32;
        let at_power = |m: f64| NiceStep {
            multiple: m,
            exponent,
        };
        let multiple = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .find(|m| at_power(*m).value() >= raw)
            .unwrap_or(10.0);
        Some(at_power(multiple))
    }

    fn value(&self) -> f64 {
        self.times(1.0)
    }

    /// `n` steps, scaled by a power of ten with a division for negative exponents, so that
    /// 3 × 0.2 is 0.6.
    fn times(&self, n: f64) -> f64 {
        if self.exponent >= 0 {
            n * self.multiple * 10f64.powi(self.exponent)
        } else {
            n * self.multiple / 10f64.powi(-self.exponent)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(
            nice_ticks(0.0, 10.0, 5),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        assert_eq!(nice_ticks(0.13, 0.61, 4), vec![0.2, 0.4, 0.6]);
        assert_eq!(nice_ticks(0.13, 0.61, 8), vec![0.2, 0.3, 0.4, 0.5, 0.6]);
        assert!(nice_ticks(1.0, 1.0, 5).is_empty());
    }

    #[test]
    fn ends_round_up_a_little_and_stay_while_a_series_grows() {
        assert_eq!(rounded_end(0.0, 2.0, 5), 2.0);
        assert_eq!(rounded_end(0.0, 1999.0, 5), 2000.0);
        assert_eq!(rounded_end(0.0, 100_001.0, 5), 105_000.0);
        assert_eq!(rounded_end(0.0, 104_999.0, 5), 105_000.0);
        assert_eq!(rounded_end(0.0, 0.61, 5), 0.62);
        assert_eq!(rounded_end(1.7e12, 1.7e12 + 59_500.0, 5), 1.7e12 + 60_000.0);
        assert_eq!(rounded_end(3.0, 3.0, 5), 3.0);
        assert!(rounded_end(0.0, f64::NAN, 5).is_nan());
    }

    #[test]
    fn log_scale_places_positive_values() {
        let s = LogScale::fit([1.0, 1000.0, 0.0, -5.0], (0.0, 300.0));
        assert_eq!(s.domain, (0.0, 3.0));
        assert_eq!(s.map(10.0), Some(100.0));
        assert_eq!(s.map(0.0), None);
        assert_eq!(s.ticks(), vec![1.0, 10.0, 100.0, 1000.0]);
        let narrow = LogScale::fit([1.005, 50.0], (0.0, 1.0));
        assert_eq!(narrow.ticks(), vec![2.0, 5.0, 10.0, 20.0, 50.0]);
    }

    #[test]
    fn scale_maps_and_survives_flat_or_empty_data() {
        let s = LinearScale::fit([1.0, 3.0, f64::NAN], (0.0, 100.0));
        assert_eq!(s.map(2.0), 50.0);
        assert_eq!(LinearScale::fit([], (0.0, 1.0)).domain, (0.0, 1.0));
        assert_eq!(LinearScale::fit([2.0], (0.0, 1.0)).domain, (1.5, 2.5));
    }
}
