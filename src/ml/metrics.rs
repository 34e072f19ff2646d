//! Regression metrics as scikit-learn computes them.

pub fn mse(predicted: &[f64], actual: &[f64]) -> f64 {
    let n = actual.len().max(1) as f64;
    predicted
        .iter()
        .zip(actual)
        .map(|(p, a)| (p - a).powi(2))
        .sum::<f64>()
        / n
}

pub fn rmse(predicted: &[f64], actual: &[f64]) -> f64 {
    mse(predicted, actual).sqrt()
}

pub fn mae(predicted: &[f64], actual: &[f64]) -> f64 {
    let n = actual.len().max(1) as f64;
    predicted
        .iter()
        .zip(actual)
        .map(|(p, a)| (p - a).abs())
        .sum::<f64>()
        / n
}

/// The coefficient of determination: 1 − residual / total sum of squares (0 when the target
/// is constant and the predictions are not perfect, as scikit-learn has it).
pub fn r2(predicted: &[f64], actual: &[f64]) -> f64 {
    let n = actual.len().max(1) as f64;
    let mean = actual.iter().sum::<f64>() / n;
    let total: f64 = actual.iter().map(|a| (a - mean).powi(2)).sum();
    let residual: f64 = predicted
        .iter()
        .zip(actual)
        .map(|(p, a)| (p - a).powi(2))
        .sum();
    match (residual == 0.0, total == 0.0) {
        (true, _) => 1.0,
        (false, true) => 0.0,
        _ => 1.0 - residual / total,
    }
}
