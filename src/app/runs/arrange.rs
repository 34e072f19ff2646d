//! Which lines the table shows, and in what order: the runs matching the filter, sorted,
//! then either grouped by a param, tag or dataset field, or nested under their parents.

use std::collections::{HashMap, HashSet};

use crate::domain::{Run, DATASET_CONTEXT_TAG};
use crate::search::{parse_order_by, sort_alike, sort_run_indices, Filter, OrderKey, Target};

/// One line of the table: a run, how deep it sits in the tree, and how many children it has.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub index: usize,
    pub depth: usize,
    pub children: usize,
    /// For a group's header line: which group (then `index` is unused).
    pub group: Option<usize>,
}

/// What runs are grouped by (the URL's `group`): a param, a tag, or a dataset field.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupBy {
    Param(String),
    Tag(String),
    Dataset(String),
}

impl GroupBy {
    pub fn parse(text: &str) -> Option<GroupBy> {
        match text.split_once('.')? {
            ("params", key) => Some(GroupBy::Param(key.to_owned())),
            ("tags", key) => Some(GroupBy::Tag(key.to_owned())),
            ("datasets", field @ ("name" | "digest" | "context")) => {
                Some(GroupBy::Dataset(field.to_owned()))
            }
            _ => None,
        }
    }

    /// The groups a run belongs to: one value, or one per dataset it used.
    pub fn values(&self, run: &Run) -> Vec<String> {
        let values: Vec<String> = match self {
            GroupBy::Param(key) => run.param(key).map(str::to_owned).into_iter().collect(),
            GroupBy::Tag(key) => run.tag(key).map(str::to_owned).into_iter().collect(),
            GroupBy::Dataset(field) => run
                .inputs
                .iter()
                .filter_map(|input| match field.as_str() {
                    "name" => Some(input.dataset.name.clone()),
                    "digest" => Some(input.dataset.digest.clone()),
                    _ => input
                        .tags
                        .iter()
                        .find(|t| t.key == DATASET_CONTEXT_TAG)
                        .map(|t| t.value.clone()),
                })
                .collect(),
        };
        if values.is_empty() {
            vec![NO_VALUE.to_owned()]
        } else {
            values
        }
    }
}

/// The group of runs that lack the grouped value.
pub const NO_VALUE: &str = "(none)";

/// Runs sharing a value of the grouped key.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub value: String,
    pub members: Vec<usize>,
}

impl Group {
    /// Its key in the set of expanded rows.
    pub fn open_key(&self) -> String {
        format!("group:{}", self.value)
    }
}

/// What the table shows: runs matching the filter, sorted, as a tree.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shown {
    pub lines: Vec<Line>,
    /// Runs matching the filter, expanded or not.
    pub matching: Vec<usize>,
    pub groups: Vec<Group>,
}

fn order_of(sort: &[String]) -> Vec<OrderKey> {
    sort.iter()
        .filter_map(|c| parse_order_by(Target::Runs, c).ok())
        .collect()
}

/// Whether `new` in the place of `old` (the same run, written again) leaves what [`arrange`]
/// shows as it was: it matches the filter as before, sorts alike, falls in the same groups and
/// has the same parent. Logging a metric to one run then costs the table no re-arranging.
pub fn keeps_arrangement(
    old: &Run,
    new: &Run,
    filter: &Filter,
    sort: &[String],
    group: Option<&GroupBy>,
) -> bool {
    filter.matches_run(old) == filter.matches_run(new)
        && sort_alike(old, new, &order_of(sort))
        && group.is_none_or(|g| g.values(old) == g.values(new))
        && old.parent_run_id() == new.parent_run_id()
}

/// Filters and sorts `runs`; then either groups them (groups in order of their value, runs
/// without one last) or nests children under their parents (when both match), showing what
/// is in `expanded`.
pub fn arrange(
    runs: &[Run],
    filter: &Filter,
    sort: &[String],
    expanded: &HashSet<String>,
    group: Option<&GroupBy>,
) -> Shown {
    let order = order_of(sort);
    let mut matching: Vec<usize> = (0..runs.len())
        .filter(|&i| filter.matches_run(&runs[i]))
        .collect();
    sort_run_indices(runs, &mut matching, &order);
    if let Some(group) = group {
        let mut groups: Vec<Group> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        for &i in &matching {
            for value in group.values(&runs[i]) {
                let slot = *at.entry(value.clone()).or_insert_with(|| {
                    groups.push(Group {
                        value,
                        members: Vec::new(),
                    });
                    groups.len() - 1
                });
                groups[slot].members.push(i);
            }
        }
        groups
            .sort_by(|a, b| (a.value == NO_VALUE, &a.value).cmp(&(b.value == NO_VALUE, &b.value)));
        let mut lines = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            lines.push(Line {
                index: group.members[0],
                depth: 0,
                children: group.members.len(),
                group: Some(g),
            });
            if expanded.contains(&group.open_key()) {
                lines.extend(group.members.iter().map(|&i| Line {
                    index: i,
                    depth: 1,
                    children: 0,
                    group: None,
                }));
            }
        }
        return Shown {
            lines,
            matching,
            groups,
        };
    }
    let present: HashSet<&str> = matching
        .iter()
        .map(|&i| runs[i].info.run_id.as_str())
        .collect();
    let parent_of: HashMap<&str, &str> = matching
        .iter()
        .filter_map(|&i| {
            let id = runs[i].info.run_id.as_str();
            let parent = runs[i].parent_run_id().filter(|p| present.contains(p))?;
            (parent != id).then_some((id, parent))
        })
        .collect();
    // A run whose parents lead back to itself (odd data) stands at the top, so that it shows.
    let in_cycle = |id: &str| {
        let mut seen = HashSet::from([id]);
        let mut at = id;
        while let Some(&parent) = parent_of.get(at) {
            if !seen.insert(parent) {
                return parent == id;
            }
            at = parent;
        }
        false
    };
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for &i in &matching {
        let id = runs[i].info.run_id.as_str();
        match parent_of.get(id) {
            Some(parent) if !in_cycle(id) => children.entry(parent).or_default().push(i),
            _ => roots.push(i),
        }
    }
    let mut lines = Vec::with_capacity(matching.len());
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|i| (i, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        let id = runs[i].info.run_id.as_str();
        let kids = children.get(id).map_or(&[][..], Vec::as_slice);
        lines.push(Line {
            index: i,
            depth,
            children: kids.len(),
            group: None,
        });
        // Depth is bounded, so a parent cycle in odd data cannot loop forever.
        if expanded.contains(id) && depth < 32 {
            stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
        }
    }
    Shown {
        lines,
        matching,
        groups: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_runs::{child_of, run, tagged};

    fn names(runs: &[Run], shown: &Shown) -> Vec<String> {
        shown
            .lines
            .iter()
            .map(|l| match l.group {
                Some(g) => format!("[{}]", shown.groups[g].value),
                None => format!("{}{}", "  ".repeat(l.depth), runs[l.index].info.run_id),
            })
            .collect()
    }

    fn check(
        runs: &[Run],
        filter: &str,
        sort: &[&str],
        expanded: &[&str],
        group: Option<&str>,
        expected: &[&str],
    ) {
        let filter = Filter::parse(Target::Runs, filter).expect("a valid filter");
        let sort: Vec<String> = sort.iter().map(|s| (*s).to_owned()).collect();
        let expanded: HashSet<String> = expanded.iter().map(|s| (*s).to_owned()).collect();
        let group = group.and_then(GroupBy::parse);
        let shown = arrange(runs, &filter, &sort, &expanded, group.as_ref());
        assert_eq!(names(runs, &shown), expected);
    }

    fn runs() -> Vec<Run> {
        vec![
            tagged(
                run("a", &[("model", "tree")], &[("rmse", 3.0)]),
                "team",
                "cv",
            ),
            run("b", &[("model", "linear")], &[("rmse", 1.0)]),
            child_of(run("c", &[("model", "tree")], &[("rmse", 2.0)]), "a"),
            child_of(run("d", &[], &[("rmse", f64::NAN)]), "c"),
        ]
    }

    #[test]
    fn filters_then_sorts() {
        let runs = runs();
        check(
            &runs,
            "metrics.rmse < 2.5",
            &["metrics.rmse ASC"],
            &[],
            None,
            &["b", "c"],
        );
        check(
            &runs,
            "params.model = 'tree'",
            &["metrics.rmse DESC"],
            &[],
            None,
            &["a"],
        );
        // NaN sorts after numbers in either direction, as MLflow does.
        check(
            &runs,
            "",
            &["metrics.rmse ASC"],
            &["a", "c"],
            None,
            &["b", "a", "  c", "    d"],
        );
    }

    #[test]
    fn children_fold_under_parents_that_match() {
        let runs = runs();
        check(&runs, "", &["metrics.rmse DESC"], &[], None, &["a", "b"]);
        check(
            &runs,
            "",
            &["metrics.rmse DESC"],
            &["a"],
            None,
            &["a", "  c", "b"],
        );
        // A child whose parent does not match stands at the top.
        check(
            &runs,
            "metrics.rmse < 2.5",
            &["metrics.rmse ASC"],
            &[],
            None,
            &["b", "c"],
        );
    }

    #[test]
    fn runs_in_a_parent_cycle_show_at_the_top() {
        let runs = vec![
            child_of(run("x", &[], &[]), "y"),
            child_of(run("y", &[], &[]), "x"),
        ];
        let open = HashSet::from(["x".to_owned(), "y".to_owned()]);
        let shown = arrange(&runs, &Filter::default(), &[], &open, None);
        assert_eq!(names(&runs, &shown), ["x", "y"]);
    }

    #[test]
    fn groups_by_value_with_the_valueless_last() {
        let runs = runs();
        check(
            &runs,
            "",
            &[],
            &[],
            Some("params.model"),
            &["[linear]", "[tree]", "[(none)]"],
        );
        check(
            &runs,
            "",
            &["metrics.rmse ASC"],
            &["group:tree"],
            Some("params.model"),
            &["[linear]", "[tree]", "  c", "  a", "[(none)]"],
        );
        check(
            &runs,
            "",
            &[],
            &[],
            Some("tags.team"),
            &["[cv]", "[(none)]"],
        );
        assert_eq!(GroupBy::parse("datasets.other"), None);
        assert_eq!(GroupBy::parse("metrics.rmse"), None);
    }

    #[test]
    fn a_run_written_again_keeps_the_arrangement_unless_what_places_it_changed() {
        let keeps = |old: &Run, new: &Run, filter: &str, sort: &[&str], group: Option<&str>| {
            let filter = Filter::parse(Target::Runs, filter).expect("a valid filter");
            let sort: Vec<String> = sort.iter().map(|s| (*s).to_owned()).collect();
            keeps_arrangement(
                old,
                new,
                &filter,
                &sort,
                GroupBy::parse(group.unwrap_or("")).as_ref(),
            )
        };
        let old = run("a", &[("model", "tree")], &[("rmse", 0.5), ("loss", 1.0)]);
        let new = run("a", &[("model", "tree")], &[("rmse", 0.5), ("loss", 0.9)]);
        assert!(keeps(&old, &new, "", &[], None));
        assert!(keeps(
            &old,
            &new,
            "metrics.rmse < 1",
            &["metrics.rmse DESC"],
            Some("params.model")
        ));
        assert!(
            !keeps(&old, &new, "", &["metrics.loss ASC"], None),
            "it sorts elsewhere"
        );
        assert!(keeps(&old, &new, "metrics.loss < 2", &[], None));
        assert!(
            !keeps(&old, &new, "metrics.loss > 0.95", &[], None),
            "it no longer matches"
        );
        let moved = tagged(new.clone(), "team", "cv");
        assert!(
            !keeps(&old, &moved, "", &[], Some("tags.team")),
            "another group"
        );
        assert!(keeps(&old, &moved, "", &[], Some("params.model")));
        assert!(
            !keeps(&old, &child_of(new.clone(), "p"), "", &[], None),
            "another parent"
        );
        let mut later = new;
        later.info.start_time = Some(5);
        assert!(
            !keeps(&old, &later, "", &[], None),
            "the default order is by start time"
        );
    }
}
