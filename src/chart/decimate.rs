//! Fewer points that draw the same line: per pixel column, the lowest and the highest point (in
//! x order). A line through them lights every pixel of the column the whole series lights, and
//! joins the next column within the same pixel rows, so a spike is never lost however long the
//! history is; only the points inside the visible x range (and one on each side, so the line
//! reaches the edges) are kept.

/// A point of a series: x (step or time) and y (the value).
pub type Point = (f64, f64);

/// Decimates `points` (sorted by x, finite y only) for `columns` pixel columns spanning
/// `x_range`.
pub fn min_max(points: &[Point], x_range: (f64, f64), columns: usize) -> Vec<Point> {
    let (lo, hi) = x_range;
    let proper = hi > lo; // false for an empty or NaN interval
    if points.is_empty() || columns == 0 || !proper {
        return points.to_vec();
    }
    // The visible slice, found by binary search, widened by one point on each side.
    let start = points.partition_point(|p| p.0 < lo).saturating_sub(1);
    let end = (points.partition_point(|p| p.0 <= hi) + 1).min(points.len());
    let visible = &points[start..end];
    if visible.len() <= columns * 2 {
        return visible.to_vec();
    }
    let width = (hi - lo) / columns as f64;
    let column_of = |x: f64| ((x - lo) / width).floor() as i64;
    let mut out = Vec::with_capacity(columns * 2 + 2);
    let mut i = 0;
    while i < visible.len() {
        let column = column_of(visible[i].0);
        let (mut low, mut high) = (i, i);
        while i < visible.len() && column_of(visible[i].0) == column {
            if visible[i].1 < visible[low].1 {
                low = i;
            }
            if visible[i].1 > visible[high].1 {
                high = i;
            }
            i += 1;
        }
        out.push(visible[low.min(high)]);
        if low != high {
            out.push(visible[low.max(high)]);
        }
    }
    out
}

/// The index of the point whose x is nearest to `x` in `points` (sorted by x).
pub fn nearest(points: &[Point], x: f64) -> Option<usize> {
    if points.is_empty() {
        return None;
    }
    let after = points.partition_point(|p| p.0 < x);
    if after == 0 {
        return Some(0);
    }
    if after == points.len() {
        return Some(points.len() - 1);
    }
    let before = after - 1;
    Some(if x - points[before].0 <= points[after].0 - x {
        before
    } else {
        after
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_every_spike_of_a_long_series() {
        let mut points: Vec<Point> = (0..1_000_000).map(|i| (i as f64, (i % 7) as f64)).collect();
        points[777_777].1 = 1000.0;
        points[333_333].1 = -1000.0;
        let out = min_max(&points, (0.0, 999_999.0), 800);
        assert!(out.len() <= 800 * 2 + 2, "{}", out.len());
        assert!(out.contains(&(777_777.0, 1000.0)));
        assert!(out.contains(&(333_333.0, -1000.0)));
        // The first column's lowest comes first; the last point (x = the range's end) is a
        // column of its own.
        assert_eq!(out.first(), Some(&(0.0, 0.0)));
        assert_eq!(out[1], (6.0, 6.0));
        assert_eq!(out.last(), Some(&(999_999.0, (999_999 % 7) as f64)));
        assert!(out.windows(2).all(|w| w[0].0 <= w[1].0));
    }

    #[test]
    fn zooming_in_keeps_detail_and_reaches_the_edges() {
        let points: Vec<Point> = (0..10_000).map(|i| (i as f64, i as f64)).collect();
        let out = min_max(&points, (100.0, 200.0), 800);
        // Few enough to draw whole: the 101 visible points and one beyond each edge.
        assert_eq!(out.len(), 103);
        assert_eq!(out[0], (99.0, 99.0));
        assert_eq!(out[102], (201.0, 201.0));
        assert_eq!(min_max(&[], (0.0, 1.0), 10), vec![]);
    }

    #[test]
    fn finds_the_nearest_point() {
        let points = [(0.0, 1.0), (10.0, 2.0), (20.0, 3.0)];
        assert_eq!(nearest(&points, -5.0), Some(0));
        assert_eq!(nearest(&points, 4.0), Some(0));
        assert_eq!(nearest(&points, 6.0), Some(1));
        assert_eq!(nearest(&points, 99.0), Some(2));
        assert_eq!(nearest(&[], 1.0), None);
    }
}
