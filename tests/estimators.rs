//! The estimators on known answers: linear models, trees, forests and boosting, the features
//! made as DictVectorizer makes them, the metrics, and the synthetic taxi data they learn.

use labbook::ml::features::{with_pickup_dropoff, FeatureSpec, Sparse, Vectorizer};
use labbook::ml::linear::{elastic_net, ridge};
use labbook::ml::metrics::{mae, r2, rmse};
use labbook::ml::table::{Column, Table};
use labbook::ml::taxi;
use labbook::ml::trees::{boost, decision_tree, random_forest, Boosting, Growth};

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| (a - b).abs() < 1e-9)
}

fn xgboost(max_depth: usize, reg_lambda: f64, reg_alpha: f64) -> Growth {
    Growth {
        max_depth: Some(max_depth),
        min_child_weight: 1.0,
        reg_lambda,
        reg_alpha,
        min_gain: 0.0,
    }
}

#[test]
fn the_metrics_are_scikit_learns() {
    let (predicted, actual) = ([2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0]);
    // sklearn.metrics on these: mse 0.375, mae 0.5, r2 0.9486081370449679.
    assert!((rmse(&predicted, &actual) - 0.375f64.sqrt()).abs() < 1e-12);
    assert_eq!(mae(&predicted, &actual), 0.5);
    assert!((r2(&predicted, &actual) - 0.948_608_137_044_967_9).abs() < 1e-12);
    assert_eq!(r2(&[1.0, 2.0], &[3.0, 3.0]), 0.0);
}

#[test]
fn features_are_one_hot_categories_and_numbers_with_names_sorted() {
    let table = Table {
        columns: vec![
            ("PULocationID".into(), Column::Number(vec![43.0, 7.0, 43.0])),
            (
                "DOLocationID".into(),
                Column::Number(vec![151.0, 7.0, 151.0]),
            ),
            ("trip_distance".into(), Column::Number(vec![1.5, 0.0, 2.25])),
        ],
    };
    let table = with_pickup_dropoff(&table).unwrap();
    let spec = FeatureSpec {
        categorical: vec!["PU_DO".into()],
        numerical: vec!["trip_distance".into()],
    };
    let vectorizer = Vectorizer::fit(&table, &spec).unwrap();
    assert_eq!(
        vectorizer.feature_names,
        ["PU_DO=43_151", "PU_DO=7_7", "trip_distance"]
    );
    let x = vectorizer.transform(&table).unwrap();
    assert_eq!(
        x.rows,
        vec![
            vec![(0, 1.0), (2, 1.5)],
            vec![(1, 1.0)],
            vec![(0, 1.0), (2, 2.25)]
        ]
    );
    // A category not seen while fitting is left out, as DictVectorizer leaves it.
    let other = Table {
        columns: vec![
            ("PU_DO".into(), Column::Text(vec!["1_2".into()])),
            ("trip_distance".into(), Column::Number(vec![3.0])),
        ],
    };
    assert_eq!(
        vectorizer.transform(&other).unwrap().rows,
        vec![vec![(2, 3.0)]]
    );
    let wrong = FeatureSpec {
        categorical: vec![],
        numerical: vec!["PU_DO".into()],
    };
    assert_eq!(
        Vectorizer::fit(&table, &wrong).unwrap_err().0,
        "column 'PU_DO' holds text; a numerical feature needs numbers"
    );
    let missing = FeatureSpec {
        categorical: vec!["zone".into()],
        numerical: vec![],
    };
    assert_eq!(
        Vectorizer::fit(&table, &missing).unwrap_err().0,
        "there is no column 'zone'"
    );
}

#[test]
fn least_squares_and_the_penalised_fits_find_the_known_weights() {
    // y = 2·x0 − 3·x1 + 5, exactly.
    let x = Sparse::from_dense(&[
        &[1.0, 0.0],
        &[0.0, 1.0],
        &[2.0, 1.0],
        &[3.0, 4.0],
        &[0.0, 0.0],
    ]);
    let y: Vec<f64> = x.dot(&[2.0, -3.0]).iter().map(|v| v + 5.0).collect();
    let plain = ridge(&x, &y, 0.0, 1e-12, 100);
    assert!(close(&plain.weights, &[2.0, -3.0]) && (plain.intercept - 5.0).abs() < 1e-9);
    assert!(close(&plain.predict(&x), &y));
    // Penalties shrink the weights towards 0, the more the larger alpha.
    let shrunk = |w: &[f64]| w[0].abs() + w[1].abs();
    let ridged = ridge(&x, &y, 10.0, 1e-12, 100);
    let lasso = elastic_net(&x, &y, 0.5, 1.0, 1e-10, 10_000);
    let net = elastic_net(&x, &y, 0.5, 0.5, 1e-10, 10_000);
    assert!(
        shrunk(&ridged.weights) < 5.0 && shrunk(&lasso.weights) < 5.0 && shrunk(&net.weights) < 5.0
    );
    // Lasso's optimality: each non-zero weight's feature, centred, meets the residual at
    // exactly n·α·sign(w).
    let n = y.len() as f64;
    let means = x.dot_transposed(&vec![1.0 / n; y.len()]);
    let residual: Vec<f64> = lasso
        .predict(&x)
        .iter()
        .zip(&y)
        .map(|(p, t)| t - p)
        .collect();
    let residual_sum: f64 = residual.iter().sum();
    let correlation = x.dot_transposed(&residual);
    for (j, w) in lasso.weights.iter().enumerate() {
        if *w != 0.0 {
            let centred = (correlation[j] - means[j] * residual_sum) / n;
            assert!((centred - 0.5 * w.signum()).abs() < 1e-6, "{j}: {centred}");
        }
    }
}

#[test]
fn a_tree_splits_at_the_midpoint_and_leaves_hold_the_means() {
    let x = Sparse::from_dense(&[&[1.0], &[2.0], &[3.0], &[4.0], &[10.0]]);
    let y = [1.0, 1.0, 5.0, 5.0, 6.0];
    let stump = decision_tree(&x, &y, Some(1), 1);
    // The best cut is between 2 and 3: means 1 and 16/3.
    assert!(close(
        &stump.predict(&Sparse::from_dense(&[&[2.5], &[2.6], &[0.0], &[100.0]])),
        &[1.0, 16.0 / 3.0, 1.0, 16.0 / 3.0]
    ));
    let deep = decision_tree(&x, &y, None, 1);
    assert!(close(&deep.predict(&x), &y));
    assert_eq!(deep.splits, vec![2]);
    // One-hot categories: each category's mean.
    let x = Sparse::from_dense(&[
        &[1.0, 0.0, 0.0],
        &[1.0, 0.0, 0.0],
        &[0.0, 1.0, 0.0],
        &[0.0, 0.0, 1.0],
        &[0.0, 0.0, 1.0],
    ]);
    let y = [2.0, 4.0, 10.0, 7.0, 9.0];
    let tree = decision_tree(&x, &y, None, 1);
    assert!(close(&tree.predict(&x), &[3.0, 3.0, 10.0, 8.0, 8.0]));
    // min_samples_leaf 2 keeps the lone category with another.
    let coarse = decision_tree(&x, &y, None, 2);
    assert!(close(
        &coarse.predict(&x),
        &[3.0, 3.0, 26.0 / 3.0, 26.0 / 3.0, 26.0 / 3.0]
    ));
}

#[test]
fn a_forest_is_seeded_and_exact_on_a_clean_step() {
    let rows: Vec<Vec<f64>> = (0..40).map(|i| vec![f64::from(i)]).collect();
    let refs: Vec<&[f64]> = rows.iter().map(|r| r.as_slice()).collect();
    let x = Sparse::from_dense(&refs);
    let y: Vec<f64> = (0..40).map(|i| if i < 20 { 1.0 } else { 3.0 }).collect();
    let forest = random_forest(&x, &y, 10, None, 1, 5);
    assert_eq!(forest.trees.len(), 10);
    assert_eq!(forest, random_forest(&x, &y, 10, None, 1, 5));
    assert_ne!(forest, random_forest(&x, &y, 10, None, 1, 6));
    // Every bootstrap sample holds both sides of the step, so every tree cuts near it.
    let far = Sparse::from_dense(&[&[0.0], &[39.0]]);
    assert!(close(&forest.predict(&far), &[1.0, 3.0]));
}

#[test]
fn boosting_leaf_weights_are_xgboosts_and_early_stopping_keeps_the_best_round() {
    let x = Sparse::from_dense(&[&[1.0], &[2.0], &[3.0], &[4.0]]);
    let y = [1.0, 1.0, 5.0, 5.0];
    let one = |growth| Boosting {
        growth,
        learning_rate: 1.0,
        rounds: 1,
        early_stopping_rounds: None,
    };
    // From the mean 3, gradients 2, 2, −2, −2: a leaf weighs −G/(H + λ) = ∓4/3 with λ = 1,
    // and −(|G| − α)/(H + λ) = ∓1 with α = 1 as well.
    let ridge = boost(
        (&x, &y),
        (&x, &y),
        one(xgboost(1, 1.0, 0.0)),
        &mut |_, _| {},
    );
    assert!(close(
        &ridge.model.predict(&x),
        &[
            3.0 - 4.0 / 3.0,
            3.0 - 4.0 / 3.0,
            3.0 + 4.0 / 3.0,
            3.0 + 4.0 / 3.0
        ]
    ));
    let both = boost(
        (&x, &y),
        (&x, &y),
        one(xgboost(1, 1.0, 1.0)),
        &mut |_, _| {},
    );
    assert!(close(&both.model.predict(&x), &[2.0, 2.0, 4.0, 4.0]));
    // Validation that the training signal only makes worse: the first round is the best,
    // three more without progress stop it, and the model keeps one tree.
    let flat = [3.0; 4];
    let mut heard = Vec::new();
    let stopped = boost(
        (&x, &y),
        (&x, &flat),
        Boosting {
            growth: xgboost(2, 1.0, 0.0),
            learning_rate: 0.3,
            rounds: 100,
            early_stopping_rounds: Some(3),
        },
        &mut |round, rmse| heard.push((round, rmse)),
    );
    assert_eq!((stopped.best_iteration, stopped.stopped_iteration), (0, 3));
    assert_eq!(stopped.model.trees.len(), 1);
    assert_eq!(heard.len(), 4);
    assert!(heard.windows(2).all(|w| w[0].1 < w[1].1), "{heard:?}");
    assert_eq!(
        stopped.validation_rmse,
        heard.iter().map(|h| h.1).collect::<Vec<_>>()
    );
}

#[test]
fn every_estimator_learns_the_synthetic_taxi_trips_better_than_the_mean() {
    let train = with_pickup_dropoff(&taxi::trips(taxi::TRAIN_MONTH, 3000, 1)).unwrap();
    let valid = with_pickup_dropoff(&taxi::trips(taxi::VALIDATION_MONTH, 3000, 1)).unwrap();
    let spec = FeatureSpec {
        categorical: vec!["PU_DO".into()],
        numerical: vec!["trip_distance".into()],
    };
    let vectorizer = Vectorizer::fit(&train, &spec).unwrap();
    let (x, vx) = (
        vectorizer.transform(&train).unwrap(),
        vectorizer.transform(&valid).unwrap(),
    );
    let (y, vy) = (
        train.numbers("duration").unwrap(),
        valid.numbers("duration").unwrap(),
    );
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let baseline = rmse(&vec![mean; vy.len()], vy);
    let boosting = Boosting {
        growth: xgboost(6, 1.0, 0.0),
        learning_rate: 0.1,
        rounds: 200,
        early_stopping_rounds: Some(20),
    };
    let predictions = [
        (
            "linear regression",
            ridge(&x, y, 0.0, 1e-8, 1000).predict(&vx),
        ),
        ("ridge", ridge(&x, y, 1.0, 1e-8, 1000).predict(&vx)),
        (
            "lasso",
            elastic_net(&x, y, 0.1, 1.0, 1e-4, 1000).predict(&vx),
        ),
        (
            "elastic net",
            elastic_net(&x, y, 0.1, 0.5, 1e-4, 1000).predict(&vx),
        ),
        (
            "decision tree",
            decision_tree(&x, y, Some(8), 5).predict(&vx),
        ),
        (
            "random forest",
            random_forest(&x, y, 10, Some(12), 1, 1).predict(&vx),
        ),
        (
            "boosted trees",
            boost((&x, y), (&vx, vy), boosting, &mut |_, _| {})
                .model
                .predict(&vx),
        ),
    ];
    for (name, predicted) in predictions {
        let error = rmse(&predicted, vy);
        assert!(
            error < baseline / 2.0,
            "{name}: rmse {error} against the mean's {baseline}"
        );
    }
}
