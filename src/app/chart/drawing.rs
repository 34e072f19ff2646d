//! What a metric chart draws, as plain data computed from its series and the reader's
//! settings: each line's path decimated to the pixels available (smoothed too, when asked),
//! ticks, NaN and ±inf marks, and pixels back to x values.

use std::collections::HashSet;
use std::sync::Arc;

use super::draw::path;
use super::series::{Series, XAxis};
use crate::app::format;
use crate::chart::{min_max, nice_ticks, rounded_end, smooth, LinearScale, LogScale, Point};

pub const WIDTH: f64 = 560.0;
pub const HEIGHT: f64 = 240.0;
pub const LEFT: f64 = 56.0;
pub const RIGHT: f64 = 12.0;
pub const TOP: f64 = 12.0;
pub const BOTTOM: f64 = 28.0;
/// The plot's columns of pixels, left to right.
pub const PLOT_X: (f64, f64) = (LEFT, WIDTH - RIGHT);
/// The plot's rows of pixels, bottom to top.
pub const PLOT_Y: (f64, f64) = (HEIGHT - BOTTOM, TOP);
/// About how many ticks the x axis has.
const X_TICKS: usize = 5;

/// The y axis, linear or logarithmic.
#[derive(Debug, Clone, PartialEq)]
enum YScale {
    Linear(LinearScale),
    Log(LogScale),
}

impl YScale {
    fn map(&self, y: f64) -> Option<f64> {
        match self {
            YScale::Linear(s) => Some(s.map(y)),
            YScale::Log(s) => s.map(y),
        }
    }

    fn ticks(&self) -> Vec<f64> {
        match self {
            YScale::Linear(s) => nice_ticks(s.domain.0, s.domain.1, 5),
            YScale::Log(s) => s.ticks(),
        }
    }
}

/// How the reader asked the chart to be drawn.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Look {
    /// The lines the legend hides.
    pub hidden: HashSet<usize>,
    /// The x interval zoomed into, if any.
    pub zoom: Option<(f64, f64)>,
    /// The smoothing weight, 0 for none.
    pub weight: f64,
    pub log_y: bool,
}

/// One line as drawn: its paths, and the series they were drawn from.
#[derive(Debug, Clone)]
pub struct LineDrawing {
    /// Its index among the chart's lines.
    pub index: usize,
    /// Its path (faint when smoothing).
    pub raw: Arc<str>,
    /// Its smoothed path (empty without smoothing).
    pub smoothed: Arc<str>,
    series: Arc<Series>,
    drawn: usize,
    /// The smallest, the largest and the smallest positive y of its points drawn.
    ys: [f64; 3],
}

/// The scales the paths of a drawing are in, and what they were drawn for.
#[derive(Debug, Clone, PartialEq)]
struct Frame {
    axis: XAxis,
    look: Look,
    xs: LinearScale,
    ys: YScale,
}

/// One line's points decimated to the plot's columns, before they are put in pixels.
struct Decimated {
    raw: Vec<Point>,
    smoothed: Vec<Point>,
    /// As [`LineDrawing`]'s.
    ys: [f64; 3],
}

/// What the chart draws, in pixels.
///
/// A line whose series is unchanged keeps its paths from the drawing before when the scales
/// are the same, so a point logged to one of a hundred runs draws one path again, not a
/// hundred. The x axis ends a little past the data (see [`rounded_end`]) so that it stays put
/// while a line grows.
#[derive(Debug, Clone)]
pub struct Drawing {
    /// The lines shown, in order.
    pub lines: Vec<LineDrawing>,
    frame: Frame,
    pub x_ticks: Vec<(f64, String)>,
    pub y_ticks: Vec<(f64, String)>,
    /// NaN and ±inf: where, and the value.
    pub marks: Vec<(f64, f64, String)>,
    /// Points drawn (both paths).
    pub drawn: usize,
    /// The x interval shown (zoomed or whole).
    pub x_range: (f64, f64),
}

/// The smallest, the largest and the smallest positive y of `points` within `x_range`.
fn y_extremes(points: &[Point], x_range: (f64, f64)) -> [f64; 3] {
    let mut out = [f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY];
    for &(x, y) in points {
        if x >= x_range.0 && x <= x_range.1 {
            out[0] = out[0].min(y);
            out[1] = out[1].max(y);
            if y > 0.0 {
                out[2] = out[2].min(y);
            }
        }
    }
    out
}

impl Drawing {
    /// Everything drawn of `all` on `axis` as `look` asks: at most two points per pixel
    /// column per path, whatever the histories' length. The lines of `before` whose series
    /// are still the same are kept as they were drawn when its frame still fits.
    pub fn of(all: &[Arc<Series>], axis: XAxis, look: &Look, before: Option<&Drawing>) -> Drawing {
        let shown: Vec<usize> = (0..all.len())
            .filter(|i| !look.hidden.contains(i))
            .collect();
        let full = LinearScale::fit(shown.iter().flat_map(|&i| all[i].x_extent()), PLOT_X).domain;
        let x_range = look
            .zoom
            .unwrap_or((full.0, rounded_end(full.0, full.1, X_TICKS)));
        let xs = LinearScale {
            domain: x_range,
            range: PLOT_X,
        };
        let columns = (PLOT_X.1 - PLOT_X.0) as usize;
        let decimate = |s: &Series| {
            let raw = min_max(&s.points, x_range, columns);
            let smoothed = if look.weight > 0.0 {
                let ys: Vec<f64> = s.points.iter().map(|p| p.1).collect();
                let points: Vec<Point> = s
                    .points
                    .iter()
                    .zip(smooth(&ys, look.weight))
                    .map(|(p, y)| (p.0, y))
                    .collect();
                min_max(&points, x_range, columns)
            } else {
                Vec::new()
            };
            let ys = y_extremes(&raw, x_range);
            Decimated { raw, smoothed, ys }
        };
        let fit_y = |extremes: &mut dyn Iterator<Item = f64>| {
            if look.log_y {
                YScale::Log(LogScale::fit(extremes, PLOT_Y))
            } else {
                YScale::Linear(LinearScale::fit(extremes, PLOT_Y))
            }
        };
        // The lines of `before` whose series are the same keep their paths when it was drawn
        // alike, on the same x interval ...
        let mut kept = before.filter(|b| {
            b.frame.axis == axis && b.frame.look == *look && b.frame.xs.domain == x_range
        });
        let same = |i: usize, kept: Option<&Drawing>| {
            kept.and_then(|b| b.line(i))
                .filter(|l| Arc::ptr_eq(&l.series, &all[i]))
                .cloned()
        };
        let mut fresh: Vec<Option<Decimated>> = shown
            .iter()
            .map(|&i| same(i, kept).is_none().then(|| decimate(&all[i])))
            .collect();
        let extremes = |fresh: &[Option<Decimated>], kept: Option<&Drawing>| -> Vec<f64> {
            shown
                .iter()
                .zip(fresh)
                .flat_map(|(&i, f)| match f {
                    Some(d) => d.ys,
                    None => same(i, kept).map_or([f64::NAN; 3], |l| l.ys),
                })
                .collect()
        };
        let mut ys = fit_y(&mut extremes(&fresh, kept).into_iter());
        // ... and the same y scale.
        if let Some(b) = kept {
            if b.frame.ys != ys {
                kept = None;
                for (f, &i) in fresh.iter_mut().zip(&shown) {
                    if f.is_none() {
                        *f = Some(decimate(&all[i]));
                    }
                }
                ys = fit_y(&mut extremes(&fresh, None).into_iter());
            }
        }
        let frame = match kept {
            Some(b) => b.frame.clone(),
            None => Frame {
                axis,
                look: look.clone(),
                xs,
                ys: ys.clone(),
            },
        };
        let to_pixels = |points: &[Point]| -> Arc<str> {
            path(
                points
                    .iter()
                    .map(|&(x, y)| frame.ys.map(y).map(|py| (frame.xs.map(x), py))),
            )
            .into()
        };
        let lines: Vec<LineDrawing> = shown
            .iter()
            .zip(fresh)
            .filter_map(|(&index, f)| match f {
                None => same(index, kept),
                Some(Decimated { raw, smoothed, ys }) => Some(LineDrawing {
                    index,
                    raw: to_pixels(&raw),
                    smoothed: to_pixels(&smoothed),
                    series: Arc::clone(&all[index]),
                    drawn: raw.len() + smoothed.len(),
                    ys,
                }),
            })
            .collect();
        let x_ticks = nice_ticks(x_range.0, x_range.1, X_TICKS)
            .into_iter()
            .map(|t| (xs.map(t), axis.label(t)))
            .collect();
        let y_ticks = ys
            .ticks()
            .into_iter()
            .filter_map(|t| ys.map(t).map(|py| (py, format::number(t))))
            .collect();
        let marks = shown
            .iter()
            .flat_map(|&i| all[i].marks.iter())
            .filter(|p| p.0 >= x_range.0 && p.0 <= x_range.1)
            .map(|&(x, v)| {
                let y = if v == f64::INFINITY {
                    PLOT_Y.1
                } else {
                    PLOT_Y.0
                };
                (xs.map(x), y, format::number(v))
            })
            .collect();
        Drawing {
            drawn: lines.iter().map(|l| l.drawn).sum(),
            lines,
            frame,
            x_ticks,
            y_ticks,
            marks,
            x_range,
        }
    }

    /// How line `index` is drawn, if it is shown.
    pub fn line(&self, index: usize) -> Option<&LineDrawing> {
        self.lines.iter().find(|l| l.index == index)
    }

    /// Pixels across the plot back to an x value of the interval shown, if inside the plot.
    pub fn x_at(&self, px: f64) -> Option<f64> {
        let (lo, hi) = self.x_range;
        (px >= PLOT_X.0 && px <= PLOT_X.1)
            .then(|| lo + (px - PLOT_X.0) / (PLOT_X.1 - PLOT_X.0) * (hi - lo))
    }

    /// An x value of the interval shown in pixels across.
    pub fn px_at(&self, x: f64) -> f64 {
        LinearScale {
            domain: self.x_range,
            range: PLOT_X,
        }
        .map(x)
    }

    /// The interval a drag from `a` to `b` zooms into, unless it is too narrow to be meant
    /// (a click).
    pub fn zoom_of(&self, a: f64, b: f64) -> Option<(f64, f64)> {
        let (lo, hi) = (a.min(b), a.max(b));
        let (full_lo, full_hi) = self.x_range;
        ((hi - lo) > (full_hi - full_lo) / 200.0).then_some((lo, hi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::chart::series::tests::series;

    #[test]
    fn points_appended_to_one_line_draw_that_line_alone() {
        let steady = series(&[0.0, 4.0, 2.0, 3.0]);
        let growing = |n: usize| series(&(0..n).map(|i| (i % 4) as f64 / 2.0).collect::<Vec<_>>());
        let both = |n: usize| [Arc::clone(&steady), growing(n)];
        let look = Look::default();
        let first = Drawing::of(&both(101), XAxis::Step, &look, None);
        assert_eq!(first.x_range, (0.0, 100.0));
        // One more point stays within the x axis, which ends a little past the data, and
        // within y: only the line that grew is drawn again.
        let next = Drawing::of(&both(102), XAxis::Step, &look, Some(&first));
        assert_eq!(next.x_range, (0.0, 105.0));
        let again = Drawing::of(&both(103), XAxis::Step, &look, Some(&next));
        assert_eq!(again.x_range, (0.0, 105.0));
        assert!(Arc::ptr_eq(&next.lines[0].raw, &again.lines[0].raw));
        assert!(!Arc::ptr_eq(&next.lines[1].raw, &again.lines[1].raw));
        // What is kept is what a drawing from scratch draws.
        let fresh = Drawing::of(&both(103), XAxis::Step, &look, None);
        for i in 0..2 {
            assert_eq!(fresh.lines[i].raw, again.lines[i].raw);
        }
        // Wider, drawn otherwise, or taller: every line is drawn again.
        let wide = Drawing::of(&both(150), XAxis::Step, &look, Some(&again));
        assert!(!Arc::ptr_eq(&again.lines[0].raw, &wide.lines[0].raw));
        let log = Look {
            log_y: true,
            ..Look::default()
        };
        let logged = Drawing::of(&both(150), XAxis::Step, &log, Some(&wide));
        assert!(!Arc::ptr_eq(&wide.lines[0].raw, &logged.lines[0].raw));
        let mut spiking: Vec<f64> = (0..149).map(|i| (i % 4) as f64 / 2.0).collect();
        spiking.push(40.0);
        let spiked = Drawing::of(
            &[Arc::clone(&steady), series(&spiking)],
            XAxis::Step,
            &look,
            Some(&wide),
        );
        assert_eq!(spiked.x_range, wide.x_range);
        assert!(!Arc::ptr_eq(&wide.lines[0].raw, &spiked.lines[0].raw));
    }

    #[test]
    fn drawings_show_what_is_not_hidden_and_mark_nan() {
        let all = [series(&[1.0, f64::NAN, 3.0]), series(&[5.0, 6.0, 7.0, 8.0])];
        let look = Look {
            hidden: HashSet::from([1]),
            ..Look::default()
        };
        let drawing = Drawing::of(&all, XAxis::Step, &look, None);
        assert_eq!(drawing.lines.len(), 1);
        assert!(drawing.line(0).is_some_and(|l| l.smoothed.is_empty()));
        assert!(drawing.line(1).is_none());
        assert_eq!(drawing.x_range, (0.0, 2.0));
        assert_eq!(drawing.drawn, 2);
        assert_eq!(drawing.marks.len(), 1);
        assert_eq!(drawing.marks[0].2, "NaN");
        assert_eq!(drawing.x_at(LEFT), Some(0.0));
        assert_eq!(drawing.x_at(LEFT - 1.0), None);
        assert_eq!(drawing.px_at(2.0), WIDTH - RIGHT);

        let smoothed = Drawing::of(
            &all,
            XAxis::Step,
            &Look {
                weight: 0.5,
                zoom: Some((1.0, 3.0)),
                ..Look::default()
            },
            None,
        );
        assert_eq!(smoothed.x_range, (1.0, 3.0));
        assert!(smoothed.lines.iter().all(|l| !l.smoothed.is_empty()));
        assert_eq!(smoothed.zoom_of(1.0, 1.001), None, "a click does not zoom");
        assert_eq!(smoothed.zoom_of(2.5, 1.5), Some((1.5, 2.5)));
    }
}
