//! CSV text as RFC 4180 has it: fields joined by commas, each row ended by a line break, and a
//! field quoted, its quotes doubled, when it holds a comma, a quote or a line break. Written
//! by [`CsvWriter`]; read by [`read`], whose errors name the file and the line.

use std::borrow::Cow;

/// A CSV text, written row by row.
#[derive(Debug, Default)]
pub struct CsvWriter {
    text: String,
}

impl CsvWriter {
    /// An empty text.
    pub fn new() -> CsvWriter {
        CsvWriter::default()
    }

    /// Adds one row of fields, quoting those that need it.
    pub fn row<I>(&mut self, fields: I)
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        for (i, field) in fields.into_iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            self.text.push_str(&quoted(field.as_ref()));
        }
        self.text.push('\n');
    }

    /// The text written so far.
    pub fn finish(self) -> String {
        self.text
    }
}

/// A field as it is written: as it is, or quoted when it holds a comma, a quote or a line break.
fn quoted(field: &str) -> Cow<'_, str> {
    if field.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", field.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(field)
    }
}

/// A CSV file read: its header's column names and its rows, each with as many fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Records {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Reads `text` (a whole file, a header line first) named `name`; blank lines are skipped.
pub fn read(name: &str, text: &str) -> Result<Records, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Lines {
        chars: text.chars().peekable(),
        line: 1,
    };
    let empty = || format!("{name} is empty: it needs a header line naming the columns");
    let Some((_, header)) = lines.next_record().map_err(|e| format!("{name}: {e}"))? else {
        return Err(empty());
    };
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(empty());
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
    let mut rows = Vec::new();
    while let Some((line, fields)) = lines.next_record().map_err(|e| format!("{name}: {e}"))? {
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
        rows.push(fields);
    }
    if rows.is_empty() {
        return Err(format!("{name} has a header but no rows"));
    }
    Ok(Records { header, rows })
}

/// The records of a CSV text, each with the line it starts on.
struct Lines<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
}

impl Lines<'_> {
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

    fn csv(rows: &[&[&str]]) -> String {
        let mut writer = CsvWriter::new();
        for row in rows {
            writer.row(row.iter());
        }
        writer.finish()
    }

    #[test]
    fn plain_fields_are_written_as_they_are() {
        assert_eq!(
            csv(&[&["run_id", "value"], &["a", "0.5"], &["b", ""]]),
            "run_id,value\na,0.5\nb,\n"
        );
        assert_eq!(csv(&[]), "");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(csv(&[&["a,b", "c"]]), "\"a,b\",c\n");
        assert_eq!(csv(&[&["say \"hi\""]]), "\"say \"\"hi\"\"\"\n");
        assert_eq!(csv(&[&["two\nlines", "cr\r"]]), "\"two\nlines\",\"cr\r\"\n");
        assert_eq!(csv(&[&["x, \"y\""]]), "\"x, \"\"y\"\"\"\n");
    }

    #[test]
    fn rows_take_owned_fields_too() {
        let mut writer = CsvWriter::new();
        writer.row([1.5, f64::NAN].map(|v| v.to_string()));
        assert_eq!(writer.finish(), "1.5,NaN\n");
    }

    #[test]
    fn what_is_written_reads_back() {
        let mut writer = CsvWriter::new();
        writer.row(["zone", "note"]);
        writer.row(["43", "a, \"b\"\nc"]);
        let records = read("trips.csv", &writer.finish()).unwrap();
        assert_eq!(records.header, ["zone", "note"]);
        assert_eq!(records.rows, [["43", "a, \"b\"\nc"]]);
        let records = read("trips.csv", "\u{feff}a,b\r\n1,2\r\n\r\n3,\n").unwrap();
        assert_eq!(records.rows, [["1", "2"], ["3", ""]]);
    }

    #[test]
    fn broken_files_are_refused_naming_the_file_and_line() {
        let check = |text: &str, expected: &str| {
            assert_eq!(read("trips.csv", text).unwrap_err(), expected);
        };
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
