//! Summaries of a set of values: the quartiles, whiskers and outliers of a box plot.

/// A box plot of some values: quartiles by linear interpolation (as numpy's default and
/// Plotly do), whiskers reaching the furthest values within 1.5 × IQR of the box (Tukey),
/// the values beyond them as outliers.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxStats {
    pub low: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub high: f64,
    pub outliers: Vec<f64>,
    pub count: usize,
}

impl BoxStats {
    /// The summary of the finite `values`, or `None` if there are none.
    pub fn of(values: &[f64]) -> Option<BoxStats> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let (q1, median, q3) = (
            quantile(&sorted, 0.25),
            quantile(&sorted, 0.5),
            quantile(&sorted, 0.75),
        );
        let reach = 1.5 * (q3 - q1);
        let (fence_low, fence_high) = (q1 - reach, q3 + reach);
        let inside = || {
            sorted
                .iter()
                .copied()
                .filter(|v| *v >= fence_low && *v <= fence_high)
        };
        Some(BoxStats {
            low: inside().fold(f64::INFINITY, f64::min),
            high: inside().fold(f64::NEG_INFINITY, f64::max),
            outliers: sorted
                .iter()
                .copied()
                .filter(|v| *v < fence_low || *v > fence_high)
                .collect(),
            q1,
            median,
            q3,
            count: sorted.len(),
        })
    }
}

/// The `q` quantile of sorted values, interpolating between the two nearest.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_interpolate_like_numpy() {
        // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) == [1.75, 2.5, 3.25]
        let stats = BoxStats::of(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!((stats.q1, stats.median, stats.q3), (1.75, 2.5, 3.25));
        assert_eq!((stats.low, stats.high), (1.0, 4.0));
        assert!(stats.outliers.is_empty());
    }

    #[test]
    fn far_values_are_outliers_and_whiskers_stop_before_them() {
        let stats = BoxStats::of(&[1.0, 2.0, 3.0, 4.0, 5.0, 100.0, f64::NAN]).unwrap();
        assert_eq!(stats.count, 6);
        assert_eq!(stats.outliers, vec![100.0]);
        assert_eq!(stats.high, 5.0);
        assert_eq!(BoxStats::of(&[f64::NAN]), None);
        let one = BoxStats::of(&[7.0]).unwrap();
        assert_eq!((one.low, one.median, one.high), (7.0, 7.0, 7.0));
    }
}
