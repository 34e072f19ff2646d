//! Experiment ids: MLflow's SQL store numbers experiments `0, 1, 2...`, other sources give
//! them any text, and labbook numbers the ones it creates.

use std::cmp::Ordering;

use super::Experiment;

/// Orders ids numerically where both are numbers, else as text.
pub fn compare_ids(a: &str, b: &str) -> Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

/// The number a new experiment gets: one more than the highest numeric id, `0` when there is
/// none.
pub fn next_experiment_id(experiments: &[Experiment]) -> u64 {
    experiments
        .iter()
        .filter_map(|e| e.experiment_id.parse::<u64>().ok())
        .max()
        .map_or(0, |max| max + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_order_as_numbers_and_the_rest_as_text() {
        let mut ids = ["10", "9", "b", "0", "a1"];
        ids.sort_by(|a, b| compare_ids(a, b));
        assert_eq!(ids, ["0", "9", "10", "a1", "b"]);
    }

    #[test]
    fn a_new_experiment_follows_the_highest_number() {
        let experiment = |id: &str| Experiment {
            experiment_id: id.to_owned(),
            name: format!("e{id}"),
            artifact_location: String::new(),
            lifecycle_stage: super::super::LifecycleStage::Active,
            creation_time: None,
            last_update_time: None,
            tags: Vec::new(),
        };
        assert_eq!(next_experiment_id(&[]), 0);
        assert_eq!(
            next_experiment_id(&[experiment("0"), experiment("7"), experiment("x12")]),
            8
        );
    }
}
