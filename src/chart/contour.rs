//! Contours of a value over two numeric params, from scattered runs: the value is interpolated
//! onto a regular grid (inverse distance weighting, exact at each run), then each level's
//! isoline is traced through the grid's cells (marching squares).

/// Values on an `n × n` grid spanning the x and y domains; `values[j][i]` is at column `i`
/// (x) and row `j` (y).
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub n: usize,
    pub values: Vec<Vec<f64>>,
}

/// Interpolates `points` (x, y, value) onto an `n × n` grid over `x` and `y` (n ≥ 2). Distances
/// are measured with both axes scaled to one, so params of different magnitudes weigh alike.
pub fn interpolate(points: &[(f64, f64, f64)], x: (f64, f64), y: (f64, f64), n: usize) -> Grid {
    let n = n.max(2);
    let span = |(lo, hi): (f64, f64)| if hi > lo { hi - lo } else { 1.0 };
    let (sx, sy) = (span(x), span(y));
    let at = |k: usize, (lo, _): (f64, f64), s: f64| lo + k as f64 / (n - 1) as f64 * s;
    let values = (0..n)
        .map(|j| {
            let gy = at(j, y, sy);
            (0..n)
                .map(|i| {
                    let gx = at(i, x, sx);
                    let (mut weighted, mut total) = (0.0, 0.0);
                    for &(px, py, v) in points {
                        let d2 = ((px - gx) / sx).powi(2) + ((py - gy) / sy).powi(2);
                        if d2 < 1e-18 {
                            return v;
                        }
                        let w = 1.0 / d2;
                        weighted += w * v;
                        total += w;
                    }
                    if total > 0.0 {
                        weighted / total
                    } else {
                        f64::NAN
                    }
                })
                .collect()
        })
        .collect();
    Grid { n, values }
}

/// A segment of an isoline, its ends in grid coordinates (column, row; fractional).
pub type Segment = ((f64, f64), (f64, f64));

/// The isoline of `level` through `grid`, as segments.
pub fn isoline(grid: &Grid, level: f64) -> Vec<Segment> {
    let mut segments = Vec::new();
    let v = &grid.values;
    for j in 0..grid.n - 1 {
        for i in 0..grid.n - 1 {
            // Corners counter-clockwise from the bottom left, with their positions.
            let corners = [
                ((i as f64, j as f64), v[j][i]),
                ((i as f64 + 1.0, j as f64), v[j][i + 1]),
                ((i as f64 + 1.0, j as f64 + 1.0), v[j + 1][i + 1]),
                ((i as f64, j as f64 + 1.0), v[j + 1][i]),
            ];
            if corners.iter().any(|c| !c.1.is_finite()) {
                continue;
            }
            // Where the level crosses each edge, in order around the cell.
            let crossings: Vec<(f64, f64)> = (0..4)
                .filter_map(|e| {
                    let (a, b) = (corners[e], corners[(e + 1) % 4]);
                    ((a.1 < level) != (b.1 < level)).then(|| {
                        let t = (level - a.1) / (b.1 - a.1);
                        (
                            a.0 .0 + t * (b.0 .0 - a.0 .0),
                            a.0 .1 + t * (b.0 .1 - a.0 .1),
                        )
                    })
                })
                .collect();
            match crossings.len() {
                2 => segments.push((crossings[0], crossings[1])),
                // A saddle: pair the crossings by the cell's mean, so lines do not cross.
                4 => {
                    let mean = corners.iter().map(|c| c.1).sum::<f64>() / 4.0;
                    if (mean < level) == (corners[0].1 < level) {
                        segments.push((crossings[0], crossings[3]));
                        segments.push((crossings[1], crossings[2]));
                    } else {
                        segments.push((crossings[0], crossings[1]));
                        segments.push((crossings[2], crossings[3]));
                    }
                }
                _ => {}
            }
        }
    }
    segments
}

/// A colour for `t` in `[0, 1]` on a perceptually ordered ramp (dark blue → green → yellow),
/// as `#rrggbb`.
pub fn ramp(t: f64) -> String {
    const STOPS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let position = t * (STOPS.len() - 1) as f64;
    let k = (position.floor() as usize).min(STOPS.len() - 2);
    let f = position - k as f64;
    let (a, b) = (STOPS[k], STOPS[k + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_exact_at_runs_and_between_them_in_between() {
        let points = [(0.0, 0.0, 0.0), (1.0, 1.0, 10.0)];
        let grid = interpolate(&points, (0.0, 1.0), (0.0, 1.0), 3);
        assert_eq!(grid.values[0][0], 0.0);
        assert_eq!(grid.values[2][2], 10.0);
        // The centre is as far from both runs: their mean.
        assert!((grid.values[1][1] - 5.0).abs() < 1e-9);
        assert!(grid.values[1][0] > 0.0 && grid.values[1][0] < 10.0);
    }

    #[test]
    fn an_isoline_crosses_where_the_level_lies() {
        // A plane rising along x: the level 1.5 is the vertical line x = 1.5.
        let grid = Grid {
            n: 3,
            values: vec![vec![0.0, 1.0, 2.0]; 3],
        };
        let segments = isoline(&grid, 1.5);
        assert_eq!(segments.len(), 2);
        for (a, b) in segments {
            assert_eq!((a.0, b.0), (1.5, 1.5));
        }
        assert!(isoline(&grid, 5.0).is_empty());
    }

    #[test]
    fn saddles_give_two_segments() {
        let grid = Grid {
            n: 2,
            values: vec![vec![0.0, 1.0], vec![1.0, 0.0]],
        };
        assert_eq!(isoline(&grid, 0.5).len(), 2);
    }

    #[test]
    fn the_ramp_runs_from_dark_to_light() {
        assert_eq!(ramp(0.0), "#440154");
        assert_eq!(ramp(1.0), "#fde725");
        assert_eq!(ramp(f64::NAN), "#440154");
        assert_eq!(ramp(0.5), "#21918c");
    }
}
