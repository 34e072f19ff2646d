//! A table of named columns, numbers or text: what a data set is before it becomes features.

use crate::codec::csv::{self, CsvWriter, Records};

/// One column's values.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Number(Vec<f64>),
    Text(Vec<String>),
}

impl Column {
    pub fn len(&self) -> usize {
        match self {
            Column::Number(values) => values.len(),
            Column::Text(values) => values.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value in row `row` as text (a number as Rust writes it).
    pub fn text(&self, row: usize) -> String {
        match self {
            Column::Number(values) => values[row].to_string(),
            Column::Text(values) => values[row].clone(),
        }
    }
}

/// Columns of equal length, by name, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<(String, Column)>,
}

impl Table {
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    /// The numbers of column `name`, if it is there and holds numbers.
    pub fn numbers(&self, name: &str) -> Option<&[f64]> {
        match self.column(name)? {
            Column::Number(values) => Some(values),
            Column::Text(_) => None,
        }
    }

    /// The table as CSV: a header, then a line per row.
    pub fn to_csv(&self) -> String {
        let mut writer = CsvWriter::new();
        writer.row(self.columns.iter().map(|(name, _)| name.as_str()));
        for row in 0..self.rows() {
            writer.row(self.columns.iter().map(|(_, column)| column.text(row)));
        }
        writer.finish()
    }

    /// A CSV file (`text`, named `name` in errors) as a table: a column whose every field
    /// is a number (or empty, read as a missing number) is numbers; any other is text.
    pub fn from_csv(name: &str, text: &str) -> Result<Table, String> {
        let Records { header, rows } = csv::read(name, text)?;
        let columns = header
            .into_iter()
            .enumerate()
            .map(|(c, name)| {
                let values: Vec<String> = rows.iter().map(|row| row[c].clone()).collect();
                let numbers: Option<Vec<f64>> = values
                    .iter()
                    .map(|v| match v.trim() {
                        "" => Some(f64::NAN),
                        text => text.parse::<f64>().ok(),
                    })
                    .collect();
                let column = match numbers {
                    Some(numbers) if numbers.iter().any(|n| !n.is_nan()) => Column::Number(numbers),
                    _ => Column::Text(values),
                };
                (name, column)
            })
            .collect();
        Ok(Table { columns })
    }
}
