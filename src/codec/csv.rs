//! CSV text as RFC 4180 has it: fields joined by commas, each row ended by a line break, and a
//! field quoted, its quotes doubled, when it holds a comma, a quote or a line break.

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
}
