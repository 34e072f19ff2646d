//! A table of named columns, numbers or text: what a data set is before it becomes features.

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

    /// The table as CSV (a header, then a line per row; text with a comma or a quote is
    /// quoted).
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let line = |out: &mut String, cells: &mut dyn Iterator<Item = String>| {
            let cells: Vec<String> = cells.map(|c| csv_cell(&c)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        };
        line(&mut out, &mut self.columns.iter().map(|(n, _)| n.clone()));
        for row in 0..self.rows() {
            line(&mut out, &mut self.columns.iter().map(|(_, c)| c.text(row)));
        }
        out
    }
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
