//! One training job as the trainer worker runs it: the data (the synthetic taxi months or
//! the user's rows), the features, the estimator, and the report autologging logs from:
//! params, training and validation scores, the rounds, feature importances and data sets.

use serde_json::{json, Map, Value};

use crate::ml::estimators::{estimator, fit, Model, Rounds};
use crate::ml::features::{with_pickup_dropoff, FeatureSpec, Sparse, Vectorizer};
use crate::ml::metrics::{mae, mse, r2, rmse};
use crate::ml::table::{Column, Table};
use crate::ml::taxi;

/// What to train on.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    /// The course's months, made from `seed`: January trains, February validates.
    SyntheticTaxi { rows: usize, seed: u64 },
    /// The user's own rows.
    Tables {
        train: Table,
        validation: Option<Table>,
        target: String,
        features: FeatureSpec,
    },
}

/// A fitted model with what it needs to predict from rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    vectorizer: Vectorizer,
    model: Model,
    /// Whether rows get the course's `PU_DO` from their zones first.
    pickup_dropoff: bool,
}

impl Fitted {
    pub fn predict(&self, rows: &Table) -> Result<Vec<f64>, String> {
        let with_zones;
        let rows = if self.pickup_dropoff && rows.column("PU_DO").is_none() {
            with_zones = with_pickup_dropoff(rows).map_err(|e| e.0)?;
            &with_zones
        } else {
            rows
        };
        let x = self.vectorizer.transform(rows).map_err(|e| e.0)?;
        Ok(self.model.predict(&x))
    }
}

/// A job's outcome, as JSON for the page: `{estimator, class_name, class_path, params,
/// training: {mse, rmse, mae, r2}, validation, rounds: {validation_rmse, best_iteration,
/// stopped_iteration}, feature_importance: {feature: splits}, features, datasets}`.
pub struct Trained {
    pub fitted: Fitted,
    pub report: Value,
}

/// Fits the estimator named `name` with `params` on `data`; `on_round` hears of each
/// boosting round's validation RMSE.
pub fn train(
    name: &str,
    params: &Map<String, Value>,
    data: &Data,
    on_round: &mut dyn FnMut(usize, f64),
) -> Result<Trained, String> {
    check(name, params)?;
    prepare(data)?.train(name, params, on_round)
}

/// Refuses an unknown estimator or wrong params, before any data is made.
pub fn check(name: &str, params: &Map<String, Value>) -> Result<(), String> {
    estimator(name)?.params(params).map(drop)
}

/// Data made ready to fit: its features and targets, which fits of the same data share (a
/// search's trials make and vectorize the months once).
pub struct Prepared {
    vectorizer: Vectorizer,
    x: Sparse,
    y: Vec<f64>,
    /// The validation rows' features and targets, if there are any.
    validation: Option<(Sparse, Vec<f64>)>,
    target: String,
    datasets: Vec<Value>,
    pickup_dropoff: bool,
}

/// Makes `data` ready: the rows made or checked, the features fitted and made.
pub fn prepare(data: &Data) -> Result<Prepared, String> {
    let (train, validation, target, spec, datasets, pickup_dropoff) = match data {
        Data::SyntheticTaxi { rows, seed } => {
            if *rows == 0 {
                return Err("the synthetic taxi data needs at least 1 row".to_owned());
            }
            let month =
                |m: &str| with_pickup_dropoff(&taxi::trips(m, *rows, *seed)).map_err(|e| e.0);
            let (train, validation) = (month(taxi::TRAIN_MONTH)?, month(taxi::VALIDATION_MONTH)?);
            let spec = FeatureSpec {
                categorical: vec!["PU_DO".to_owned()],
                numerical: vec!["trip_distance".to_owned()],
            };
            let source = |m: &str| json!({"uri": format!("synthetic-taxi://green/{m}?rows={rows}&seed={seed}")});
            let datasets = vec![
                dataset(
                    &format!("green_tripdata_{}", taxi::TRAIN_MONTH),
                    "training",
                    &train,
                    source(taxi::TRAIN_MONTH),
                ),
                dataset(
                    &format!("green_tripdata_{}", taxi::VALIDATION_MONTH),
                    "validation",
                    &validation,
                    source(taxi::VALIDATION_MONTH),
                ),
            ];
            (
                train,
                Some(validation),
                "duration".to_owned(),
                spec,
                datasets,
                true,
            )
        }
        Data::Tables {
            train,
            validation,
            target,
            features,
        } => {
            check_columns(train, target, features, "the training rows")?;
            if let Some(validation) = validation {
                check_columns(validation, target, features, "the validation rows")?;
            }
            let source = json!({"uri": "page://rows"});
            let mut datasets = vec![dataset("training_rows", "training", train, source.clone())];
            if let Some(validation) = validation {
                datasets.push(dataset("validation_rows", "validation", validation, source));
            }
            (
                train.clone(),
                validation.clone(),
                target.clone(),
                features.clone(),
                datasets,
                false,
            )
        }
    };
    let vectorizer = Vectorizer::fit(&train, &spec).map_err(|e| e.0)?;
    let x = vectorizer.transform(&train).map_err(|e| e.0)?;
    let y = target_of(&train, &target)?;
    let validation = match &validation {
        Some(v) => Some((
            vectorizer.transform(v).map_err(|e| e.0)?,
            target_of(v, &target)?,
        )),
        None => None,
    };
    Ok(Prepared {
        vectorizer,
        x,
        y,
        validation,
        target,
        datasets,
        pickup_dropoff,
    })
}

impl Prepared {
    /// Fits the estimator named `name` with `params`; `on_round` hears of each boosting
    /// round's validation RMSE (of the training rows when there are no validation rows).
    pub fn train(
        &self,
        name: &str,
        params: &Map<String, Value>,
        on_round: &mut dyn FnMut(usize, f64),
    ) -> Result<Trained, String> {
        let estimator = estimator(name)?;
        let params = estimator.params(params)?;
        let (x, y) = (&self.x, &self.y);
        let (valid_x, valid_y) = self.validation.as_ref().map_or((x, y), |(vx, vy)| (vx, vy));
        let (model, rounds) = fit(estimator, &params, (x, y), (valid_x, valid_y), on_round);
        let scores = |predicted: &[f64], actual: &[f64]| {
            json!({"mse": mse(predicted, actual), "rmse": rmse(predicted, actual),
                   "mae": mae(predicted, actual), "r2": r2(predicted, actual)})
        };
        let training = scores(&model.predict(x), y);
        let validated = self
            .validation
            .as_ref()
            .map(|(vx, vy)| scores(&model.predict(vx), vy));
        let importance: Map<String, Value> = model
            .splits()
            .map(|splits| {
                self.vectorizer
                    .feature_names
                    .iter()
                    .zip(splits)
                    .filter(|(_, n)| **n > 0)
                    .map(|(name, n)| (name.clone(), Value::from(*n)))
                    .collect()
            })
            .unwrap_or_default();
        let report = json!({
            "estimator": estimator.name,
            "class_name": estimator.class_name,
            "class_path": estimator.class_path,
            "params": params.to_json(estimator),
            "training": training,
            "validation": validated,
            "rounds": rounds_json(&rounds),
            "feature_importance": importance,
            "features": self.vectorizer.feature_names.len(),
            "target": self.target,
            "datasets": self.datasets,
        });
        Ok(Trained {
            fitted: Fitted {
                vectorizer: self.vectorizer.clone(),
                model,
                pickup_dropoff: self.pickup_dropoff,
            },
            report,
        })
    }
}

fn rounds_json(rounds: &Rounds) -> Value {
    json!({
        "validation_rmse": rounds.validation_rmse,
        "best_iteration": rounds.best_iteration,
        "stopped_iteration": rounds.stopped_iteration,
    })
}

/// Refuses a target that is missing, a feature that is missing or chosen twice.
fn check_columns(
    table: &Table,
    target: &str,
    spec: &FeatureSpec,
    what: &str,
) -> Result<(), String> {
    if table.rows() == 0 {
        return Err(format!("{what} are empty: there is nothing to train on"));
    }
    let mut chosen = vec![target];
    for name in spec.categorical.iter().chain(&spec.numerical) {
        if chosen.contains(&name.as_str()) {
            return Err(format!("column '{name}' is chosen twice"));
        }
        chosen.push(name);
    }
    if spec.categorical.is_empty() && spec.numerical.is_empty() {
        return Err("choose at least one feature column".to_owned());
    }
    for name in chosen {
        if table.column(name).is_none() {
            return Err(format!("{what} have no column '{name}'"));
        }
    }
    Ok(())
}

/// The target's numbers; text in it is refused naming the row.
fn target_of(table: &Table, target: &str) -> Result<Vec<f64>, String> {
    match table.column(target) {
        Some(Column::Number(values)) => {
            if let Some(row) = values.iter().position(|v| !v.is_finite()) {
                return Err(format!(
                    "the target '{target}' is missing in row {}",
                    row + 1
                ));
            }
            Ok(values.clone())
        }
        Some(Column::Text(values)) => {
            let row = values
                .iter()
                .position(|v| v.trim().parse::<f64>().is_err())
                .unwrap_or(0);
            Err(format!(
                "the target '{target}' must be numbers; row {} has '{}'",
                row + 1,
                values.get(row).map_or("", |v| v.as_str())
            ))
        }
        None => Err(format!("there is no target column '{target}'")),
    }
}

/// A data set as MLflow's `mlflow.data` records it: name, digest of the content, source,
/// schema (`mlflow_colspec`) and profile.
fn dataset(name: &str, context: &str, table: &Table, source: Value) -> Value {
    let schema: Vec<Value> = table
        .columns
        .iter()
        .map(|(column, values)| {
            let kind = match values {
                Column::Number(_) => "double",
                Column::Text(_) => "string",
            };
            json!({"type": kind, "name": column, "required": true})
        })
        .collect();
    json!({
        "name": name,
        "context": context,
        "digest": digest(&table.to_csv()),
        "source_type": "code",
        "source": source,
        "schema": {"mlflow_colspec": schema},
        "profile": {"num_rows": table.rows(), "num_elements": table.rows() * table.columns.len()},
    })
}

/// Eight hex digits of the content's FNV-1a hash.
fn digest(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{:08x}", hash >> 32)
}

/// Rows given as JSON objects as a table: a column per key of the first row, numbers where
/// every value is a number, else text. Ragged rows are refused naming the row.
pub fn table_from_rows(rows: &[Value]) -> Result<Table, String> {
    let Some(Value::Object(first)) = rows.first() else {
        return Err(if rows.is_empty() {
            "there are no rows".to_owned()
        } else {
            "row 1 is not an object of column names to values".to_owned()
        });
    };
    let names: Vec<String> = first.keys().cloned().collect();
    let mut cells: Vec<Vec<&Value>> = vec![Vec::with_capacity(rows.len()); names.len()];
    for (r, row) in rows.iter().enumerate() {
        let Value::Object(row) = row else {
            return Err(format!(
                "row {} is not an object of column names to values",
                r + 1
            ));
        };
        if row.len() != names.len() {
            return Err(format!(
                "row {} has {} columns; row 1 has {}",
                r + 1,
                row.len(),
                names.len()
            ));
        }
        for (c, name) in names.iter().enumerate() {
            let value = row
                .get(name)
                .ok_or_else(|| format!("row {} has no '{name}'", r + 1))?;
            cells[c].push(value);
        }
    }
    let columns = names
        .into_iter()
        .zip(cells)
        .map(|(name, values)| {
            let column = if values.iter().all(|v| v.is_number()) {
                Column::Number(values.iter().filter_map(|v| v.as_f64()).collect())
            } else {
                Column::Text(
                    values
                        .iter()
                        .map(|v| match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect(),
                )
            };
            (name, column)
        })
        .collect();
    Ok(Table { columns })
}
