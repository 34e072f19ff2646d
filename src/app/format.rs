//! How numbers, times and durations are written on screen.

/// A metric value, short but exact enough to compare: up to 6 significant digits.
pub fn number(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if value == value.trunc() && value.abs() < 1e15 {
        return format!("{value:.0}");
    }
    let magnitude = value.abs().log10().floor() as i32;
    if !(-4..15).contains(&magnitude) {
        return format!("{value:.5e}");
    }
    let decimals = (5 - magnitude).clamp(0, 12) as usize;
    let text = format!("{value:.decimals$}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

/// A duration as MLflow's UI writes it: `850ms`, `12.3s`, `4.5min`, `2.0h`, `3.1d`.
pub fn duration(ms: i64) -> String {
    let ms = ms.max(0) as f64;
    if ms < 1000.0 {
        format!("{ms:.0}ms")
    } else if ms < 60_000.0 {
        format!("{:.1}s", ms / 1000.0)
    } else if ms < 3_600_000.0 {
        format!("{:.1}min", ms / 60_000.0)
    } else if ms < 86_400_000.0 {
        format!("{:.1}h", ms / 3_600_000.0)
    } else {
        format!("{:.1}d", ms / 86_400_000.0)
    }
}

/// A moment in the user's local time, `2026-11-26 16:40:05`.
pub fn time(ms: i64) -> String {
    let date = js_sys::Date::new(&(ms as f64).into());
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

pub use crate::domain::bytes;

/// `text` made safe to put in HTML, as element content or a quoted attribute value.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(3.016019608398712), "3.01602");
        assert_eq!(number(0.000123456), "0.000123456");
        assert_eq!(number(123456.789), "123457");
        assert_eq!(number(1e-7), "1.00000e-7");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(850), "850ms");
        assert_eq!(duration(12_345), "12.3s");
        assert_eq!(duration(270_000), "4.5min");
        assert_eq!(duration(7_200_000), "2.0h");
    }

    #[test]
    fn escapes_html() {
        assert_eq!(
            html_escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
