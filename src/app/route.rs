//! Where the user is, kept in the URL's hash (`#/experiments/1/runs/<id>?view=all`), so that
//! every view survives a reload on a plain static server, from any sub-folder, with no
//! rewrite rules.

use leptos::prelude::*;

use crate::codec::percent::{decode, encode};

/// The page shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// No experiment chosen yet: the first active one is shown.
    Home,
    /// Import and export.
    Transfer,
    /// Runs side by side (which runs: the query's `runs`).
    Compare,
    Experiment(String),
    Run {
        experiment_id: String,
        run_id: String,
    },
    /// The registered models (and the board of all of them).
    Models,
    /// A registered model: its versions, board, aliases.
    Model(String),
    /// One version of a registered model.
    Version {
        name: String,
        version: String,
    },
}

/// A page and its view settings (`key=value` pairs after `?`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub page: Page,
    pub query: Vec<(String, String)>,
}

impl Route {
    pub fn page(page: Page) -> Route {
        Route {
            page,
            query: Vec::new(),
        }
    }

    /// Reads a location hash such as `#/experiments/1?view=all`.
    pub fn parse(hash: &str) -> Route {
        let hash = hash.trim_start_matches('#');
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        let parts: Vec<String> = path
            .split('/')
            .filter(|p| !p.is_empty())
            .map(decode)
            .collect();
        let page = match parts.as_slice() {
            [i] if i == "import" => Page::Transfer,
            [c] if c == "compare" => Page::Compare,
            [m] if m == "models" => Page::Models,
            [m, name] if m == "models" => Page::Model(name.clone()),
            [m, name, v, version] if m == "models" && v == "versions" => Page::Version {
                name: name.clone(),
                version: version.clone(),
            },
            [e, id] if e == "experiments" => Page::Experiment(id.clone()),
            [e, id, r, run] if e == "experiments" && r == "runs" => Page::Run {
                experiment_id: id.clone(),
                run_id: run.clone(),
            },
            _ => Page::Home,
        };
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k), decode(v))
            })
            .collect();
        Route { page, query }
    }

    /// The hash for this route, starting with `#/`.
    pub fn to_hash(&self) -> String {
        let path = match &self.page {
            Page::Home => String::new(),
            Page::Transfer => "import".to_owned(),
            Page::Compare => "compare".to_owned(),
            Page::Models => "models".to_owned(),
            Page::Model(name) => format!("models/{}", encode(name)),
            Page::Version { name, version } => {
                format!("models/{}/versions/{}", encode(name), encode(version))
            }
            Page::Experiment(id) => format!("experiments/{}", encode(id)),
            Page::Run {
                experiment_id,
                run_id,
            } => format!(
                "experiments/{}/runs/{}",
                encode(experiment_id),
                encode(run_id)
            ),
        };
        let query: Vec<String> = self
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        if query.is_empty() {
            format!("#/{path}")
        } else {
            format!("#/{path}?{}", query.join("&"))
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A comma-separated list of ids (`sel`, `with`, `runs`), empty when absent.
    pub fn ids(&self, key: &str) -> Vec<String> {
        self.get(key)
            .unwrap_or_default()
            .split(',')
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The same route with `key` set to `value`, or removed when `value` is `None`.
    pub fn with(&self, key: &str, value: Option<&str>) -> Route {
        let mut route = self.clone();
        route.query.retain(|(k, _)| k != key);
        if let Some(v) = value {
            route.query.push((key.to_owned(), v.to_owned()));
        }
        route
    }
}

/// The current route, following the address bar.
pub fn use_route() -> RwSignal<Route> {
    let route = RwSignal::new(Route::parse(&current_hash()));
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        route.set(Route::parse(&current_hash()));
    });
    on_cleanup(move || handle.remove());
    route
}

fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

/// Goes to `route`, adding a history entry so Back works.
pub fn navigate(route: &Route) {
    let _ = window().location().set_hash(&route.to_hash());
}

/// Puts `route` in the address bar in place of the current entry (for settings that change
/// as the user types or clicks, which Back should not replay one by one).
pub fn replace(signal: RwSignal<Route>, route: Route) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&route.to_hash()),
        );
    }
    signal.set(route);
}

/// Sets (or with `None` removes) one view setting of the current route, without a new
/// history entry.
pub fn set_query(signal: RwSignal<Route>, key: &str, value: Option<&str>) {
    let current = signal.get_untracked();
    replace(signal, current.with(key, value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_round_trip() {
        for hash in [
            "#/",
            "#/experiments/12",
            "#/experiments/1/runs/abc123",
            "#/experiments/1?view=all&experiments=all",
            "#/experiments/a%20b",
            "#/import",
            "#/compare?runs=a%2Cb",
            "#/models",
            "#/models/nyc%20taxi%2Fv2?view=aliases",
            "#/models/taxi/versions/3",
        ] {
            assert_eq!(Route::parse(hash).to_hash(), hash);
        }
        assert_eq!(Route::parse("").page, Page::Home);
        assert_eq!(
            Route::parse("#/models/a%2Fb/versions/2").page,
            Page::Version {
                name: "a/b".into(),
                version: "2".into()
            }
        );
        assert_eq!(Route::parse("#/nonsense/x/y").page, Page::Home);
        let route = Route::parse("#/experiments/1?view=deleted");
        assert_eq!(route.get("view"), Some("deleted"));
        assert_eq!(route.with("view", None).to_hash(), "#/experiments/1");
        assert_eq!(
            Route::parse("#/compare?runs=a%2C%2Cb").ids("runs"),
            ["a", "b"]
        );
        assert!(route.ids("runs").is_empty());
    }
}
