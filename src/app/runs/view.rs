//! The runs table's view settings as one plain type, read from the [`Route`] and written back
//! to it: which runs (`view`), the filter, the sort, the columns, the grouping, the other
//! experiments shown (`with`), the selection (`sel`) and the chart view (`show=charts`).

use crate::app::route::Route;
use crate::domain::ViewType;

use super::arrange::GroupBy;

/// The URL keys of the runs table's settings.
pub mod keys {
    pub const VIEW: &str = "view";
    pub const FILTER: &str = "filter";
    pub const SORT: &str = "sort";
    pub const COLUMNS: &str = "cols";
    pub const GROUP: &str = "group";
    pub const WITH: &str = "with";
    pub const SELECTED: &str = "sel";
    pub const SHOW: &str = "show";
}

/// Everything the URL says about how the table looks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableView {
    pub view: ViewType,
    /// The filter as applied (it may still be one MLflow refuses, from a hand-edited link).
    pub filter: String,
    /// `order_by` clauses, most significant first.
    pub sort: Vec<String>,
    /// Column ids (`metrics.x`, `params.y`, `tags.z`) when chosen in the URL.
    pub columns: Option<Vec<String>>,
    pub group: Option<GroupBy>,
    /// Other experiments whose runs are shown too.
    pub with: Vec<String>,
    pub selected: Vec<String>,
    pub charts: bool,
}

impl TableView {
    /// The settings of `route`; `experiment_id` is left out of `with`.
    pub fn read(route: &Route, experiment_id: &str) -> TableView {
        let mut with = route.ids(keys::WITH);
        with.retain(|x| x != experiment_id);
        TableView {
            view: match route.get(keys::VIEW) {
                Some("deleted") => ViewType::DeletedOnly,
                Some("all") => ViewType::All,
                _ => ViewType::ActiveOnly,
            },
            filter: route.get(keys::FILTER).unwrap_or_default().to_owned(),
            sort: lines(route, keys::SORT).unwrap_or_default(),
            columns: lines(route, keys::COLUMNS),
            group: route.get(keys::GROUP).and_then(GroupBy::parse),
            with,
            selected: route.ids(keys::SELECTED),
            charts: route.get(keys::SHOW) == Some("charts"),
        }
    }

    /// The `view` value for `view` (absent for the default, active runs).
    pub fn view_value(view: ViewType) -> &'static str {
        match view {
            ViewType::ActiveOnly => "active",
            ViewType::DeletedOnly => "deleted",
            ViewType::All => "all",
        }
    }
}

/// A list setting kept in the URL, one item per line.
fn lines(route: &Route, key: &str) -> Option<Vec<String>> {
    route.get(key).map(|v| {
        v.split('\n')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
}

/// `route` with the list setting `key` holding `items`, one per line (removed when empty).
pub fn with_lines(route: &Route, key: &str, items: &[String]) -> Route {
    let joined = items.join("\n");
    route.with(key, (!items.is_empty()).then_some(joined.as_str()))
}

/// The value of `cols` for a column choice: an empty choice is one empty line, so that it is
/// not mistaken for "no choice".
pub fn columns_value(ids: &[String]) -> String {
    if ids.is_empty() {
        "\n".to_owned()
    } else {
        ids.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::route::Page;

    fn route(query: &[(&str, &str)]) -> Route {
        let mut route = Route::page(Page::Experiment("1".into()));
        route.query = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        route
    }

    #[test]
    fn reads_every_setting() {
        let view = TableView::read(
            &route(&[
                ("view", "all"),
                ("filter", "metrics.rmse < 1"),
                ("sort", "metrics.rmse ASC\nparams.lr DESC"),
                ("cols", "metrics.rmse\nparams.lr"),
                ("group", "params.model"),
                ("with", "1,2,3"),
                ("sel", "a,b"),
                ("show", "charts"),
            ]),
            "1",
        );
        assert_eq!(view.view, ViewType::All);
        assert_eq!(view.filter, "metrics.rmse < 1");
        assert_eq!(view.sort, ["metrics.rmse ASC", "params.lr DESC"]);
        assert_eq!(
            view.columns.as_deref(),
            Some(&["metrics.rmse".to_owned(), "params.lr".to_owned()][..])
        );
        assert_eq!(view.group, Some(GroupBy::Param("model".into())));
        assert_eq!(view.with, ["2", "3"]);
        assert_eq!(view.selected, ["a", "b"]);
        assert!(view.charts);
    }

    #[test]
    fn defaults_when_the_url_is_silent() {
        let view = TableView::read(&route(&[("view", "nonsense")]), "1");
        assert_eq!(view, TableView::default());
    }

    #[test]
    fn an_empty_column_choice_survives_the_url() {
        let written = route(&[]).with(keys::COLUMNS, Some(&columns_value(&[])));
        let parsed = Route::parse(&written.to_hash());
        assert_eq!(TableView::read(&parsed, "1").columns, Some(vec![]));
        let sorted = with_lines(&route(&[]), keys::SORT, &["a DESC".into(), "b ASC".into()]);
        let parsed = Route::parse(&sorted.to_hash());
        assert_eq!(TableView::read(&parsed, "1").sort, ["a DESC", "b ASC"]);
        assert_eq!(with_lines(&sorted, keys::SORT, &[]).get(keys::SORT), None);
    }
}
