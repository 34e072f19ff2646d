//! What a metric chart draws, as plain data computed from the histories and the reader's
//! settings: each line's path decimated to the pixels available (smoothed too, when asked),
//! ticks, NaN and ±inf marks, the points nearest a cursor, line names and the CSV of the data.

use std::collections::HashSet;

use super::draw::path;
use crate::app::format;
use crate::chart::{min_max, nearest, nice_ticks, smooth, LinearScale, LogScale, Point};
use crate::codec::csv::CsvWriter;
use crate::domain::Metric;

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

/// A run drawn on a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartRun {
    pub run_id: String,
    pub label: String,
    /// When the run started (for the relative-time axis).
    pub start_time: i64,
}

/// What the x axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XAxis {
    Step,
    WallTime,
    Relative,
}

impl XAxis {
    /// The axis a value of the chart's x select names (`step`, `wall`, `relative`).
    pub fn from_choice(choice: &str) -> XAxis {
        match choice {
            "wall" => XAxis::WallTime,
            "relative" => XAxis::Relative,
            _ => XAxis::Step,
        }
    }

    fn of(self, metric: &Metric, start: i64) -> f64 {
        match self {
            XAxis::Step => metric.step as f64,
            XAxis::WallTime => metric.timestamp as f64,
            XAxis::Relative => (metric.timestamp - start) as f64 / 1000.0,
        }
    }

    fn label(self, x: f64) -> String {
        match self {
            XAxis::Step => format::number(x),
            XAxis::WallTime => format::time(x as i64),
            XAxis::Relative => format!("{}s", format::number(x)),
        }
    }
}

/// The y axis, linear or logarithmic.
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

/// The chart's lines: for each metric drawn, one per run, as (run index, metric key).
pub fn lines_of(keys: &[String], run_count: usize) -> Vec<(usize, String)> {
    keys.iter()
        .flat_map(|k| (0..run_count).map(move |r| (r, k.clone())))
        .collect()
}

/// The metrics among `choices` that can still be added to a chart drawing `drawn`.
pub fn addable(choices: &[String], drawn: &[String]) -> Vec<String> {
    choices
        .iter()
        .filter(|c| !drawn.contains(c))
        .cloned()
        .collect()
}

/// A line's name in the legend and tooltip: the run, the metric, or both when the chart has
/// several of each.
pub fn line_label(run: &ChartRun, key: &str, runs: usize, keys: usize) -> String {
    match (runs > 1, keys > 1) {
        (_, false) => run.label.clone(),
        (false, true) => key.to_owned(),
        (true, true) => format!("{} · {key}", run.label),
    }
}

/// The chart's data as CSV: run, metric, step, timestamp, value (NaN and ±inf as MLflow writes
/// them), for each line (a run's metric) with its history.
pub fn csv(lines: &[(&ChartRun, &str)], histories: &[Vec<Metric>]) -> String {
    let mut out = CsvWriter::new();
    out.row(["run_id", "key", "step", "timestamp", "value"]);
    for ((run, key), history) in lines.iter().zip(histories) {
        for m in history {
            out.row([
                run.run_id.clone(),
                (*key).to_owned(),
                m.step.to_string(),
                m.timestamp.to_string(),
                m.value.to_string(),
            ]);
        }
    }
    out.finish()
}

/// One line's history in x order: finite points with where each is in the history, and the
/// non-finite ones to mark.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    points: Vec<Point>,
    sources: Vec<usize>,
    marks: Vec<Point>,
}

impl Series {
    /// `history` placed on `axis`, for a run that started at `start_time`.
    pub fn of(history: &[Metric], axis: XAxis, start_time: i64) -> Series {
        let mut finite: Vec<(Point, usize)> = Vec::with_capacity(history.len());
        let mut marks = Vec::new();
        for (i, m) in history.iter().enumerate() {
            let x = axis.of(m, start_time);
            if m.value.is_finite() {
                finite.push(((x, m.value), i));
            } else {
                marks.push((x, m.value));
            }
        }
        finite.sort_by(|a, b| a.0 .0.total_cmp(&b.0 .0));
        let (points, sources) = finite.into_iter().unzip();
        Series {
            points,
            sources,
            marks,
        }
    }

    /// Every point of the history, finite or not.
    pub fn len(&self) -> usize {
        self.points.len() + self.marks.len()
    }
}

/// For each line shown (not `hidden`), its index and where in its history the point nearest
/// to `x` is.
pub fn nearest_points(all: &[Series], hidden: &HashSet<usize>, x: f64) -> Vec<(usize, usize)> {
    all.iter()
        .enumerate()
        .filter(|(i, _)| !hidden.contains(i))
        .filter_map(|(i, s)| nearest(&s.points, x).map(|n| (i, s.sources[n])))
        .collect()
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

/// What the chart draws, in pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    /// Per line shown: its index among the chart's lines, its path (faint when smoothing)
    /// and its smoothed path (when smoothing).
    pub lines: Vec<(usize, String, String)>,
    pub x_ticks: Vec<(f64, String)>,
    pub y_ticks: Vec<(f64, String)>,
    /// NaN and ±inf: where, and the value.
    pub marks: Vec<(f64, f64, String)>,
    /// Points drawn (both paths).
    pub drawn: usize,
    /// The x interval shown (zoomed or whole).
    pub x_range: (f64, f64),
}

impl Drawing {
    /// Everything drawn of `all` on `axis` as `look` asks: at most two points per pixel
    /// column per path, whatever the histories' length.
    pub fn of(all: &[Series], axis: XAxis, look: &Look) -> Drawing {
        let shown: Vec<(usize, &Series)> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| !look.hidden.contains(i))
            .collect();
        let full = LinearScale::fit(
            shown
                .iter()
                .flat_map(|(_, s)| s.points.iter().chain(s.marks.iter()).map(|p| p.0)),
            PLOT_X,
        );
        let x_range = look.zoom.unwrap_or(full.domain);
        let xs = LinearScale {
            domain: x_range,
            range: PLOT_X,
        };
        let columns = (PLOT_X.1 - PLOT_X.0) as usize;
        let decimated: Vec<(usize, Vec<Point>, Vec<Point>)> = shown
            .iter()
            .map(|(i, s)| {
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
                (*i, raw, smoothed)
            })
            .collect();
        let visible_ys = decimated
            .iter()
            .flat_map(|(_, raw, _)| raw.iter())
            .filter(|p| p.0 >= x_range.0 && p.0 <= x_range.1)
            .map(|p| p.1);
        let ys = if look.log_y {
            YScale::Log(LogScale::fit(visible_ys, PLOT_Y))
        } else {
            YScale::Linear(LinearScale::fit(visible_ys, PLOT_Y))
        };
        let to_pixels = |points: &[Point]| {
            path(
                points
                    .iter()
                    .map(|&(x, y)| ys.map(y).map(|py| (xs.map(x), py))),
            )
        };
        let x_ticks = nice_ticks(x_range.0, x_range.1, 5)
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
            .flat_map(|(_, s)| s.marks.iter())
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
            drawn: decimated.iter().map(|(_, r, s)| r.len() + s.len()).sum(),
            lines: decimated
                .iter()
                .map(|(i, raw, smoothed)| (*i, to_pixels(raw), to_pixels(smoothed)))
                .collect(),
            x_ticks,
            y_ticks,
            marks,
            x_range,
        }
    }

    /// The paths of line `index`, if it is shown.
    pub fn line(&self, index: usize) -> Option<&(usize, String, String)> {
        self.lines.iter().find(|l| l.0 == index)
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

    fn history(values: &[f64]) -> Vec<Metric> {
        values
            .iter()
            .enumerate()
            .map(|(step, &value)| Metric {
                key: "loss".into(),
                value,
                timestamp: 1000 + step as i64 * 10,
                step: step as i64,
            })
            .collect()
    }

    #[test]
    fn series_keep_finite_points_in_x_order_and_mark_the_rest() {
        let mut points = history(&[3.0, f64::NAN, 1.0]);
        points.swap(0, 2);
        let series = Series::of(&points, XAxis::Step, 0);
        assert_eq!(series.points, [(0.0, 3.0), (2.0, 1.0)]);
        assert_eq!(series.sources, [2, 0]);
        assert_eq!(series.len(), 3);
        let relative = Series::of(&history(&[1.0, 2.0]), XAxis::Relative, 1000);
        assert_eq!(relative.points, [(0.0, 1.0), (0.01, 2.0)]);
        assert_eq!(XAxis::from_choice("wall"), XAxis::WallTime);
        assert_eq!(XAxis::from_choice("anything"), XAxis::Step);
    }

    #[test]
    fn drawings_show_what_is_not_hidden_and_mark_nan() {
        let all = [
            Series::of(&history(&[1.0, f64::NAN, 3.0]), XAxis::Step, 0),
            Series::of(&history(&[5.0, 6.0, 7.0, 8.0]), XAxis::Step, 0),
        ];
        let look = Look {
            hidden: HashSet::from([1]),
            ..Look::default()
        };
        let drawing = Drawing::of(&all, XAxis::Step, &look);
        assert_eq!(drawing.lines.len(), 1);
        assert!(drawing.line(0).is_some_and(|l| l.2.is_empty()));
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
        );
        assert_eq!(smoothed.x_range, (1.0, 3.0));
        assert!(smoothed.lines.iter().all(|l| !l.2.is_empty()));
        assert_eq!(smoothed.zoom_of(1.0, 1.001), None, "a click does not zoom");
        assert_eq!(smoothed.zoom_of(2.5, 1.5), Some((1.5, 2.5)));
    }

    #[test]
    fn the_cursor_finds_each_shown_line_s_nearest_point() {
        let all = [
            Series::of(&history(&[1.0, 2.0, 3.0]), XAxis::Step, 0),
            Series::of(&history(&[1.0, 2.0]), XAxis::Step, 0),
        ];
        assert_eq!(nearest_points(&all, &HashSet::new(), 1.8), [(0, 2), (1, 1)]);
        assert_eq!(nearest_points(&all, &HashSet::from([0]), 0.2), [(1, 0)]);
    }

    #[test]
    fn lines_are_named_by_what_tells_them_apart() {
        let run = ChartRun {
            run_id: "r".into(),
            label: "fit".into(),
            start_time: 0,
        };
        assert_eq!(line_label(&run, "loss", 3, 1), "fit");
        assert_eq!(line_label(&run, "loss", 1, 2), "loss");
        assert_eq!(line_label(&run, "loss", 2, 2), "fit · loss");
        assert_eq!(
            lines_of(&["a".into(), "b".into()], 2),
            [
                (0, "a".to_owned()),
                (1, "a".to_owned()),
                (0, "b".to_owned()),
                (1, "b".to_owned())
            ]
        );
        let keys = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            addable(&keys(&["loss", "acc", "lr"]), &keys(&["loss", "lr"])),
            ["acc"]
        );
        let text = csv(&[(&run, "loss")], &[history(&[0.5, f64::NAN])]);
        assert_eq!(
            text,
            "run_id,key,step,timestamp,value\nr,loss,0,1000,0.5\nr,loss,1,1010,NaN\n"
        );
    }
}
