//! Linear models on sparse features, fitted as scikit-learn fits them with an intercept (the
//! features and the target centred, the intercept not penalised): least squares
//! (`LinearRegression`), ridge (`Ridge`) by conjugate gradients on the normal equations, and
//! lasso and elastic net (`Lasso`, `ElasticNet`) by coordinate descent on scikit-learn's
//! objective `1/(2n)·‖y − Xw − b‖² + α·ρ·‖w‖₁ + α·(1 − ρ)/2·‖w‖²`.
//!
//! Ours rather than a crate's: the course's one-hot `PU_DO` makes thousands of columns, and
//! the pure-Rust crates that build for wasm32 fit dense matrices only (20 000 rows × 4 000
//! columns would be 640 MB); these never leave the sparse rows.

use crate::ml::features::Sparse;

/// A fitted linear model: `prediction = x·weights + intercept`.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    pub weights: Vec<f64>,
    pub intercept: f64,
    /// Iterations the solver took.
    pub iterations: usize,
}

impl Linear {
    pub fn predict(&self, x: &Sparse) -> Vec<f64> {
        x.dot(&self.weights)
            .into_iter()
            .map(|p| p + self.intercept)
            .collect()
    }
}

/// Column means of `x` and the target's mean: the centring.
fn means(x: &Sparse, y: &[f64]) -> (Vec<f64>, f64) {
    let n = x.len() as f64;
    let ones = vec![1.0 / n; x.len()];
    (x.dot_transposed(&ones), y.iter().sum::<f64>() / n)
}

/// Least squares with an L2 penalty `alpha` (0: plain least squares, whose solution of least
/// norm is found), by conjugate gradients on `(XcᵀXc + αI)·w = Xcᵀyc`, `Xc` and `yc` centred.
pub fn ridge(x: &Sparse, y: &[f64], alpha: f64, tolerance: f64, max_iter: usize) -> Linear {
    let (x_mean, y_mean) = means(x, y);
    // Xc·w and Xcᵀ·v without making Xc dense.
    let apply = |w: &[f64]| -> Vec<f64> {
        let shift: f64 = x_mean.iter().zip(w).map(|(m, w)| m * w).sum();
        x.dot(w).into_iter().map(|v| v - shift).collect()
    };
    let apply_t = |v: &[f64]| -> Vec<f64> {
        let total: f64 = v.iter().sum();
        x.dot_transposed(v)
            .into_iter()
            .zip(&x_mean)
            .map(|(a, m)| a - m * total)
            .collect()
    };
    let normal = |w: &[f64]| -> Vec<f64> {
        apply_t(&apply(w))
            .into_iter()
            .zip(w)
            .map(|(a, w)| a + alpha * w)
            .collect()
    };
    let yc: Vec<f64> = y.iter().map(|v| v - y_mean).collect();
    let b = apply_t(&yc);
    let mut w = vec![0.0; x.columns];
    let mut r = b.clone();
    let mut p = r.clone();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(a, b)| a * b).sum::<f64>();
    let mut rr = dot(&r, &r);
    let stop = tolerance * tolerance * dot(&b, &b).max(f64::MIN_POSITIVE);
    let mut iterations = 0;
    while iterations < max_iter && rr > stop {
        iterations += 1;
        let q = normal(&p);
        let step = rr / dot(&p, &q);
        if !step.is_finite() {
            break;
        }
        for (i, (wi, ri)) in w.iter_mut().zip(r.iter_mut()).enumerate() {
            *wi += step * p[i];
            *ri -= step * q[i];
        }
        let next = dot(&r, &r);
        let beta = next / rr;
        rr = next;
        for (pi, ri) in p.iter_mut().zip(&r) {
            *pi = ri + beta * *pi;
        }
    }
    let intercept = y_mean - dot(&x_mean, &w);
    Linear {
        weights: w,
        intercept,
        iterations,
    }
}

/// Elastic net (`l1_ratio` 1: lasso) by cyclic coordinate descent, stopping when the largest
/// change of a weight in a sweep is below `tolerance` times the largest weight, as
/// scikit-learn's first test does.
pub fn elastic_net(
    x: &Sparse,
    y: &[f64],
    alpha: f64,
    l1_ratio: f64,
    tolerance: f64,
    max_iter: usize,
) -> Linear {
    let n = x.len() as f64;
    let (x_mean, y_mean) = means(x, y);
    // The columns, for sweeping one feature at a time.
    let mut columns: Vec<Vec<(u32, f64)>> = vec![Vec::new(); x.columns];
    for (i, row) in x.rows.iter().enumerate() {
        for (j, v) in row {
            columns[*j as usize].push((i as u32, *v));
        }
    }
    // ‖xj − mj‖² of each centred column.
    let norms: Vec<f64> = columns
        .iter()
        .zip(&x_mean)
        .map(|(col, m)| col.iter().map(|(_, v)| v * v).sum::<f64>() - n * m * m)
        .collect();
    // The residual is `partial[i] + shared`; a change of wj moves every row by −mj·Δ
    // (kept in `shared`) and the rows where xj is not 0 by −xij·Δ.
    let mut partial: Vec<f64> = y.iter().map(|v| v - y_mean).collect();
    let mut shared = 0.0;
    let mut partial_sum: f64 = partial.iter().sum();
    let mut w = vec![0.0; x.columns];
    let (l1, l2) = (n * alpha * l1_ratio, n * alpha * (1.0 - l1_ratio));
    let mut iterations = 0;
    while iterations < max_iter {
        iterations += 1;
        let (mut largest_change, mut largest_weight) = (0.0f64, 0.0f64);
        for j in 0..x.columns {
            if norms[j] <= 0.0 {
                continue;
            }
            let column = &columns[j];
            let nonzero: f64 = column
                .iter()
                .map(|(i, v)| v * (partial[*i as usize] + shared))
                .sum();
            let residual_sum = partial_sum + n * shared;
            let rho = nonzero - x_mean[j] * residual_sum + w[j] * norms[j];
            let new = soft_threshold(rho, l1) / (norms[j] + l2);
            let change = new - w[j];
            if change != 0.0 {
                shared += x_mean[j] * change;
                for (i, v) in column {
                    partial[*i as usize] -= v * change;
                    partial_sum -= v * change;
                }
                w[j] = new;
            }
            largest_change = largest_change.max(change.abs());
            largest_weight = largest_weight.max(new.abs());
        }
        if largest_weight == 0.0 || largest_change < tolerance * largest_weight {
            break;
        }
    }
    let intercept = y_mean - x_mean.iter().zip(&w).map(|(m, w)| m * w).sum::<f64>();
    Linear {
        weights: w,
        intercept,
        iterations,
    }
}

fn soft_threshold(x: f64, threshold: f64) -> f64 {
    if x > threshold {
        x - threshold
    } else if x < -threshold {
        x + threshold
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn ridge_matches_the_closed_form_on_one_feature() {
        // With one centred feature, w = Σxy / (Σx² + α).
        let x = Sparse::from_dense(&[&[1.0], &[2.0], &[3.0], &[4.0]]);
        let y = [1.0, 3.0, 2.0, 5.0];
        let model = ridge(&x, &y, 1.0, 1e-12, 100);
        // x centred: −1.5 −0.5 0.5 1.5; y centred: −1.75 0.25 −0.75 2.25.
        let expected = (2.625 + -0.125 + -0.375 + 3.375) / (5.0 + 1.0);
        assert!(close(model.weights[0], expected), "{model:?}");
        assert!(close(model.intercept, 2.75 - 2.5 * expected));
    }

    #[test]
    fn lasso_zeroes_a_weak_feature_and_shrinks_the_strong_one_by_alpha() {
        // One centred feature: w = S(Σxy/n, α) / (Σx²/n).
        let x = Sparse::from_dense(&[&[1.0, 0.1], &[2.0, -0.1], &[3.0, 0.1], &[4.0, -0.1]]);
        let y = [1.0, 3.0, 2.0, 5.0];
        let model = elastic_net(&x, &y, 0.2, 1.0, 1e-10, 1000);
        let expected = (5.5 / 4.0 - 0.2) / (5.0 / 4.0);
        assert!(close(model.weights[0], expected), "{model:?}");
        assert_eq!(model.weights[1], 0.0);
        // With no penalty, coordinate descent reaches least squares.
        let plain = elastic_net(&x, &y, 0.0, 0.5, 1e-12, 10_000);
        let exact = ridge(&x, &y, 0.0, 1e-14, 100);
        for (a, b) in plain.weights.iter().zip(&exact.weights) {
            assert!((a - b).abs() < 1e-6, "{plain:?} {exact:?}");
        }
    }
}
