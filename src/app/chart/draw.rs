//! Lines in SVG: a path through points in pixels, written fast, and the colour of each line.
//! Shared by the metric charts and the compare plots.

/// An SVG path through `points` (already in pixels); gaps where a point cannot be placed.
pub fn path(points: impl Iterator<Item = Option<(f64, f64)>>) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for point in points {
        match point {
            Some((x, y)) => {
                d.push(if pen_down { 'L' } else { 'M' });
                push_tenths(&mut d, x);
                d.push(',');
                push_tenths(&mut d, y);
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

/// Writes `value` with one decimal, digit by digit: float and integer formatting through
/// `core::fmt` cost more than half of a redraw of hundreds of thousands of points.
fn push_tenths(out: &mut String, value: f64) {
    let tenths = (value * 10.0).round() as i64;
    if tenths < 0 {
        out.push('-');
    }
    let tenths = tenths.unsigned_abs();
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut whole = tenths / 10;
    loop {
        start -= 1;
        digits[start] = b'0' + (whole % 10) as u8;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    for &d in &digits[start..] {
        out.push(d as char);
    }
    out.push('.');
    out.push((b'0' + (tenths % 10) as u8) as char);
}

/// Distinct line colours, in order.
const PALETTE: [&str; 10] = [
    "#0969da", "#cf222e", "#1a7f37", "#8250df", "#bc4c00", "#0550ae", "#a40e26", "#116329",
    "#6639ba", "#953800",
];

/// The colour of line `index`, the palette repeating after ten.
pub fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_break_where_a_point_cannot_be_placed() {
        let d = path(
            [
                Some((1.0, 2.25)),
                Some((-3.04, 4.0)),
                None,
                Some((5.0, 6.0)),
            ]
            .into_iter(),
        );
        assert_eq!(d, "M1.0,2.3L-3.0,4.0M5.0,6.0");
        let mut out = String::new();
        for v in [0.0, 0.04, -0.06, 1234.56, -98765.0, 9.95] {
            push_tenths(&mut out, v);
            out.push(' ');
        }
        assert_eq!(out, "0.0 0.0 -0.1 1234.6 -98765.0 10.0 ");
    }

    #[test]
    fn colours_repeat_after_the_palette() {
        assert_eq!(colour(0), "#0969da");
        assert_eq!(colour(10), colour(0));
    }
}
