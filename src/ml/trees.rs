//! Regression trees grown on histograms, and the ensembles made of them: a decision tree
//! (scikit-learn's `DecisionTreeRegressor`), a random forest (`RandomForestRegressor`:
//! trees on bootstrap samples, averaged) and gradient-boosted trees as XGBoost grows them
//! (second-order gains with `reg_lambda`, `reg_alpha`, `min_child_weight`, `max_depth`,
//! `learning_rate`, and early stopping on a validation set).
//!
//! Each feature's values are cut into at most [`MAX_BINS`] bins first (XGBoost's `hist`
//! method); a one-hot feature has two. A node's histogram is built from the features its rows
//! actually have, so the thousands of one-hot `PU_DO` columns cost only what the rows hold.

use crate::ml::features::Sparse;
use crate::ml::rng::Rng;

/// The most bins a feature's values are cut into.
pub const MAX_BINS: usize = 256;

/// Where each feature's bins end: bin `b` holds the values `≤ edges[b]` and above
/// `edges[b - 1]`; the last bin has no upper edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Bins {
    edges: Vec<Vec<f64>>,
    /// The first bin of each feature in a histogram.
    offsets: Vec<usize>,
    /// The bin of a feature's absent (zero) value.
    zero_bin: Vec<u16>,
}

/// Rows as (feature, bin) for the features they have, features ascending.
pub struct BinnedRows {
    rows: Vec<Vec<(u32, u16)>>,
}

impl Bins {
    /// The bins of `x`'s features: between each two distinct values when a feature has few,
    /// else at quantiles of its values (zeros of the rows without it included).
    pub fn fit(x: &Sparse) -> Bins {
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); x.columns];
        for row in &x.rows {
            for (j, v) in row {
                values[*j as usize].push(*v);
            }
        }
        let mut edges = Vec::with_capacity(x.columns);
        let mut offsets = Vec::with_capacity(x.columns);
        let mut zero_bin = Vec::with_capacity(x.columns);
        let mut offset = 0;
        for mut column in values {
            let zeros = x.len() - column.len();
            column.sort_by(f64::total_cmp);
            let mut distinct: Vec<(f64, usize)> = Vec::new();
            if zeros > 0 {
                distinct.push((0.0, zeros));
            }
            for v in column {
                match distinct.last_mut() {
                    Some((last, count)) if *last == v => *count += 1,
                    _ => distinct.push((v, 1)),
                }
            }
            distinct.sort_by(|a, b| a.0.total_cmp(&b.0));
            let cut: Vec<f64> = if distinct.len() <= MAX_BINS {
                distinct
                    .windows(2)
                    .map(|w| (w[0].0 + w[1].0) / 2.0)
                    .collect()
            } else {
                // Equal counts per bin, cut between distinct values.
                let per_bin = x.len() as f64 / MAX_BINS as f64;
                let (mut seen, mut next, mut cut) = (0usize, per_bin, Vec::new());
                for w in distinct.windows(2) {
                    seen += w[0].1;
                    if seen as f64 >= next {
                        cut.push((w[0].0 + w[1].0) / 2.0);
                        next = seen as f64 + per_bin;
                    }
                }
                cut
            };
            zero_bin.push(cut.partition_point(|e| *e < 0.0) as u16);
            offsets.push(offset);
            offset += cut.len() + 1;
            edges.push(cut);
        }
        offsets.push(offset);
        Bins {
            edges,
            offsets,
            zero_bin,
        }
    }

    fn bin(&self, feature: usize, value: f64) -> u16 {
        self.edges[feature].partition_point(|e| *e < value) as u16
    }

    pub fn apply(&self, x: &Sparse) -> BinnedRows {
        BinnedRows {
            rows: x
                .rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|(j, v)| (*j, self.bin(*j as usize, *v)))
                        .collect()
                })
                .collect(),
        }
    }

    fn bin_of(&self, rows: &BinnedRows, row: u32, feature: u32) -> u16 {
        let items = &rows.rows[row as usize];
        match items.binary_search_by_key(&feature, |(j, _)| *j) {
            Ok(at) => items[at].1,
            Err(_) => self.zero_bin[feature as usize],
        }
    }
}

/// How a tree grows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Growth {
    /// `None`: until the leaves are pure or too small.
    pub max_depth: Option<usize>,
    /// The least hessian (rows, for squared error) a child may have.
    pub min_child_weight: f64,
    /// L2 penalty on leaf values (XGBoost's `reg_lambda`; 0 for plain trees).
    pub reg_lambda: f64,
    /// L1 penalty on leaf values (`reg_alpha`).
    pub reg_alpha: f64,
    /// The least gain a split must bring (`gamma`).
    pub min_gain: f64,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Leaf(f64),
    Split {
        feature: u32,
        /// Rows with the feature's value `≤ threshold` go left.
        threshold: f64,
        left: u32,
        right: u32,
    },
}

/// One regression tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    pub fn predict_row(&self, row: &[(u32, f64)]) -> f64 {
        let mut at = 0usize;
        loop {
            match &self.nodes[at] {
                Node::Leaf(value) => return *value,
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    let value = row
                        .binary_search_by_key(feature, |(j, _)| *j)
                        .map_or(0.0, |i| row[i].1);
                    at = if value <= *threshold { *left } else { *right } as usize;
                }
            }
        }
    }

    /// The features split on, once per split (XGBoost's importance by weight).
    fn count_splits(&self, counts: &mut [u32]) {
        for node in &self.nodes {
            if let Node::Split { feature, .. } = node {
                counts[*feature as usize] += 1;
            }
        }
    }
}

/// Sums of gradients, hessians and rows.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    g: f64,
    h: f64,
}

impl Sums {
    fn add(&mut self, g: f64, h: f64) {
        self.g += g;
        self.h += h;
    }

    fn minus(self, other: Sums) -> Sums {
        Sums {
            g: self.g - other.g,
            h: self.h - other.h,
        }
    }
}

/// What grows one tree: the bins, the rows, the histogram reused from node to node.
struct Grower<'a> {
    bins: &'a Bins,
    rows: &'a BinnedRows,
    gradients: &'a [f64],
    hessians: &'a [f64],
    growth: Growth,
    histogram: Vec<Sums>,
    /// The node whose histogram last counted each feature.
    marks: Vec<u32>,
    nodes: Vec<Node>,
    /// The node being split, counted from 1.
    node: u32,
}

impl Grower<'_> {
    fn l1(&self, g: f64) -> f64 {
        let alpha = self.growth.reg_alpha;
        if g > alpha {
            g - alpha
        } else if g < -alpha {
            g + alpha
        } else {
            0.0
        }
    }

    /// How much a node with these sums lowers the loss.
    fn score(&self, s: Sums) -> f64 {
        let g = self.l1(s.g);
        g * g / (s.h + self.growth.reg_lambda)
    }

    fn leaf_value(&self, s: Sums) -> f64 {
        if s.h + self.growth.reg_lambda <= 0.0 {
            return 0.0;
        }
        -self.l1(s.g) / (s.h + self.growth.reg_lambda)
    }

    /// Grows the node of `members` (row indices, repeated when drawn twice) and gives its index.
    fn grow(&mut self, members: Vec<u32>, depth: usize) -> u32 {
        let index = self.nodes.len() as u32;
        let mut total = Sums::default();
        for &r in &members {
            total.add(self.gradients[r as usize], self.hessians[r as usize]);
        }
        self.nodes.push(Node::Leaf(self.leaf_value(total)));
        let deep_enough = self.growth.max_depth.is_some_and(|m| depth >= m);
        if deep_enough || total.h < 2.0 * self.growth.min_child_weight {
            return index;
        }
        let Some((feature, bin, threshold)) = self.best_split(&members, total) else {
            return index;
        };
        let (left, right): (Vec<u32>, Vec<u32>) = members
            .into_iter()
            .partition(|&r| self.bins.bin_of(self.rows, r, feature) <= bin);
        let left = self.grow(left, depth + 1);
        let right = self.grow(right, depth + 1);
        self.nodes[index as usize] = Node::Split {
            feature,
            threshold,
            left,
            right,
        };
        index
    }

    /// The split with the largest gain, as (feature, last bin on the left, threshold).
    fn best_split(&mut self, members: &[u32], total: Sums) -> Option<(u32, u16, f64)> {
        // The histogram of the features these rows have; absent ones fall in the zero bin.
        let mut touched: Vec<u32> = Vec::new();
        self.node += 1;
        for &r in members {
            let (g, h) = (self.gradients[r as usize], self.hessians[r as usize]);
            for &(j, b) in &self.rows.rows[r as usize] {
                if self.marks[j as usize] != self.node {
                    self.marks[j as usize] = self.node;
                    touched.push(j);
                }
                self.histogram[self.bins.offsets[j as usize] + b as usize].add(g, h);
            }
        }
        touched.sort_unstable();
        let parent = self.score(total);
        let mut best: Option<(f64, u32, u16, f64)> = None;
        for &j in &touched {
            let start = self.bins.offsets[j as usize];
            let end = self.bins.offsets[j as usize + 1];
            let present = self.histogram[start..end]
                .iter()
                .fold(Sums::default(), |mut acc, s| {
                    acc.add(s.g, s.h);
                    acc
                });
            let zero_bin = start + self.bins.zero_bin[j as usize] as usize;
            self.histogram[zero_bin].add(total.g - present.g, total.h - present.h);
            let mut left = Sums::default();
            for b in start..end - 1 {
                left.add(self.histogram[b].g, self.histogram[b].h);
                let right = total.minus(left);
                let min = self.growth.min_child_weight;
                if left.h < min || right.h < min {
                    continue;
                }
                let gain = self.score(left) + self.score(right) - parent;
                if gain > self.growth.min_gain.max(1e-12) && best.is_none_or(|b| gain > b.0) {
                    let bin = (b - start) as u16;
                    best = Some((gain, j, bin, self.bins.edges[j as usize][bin as usize]));
                }
            }
            self.histogram[start..end].fill(Sums::default());
        }
        best.map(|(_, j, bin, threshold)| (j, bin, threshold))
    }
}

/// Grows one tree on `members` for the gradients and hessians given.
fn grow_tree(
    bins: &Bins,
    rows: &BinnedRows,
    gradients: &[f64],
    hessians: &[f64],
    members: Vec<u32>,
    growth: Growth,
) -> Tree {
    let mut grower = Grower {
        bins,
        rows,
        gradients,
        hessians,
        growth,
        histogram: vec![Sums::default(); *bins.offsets.last().unwrap_or(&0)],
        marks: vec![0; bins.edges.len()],
        nodes: Vec::new(),
        node: 0,
    };
    grower.grow(members, 0);
    Tree {
        nodes: grower.nodes,
    }
}

/// The growth of a plain regression tree: squared error, leaves the mean of their rows.
fn plain(max_depth: Option<usize>, min_samples_leaf: usize) -> Growth {
    Growth {
        max_depth,
        min_child_weight: min_samples_leaf.max(1) as f64,
        reg_lambda: 0.0,
        reg_alpha: 0.0,
        min_gain: 0.0,
    }
}

/// Trees whose predictions add up (boosting) or average (a forest), on top of `base`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ensemble {
    pub trees: Vec<Tree>,
    pub base: f64,
    /// Each tree's share: the learning rate, or 1/trees for a forest.
    pub scale: f64,
    /// Splits per feature, over all trees.
    pub splits: Vec<u32>,
}

impl Ensemble {
    /// Each row's prediction, the trees added one at a time as boosting adds them, so a
    /// boosted model predicts exactly what its last round was scored on.
    pub fn predict(&self, x: &Sparse) -> Vec<f64> {
        x.rows
            .iter()
            .map(|row| {
                self.trees
                    .iter()
                    .fold(self.base, |p, t| p + self.scale * t.predict_row(row))
            })
            .collect()
    }

    fn counting(trees: Vec<Tree>, base: f64, scale: f64, features: usize) -> Ensemble {
        let mut splits = vec![0; features];
        for tree in &trees {
            tree.count_splits(&mut splits);
        }
        Ensemble {
            trees,
            base,
            scale,
            splits,
        }
    }
}

/// A decision tree on squared error.
pub fn decision_tree(
    x: &Sparse,
    y: &[f64],
    max_depth: Option<usize>,
    min_samples_leaf: usize,
) -> Ensemble {
    let all: Vec<u32> = (0..y.len() as u32).collect();
    averaged(x, y, plain(max_depth, min_samples_leaf), 1, &mut || {
        all.clone()
    })
}

/// A random forest: `trees` decision trees, each on a bootstrap sample of the rows, averaged.
pub fn random_forest(
    x: &Sparse,
    y: &[f64],
    trees: usize,
    max_depth: Option<usize>,
    min_samples_leaf: usize,
    seed: u64,
) -> Ensemble {
    let mut rng = Rng::new(seed);
    let n = y.len() as u64;
    let mut bootstrap = || {
        let mut sample: Vec<u32> = (0..n).map(|_| rng.below(n) as u32).collect();
        sample.sort_unstable();
        sample
    };
    averaged(
        x,
        y,
        plain(max_depth, min_samples_leaf),
        trees,
        &mut bootstrap,
    )
}

/// `count` trees on squared error (the gradients of a zero prediction, `−y`), each on the
/// rows `sample` gives, averaged.
fn averaged(
    x: &Sparse,
    y: &[f64],
    growth: Growth,
    count: usize,
    sample: &mut dyn FnMut() -> Vec<u32>,
) -> Ensemble {
    let bins = Bins::fit(x);
    let rows = bins.apply(x);
    let gradients: Vec<f64> = y.iter().map(|v| -v).collect();
    let hessians = vec![1.0; y.len()];
    let grown = (0..count)
        .map(|_| grow_tree(&bins, &rows, &gradients, &hessians, sample(), growth))
        .collect();
    Ensemble::counting(grown, 0.0, 1.0 / count.max(1) as f64, x.columns)
}

/// What gradient boosting takes besides the tree growth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boosting {
    pub growth: Growth,
    pub learning_rate: f64,
    pub rounds: usize,
    /// Stop when the validation error has not improved for this many rounds.
    pub early_stopping_rounds: Option<usize>,
}

/// A boosted model and how its training went.
#[derive(Debug, Clone, PartialEq)]
pub struct Boosted {
    /// The trees grown (up to the best round, under early stopping).
    pub model: Ensemble,
    /// The validation RMSE after each round.
    pub validation_rmse: Vec<f64>,
    /// The round (from 0) with the lowest validation error.
    pub best_iteration: usize,
    /// The last round grown (from 0).
    pub stopped_iteration: usize,
}

/// Gradient-boosted trees on squared error from the mean of `y`, with the validation RMSE
/// after each round; `on_round(round, rmse)` hears of each.
pub fn boost(
    (x, y): (&Sparse, &[f64]),
    (valid_x, valid_y): (&Sparse, &[f64]),
    boosting: Boosting,
    on_round: &mut dyn FnMut(usize, f64),
) -> Boosted {
    let bins = Bins::fit(x);
    let rows = bins.apply(x);
    let base = y.iter().sum::<f64>() / y.len().max(1) as f64;
    let mut predictions = vec![base; y.len()];
    let mut valid_predictions = vec![base; valid_y.len()];
    let hessians = vec![1.0; y.len()];
    let members: Vec<u32> = (0..y.len() as u32).collect();
    let (mut trees, mut validation_rmse) = (Vec::new(), Vec::new());
    let mut best_iteration = 0;
    for round in 0..boosting.rounds {
        let gradients: Vec<f64> = predictions.iter().zip(y).map(|(p, t)| p - t).collect();
        let tree = grow_tree(
            &bins,
            &rows,
            &gradients,
            &hessians,
            members.clone(),
            boosting.growth,
        );
        for (p, row) in predictions.iter_mut().zip(&x.rows) {
            *p += boosting.learning_rate * tree.predict_row(row);
        }
        for (p, row) in valid_predictions.iter_mut().zip(&valid_x.rows) {
            *p += boosting.learning_rate * tree.predict_row(row);
        }
        trees.push(tree);
        let rmse = crate::ml::metrics::rmse(&valid_predictions, valid_y);
        on_round(round, rmse);
        if rmse
            < validation_rmse
                .get(best_iteration)
                .copied()
                .unwrap_or(f64::INFINITY)
        {
            best_iteration = round;
        }
        validation_rmse.push(rmse);
        if boosting
            .early_stopping_rounds
            .is_some_and(|n| round - best_iteration >= n)
        {
            break;
        }
    }
    let stopped_iteration = trees.len().saturating_sub(1);
    if boosting.early_stopping_rounds.is_some() {
        trees.truncate(best_iteration + 1);
    }
    Boosted {
        model: Ensemble::counting(trees, base, boosting.learning_rate, x.columns),
        validation_rmse,
        best_iteration,
        stopped_iteration,
    }
}
