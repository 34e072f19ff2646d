//! Features from a table, as scikit-learn's `DictVectorizer` makes them from the course's
//! dicts: each categorical column one-hot (a feature `column=value` per value seen while
//! fitting, the rest ignored), each numerical column as it is; feature names sorted.

use std::collections::HashMap;

use crate::ml::table::{Column, Table};

/// The columns features are made of, by name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeatureSpec {
    pub categorical: Vec<String>,
    pub numerical: Vec<String>,
}

/// Rows of features, sparse: each row's (feature, value) pairs, features ascending.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sparse {
    pub columns: usize,
    pub rows: Vec<Vec<(u32, f64)>>,
}

impl Sparse {
    /// Rows from dense values, zeros left out.
    pub fn from_dense(rows: &[&[f64]]) -> Sparse {
        Sparse {
            columns: rows.first().map_or(0, |r| r.len()),
            rows: rows
                .iter()
                .map(|r| {
                    r.iter()
                        .enumerate()
                        .filter(|(_, v)| **v != 0.0)
                        .map(|(j, v)| (j as u32, *v))
                        .collect()
                })
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// `X·w`.
    pub fn dot(&self, w: &[f64]) -> Vec<f64> {
        self.rows
            .iter()
            .map(|row| row.iter().map(|(j, x)| x * w[*j as usize]).sum())
            .collect()
    }

    /// `Xᵀ·v`.
    pub fn dot_transposed(&self, v: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.columns];
        for (row, vi) in self.rows.iter().zip(v) {
            for (j, x) in row {
                out[*j as usize] += x * vi;
            }
        }
        out
    }
}

/// A fitted vectorizer: the feature names and where each is.
#[derive(Debug, Clone, PartialEq)]
pub struct Vectorizer {
    spec: FeatureSpec,
    pub feature_names: Vec<String>,
    index: HashMap<String, u32>,
}

/// Why features cannot be made: a column missing, or numbers where text cannot be.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureError(pub String);

impl std::fmt::Display for FeatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Vectorizer {
    /// Learns the categorical columns' values from `table`.
    pub fn fit(table: &Table, spec: &FeatureSpec) -> Result<Vectorizer, FeatureError> {
        let mut names = std::collections::BTreeSet::new();
        for name in &spec.categorical {
            let column = column(table, name)?;
            for row in 0..table.rows() {
                names.insert(format!("{name}={}", category(column, row)));
            }
        }
        for name in &spec.numerical {
            match column(table, name)? {
                Column::Number(_) => names.insert(name.clone()),
                Column::Text(_) => {
                    return Err(FeatureError(format!(
                        "column '{name}' holds text; a numerical feature needs numbers"
                    )))
                }
            };
        }
        let feature_names: Vec<String> = names.into_iter().collect();
        let index = feature_names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        Ok(Vectorizer {
            spec: spec.clone(),
            feature_names,
            index,
        })
    }

    /// The features of every row of `table`.
    pub fn transform(&self, table: &Table) -> Result<Sparse, FeatureError> {
        let mut rows = vec![Vec::new(); table.rows()];
        for name in &self.spec.categorical {
            let column = column(table, name)?;
            for (r, row) in rows.iter_mut().enumerate() {
                if let Some(j) = self.index.get(&format!("{name}={}", category(column, r))) {
                    row.push((*j, 1.0));
                }
            }
        }
        for name in &self.spec.numerical {
            let Some(values) = table.numbers(name) else {
                return Err(FeatureError(format!(
                    "column '{name}' is missing or not numbers"
                )));
            };
            let j = self.index[name];
            for (row, x) in rows.iter_mut().zip(values) {
                if *x != 0.0 {
                    row.push((j, *x));
                }
            }
        }
        for row in &mut rows {
            row.sort_by_key(|(j, _)| *j);
        }
        Ok(Sparse {
            columns: self.feature_names.len(),
            rows,
        })
    }
}

fn column<'t>(table: &'t Table, name: &str) -> Result<&'t Column, FeatureError> {
    table
        .column(name)
        .ok_or_else(|| FeatureError(format!("there is no column '{name}'")))
}

/// A categorical value as text: a whole number without `.0`, as `astype(str)` writes the
/// course's integer zone ids.
fn category(column: &Column, row: usize) -> String {
    match column {
        Column::Number(values) if values[row].fract() == 0.0 && values[row].abs() < 1e15 => {
            format!("{}", values[row] as i64)
        }
        other => other.text(row),
    }
}

/// The course's `PU_DO` column: pickup and drop-off zone joined by `_`.
pub fn with_pickup_dropoff(table: &Table) -> Result<Table, FeatureError> {
    let (pu, dropoff) = (
        column(table, "PULocationID")?,
        column(table, "DOLocationID")?,
    );
    let joined = (0..table.rows())
        .map(|r| format!("{}_{}", category(pu, r), category(dropoff, r)))
        .collect();
    let mut out = table.clone();
    out.columns.push(("PU_DO".to_owned(), Column::Text(joined)));
    Ok(out)
}
