//! Exponential moving average with TensorBoard's debiasing: the first points are not pulled
//! toward zero. Non-finite values are passed through and do not move the average.

/// Smooths `values` with `weight` in `[0, 1)` (0 leaves them as they are).
pub fn smooth(values: &[f64], weight: f64) -> Vec<f64> {
    let weight = weight.clamp(0.0, 0.999);
    let mut last = 0.0;
    let mut count = 0;
    values
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                return v;
            }
            last = last * weight + (1.0 - weight) * v;
            count += 1;
            let debias = 1.0 - weight.powi(count);
            if debias == 0.0 {
                v
            } else {
                last / debias
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smooths_without_bias_toward_zero() {
        assert_eq!(smooth(&[1.0, 2.0, 3.0], 0.0), [1.0, 2.0, 3.0]);
        let s = smooth(&[10.0, 10.0, 10.0], 0.9);
        assert!(s.iter().all(|v| (v - 10.0).abs() < 1e-9), "{s:?}");
        let s = smooth(&[0.0, 10.0], 0.5);
        // (0.5*0 + 0.5*10) / (1 - 0.25) = 6.666...
        assert!((s[1] - 20.0 / 3.0).abs() < 1e-9);
        let s = smooth(&[1.0, f64::NAN, 3.0], 0.5);
        assert!(s[1].is_nan());
        assert!((s[2] - (0.25 + 1.5) / 0.75).abs() < 1e-9);
    }
}
