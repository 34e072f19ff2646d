//! An experiment's runs table: MLflow's filter language with key suggestions, sorting by
//! column headers (shift adds a key), a column picker, nested runs as a tree, multi-select
//! with bulk actions, and the keyboard. Filter, sort, columns, selection and view live in the
//! URL. Rows are virtualized: only those on screen are in the page.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::chart::{ChartRun, RunCharts};
use super::format;
use super::route::{navigate, replace, set_query, Page, Route};
use super::transfer::{export, ExportFormat};
use super::widgets::{run_action, ErrorLine, NameAction, NameForm};
use super::UI_USER;
use super::{keep_last, use_app};
use crate::domain::{DomainError, LifecycleStage, Run, ViewType};
use crate::search::{parse_order_by, sort_run_indices, sort_runs, Filter, FilterError, Target};
use crate::store::{now_ms, ExportScope, NewRun};

/// Height of one row in pixels (the stylesheet gives rows exactly this).
const ROW_HEIGHT: f64 = 33.0;
/// Rows drawn above and below the visible ones.
const OVERSCAN: usize = 10;
/// Runs charted when none is selected: the first ones shown.
const CHART_RUNS: usize = 10;
/// Metric and param columns shown before the user picks.
const DEFAULT_COLUMNS: usize = 40;

fn use_route_signal() -> RwSignal<Route> {
    expect_context::<RwSignal<Route>>()
}

/// Which runs the table shows, from the URL's `view` setting.
fn view_type(route: &Route) -> ViewType {
    match route.get("view") {
        Some("deleted") => ViewType::DeletedOnly,
        Some("all") => ViewType::All,
        _ => ViewType::ActiveOnly,
    }
}

/// A list setting kept in the URL, one item per line.
fn url_list(route: &Route, key: &str) -> Option<Vec<String>> {
    route.get(key).map(|v| {
        v.split('\n')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
}

fn with_list(route: &Route, key: &str, items: &[String]) -> Route {
    let joined = items.join("\n");
    route.with(key, (!items.is_empty()).then_some(joined.as_str()))
}

/// A metric, param or tag column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Column {
    Metric(String),
    Param(String),
    Tag(String),
}

/// A key as MLflow's search language writes it: bare when it can be, else quoted.
fn quote_key(key: &str) -> String {
    if key.chars().all(|c| c.is_alphanumeric() || c == '_') && !key.is_empty() {
        key.to_owned()
    } else if !key.contains('`') {
        format!("`{key}`")
    } else {
        format!("\"{key}\"")
    }
}

impl Column {
    fn id(&self) -> String {
        match self {
            Column::Metric(k) => format!("metrics.{k}"),
            Column::Param(k) => format!("params.{k}"),
            Column::Tag(k) => format!("tags.{k}"),
        }
    }

    fn parse(id: &str) -> Option<Column> {
        let (prefix, key) = id.split_once('.')?;
        match prefix {
            "metrics" => Some(Column::Metric(key.to_owned())),
            "params" => Some(Column::Param(key.to_owned())),
            "tags" => Some(Column::Tag(key.to_owned())),
            _ => None,
        }
    }

    fn key(&self) -> &str {
        match self {
            Column::Metric(k) | Column::Param(k) | Column::Tag(k) => k,
        }
    }

    /// The `order_by` clause that sorts by this column.
    fn clause(&self) -> String {
        let prefix = self.id();
        let prefix = prefix.split('.').next().unwrap_or_default();
        format!("{prefix}.{}", quote_key(self.key()))
    }

    fn cell(&self, run: &Run) -> Option<String> {
        match self {
            Column::Metric(k) => run.latest_metric(k).map(|m| format::number(m.value)),
            Column::Param(k) => run.param(k).map(str::to_owned),
            Column::Tag(k) => run.tag(k).map(str::to_owned),
        }
    }

    fn class(&self) -> &'static str {
        match self {
            Column::Metric(_) => "metric num",
            Column::Param(_) => "param",
            Column::Tag(_) => "tag",
        }
    }
}

/// The keys present in the runs: metrics, params, tags (MLflow's own tags left out).
#[derive(Debug, Clone, PartialEq, Default)]
struct Keys {
    metrics: Vec<String>,
    params: Vec<String>,
    tags: Vec<String>,
}

impl Keys {
    fn of(runs: &[Run]) -> Keys {
        let collect = |f: &dyn Fn(&Run) -> Vec<&str>| {
            let mut all: Vec<String> = runs
                .iter()
                .flat_map(f)
                .collect::<HashSet<&str>>()
                .into_iter()
                .map(str::to_owned)
                .collect();
            all.sort();
            all
        };
        Keys {
            metrics: collect(&|r| r.data.metrics.iter().map(|m| m.key.as_str()).collect()),
            params: collect(&|r| r.data.params.iter().map(|p| p.key.as_str()).collect()),
            tags: collect(&|r| {
                r.data
                    .tags
                    .iter()
                    .map(|t| t.key.as_str())
                    .filter(|k| !k.starts_with("mlflow."))
                    .collect()
            }),
        }
    }

    fn all_columns(&self) -> Vec<Column> {
        let metrics = self.metrics.iter().cloned().map(Column::Metric);
        let params = self.params.iter().cloned().map(Column::Param);
        let tags = self.tags.iter().cloned().map(Column::Tag);
        metrics.chain(params).chain(tags).collect()
    }
}

fn columns_storage_key(experiment_id: &str) -> String {
    format!("labbook.columns.{experiment_id}")
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The column ids last chosen for this experiment, kept in the browser.
fn stored_column_ids(experiment_id: &str) -> Option<Vec<String>> {
    local_storage()
        .and_then(|s| {
            s.get_item(&columns_storage_key(experiment_id))
                .ok()
                .flatten()
        })
        .map(|v| {
            v.split('\n')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
}

/// The columns chosen: from the URL, else `stored` (as last chosen for this experiment), else
/// the first metrics and params.
fn chosen_columns(route: &Route, stored: Option<&[String]>, keys: &Keys) -> Vec<Column> {
    match url_list(route, "cols").or_else(|| stored.map(<[String]>::to_vec)) {
        Some(ids) => ids.iter().filter_map(|id| Column::parse(id)).collect(),
        None => keys
            .metrics
            .iter()
            .cloned()
            .map(Column::Metric)
            .chain(keys.params.iter().cloned().map(Column::Param))
            .take(DEFAULT_COLUMNS)
            .collect(),
    }
}

/// One line of the table: a run, how deep it sits in the tree, and how many children it has.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    index: usize,
    depth: usize,
    children: usize,
    /// For a group's header line: which group (then `index` is unused).
    group: Option<usize>,
}

/// What runs are grouped by (the URL's `group`): a param, a tag, or a dataset field.
#[derive(Debug, Clone, PartialEq)]
enum GroupBy {
    Param(String),
    Tag(String),
    Dataset(String),
}

impl GroupBy {
    fn parse(text: &str) -> Option<GroupBy> {
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
    fn values(&self, run: &Run) -> Vec<String> {
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
                        .find(|t| t.key == crate::domain::DATASET_CONTEXT_TAG)
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
const NO_VALUE: &str = "(none)";

/// Runs sharing a value of the grouped key.
#[derive(Debug, Clone, PartialEq)]
struct Group {
    value: String,
    members: Vec<usize>,
}

impl Group {
    /// Its key in the set of expanded rows.
    fn open_key(&self) -> String {
        format!("group:{}", self.value)
    }
}

/// What the table shows: runs matching the filter, sorted, as a tree.
#[derive(Debug, Clone, PartialEq, Default)]
struct Shown {
    lines: Vec<Line>,
    /// Runs matching the filter, expanded or not.
    matching: Vec<usize>,
    groups: Vec<Group>,
}

/// Filters and sorts `runs`; then either groups them (groups in order of their value, runs
/// without one last) or nests children under their parents (when both match), showing what
/// is in `expanded`.
fn arrange(
    runs: &[Run],
    filter: &Filter,
    sort: &[String],
    expanded: &HashSet<String>,
    group: Option<&GroupBy>,
) -> Shown {
    let order: Vec<_> = sort
        .iter()
        .filter_map(|c| parse_order_by(Target::Runs, c).ok())
        .collect();
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
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for &i in &matching {
        match runs[i].parent_run_id().filter(|p| present.contains(p)) {
            Some(parent) if parent != runs[i].info.run_id => {
                children.entry(parent).or_default().push(i)
            }
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

/// The fixed columns: label, id (the `order_by` clause that sorts by it), sortable.
const FIXED: [(&str, &str, bool); 5] = [
    ("Run name", "attributes.run_name", true),
    ("Status", "attributes.status", true),
    ("Created", "attributes.start_time", true),
    ("Duration", "attributes.duration", false),
    ("User", "attributes.user_id", true),
];

/// The selection checkbox column's id (for its width).
const SELECT_COLUMN: &str = "select";

/// A column's width in pixels: as the user dragged it, else a default for its kind.
fn width_of(widths: &HashMap<String, f64>, id: &str) -> f64 {
    widths.get(id).copied().unwrap_or(match id {
        SELECT_COLUMN => 34.0,
        "attributes.run_name" => 240.0,
        "attributes.start_time" => 150.0,
        "attributes.status" | "attributes.duration" => 96.0,
        _ => 120.0,
    })
}

fn widths_storage_key(experiment_id: &str) -> String {
    format!("labbook.widths.{experiment_id}")
}

/// One row on screen: what identifies it, and its cells as HTML.
#[derive(Debug, Clone, PartialEq)]
struct Visible {
    /// Changes whenever anything drawn in the row may have changed, so the row is rebuilt.
    key: String,
    position: usize,
    /// Empty for a group's header row.
    run_id: String,
    /// A group's header row: its key among expanded rows, and its runs.
    group: Option<(String, Vec<String>)>,
    depth: usize,
    deleted: bool,
    cells: String,
}

/// A run's cells after the checkbox, as HTML (every text escaped). Building rows from one
/// string each is far cheaper than building each cell; the expander is handled by one
/// listener on the table body (see `data-action`).
fn row_cells(
    run: &Run,
    line: &Line,
    columns: &[Column],
    route: &Route,
    experiment_names: &HashMap<String, String>,
    open: bool,
    now: i64,
) -> String {
    use format::html_escape as esc;
    use std::fmt::Write;
    let info = &run.info;
    let mut html = String::with_capacity(300 + 60 * columns.len());
    let mut target = Route::page(Page::Run {
        experiment_id: info.experiment_id.clone(),
        run_id: info.run_id.clone(),
    });
    target.query = route.query.clone();
    let _ = write!(
        html,
        r#"<div class="td name" role="cell" style="width:var(--w1);padding-left:{}px">"#,
        8 + 18 * line.depth
    );
    if line.children > 0 {
        let _ = write!(
            html,
            r#"<button class="expander" data-testid="run-expand" data-action="expand" title="Show or hide the child runs">{}<span class="children">{}</span></button>"#,
            if open { "▾" } else { "▸" },
            line.children
        );
    }
    if let Some(experiment) = experiment_names.get(&info.experiment_id) {
        let _ = write!(
            html,
            r#"<span class="badge experiment" title="experiment">{}</span> "#,
            esc(experiment)
        );
    }
    let status = info.status.as_str();
    let _ = write!(
        html,
        r#"<a href="{href}">{name}</a></div><div class="td" role="cell" style="width:var(--w2)"><span class="status {lower}">{status}</span></div><div class="td" role="cell" style="width:var(--w3)">{created}</div><div class="td" role="cell" style="width:var(--w4)">{duration}</div><div class="td" role="cell" style="width:var(--w5)">{user}</div>"#,
        href = esc(&target.to_hash()),
        name = esc(run.display_name()),
        lower = status.to_ascii_lowercase(),
        created = info.start_time.map(format::time).unwrap_or_default(),
        duration = run
            .duration_ms(now)
            .map(format::duration)
            .unwrap_or_default(),
        user = esc(&info.user_id),
    );
    for (n, column) in columns.iter().enumerate() {
        let value = esc(&column.cell(run).unwrap_or_default());
        let _ = write!(
            html,
            r#"<div class="td {}" role="cell" style="width:var(--w{})" title="{value}">{value}</div>"#,
            column.class(),
            n + 1 + FIXED.len(),
        );
    }
    html
}

/// A group's header cells, as HTML: its value and size, then min / mean / max of each metric
/// column over its runs, and the value of each param or tag column its runs share.
fn group_cells(group: &Group, runs: &[Run], columns: &[Column], open: bool) -> String {
    use format::html_escape as esc;
    use std::fmt::Write;
    let mut html = String::new();
    let _ = write!(
        html,
        r#"<div class="td name group" role="cell" style="width:calc(var(--w1) + var(--w2) + var(--w3) + var(--w4) + var(--w5))"><button class="expander" data-testid="group-expand" data-action="expand-group" title="Show or hide the runs of this group">{}</button><b>{}</b> <span class="muted">({} {})</span></div>"#,
        if open { "▾" } else { "▸" },
        esc(&group.value),
        group.members.len(),
        if group.members.len() == 1 {
            "run"
        } else {
            "runs"
        },
    );
    for (n, column) in columns.iter().enumerate() {
        let members = group.members.iter().map(|&i| &runs[i]);
        let value = match column {
            Column::Metric(key) => {
                let values: Vec<f64> = members
                    .filter_map(|r| r.latest_metric(key).map(|m| m.value))
                    .filter(|v| !v.is_nan())
                    .collect();
                if values.is_empty() {
                    String::new()
                } else {
                    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
                    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let mean = values.iter().sum::<f64>() / values.len() as f64;
                    format!(
                        "{} / {} / {}",
                        format::number(min),
                        format::number(mean),
                        format::number(max)
                    )
                }
            }
            _ => {
                let mut values = members.map(|r| column.cell(r));
                let first = values.next().flatten();
                if values.all(|v| v == first) {
                    first.unwrap_or_default()
                } else {
                    String::new()
                }
            }
        };
        let _ = write!(
            html,
            r#"<div class="td {}" role="cell" style="width:var(--w{})" title="{value}" data-testid="group-cell">{value}</div>"#,
            column.class(),
            n + 1 + FIXED.len(),
            value = esc(&value)
        );
    }
    html
}

/// The sort after a click on the header sorting by `clause`: a plain click sorts by it alone
/// (flipping the direction if it was the only key), shift adds it or flips it in place.
fn clicked_sort(current: &[String], clause: &str, shift: bool) -> Vec<String> {
    let base = |c: &str| {
        c.trim_end_matches(" DESC")
            .trim_end_matches(" ASC")
            .to_owned()
    };
    let found = current.iter().position(|c| base(c) == clause);
    let flipped = |c: &str| {
        if c.ends_with(" DESC") {
            format!("{clause} ASC")
        } else {
            format!("{clause} DESC")
        }
    };
    match (shift, found) {
        (true, Some(i)) => {
            let mut next = current.to_vec();
            next[i] = flipped(&current[i]);
            next
        }
        (true, None) => {
            let mut next = current.to_vec();
            next.push(format!("{clause} DESC"));
            next
        }
        (false, Some(0)) if current.len() == 1 => vec![flipped(&current[0])],
        (false, _) => vec![format!("{clause} DESC")],
    }
}

/// The `order_by` clause that sorts by the column with this id (keys quoted as needed).
fn sort_clause(column_id: &str) -> String {
    Column::parse(column_id).map_or_else(|| column_id.to_owned(), |c| c.clause())
}

/// The direction arrow (and position, when several keys) of a header.
fn sort_mark(current: &[String], clause: &str) -> String {
    current
        .iter()
        .position(|c| c.starts_with(clause) && c[clause.len()..].trim().len() <= 4)
        .map(|i| {
            let arrow = if current[i].ends_with(" ASC") {
                "▲"
            } else {
                "▼"
            };
            if current.len() > 1 {
                format!(" {arrow}{}", i + 1)
            } else {
                format!(" {arrow}")
            }
        })
        .unwrap_or_default()
}

const ENTITIES: [&str; 5] = ["metrics.", "params.", "tags.", "attributes.", "datasets."];
const ATTRIBUTES: [&str; 7] = [
    "run_name",
    "status",
    "start_time",
    "end_time",
    "user_id",
    "run_id",
    "artifact_uri",
];

/// Completions for the word being typed at the end of `text`.
fn suggestions(text: &str, keys: &Keys) -> Vec<String> {
    let word = text.rsplit(char::is_whitespace).next().unwrap_or_default();
    if word.is_empty() {
        return Vec::new();
    }
    let lower = word.to_lowercase();
    let mut out: Vec<String> = match word.split_once('.') {
        None => ENTITIES
            .iter()
            .map(|e| (*e).to_owned())
            .chain(ATTRIBUTES.iter().map(|a| (*a).to_owned()))
            .filter(|s| s.starts_with(&lower) && *s != word)
            .collect(),
        Some((entity, partial)) => {
            let partial = partial.trim_start_matches(['`', '"']).to_lowercase();
            let (prefix, list): (&str, Vec<String>) = match entity {
                "metrics" | "metric" => ("metrics", keys.metrics.clone()),
                "params" | "param" => ("params", keys.params.clone()),
                "tags" | "tag" => ("tags", keys.tags.clone()),
                "attributes" | "attribute" | "attr" | "run" => (
                    "attributes",
                    ATTRIBUTES.iter().map(|a| (*a).to_owned()).collect(),
                ),
                "datasets" | "dataset" => (
                    "datasets",
                    ["name", "digest", "context"].map(str::to_owned).to_vec(),
                ),
                _ => return Vec::new(),
            };
            list.into_iter()
                .filter(|k| k.to_lowercase().starts_with(&partial))
                .map(|k| format!("{prefix}.{}", quote_key(&k)))
                .filter(|s| s != word)
                .collect()
        }
    };
    out.truncate(8);
    out
}

/// `text` with its last word replaced by `completion`.
fn complete(text: &str, completion: &str) -> String {
    let cut = text.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let spacer = if completion.ends_with('.') { "" } else { " " };
    format!("{}{completion}{spacer}", &text[..cut])
}

/// Removes `item` from `list` if there, else adds it at the end.
fn toggle_in<T: PartialEq>(list: &mut Vec<T>, item: T) {
    match list.iter().position(|x| *x == item) {
        Some(i) => {
            list.remove(i);
        }
        None => list.push(item),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum TableState {
    Loading,
    Failed(String),
    Empty,
    Ready,
}

#[component]
pub fn RunsSection(experiment_id: String, deleted: Signal<bool>) -> impl IntoView {
    let app = use_app();
    let route = use_route_signal();
    let view = Memo::new(move |_| view_type(&route.get()));
    let id = StoredValue::new(experiment_id);
    // Other experiments whose runs are shown too (the URL's `with`).
    let also = Memo::new(move |_| {
        let mut ids = route.with(|r| r.ids("with"));
        ids.retain(|x| *x != id.get_value());
        ids
    });
    let experiments = LocalResource::new(move || {
        let tracker = app.tracker();
        app.revision.track();
        async move {
            tracker
                .experiments(ViewType::ActiveOnly)
                .await
                .unwrap_or_default()
        }
    });
    // Experiment names by id, when runs of several experiments are shown.
    let names = Memo::new(move |_| {
        if also.with(Vec::is_empty) {
            return HashMap::new();
        }
        experiments
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.experiment_id, e.name))
            .collect::<HashMap<_, _>>()
    });
    let runs = LocalResource::new(move || {
        let tracker = app.tracker();
        app.revision.track();
        let view = view.get();
        let mut ids = vec![id.get_value()];
        ids.extend(also.get());
        async move {
            let mut runs = tracker.runs(&ids, view).await?;
            sort_runs(&mut runs, &[]);
            Ok::<_, DomainError>(Rc::new(runs))
        }
    });
    // The last answer stays on screen while a newer one loads, so writes elsewhere (runs being
    // logged) do not blank the table or lose its scroll position.
    let latest = keep_last(runs);
    let loaded = move || latest.get().and_then(Result::ok);
    // Only a change of state redraws the table itself, not each newer list of runs.
    let state = Memo::new(move |_| {
        latest.with(|answer| match answer {
            None => TableState::Loading,
            Some(Err(e)) => TableState::Failed(e.message.clone()),
            Some(Ok(runs)) if runs.is_empty() => TableState::Empty,
            Some(Ok(_)) => TableState::Ready,
        })
    });
    let keys = Memo::new(move |_| loaded().map(|r| Keys::of(&r)).unwrap_or_default());

    // Settings from the URL.
    let applied_filter =
        Memo::new(move |_| route.with(|r| r.get("filter").unwrap_or("").to_owned()));
    let sort = Memo::new(move |_| route.with(|r| url_list(r, "sort").unwrap_or_default()));
    let selected = Memo::new(move |_| route.with(|r| r.ids("sel")));
    // The columns last chosen for this experiment, read once and kept in step with what is
    // written back; the URL's `cols` wins.
    let stored_columns = StoredValue::new(stored_column_ids(&id.get_value()));
    let columns = Memo::new(move |_| {
        let keys = keys.get();
        stored_columns
            .with_value(|stored| route.with(|r| chosen_columns(r, stored.as_deref(), &keys)))
    });
    let expanded = RwSignal::new(HashSet::<String>::new());
    let group = Memo::new(move |_| route.with(|r| r.get("group").and_then(GroupBy::parse)));

    // What is typed stays, valid or not; only a valid filter reaches the URL and the table.
    let typed = RwSignal::new(applied_filter.get_untracked());
    let filter_error = RwSignal::new(None::<FilterError>);
    // The URL's filter, parsed once per change (a hand-edited link may hold a bad one).
    let applied = Memo::new(move |_| Filter::parse(Target::Runs, &applied_filter.get()));
    let url_filter_error = Memo::new(move |_| applied.with(|a| a.as_ref().err().cloned()));
    let set_filter = move |text: String| {
        typed.set(text.clone());
        match Filter::parse(Target::Runs, &text) {
            Ok(_) => {
                filter_error.set(None);
                let value = text.trim();
                if route.with_untracked(|r| r.get("filter").unwrap_or("") != value) {
                    set_query(route, "filter", (!value.is_empty()).then_some(value));
                }
            }
            Err(e) => filter_error.set(Some(e)),
        }
    };

    let shown = Memo::new(move |_| {
        let Some(runs) = loaded() else {
            return Shown::default();
        };
        let group = group.get();
        applied.with(|filter| {
            let everything = Filter::default();
            let filter = filter.as_ref().unwrap_or(&everything);
            expanded.with(|open| sort.with(|s| arrange(&runs, filter, s, open, group.as_ref())))
        })
    });

    // Virtual scrolling.
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(600.0f64);
    let scroller = NodeRef::<leptos::html::Div>::new();
    let window_range = Memo::new(move |_| {
        let total = shown.with(|s| s.lines.len());
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize)
            .saturating_sub(OVERSCAN)
            .min(total);
        let count = (viewport.get() / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
        (first, (first + count).min(total))
    });
    let cursor = RwSignal::new(None::<usize>);
    // Shows or hides a parent's children or a group's runs.
    let toggle_open = move |key: String| {
        expanded.update(|open| {
            if !open.remove(&key) {
                open.insert(key);
            }
        })
    };
    // What every drawn row depends on besides its line: a change rebuilds the rows on screen.
    let generation = Memo::new(move |_| {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        loaded()
            .map(|runs| Rc::as_ptr(&runs) as usize)
            .hash(&mut hasher);
        columns.with(|c| c.hash(&mut hasher));
        expanded.with(|open| {
            let mut ids: Vec<&String> = open.iter().collect();
            ids.sort();
            ids.hash(&mut hasher);
        });
        route.with(|r| r.query.hash(&mut hasher));
        names.with(|n| n.len().hash(&mut hasher));
        hasher.finish()
    });
    let visible = Memo::new(move |_| {
        let Some(runs) = loaded() else {
            return Vec::new();
        };
        let (first, last) = window_range.get();
        let generation = generation.get();
        let now = now_ms();
        route.with(|route| {
            columns.with(|columns| {
                expanded.with(|open| {
                    shown.with(|shown| {
                        shown.lines[first..last]
                            .iter()
                            .enumerate()
                            .map(|(offset, line)| {
                                let run = &runs[line.index];
                                let position = first + offset;
                                if let Some(g) = line.group {
                                    let group = &shown.groups[g];
                                    let key = group.open_key();
                                    let is_open = open.contains(&key);
                                    return Visible {
                                        key: format!("{generation}:{position}:g{g}"),
                                        position,
                                        run_id: String::new(),
                                        group: Some((
                                            key,
                                            group
                                                .members
                                                .iter()
                                                .map(|&i| runs[i].info.run_id.clone())
                                                .collect(),
                                        )),
                                        depth: 0,
                                        deleted: false,
                                        cells: group_cells(group, &runs, columns, is_open),
                                    };
                                }
                                let is_open = open.contains(&run.info.run_id);
                                Visible {
                                    key: format!("{generation}:{position}:{}", line.index),
                                    position,
                                    run_id: run.info.run_id.clone(),
                                    group: None,
                                    depth: line.depth,
                                    deleted: run.info.lifecycle_stage == LifecycleStage::Deleted,
                                    cells: names.with(|names| {
                                        row_cells(run, line, columns, route, names, is_open, now)
                                    }),
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                })
            })
        })
    });

    // The chart view (the URL's `show=charts`): the selected runs, or the first shown.
    let charts_on = Memo::new(move |_| route.with(|r| r.get("show") == Some("charts")));
    let chart_runs = Memo::new(move |_| {
        if !charts_on.get() {
            return Vec::new();
        }
        let Some(runs) = loaded() else {
            return Vec::new();
        };
        let chosen = selected.get();
        let indices: Vec<usize> = if chosen.is_empty() {
            shown.with(|s| s.matching.iter().take(CHART_RUNS).copied().collect())
        } else {
            runs.iter()
                .enumerate()
                .filter(|(_, r)| chosen.contains(&r.info.run_id))
                .map(|(i, _)| i)
                .collect()
        };
        indices
            .into_iter()
            .map(|i| ChartRun {
                run_id: runs[i].info.run_id.clone(),
                label: runs[i].display_name().to_owned(),
                start_time: runs[i].info.start_time.unwrap_or(0),
            })
            .collect::<Vec<_>>()
    });
    let chart_keys = Memo::new(move |_| {
        let ids: Vec<String> = chart_runs.with(|r| r.iter().map(|c| c.run_id.clone()).collect());
        let mut keys: Vec<String> = loaded()
            .map(|runs| {
                runs.iter()
                    .filter(|r| ids.contains(&r.info.run_id))
                    .flat_map(|r| r.data.metrics.iter().map(|m| m.key.clone()))
                    .collect()
            })
            .unwrap_or_default();
        keys.sort();
        keys.dedup();
        keys
    });
    let open_run = move |index: usize| {
        if let Some(runs) = loaded() {
            let info = &runs[index].info;
            let mut target = Route::page(Page::Run {
                experiment_id: info.experiment_id.clone(),
                run_id: info.run_id.clone(),
            });
            target.query = route.get_untracked().query;
            navigate(&target);
        }
    };
    let set_selection = move |ids: Vec<String>| {
        let joined = ids.join(",");
        set_query(route, "sel", (!ids.is_empty()).then_some(joined.as_str()));
    };
    let toggle_selected = move |run_id: String| {
        let mut ids = selected.get_untracked();
        toggle_in(&mut ids, run_id);
        set_selection(ids);
    };
    let select_many = move |run_ids: Vec<String>, on: bool| {
        let mut ids = selected.get_untracked();
        ids.retain(|id| !run_ids.contains(id));
        if on {
            ids.extend(run_ids);
        }
        set_selection(ids);
    };
    let scroll_to = move |line: usize| {
        if let Some(el) = scroller.get_untracked() {
            let top = line as f64 * ROW_HEIGHT;
            let height = el.client_height() as f64 - ROW_HEIGHT;
            let current = el.scroll_top() as f64;
            if top < current {
                el.set_scroll_top(top as i32);
            } else if top + ROW_HEIGHT > current + height {
                el.set_scroll_top((top + ROW_HEIGHT - height) as i32);
            }
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let total = shown.with_untracked(|s| s.lines.len());
        if total == 0 {
            return;
        }
        let at = cursor.get_untracked();
        let index_at = |line: usize| {
            shown.with_untracked(|s| {
                s.lines
                    .get(line)
                    .filter(|l| l.group.is_none())
                    .map(|l| l.index)
            })
        };
        let group_at = |line: usize| {
            shown.with_untracked(|s| {
                s.lines
                    .get(line)
                    .and_then(|l| l.group)
                    .map(|g| s.groups[g].open_key())
            })
        };
        match ev.key().as_str() {
            "ArrowDown" | "j" => {
                ev.prevent_default();
                let next = at.map_or(0, |c| (c + 1).min(total - 1));
                cursor.set(Some(next));
                scroll_to(next);
            }
            "ArrowUp" | "k" => {
                ev.prevent_default();
                let next = at.map_or(0, |c| c.saturating_sub(1));
                cursor.set(Some(next));
                scroll_to(next);
            }
            "Home" | "End" => {
                ev.prevent_default();
                let next = if ev.key() == "Home" { 0 } else { total - 1 };
                cursor.set(Some(next));
                scroll_to(next);
            }
            "Enter" => {
                if let Some(index) = at.and_then(index_at) {
                    ev.prevent_default();
                    open_run(index);
                } else if let Some(key) = at.and_then(group_at) {
                    ev.prevent_default();
                    toggle_open(key);
                }
            }
            " " | "x" => {
                if let (Some(index), Some(runs)) = (at.and_then(index_at), loaded()) {
                    ev.prevent_default();
                    toggle_selected(runs[index].info.run_id.clone());
                }
            }
            _ => {}
        }
    };

    // `/` focuses the filter from anywhere but a text field.
    let search_box = NodeRef::<leptos::html::Input>::new();
    let slash = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if ev.key() == "/" && !typing && !ev.ctrl_key() && !ev.meta_key() {
            if let Some(input) = search_box.get_untracked() {
                ev.prevent_default();
                let _ = input.focus();
            }
        }
    });
    on_cleanup(move || slash.remove());

    let focused = RwSignal::new(false);
    let offered = Memo::new(move |_| {
        if !focused.get() {
            return Vec::new();
        }
        keys.with(|k| typed.with(|t| suggestions(t, k)))
    });

    let error = RwSignal::new(None::<String>);
    let bulk = move |restore: bool| {
        let ids = selected.get_untracked();
        let tracker = app.tracker();
        run_action(error, async move {
            for id in &ids {
                if restore {
                    tracker.restore_run(id).await?;
                } else {
                    tracker.delete_run(id).await?;
                }
            }
            Ok(())
        });
    };
    let export_selected = move |format: ExportFormat| {
        let ids = selected.get_untracked();
        let tracker = app.tracker();
        let stem = format!("runs-{}", ids.len());
        run_action(error, async move {
            export(tracker, ExportScope::Runs(ids), format, &stem).await
        });
    };

    let set_view = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let current = route.get_untracked();
        navigate(&current.with("view", (value != "active").then_some(value.as_str())));
    };
    let creating = RwSignal::new(false);
    let toggle_column = move |column: Column| {
        let mut current = columns.get_untracked();
        toggle_in(&mut current, column);
        let ids: Vec<String> = current.iter().map(Column::id).collect();
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(&columns_storage_key(&id.get_value()), &ids.join("\n"));
        }
        stored_columns.set_value(Some(ids.clone()));
        // An empty choice is kept as one empty line, so it is not mistaken for "no choice".
        let value = if ids.is_empty() {
            "\n".to_owned()
        } else {
            ids.join("\n")
        };
        set_query(route, "cols", Some(&value));
    };
    let header_click = move |clause: String, shift: bool| {
        let next = sort.with_untracked(|s| clicked_sort(s, &clause, shift));
        replace(route, with_list(&route.get_untracked(), "sort", &next));
    };

    // Column widths: dragged on a header's right edge, kept per experiment.
    let widths = RwSignal::new(
        local_storage()
            .and_then(|s| {
                s.get_item(&widths_storage_key(&id.get_value()))
                    .ok()
                    .flatten()
            })
            .and_then(|text| serde_json::from_str::<HashMap<String, f64>>(&text).ok())
            .unwrap_or_default(),
    );
    let column_ids = move || {
        std::iter::once(SELECT_COLUMN.to_owned())
            .chain(FIXED.iter().map(|(_, id, _)| (*id).to_owned()))
            .chain(columns.with(|c| c.iter().map(Column::id).collect::<Vec<_>>()))
            .collect::<Vec<_>>()
    };
    // The column being resized: its id, and where the drag started (x, width).
    let dragging = RwSignal::new(None::<(String, f64, f64)>);
    let drag_move = window_event_listener(leptos::ev::mousemove, move |ev| {
        if let Some((column, x, width)) = dragging.get_untracked() {
            let next = (width + ev.client_x() as f64 - x).max(40.0);
            widths.update(|w| {
                w.insert(column, next);
            });
        }
    });
    let drag_end = window_event_listener(leptos::ev::mouseup, move |_| {
        if dragging.get_untracked().is_some() {
            dragging.set(None);
            if let (Some(storage), Ok(text)) = (
                local_storage(),
                serde_json::to_string(&widths.get_untracked()),
            ) {
                let _ = storage.set_item(&widths_storage_key(&id.get_value()), &text);
            }
        }
    });
    on_cleanup(move || {
        drag_move.remove();
        drag_end.remove();
    });
    let header = move |column: String,
                       label: String,
                       class: &'static str,
                       sortable: bool,
                       index: usize| {
        let mark_column = column.clone();
        let (click_column, drag_column) = (column.clone(), column.clone());
        view! {
            <div class=format!("th {class} {}", if sortable { "sortable" } else { "" })
                role="columnheader" style=format!("width:var(--w{index})")
                data-testid="column-header" data-column=column
                title=if sortable { "Sort (shift-click to add a key); drag the edge to resize" } else { "" }
                on:click=move |ev| {
                    if sortable {
                        header_click(sort_clause(&click_column), ev.shift_key());
                    }
                }>
                {label}{move || sort.with(|s| sort_mark(s, &sort_clause(&mark_column)))}
                <span class="resize" data-testid="column-resize"
                    on:click=|ev| ev.stop_propagation()
                    on:mousedown=move |ev| {
                        ev.prevent_default();
                        ev.stop_propagation();
                        let width = widths.with_untracked(|w| width_of(w, &drag_column));
                        dragging.set(Some((drag_column.clone(), ev.client_x() as f64, width)));
                    }></span>
            </div>
        }
    };
    // One listener for every row: expanders, and the row under the cursor.
    let row_event = move |ev: &leptos::ev::MouseEvent| {
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let Some(row) = target.closest("[data-position]").ok().flatten() else {
            return;
        };
        let run_id = row.get_attribute("data-run-id").unwrap_or_default();
        let group_key = row.get_attribute("data-group").unwrap_or_default();
        let action = target
            .closest("[data-action]")
            .ok()
            .flatten()
            .and_then(|el| el.get_attribute("data-action"));
        match action.as_deref() {
            Some("expand") => toggle_open(run_id),
            Some("expand-group") => toggle_open(group_key),
            _ => {
                if let Some(position) = row
                    .get_attribute("data-position")
                    .and_then(|p| p.parse().ok())
                {
                    cursor.set(Some(position));
                }
            }
        }
    };

    view! {
        <section class="runs">
            <div class="section-head">
                <h2>"Runs"</h2>
                <span class="count" data-testid="runs-count">
                    {move || loaded().map(|runs| {
                        let total = runs.len();
                        let matching = shown.with(|s| s.matching.len());
                        let noun = if total == 1 { "run" } else { "runs" };
                        if matching == total {
                            format!("{total} {noun}")
                        } else {
                            format!("{matching} of {total} {noun}")
                        }
                    })}
                </span>
                <div class="actions">
                    <select data-testid="run-view" on:change=set_view
                        prop:value=move || match view.get() {
                            ViewType::ActiveOnly => "active",
                            ViewType::DeletedOnly => "deleted",
                            ViewType::All => "all",
                        }>
                        <option value="active">"Active"</option>
                        <option value="deleted">"Deleted"</option>
                        <option value="all">"All"</option>
                    </select>
                    <details class="column-picker" data-testid="experiment-picker">
                        <summary class="button secondary">"Experiments"</summary>
                        <div class="options">
                            {move || experiments.get().unwrap_or_default().into_iter()
                                .filter(|e| e.experiment_id != id.get_value())
                                .map(|e| {
                                    let eid = e.experiment_id.clone();
                                    let (checked_id, attr_id) = (eid.clone(), eid.clone());
                                    view! {
                                        <label data-testid="experiment-option" data-experiment-id=attr_id>
                                            <input type="checkbox"
                                                prop:checked=move || also.with(|a| a.contains(&checked_id))
                                                on:change=move |_| {
                                                    let mut ids = also.get_untracked();
                                                    toggle_in(&mut ids, eid.clone());
                                                    let joined = ids.join(",");
                                                    set_query(route, "with", (!ids.is_empty()).then_some(joined.as_str()));
                                                }/>
                                            {format!("Also show runs of {}", e.name)}
                                        </label>
                                    }
                                }).collect_view()}
                        </div>
                    </details>
                    <select data-testid="group-by" title="Group runs by a param, tag or dataset"
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            set_query(route, "group", (!value.is_empty()).then_some(value.as_str()));
                        }>
                        <option value="">"No grouping"</option>
                        {move || {
                            let current = route.with(|r| r.get("group").unwrap_or("").to_owned());
                            let keys = keys.get();
                            keys.params.iter().map(|k| format!("params.{k}"))
                                .chain(keys.tags.iter().map(|k| format!("tags.{k}")))
                                .chain(["datasets.name", "datasets.digest", "datasets.context"].map(str::to_owned))
                                .map(|value| {
                                    let chosen = value == current;
                                    let label = format!("Group by {value}");
                                    view! { <option value=value selected=chosen>{label}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                    <button class="secondary" data-testid="runs-show-charts"
                        title="Charts of the selected runs (or the first shown), one per metric"
                        on:click=move |_| {
                            let on = !charts_on.get_untracked();
                            set_query(route, "show", on.then_some("charts"));
                        }>
                        {move || if charts_on.get() { "Hide charts" } else { "Charts" }}
                    </button>
                    <ColumnPicker keys=keys columns=columns toggle=Callback::new(toggle_column)/>
                    <Show when=move || !deleted.get()>
                        <button data-testid="run-new" on:click=move |_| creating.update(|c| *c = !*c)>"+ New run"</button>
                    </Show>
                </div>
            </div>
            <Show when=move || creating.get()>
                <NewRunForm experiment_id=id.get_value() on_done=Callback::new(move |_| creating.set(false))/>
            </Show>
            <div class="search">
                <input type="search" class="search-input" data-testid="search-input" node_ref=search_box
                    placeholder="Filter runs: metrics.rmse < 1 and params.model = 'tree'   (press / to focus)"
                    spellcheck="false" autocomplete="off"
                    prop:value=move || typed.get()
                    on:input=move |ev| set_filter(event_target_value(&ev))
                    on:focus=move |_| focused.set(true)
                    on:blur=move |_| focused.set(false)
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Tab" && !ev.shift_key() {
                            if let Some(first) = offered.get_untracked().first() {
                                ev.prevent_default();
                                set_filter(complete(&typed.get_untracked(), first));
                            }
                        }
                    }/>
                <Show when=move || !offered.with(Vec::is_empty)>
                    <ul class="suggestions" data-testid="search-suggestions">
                        <For each=move || offered.get() key=|s| s.clone() let:item>
                            <li data-testid="search-suggestion"
                                on:mousedown=move |ev| {
                                    ev.prevent_default();
                                    set_filter(complete(&typed.get_untracked(), &item));
                                }>{item.clone()}</li>
                        </For>
                    </ul>
                </Show>
                {move || filter_error.get().or_else(|| url_filter_error.get()).map(|e| {
                    let text = typed.get_untracked();
                    let marker = format!("{}^", " ".repeat(text.get(..e.span.start).map_or(0, |t| t.chars().count())));
                    view! {
                        <div class="search-error" data-testid="search-error" role="alert">
                            <pre class="where">{text}"\n"{marker}</pre>
                            <p>{format!("Column {}: {}", e.column, e.message)}</p>
                        </div>
                    }
                })}
            </div>
            <ErrorLine error=error/>
            <Show when=move || !selected.with(Vec::is_empty)>
                <div class="selection-bar" data-testid="selection-bar">
                    <span data-testid="selection-count">{move || match selected.with(Vec::len) {
                        1 => "1 run selected".to_owned(),
                        n => format!("{n} runs selected"),
                    }}</span>
                    <button data-testid="selection-compare" title="The selected runs side by side"
                        disabled=move || selected.with(Vec::len) < 2
                        on:click=move |_| {
                            let mut target = Route::page(Page::Compare);
                            target.query.push(("runs".to_owned(), selected.get_untracked().join(",")));
                            navigate(&target);
                        }>"Compare"</button>
                    <button class="secondary" data-testid="selection-delete" on:click=move |_| bulk(false)>"Delete"</button>
                    <button class="secondary" data-testid="selection-restore" on:click=move |_| bulk(true)>"Restore"</button>
                    <button class="secondary" data-testid="selection-export-json" title="The selected runs as a JSON bundle"
                        on:click=move |_| export_selected(ExportFormat::BundleJson)>"Export .json"</button>
                    <button class="secondary" data-testid="selection-export-zip" title="The selected runs with their artifacts as a zip"
                        on:click=move |_| export_selected(ExportFormat::BundleZip)>"Export .zip"</button>
                    <button class="secondary" data-testid="selection-clear" on:click=move |_| set_selection(Vec::new())>"Clear"</button>
                </div>
            </Show>
            {move || match state.get() {
                TableState::Loading => view! { <p class="muted">"Loading runs…"</p> }.into_any(),
                TableState::Failed(message) => view! { <p class="error-line">{message}</p> }.into_any(),
                TableState::Empty => view! {
                    <div class="empty" data-testid="runs-empty">
                        <p>"No runs here yet."</p>
                        <p class="muted">
                            "Create one with “+ New run”, or log from code with "
                            <code>"labbook.rest(\"POST\", \"/api/2.0/mlflow/runs/create\", {experiment_id: \""{id.get_value()}"\"})"</code>
                            " in the browser console."
                        </p>
                    </div>
                }.into_any(),
                TableState::Ready => view! {
                    <div class="table-scroll" node_ref=scroller tabindex="0" data-testid="runs-scroll"
                        on:scroll=move |ev| {
                            let el = event_target::<web_sys::Element>(&ev);
                            scroll_top.set(el.scroll_top() as f64);
                            viewport.set(el.client_height() as f64);
                        }
                        on:keydown=on_keydown>
                        <div class="runs-table" role="table" data-testid="runs-table"
                            style=move || widths.with(|w| {
                                let ids = column_ids();
                                let total: f64 = ids.iter().map(|c| width_of(w, c)).sum();
                                let vars: String = ids.iter().enumerate()
                                    .map(|(n, c)| format!("--w{n}:{}px;", width_of(w, c)))
                                    .collect();
                                format!("{vars}width:{total}px")
                            })>
                            <div class="grid-head" role="row">
                                <div class="th select" role="columnheader" style="width:var(--w0)">
                                    <input type="checkbox" data-testid="runs-select-all" title="Select every run shown"
                                        prop:checked=move || {
                                            let n = selected.with(Vec::len);
                                            n > 0 && n >= shown.with(|s| s.matching.len())
                                        }
                                        on:change=move |ev| {
                                            let all = event_target_checked(&ev);
                                            let ids = match (all, loaded()) {
                                                (true, Some(runs)) => shown.with_untracked(|s| {
                                                    s.matching.iter().map(|&i| runs[i].info.run_id.clone()).collect()
                                                }),
                                                _ => Vec::new(),
                                            };
                                            set_selection(ids);
                                        }/>
                                </div>
                                {FIXED.iter().enumerate().map(|(n, (label, id, sortable))| {
                                    header((*id).to_owned(), (*label).to_owned(), "", *sortable, n + 1)
                                }).collect_view()}
                                {move || columns.get().into_iter().enumerate().map(|(n, column)| {
                                    header(column.id(), column.key().to_owned(), column.class(), true, n + 1 + FIXED.len())
                                }).collect_view()}
                            </div>
                            <div class="grid-body" role="rowgroup"
                                style:height=move || format!("{}px", shown.with(|s| s.lines.len()) as f64 * ROW_HEIGHT)
                                on:click=move |ev| row_event(&ev)>
                                <For each=move || visible.get() key=|row| row.key.clone() let:row>
                                    {
                                        let position = row.position;
                                        let top = format!("{}px", position as f64 * ROW_HEIGHT);
                                        match row.group {
                                            Some((key, members)) => {
                                                let ids = members.clone();
                                                let all_in = move |s: &Vec<String>| members.iter().all(|m| s.contains(m));
                                                let (checked, toggle) = (all_in.clone(), all_in);
                                                view! {
                                                    <div class="row group" role="row" data-testid="group-row" data-group=key
                                                        data-position=position style:top=top
                                                        class:cursor=move || cursor.get() == Some(position)>
                                                        <div class="td select" role="cell" style="width:var(--w0)">
                                                            <input type="checkbox" data-testid="group-select" aria-label="Select the runs of this group"
                                                                prop:checked=move || selected.with(&checked)
                                                                on:click=move |ev| {
                                                                    ev.stop_propagation();
                                                                    let on = !selected.with_untracked(&toggle);
                                                                    select_many(ids.clone(), on);
                                                                }/>
                                                        </div>
                                                        <div class="cells" inner_html=row.cells></div>
                                                    </div>
                                                }.into_any()
                                            }
                                            None => {
                                                let (check_id, toggle_id, class_id) = (row.run_id.clone(), row.run_id.clone(), row.run_id.clone());
                                                view! {
                                                    <div class="row" role="row" data-testid="run-row" data-run-id=row.run_id.clone()
                                                        data-depth=row.depth data-position=position
                                                        style:top=top
                                                        class:deleted=row.deleted
                                                        class:selected=move || selected.with(|s| s.contains(&class_id))
                                                        class:cursor=move || cursor.get() == Some(position)>
                                                        <div class="td select" role="cell" style="width:var(--w0)">
                                                            <input type="checkbox" data-testid="run-select" aria-label="Select run"
                                                                prop:checked=move || selected.with(|s| s.contains(&check_id))
                                                                on:click=move |ev| {
                                                                    ev.stop_propagation();
                                                                    toggle_selected(toggle_id.clone());
                                                                }/>
                                                        </div>
                                                        <div class="cells" inner_html=row.cells></div>
                                                    </div>
                                                }.into_any()
                                            }
                                        }
                                    }
                                </For>
                            </div>
                        </div>
                        {move || (shown.with(|s| s.matching.is_empty()) && loaded().is_some_and(|r| !r.is_empty())).then(|| view! {
                            <p class="muted no-match" data-testid="runs-no-match">"No run matches the filter."</p>
                        })}
                    </div>
                }.into_any(),
            }}
            <Show when=move || charts_on.get()>
                <RunCharts runs=chart_runs keys=chart_keys/>
            </Show>
        </section>
    }
}

#[component]
fn ColumnPicker(
    keys: Memo<Keys>,
    columns: Memo<Vec<Column>>,
    toggle: Callback<Column>,
) -> impl IntoView {
    view! {
        <details class="column-picker" data-testid="column-picker">
            <summary class="button secondary">"Columns"</summary>
            <div class="options">
                {move || keys.get().all_columns().into_iter().map(|column| {
                    let id = column.id();
                    let label = id.clone();
                    let checked_column = column.clone();
                    view! {
                        <label data-testid="column-option" data-column=id>
                            <input type="checkbox"
                                prop:checked=move || columns.with(|c| c.contains(&checked_column))
                                on:change=move |_| toggle.run(column.clone())/>
                            {label}
                        </label>
                    }
                }).collect_view()}
            </div>
        </details>
    }
}

#[component]
fn NewRunForm(experiment_id: String, on_done: Callback<()>) -> impl IntoView {
    use futures::FutureExt;
    let app = use_app();
    let action: NameAction = Callback::new(move |run_name: String| {
        let tracker = app.tracker();
        let experiment_id = experiment_id.clone();
        async move {
            tracker
                .create_run(NewRun {
                    experiment_id,
                    user_id: UI_USER.to_owned(),
                    run_name: (!run_name.is_empty()).then_some(run_name),
                    start_time: Some(now_ms()),
                    tags: vec![],
                })
                .await?;
            on_done.run(());
            Ok(())
        }
        .boxed_local()
    });
    view! {
        <NameForm placeholder="Run name (optional)" input_testid="run-name-input"
            button_testid="run-create" button_label="Create run" action=action/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_clicks_build_the_sort() {
        let none: Vec<String> = vec![];
        let one = clicked_sort(&none, "metrics.rmse", false);
        assert_eq!(one, ["metrics.rmse DESC"]);
        let flipped = clicked_sort(&one, "metrics.rmse", false);
        assert_eq!(flipped, ["metrics.rmse ASC"]);
        let two = clicked_sort(&flipped, "params.lr", true);
        assert_eq!(two, ["metrics.rmse ASC", "params.lr DESC"]);
        assert_eq!(
            clicked_sort(&two, "params.lr", true),
            ["metrics.rmse ASC", "params.lr ASC"]
        );
        assert_eq!(clicked_sort(&two, "params.lr", false), ["params.lr DESC"]);
        assert_eq!(sort_mark(&two, "params.lr"), " ▼2");
        assert_eq!(sort_mark(&two, "params.l"), "");
    }

    #[test]
    fn suggests_keys_for_the_last_word() {
        let keys = Keys {
            metrics: vec!["rmse".into(), "r2 score".into()],
            params: vec!["lr".into()],
            tags: vec![],
        };
        assert_eq!(suggestions("met", &keys), ["metrics."]);
        assert_eq!(
            suggestions("metrics.r", &keys),
            ["metrics.rmse", "metrics.`r2 score`"]
        );
        assert_eq!(suggestions("metrics.rmse < 1 and par", &keys), ["params."]);
        assert!(suggestions("metrics.rmse < 1 ", &keys).is_empty());
        assert_eq!(
            complete("metrics.rmse < 1 and par", "params."),
            "metrics.rmse < 1 and params."
        );
        assert_eq!(complete("params.l", "params.lr"), "params.lr ");
    }

    #[test]
    fn quotes_keys_that_need_it() {
        assert_eq!(quote_key("rmse"), "rmse");
        assert_eq!(quote_key("val/loss"), "`val/loss`");
        assert_eq!(Column::Metric("a b".into()).clause(), "metrics.`a b`");
        assert_eq!(
            Column::parse("params.x.y"),
            Some(Column::Param("x.y".into()))
        );
    }
}
