//! CSV files as tables: a header line naming the columns, then a line per row; fields
//! separated by commas, quoted with `"` when they hold a comma, a quote (doubled) or a line
//! break. A column whose every field is a number (or empty, read as a missing number) is
//! numbers; any other is text. Errors name the line.

use crate::ml::table::{Column, Table};

/// Reads `text` (a whole file) as a table; `name` is the file's name, for errors.
pub fn read(name: &str, text: &str) -> Result<Table, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Records {
        chars: text.chars().peekable(),
        line: 1,
    };
    let Some((_, header)) = records.next_record().map_err(|e| format!("{name}: {e}"))? else {
        return Err(format!(
            "{name} is empty: it needs a header line naming the columns"
        ));
    };
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(format!(
            "{name} is empty: it needs a header line naming the columns"
        ));
    }
    for (i, column) in header.iter().enumerate() {
        if column.trim().is_empty() {
            return Err(format!("{name}, line 1: column {} has no name", i + 1));
        }
        if header[..i].contains(column) {
            return Err(format!(
                "{name}, line 1: the column '{column}' is named twice"
            ));
        }
    }
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); header.len()];
    while let Some((line, fields)) = records.next_record().map_err(|e| format!("{name}: {e}"))? {
        if fields.len() == 1 && fields[0].is_empty() {
            continue;
        }
        if fields.len() != header.len() {
            return Err(format!(
                "{name}, line {line}: {} fields, but the header names {} columns",
                fields.len(),
                header.len()
            ));
        }
        for (column, field) in cells.iter_mut().zip(fields) {
            column.push(field);
        }
    }
    if cells.first().is_none_or(Vec::is_empty) {
        return Err(format!("{name} has a header but no rows"));
    }
    let columns = header
        .into_iter()
        .zip(cells)
        .map(|(name, values)| {
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

/// The records of a CSV text, each with the line it starts on.
struct Records<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
}

impl Records<'_> {
    fn next_record(&mut self) -> Result<Option<(usize, Vec<String>)>, String> {
        if self.chars.peek().is_none() {
            return Ok(None);
        }
        let start = self.line;
        let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
        while let Some(c) = self.chars.next() {
            match c {
                '"' if quoted && self.chars.peek() == Some(&'"') => {
                    self.chars.next();
                    field.push('"');
                }
                '"' if quoted => quoted = false,
                '"' if field.is_empty() => quoted = true,
                ',' if !quoted => fields.push(std::mem::take(&mut field)),
                '\r' if !quoted && self.chars.peek() == Some(&'\n') => {}
                '\n' if !quoted => {
                    self.line += 1;
                    fields.push(field);
                    return Ok(Some((start, fields)));
                }
                c => {
                    self.line += usize::from(c == '\n');
                    field.push(c);
                }
            }
        }
        if quoted {
            return Err(format!("line {start}: a quoted field is not closed"));
        }
        fields.push(field);
        Ok(Some((start, fields)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_as_rfc_4180_has_them() {
        let table = read(
            "trips.csv",
            "\u{feff}zone,note,minutes\r\n43,\"a, b\",12.5\n7,\"say \"\"hi\"\"\nthere\",\n\n",
        )
        .unwrap();
        assert_eq!(
            table.columns[0],
            ("zone".to_owned(), Column::Number(vec![43.0, 7.0]))
        );
        assert_eq!(
            table.columns[1],
            (
                "note".to_owned(),
                Column::Text(vec!["a, b".to_owned(), "say \"hi\"\nthere".to_owned()])
            )
        );
        let Column::Number(minutes) = &table.columns[2].1 else {
            panic!("{table:?}")
        };
        assert_eq!(minutes[0], 12.5);
        assert!(minutes[1].is_nan());
    }

    #[test]
    fn broken_files_are_refused_naming_the_file_and_line() {
        let check =
            |text: &str, expected: &str| assert_eq!(read("trips.csv", text).unwrap_err(), expected);
        check(
            "",
            "trips.csv is empty: it needs a header line naming the columns",
        );
        check(
            "\n",
            "trips.csv is empty: it needs a header line naming the columns",
        );
        check("a,b\n", "trips.csv has a header but no rows");
        check(
            "a,b\n1,2\n3\n",
            "trips.csv, line 3: 1 fields, but the header names 2 columns",
        );
        check(
            "a,a\n1,2\n",
            "trips.csv, line 1: the column 'a' is named twice",
        );
        check("a,,c\n1,2,3\n", "trips.csv, line 1: column 2 has no name");
        check(
            "a,b\n1,\"2\n",
            "trips.csv: line 2: a quoted field is not closed",
        );
    }
}
