//! The synthetic taxi months and labbook's fits of them, outside the browser, for
//! `scripts/compare-sklearn`:
//!
//! - `cargo run --release --example taxi -- csv 2021-01 20000 1` prints a month as CSV;
//! - `cargo run --release --example taxi -- fit 20000 1` fits each estimator with its
//!   defaults (the boosted trees with 100 rounds) and prints each one's validation RMSE and
//!   fit time as JSON.

use std::time::Instant;

use labbook::ml::estimators::ESTIMATORS;
use labbook::ml::features::{with_pickup_dropoff, FeatureSpec};
use labbook::ml::taxi;
use labbook::ml::trainer::{train, Data};
use serde_json::{json, Map, Value};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number =
        |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    match args.first().map(String::as_str) {
        Some("csv") => {
            let month = args.get(1).map_or(taxi::TRAIN_MONTH, String::as_str);
            print!(
                "{}",
                taxi::trips(month, number(2, 20_000) as usize, number(3, 1)).to_csv()
            );
        }
        Some("fit") => {
            // The months made first, so the times are of the fits (with making the features
            // and scoring, which the library's times leave out).
            let (rows, seed) = (number(1, 20_000) as usize, number(2, 1));
            let month = |m: &str| with_pickup_dropoff(&taxi::trips(m, rows, seed));
            let (Ok(train_rows), Ok(validation)) =
                (month(taxi::TRAIN_MONTH), month(taxi::VALIDATION_MONTH))
            else {
                eprintln!("the months have no zones");
                std::process::exit(1);
            };
            let data = Data::Tables {
                train: train_rows,
                validation: Some(validation),
                target: "duration".to_owned(),
                features: FeatureSpec {
                    categorical: vec!["PU_DO".to_owned()],
                    numerical: vec!["trip_distance".to_owned()],
                },
            };
            let mut figures = Map::new();
            for estimator in ESTIMATORS {
                let mut params = Map::new();
                if estimator.name == "gradient_boosting" {
                    params.insert("num_boost_round".to_owned(), Value::from(100));
                }
                let start = Instant::now();
                match train(estimator.name, &params, &data, &mut |_, _| {}) {
                    Ok(trained) => {
                        let ms = start.elapsed().as_secs_f64() * 1000.0;
                        let rmse = &trained.report["validation"]["rmse"];
                        figures.insert(
                            estimator.name.to_owned(),
                            json!({"validation_rmse": rmse, "ms": ms.round()}),
                        );
                    }
                    Err(message) => {
                        eprintln!("{}: {message}", estimator.name);
                        std::process::exit(1);
                    }
                }
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&figures).unwrap_or_default()
            );
        }
        _ => {
            eprintln!("usage: taxi csv <month> <rows> <seed> | taxi fit <rows> <seed>");
            std::process::exit(2);
        }
    }
}
