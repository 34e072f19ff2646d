//! Tokens of MLflow's search language, each with the byte span it came from.
//!
//! MLflow tokenizes filters with `sqlparse`; this lexer draws the same lines: bare words,
//! backtick and double-quoted names (both may name a key, and a double-quoted one may also be a
//! value), single-quoted strings, numbers, runs of comparison characters, `.`, `(`, `)`, `,` and
//! `;`. Unterminated quotes become their own kind so the parser can point at them.

/// Bytes `start..end` of the text a token or clause came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The 1-based column (in characters) where the span starts in `text`.
    pub fn column(self, text: &str) -> usize {
        text.get(..self.start)
            .map_or(1, |before| before.chars().count() + 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A bare word: a name, or a keyword such as `AND`.
    Word,
    /// `` `...` ``
    Backtick,
    /// `"..."`
    DoubleQuoted,
    /// `'...'`
    SingleQuoted,
    Number,
    /// A run of `< > = ! ~`.
    Comparator,
    Dot,
    Open,
    Close,
    Comma,
    Semicolon,
    /// A quote that is never closed.
    Unterminated,
    /// Any other character.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    pub span: Span,
    /// Whitespace comes right before it.
    pub spaced: bool,
}

impl Token<'_> {
    /// A bare word equal to `keyword`, ignoring case.
    pub fn is_keyword(&self, keyword: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(keyword)
    }

    /// The text inside the quotes of a quoted token; the text itself otherwise.
    pub fn unquoted(&self) -> &str {
        match self.kind {
            Kind::Backtick | Kind::DoubleQuoted | Kind::SingleQuoted => {
                &self.text[1..self.text.len() - 1]
            }
            _ => self.text,
        }
    }
}

fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Where a quoted token that opens at `start` with `quote` ends (exclusive), if it is closed.
/// Inside single quotes, `''` and `\'` do not close the string, as in SQL.
fn quoted_end(text: &str, start: usize, quote: char) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        let b = bytes[i];
        if quote == '\'' && b == b'\\' {
            i += 2;
            continue;
        }
        if b == quote as u8 {
            if quote == '\'' && bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// The end of a number starting at `start`, if one starts there: `-?` then digits with an
/// optional fraction and exponent, or `.digits`; not followed by a letter.
fn number_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = start;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    let digits = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let whole_end = digits(i);
    let mut end = whole_end;
    if bytes.get(end) == Some(&b'.') {
        let fraction_end = digits(end + 1);
        if whole_end > i || fraction_end > end + 1 {
            end = fraction_end;
        }
    }
    if end == i || (end == i + 1 && bytes[i] == b'.') {
        return None;
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut j = end + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exponent_end = digits(j);
        if exponent_end > j {
            end = exponent_end;
        }
    }
    let next = text[end..].chars().next();
    if next.is_some_and(is_word_char) {
        return None;
    }
    Some(end)
}

/// Splits `text` into tokens, dropping whitespace.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut spaced = false;
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            spaced = true;
            continue;
        }
        let (kind, end) = match c {
            '`' | '"' | '\'' => match quoted_end(text, start, c) {
                Some(end) => (
                    match c {
                        '`' => Kind::Backtick,
                        '"' => Kind::DoubleQuoted,
                        _ => Kind::SingleQuoted,
                    },
                    end,
                ),
                None => (Kind::Unterminated, text.len()),
            },
            '<' | '>' | '=' | '!' | '~' => {
                let run = text[start..]
                    .find(|c: char| !matches!(c, '<' | '>' | '=' | '!' | '~'))
                    .map_or(text.len(), |n| start + n);
                (Kind::Comparator, run)
            }
            '.' | '-' | '0'..='9' => match number_end(text, start) {
                Some(end) => (Kind::Number, end),
                None if c == '.' => (Kind::Dot, start + 1),
                None if c == '-' => (Kind::Other, start + 1),
                None => {
                    // Digits running into letters: one word-like chunk the parser refuses.
                    let end = text[start..]
                        .find(|c: char| !is_word_char(c))
                        .map_or(text.len(), |n| start + n);
                    (Kind::Other, end)
                }
            },
            '(' => (Kind::Open, start + 1),
            ')' => (Kind::Close, start + 1),
            ',' => (Kind::Comma, start + 1),
            ';' => (Kind::Semicolon, start + 1),
            c if is_word_start(c) => {
                let end = text[start..]
                    .find(|c: char| !is_word_char(c))
                    .map_or(text.len(), |n| start + n);
                (Kind::Word, end)
            }
            c => (Kind::Other, start + c.len_utf8()),
        };
        tokens.push(Token {
            kind,
            text: &text[start..end],
            span: Span { start, end },
            spaced,
        });
        spaced = false;
        while chars.peek().is_some_and(|&(i, _)| i < end) {
            chars.next();
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.kind, t.text))
            .collect()
    }

    #[test]
    fn splits_filters_into_tokens() {
        use Kind::*;
        assert_eq!(
            kinds("metrics.`f 1`>=-0.5 and params.\"a b\" = 'it''s'"),
            vec![
                (Word, "metrics"),
                (Dot, "."),
                (Backtick, "`f 1`"),
                (Comparator, ">="),
                (Number, "-0.5"),
                (Word, "and"),
                (Word, "params"),
                (Dot, "."),
                (DoubleQuoted, "\"a b\""),
                (Comparator, "="),
                (SingleQuoted, "'it''s'"),
            ]
        );
        assert_eq!(
            kinds("1e-3 .5 7."),
            vec![(Number, "1e-3"), (Number, ".5"), (Number, "7.")]
        );
        assert_eq!(
            kinds("x = 'open"),
            vec![(Word, "x"), (Comparator, "="), (Unterminated, "'open")]
        );
        assert_eq!(kinds("1abc"), vec![(Other, "1abc")]);
        assert_eq!(
            kinds("a IN ('x',\"y\");"),
            vec![
                (Word, "a"),
                (Word, "IN"),
                (Open, "("),
                (SingleQuoted, "'x'"),
                (Comma, ","),
                (DoubleQuoted, "\"y\""),
                (Close, ")"),
                (Semicolon, ";"),
            ]
        );
    }

    #[test]
    fn columns_count_characters() {
        let text = "é = 1";
        let tokens = tokenize(text);
        assert_eq!(tokens[1].span.column(text), 3);
    }
}
