//! A metric chart's data before it is drawn: the runs and lines it shows and their names, the x
//! axis, each line's history in x order, the points nearest a cursor and the CSV of the data.

use std::collections::HashSet;
use std::sync::Arc;

use crate::app::format;
use crate::chart::{nearest, Point};
use crate::codec::csv::CsvWriter;
use crate::domain::History;

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

    /// Where a point logged at `step` and `timestamp` goes, for a run started at `start`.
    fn of(self, step: i64, timestamp: i64, start: i64) -> f64 {
        match self {
            XAxis::Step => step as f64,
            XAxis::WallTime => timestamp as f64,
            XAxis::Relative => (timestamp - start) as f64 / 1000.0,
        }
    }

    pub(super) fn label(self, x: f64) -> String {
        match self {
            XAxis::Step => format::number(x),
            XAxis::WallTime => format::time(x as i64),
            XAxis::Relative => format!("{}s", format::number(x)),
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
pub fn csv(lines: &[(&ChartRun, &str)], histories: &[Arc<History>]) -> String {
    let mut out = CsvWriter::new();
    out.row(["run_id", "key", "step", "timestamp", "value"]);
    for ((run, key), history) in lines.iter().zip(histories) {
        for i in 0..history.len() {
            out.row([
                run.run_id.clone(),
                (*key).to_owned(),
                history.steps()[i].to_string(),
                history.timestamps()[i].to_string(),
                history.values()[i].to_string(),
            ]);
        }
    }
    out.finish()
}

/// One line's history in x order: finite points with where each is in the history, and the
/// non-finite ones to mark.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    pub(super) points: Vec<Point>,
    sources: Vec<usize>,
    pub(super) marks: Vec<Point>,
}

impl Series {
    /// `history` placed on `axis`, for a run that started at `start_time`.
    pub fn of(history: &History, axis: XAxis, start_time: i64) -> Series {
        let mut finite: Vec<(Point, usize)> = Vec::with_capacity(history.len());
        let mut marks = Vec::new();
        let (steps, timestamps) = (history.steps(), history.timestamps());
        for (i, &value) in history.values().iter().enumerate() {
            let x = axis.of(steps[i], timestamps[i], start_time);
            if value.is_finite() {
                finite.push(((x, value), i));
            } else {
                marks.push((x, value));
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

    /// The x of its first and last finite points and of its marks: its extent on the x axis.
    pub(super) fn x_extent(&self) -> impl Iterator<Item = f64> + '_ {
        self.points
            .first()
            .into_iter()
            .chain(self.points.last())
            .chain(&self.marks)
            .map(|p| p.0)
    }
}

/// For each line shown (not `hidden`), its index and where in its history the point nearest
/// to `x` is.
pub fn nearest_points(all: &[Arc<Series>], hidden: &HashSet<usize>, x: f64) -> Vec<(usize, usize)> {
    all.iter()
        .enumerate()
        .filter(|(i, _)| !hidden.contains(i))
        .filter_map(|(i, s)| nearest(&s.points, x).map(|n| (i, s.sources[n])))
        .collect()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn history(values: &[f64]) -> History {
        let mut history = History::default();
        for (step, &value) in values.iter().enumerate() {
            history.push(step as i64, 1000 + step as i64 * 10, value);
        }
        history
    }

    pub(in crate::app::chart) fn series(values: &[f64]) -> Arc<Series> {
        Arc::new(Series::of(&history(values), XAxis::Step, 0))
    }

    #[test]
    fn series_keep_finite_points_in_x_order_and_mark_the_rest() {
        let mut points = History::default();
        points.push(2, 1020, 1.0);
        points.push(1, 1010, f64::NAN);
        points.push(0, 1000, 3.0);
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
    fn the_cursor_finds_each_shown_line_s_nearest_point() {
        let all = [series(&[1.0, 2.0, 3.0]), series(&[1.0, 2.0])];
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
        let text = csv(&[(&run, "loss")], &[Arc::new(history(&[0.5, f64::NAN]))]);
        assert_eq!(
            text,
            "run_id,key,step,timestamp,value\nr,loss,0,1000,0.5\nr,loss,1,1010,NaN\n"
        );
    }
}
