//! A metric's history as columns: steps, timestamps and values side by side. This is how
//! histories are stored and drawn; one point per [`Metric`] (with its key) is what the REST API
//! and the formats speak, and [`History::to_metrics`] turns one into the other.

use super::Metric;

/// The points of one metric of one run, in the order logged: point `i` is `steps[i]`,
/// `timestamps[i]` (milliseconds since the Unix epoch) and `values[i]`. The three columns
/// always have the same length.
#[derive(Debug, Clone, Default)]
pub struct History {
    steps: Vec<i64>,
    timestamps: Vec<i64>,
    values: Vec<f64>,
}

impl History {
    /// A history of the given columns, cut to the shortest of them.
    pub fn of_columns(mut steps: Vec<i64>, mut timestamps: Vec<i64>, mut values: Vec<f64>) -> Self {
        let len = steps.len().min(timestamps.len()).min(values.len());
        steps.truncate(len);
        timestamps.truncate(len);
        values.truncate(len);
        History {
            steps,
            timestamps,
            values,
        }
    }

    /// The history of `points`, in their order (their keys are not kept).
    pub fn of_points<'a>(points: impl IntoIterator<Item = &'a Metric>) -> History {
        let mut history = History::default();
        for point in points {
            history.push(point.step, point.timestamp, point.value);
        }
        history
    }

    pub fn push(&mut self, step: i64, timestamp: i64, value: f64) {
        self.steps.push(step);
        self.timestamps.push(timestamp);
        self.values.push(value);
    }

    /// Adds the points of `more` after these.
    pub fn append(&mut self, more: &History) {
        self.steps.extend_from_slice(&more.steps);
        self.timestamps.extend_from_slice(&more.timestamps);
        self.values.extend_from_slice(&more.values);
    }

    /// The points from the `from`th on.
    pub fn since(&self, from: usize) -> History {
        let from = from.min(self.len());
        History {
            steps: self.steps[from..].to_vec(),
            timestamps: self.timestamps[from..].to_vec(),
            values: self.values[from..].to_vec(),
        }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn steps(&self) -> &[i64] {
        &self.steps
    }

    pub fn timestamps(&self) -> &[i64] {
        &self.timestamps
    }

    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Point `i` as a metric named `key`.
    pub fn metric(&self, key: &str, i: usize) -> Option<Metric> {
        Some(Metric {
            key: key.to_owned(),
            value: *self.values.get(i)?,
            timestamp: self.timestamps[i],
            step: self.steps[i],
        })
    }

    /// Every point as a metric named `key`, in order.
    pub fn to_metrics(&self, key: &str) -> Vec<Metric> {
        (0..self.len())
            .filter_map(|i| self.metric(key, i))
            .collect()
    }

    /// The step after the last one logged: one more than the largest step, 0 for none.
    pub fn next_step(&self) -> i64 {
        self.steps.iter().map(|s| s + 1).max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(step: i64, value: f64) -> Metric {
        Metric {
            key: "loss".into(),
            value,
            timestamp: 1000 + step,
            step,
        }
    }

    #[test]
    fn points_go_in_and_out_in_order_with_their_key() {
        let points = vec![point(3, 0.5), point(1, f64::NAN), point(2, 0.25)];
        let mut history = History::of_points(&points);
        assert_eq!(history.len(), 3);
        assert_eq!(history.to_metrics("loss"), points);
        assert_eq!(history.steps(), [3, 1, 2]);
        assert_eq!(history.next_step(), 4);
        history.append(&History::of_points(&[point(7, 1.0)]));
        assert_eq!(
            history.since(2).to_metrics("loss"),
            [point(2, 0.25), point(7, 1.0)]
        );
        assert!(history.since(9).is_empty());
        assert_eq!(history.metric("loss", 3), Some(point(7, 1.0)));
        assert_eq!(history.metric("loss", 4), None);
        assert_eq!(History::default().next_step(), 0);
    }

    #[test]
    fn columns_of_different_lengths_are_cut_to_the_shortest() {
        let history = History::of_columns(vec![0, 1, 2], vec![5, 6], vec![0.5, 0.6, 0.7]);
        assert_eq!(history.len(), 2);
        assert_eq!(history.values(), [0.5, 0.6]);
    }
}
