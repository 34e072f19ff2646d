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
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || count == 0 {
        return Vec::new();
    }
    let raw = (hi - lo) / count as f64;
    let exponent = raw.log10().floor() as i32;
    // Scale by a power of ten with a division for negative exponents, so 3 * 2 / 10 is 0.6.
    let at_power = |v: f64| {
        if exponent >= 0 {
            v * 10f64.powi(exponent)
        } else {
            v / 10f64.powi(-exponent)
        }
    };
    let multiple = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|m| at_power(*m) >= raw)
        .unwrap_or(10.0);
    let step = at_power(multiple);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last)
        .map(|i| at_power(i as f64 * multiple))
        .collect()
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
