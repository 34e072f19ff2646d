//! The runs table's state: the runs loaded, the settings from the URL, what is shown, and the
//! actions on them, as one `Copy` value the table's components share.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use leptos::prelude::*;

use crate::app::chart::ChartRun;
use crate::app::hooks::{use_local_storage, UseLocalStorage, UseLocalStorageOptions};
use crate::app::notices::follow;
use crate::app::route::{navigate, replace, set_query, Page, Route};
use crate::app::{keep_last, use_app, AppState};
use crate::domain::{DomainError, Run, RunKeys, ViewType};
use crate::search::{sort_alike, sort_runs, Filter, FilterError, Target};
use crate::store::ChangeSet;

use super::arrange::{arrange, keeps_arrangement, Shown};
use super::columns::{chosen_columns, clicked_sort, Column};
use super::view::{columns_value, keys, with_lines, TableView};

/// Runs charted when none is selected: the first ones shown.
const CHART_RUNS: usize = 10;

/// Whether there is anything to show yet.
#[derive(Debug, Clone, PartialEq)]
pub enum TableState {
    Loading,
    Failed(String),
    Empty,
    Ready,
}

/// The runs of a table as last loaded.
type Answer = Option<Result<Rc<Vec<Run>>, DomainError>>;

/// Reads again the runs a notice names among those of the table's experiments and puts them
/// in place (or in, or out, as the view wants) in the list shown, which stays otherwise as it
/// was: logging to one run never re-lists the others, and re-arranges the table or re-reads
/// its keys only when the run's new values could change them.
fn patch_changed_runs(
    app: AppState,
    table: RunsTable,
    view: Memo<ViewType>,
    also: Memo<Vec<String>>,
) {
    Effect::new(move |_| {
        let mut ids = vec![table.experiment_id.get_value()];
        ids.extend(also.get_untracked());
        // The runs this tab wrote come with the notice; the others are read.
        // Calm notices: while a run logs, its row is drawn again twice a second, not on
        // every write (each frame the browser draws costs milliseconds whatever changed).
        let (written, to_read): (Vec<Run>, Vec<String>) = app.calm_notice.with(|n| {
            if n.changes.everything {
                return Default::default();
            }
            let mut written = Vec::new();
            let mut to_read = Vec::new();
            for run_id in n.changes.runs_of(&ids) {
                match n.changes.written_runs.get(&run_id) {
                    Some(run) => written.push(run.clone()),
                    None => to_read.push(run_id),
                }
            }
            (written, to_read)
        });
        if written.is_empty() && to_read.is_empty() {
            return;
        }
        let view = view.get_untracked();
        let tracker = app.tracker();
        leptos::task::spawn_local(async move {
            let mut fresh = written;
            for run_id in &to_read {
                if let Ok(run) = tracker.run(run_id).await {
                    fresh.push(run);
                }
            }
            // The table may have gone (another page opened) while the runs were read.
            if table.answer.is_disposed() {
                return;
            }
            let mut outcome = Patch::Replaced(Vec::new());
            table.answer.update(|answer| {
                if let Some(Ok(runs)) = answer {
                    outcome = patch(Rc::make_mut(runs), fresh, view);
                }
            });
            let (arranged, keys) = match &outcome {
                Patch::Reordered => (false, false),
                Patch::Replaced(replaced) => table.answer.with_untracked(|answer| {
                    let Some(Ok(runs)) = answer else {
                        return (false, false);
                    };
                    table.settings.with_untracked(|s| {
                        table.applied.with_untracked(|filter| {
                            let everything = Filter::default();
                            let filter = filter.as_ref().unwrap_or(&everything);
                            let arranged = replaced.iter().all(|(i, old)| {
                                keeps_arrangement(old, &runs[*i], filter, &s.sort, s.group.as_ref())
                            });
                            let keys = table.keys.with_untracked(|k| {
                                replaced.iter().all(|(i, _)| k.cover(&runs[*i]))
                            });
                            (arranged, keys)
                        })
                    })
                }),
            };
            if !arranged {
                table.arranged.update(|n| *n += 1);
            }
            if !keys {
                table.keyed.update(|n| *n += 1);
            }
        });
    });
}

/// What putting runs read again in place did to the runs loaded.
#[derive(Debug, PartialEq)]
enum Patch {
    /// Runs came in or went out, or moved in the default order: indices changed.
    Reordered,
    /// Runs were put in the places of the same runs as they were, given with where they are.
    Replaced(Vec<(usize, Run)>),
}

/// Puts each of `fresh` in place of the run with its id in `runs` (in the table's default
/// order), adds it, or takes it away when the view leaves it out.
fn patch(runs: &mut Vec<Run>, fresh: Vec<Run>, view: ViewType) -> Patch {
    let mut replaced = Vec::new();
    let mut reordered = false;
    for run in fresh {
        let at = runs.iter().position(|r| r.info.run_id == run.info.run_id);
        match (at, view.includes(run.info.lifecycle_stage)) {
            (Some(i), true) => {
                reordered |= !sort_alike(&runs[i], &run, &[]);
                replaced.push((i, std::mem::replace(&mut runs[i], run)));
            }
            (Some(i), false) => {
                runs.remove(i);
                reordered = true;
            }
            (None, true) => {
                runs.push(run);
                reordered = true;
            }
            (None, false) => {}
        }
    }
    if reordered {
        sort_runs(runs, &[]);
        Patch::Reordered
    } else {
        Patch::Replaced(replaced)
    }
}

/// Everything the table's parts read and do. Built once per experiment page.
#[derive(Clone, Copy)]
pub struct RunsTable {
    pub experiment_id: StoredValue<String>,
    pub route: RwSignal<Route>,
    pub settings: Memo<TableView>,
    /// The last list of runs loaded (kept while a newer one loads), patched as runs change.
    answer: RwSignal<Answer, LocalStorage>,
    /// Grows when the runs' arrangement may have changed (a new list, a run moved, came or
    /// went, or changed what the filter, sort or groups look at).
    arranged: RwSignal<u64>,
    /// Grows when the runs' keys may have changed.
    keyed: RwSignal<u64>,
    pub state: Memo<TableState>,
    pub keys: Memo<RunKeys>,
    pub columns: Memo<Vec<Column>>,
    stored_columns: UseLocalStorage,
    /// Parents and groups shown open.
    pub expanded: RwSignal<HashSet<String>>,
    /// The URL's filter, parsed once per change (a hand-edited link may hold a bad one).
    pub applied: Memo<Result<Filter, FilterError>>,
    pub shown: Memo<Shown>,
    /// Experiment names by id, when runs of several experiments are shown.
    pub names: Memo<HashMap<String, String>>,
    pub experiments: LocalResource<Vec<crate::domain::Experiment>>,
}

fn columns_storage_key(experiment_id: &str) -> String {
    format!("labbook.columns.{experiment_id}")
}

impl RunsTable {
    pub fn new(experiment_id: String) -> RunsTable {
        let app = use_app();
        let route = expect_context::<RwSignal<Route>>();
        let id = StoredValue::new(experiment_id);
        let settings = Memo::new(move |_| route.with(|r| TableView::read(r, &id.get_value())));
        let view = Memo::new(move |_| settings.with(|s| s.view));
        let also = Memo::new(move |_| settings.with(|s| s.with.clone()));
        let experiments_changed = follow(app.notice, ChangeSet::touches_experiments);
        let experiments = LocalResource::new(move || {
            let tracker = app.tracker();
            experiments_changed.track();
            async move {
                tracker
                    .experiments(ViewType::ActiveOnly)
                    .await
                    .unwrap_or_default()
            }
        });
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
        // The whole list is read again only when anything may have changed (an import); a
        // write to some runs reads just those (see `patch_changed_runs`).
        let relist = follow(app.notice, |changes| changes.everything);
        let runs = LocalResource::new(move || {
            let tracker = app.tracker();
            relist.track();
            let view = view.get();
            let mut ids = vec![id.get_value()];
            ids.extend(also.get());
            async move {
                let mut runs = tracker.runs(&ids, view).await?;
                sort_runs(&mut runs, &[]);
                Ok::<_, DomainError>(Rc::new(runs))
            }
        });
        // The last answer stays on screen while a newer one loads, so writes elsewhere (runs
        // being logged) do not blank the table or lose its scroll position.
        let listed = keep_last(runs);
        let answer = RwSignal::new_local(Answer::None);
        let arranged = RwSignal::new(0u64);
        let keyed = RwSignal::new(0u64);
        Effect::new(move |_| {
            answer.set(listed.get());
            arranged.update(|n| *n += 1);
            keyed.update(|n| *n += 1);
        });
        // The keys and the arrangement follow their own counters, not each patched run.
        let loaded = move || answer.get_untracked().and_then(Result::ok);
        // Only a change of state redraws the table itself, not each newer list of runs.
        let state = Memo::new(move |_| {
            answer.with(|answer| match answer {
                None => TableState::Loading,
                Some(Err(e)) => TableState::Failed(e.message.clone()),
                Some(Ok(runs)) if runs.is_empty() => TableState::Empty,
                Some(Ok(_)) => TableState::Ready,
            })
        });
        let keys = Memo::new(move |_| {
            keyed.track();
            loaded().map(|r| RunKeys::of(r.iter())).unwrap_or_default()
        });
        // The columns last chosen for this experiment; the URL's `cols` wins.
        let stored_columns = use_local_storage(
            columns_storage_key(&id.get_value()),
            UseLocalStorageOptions::default(),
        );
        let columns = Memo::new(move |_| {
            let keys = keys.get();
            let stored = stored_columns.value.get().map(|text| {
                text.split('\n')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            });
            settings.with(|s| chosen_columns(s.columns.as_deref().or(stored.as_deref()), &keys))
        });
        let expanded = RwSignal::new(HashSet::<String>::new());
        let applied = Memo::new(move |_| settings.with(|s| Filter::parse(Target::Runs, &s.filter)));
        let shown = Memo::new(move |_| {
            arranged.track();
            let Some(runs) = loaded() else {
                return Shown::default();
            };
            settings.with(|s| {
                applied.with(|filter| {
                    let everything = Filter::default();
                    let filter = filter.as_ref().unwrap_or(&everything);
                    expanded.with(|open| arrange(&runs, filter, &s.sort, open, s.group.as_ref()))
                })
            })
        });
        let table = RunsTable {
            experiment_id: id,
            route,
            settings,
            answer,
            arranged,
            keyed,
            state,
            keys,
            columns,
            stored_columns,
            expanded,
            applied,
            shown,
            names,
            experiments,
        };
        patch_changed_runs(app, table, view, also);
        table
    }

    /// The runs loaded, if any.
    pub fn runs(&self) -> Option<Rc<Vec<Run>>> {
        self.answer.get().and_then(Result::ok)
    }

    /// The runs loaded, without tracking.
    pub fn runs_untracked(&self) -> Option<Rc<Vec<Run>>> {
        self.answer.get_untracked().and_then(Result::ok)
    }

    pub fn selected(&self) -> Vec<String> {
        self.settings.with(|s| s.selected.clone())
    }

    pub fn selected_untracked(&self) -> Vec<String> {
        self.settings.with_untracked(|s| s.selected.clone())
    }

    pub fn set_selection(&self, ids: Vec<String>) {
        let joined = ids.join(",");
        set_query(
            self.route,
            keys::SELECTED,
            (!ids.is_empty()).then_some(joined.as_str()),
        );
    }

    pub fn toggle_selected(&self, run_id: String) {
        let mut ids = self.selected_untracked();
        toggle_in(&mut ids, run_id);
        self.set_selection(ids);
    }

    /// Ticks (`on`) or unticks all of `run_ids`.
    pub fn select_many(&self, run_ids: Vec<String>, on: bool) {
        let mut ids = self.selected_untracked();
        ids.retain(|id| !run_ids.contains(id));
        if on {
            ids.extend(run_ids);
        }
        self.set_selection(ids);
    }

    /// Shows or hides a parent's children or a group's runs.
    pub fn toggle_open(&self, key: String) {
        self.expanded.update(|open| {
            if !open.remove(&key) {
                open.insert(key);
            }
        })
    }

    /// Opens the run at `index` of the runs loaded, keeping the view settings.
    pub fn open_run(&self, index: usize) {
        if let Some(runs) = self.runs_untracked() {
            if let Some(run) = runs.get(index) {
                navigate(&self.run_route(run));
            }
        }
    }

    /// The run page of `run`, with this table's view settings.
    pub fn run_route(&self, run: &Run) -> Route {
        let mut target = Route::page(Page::Run {
            experiment_id: run.info.experiment_id.clone(),
            run_id: run.info.run_id.clone(),
        });
        target.query = self.route.get_untracked().query;
        target
    }

    /// Sorts after a click on the header sorting by `clause` (shift adds a key).
    pub fn header_click(&self, clause: &str, shift: bool) {
        let next = self
            .settings
            .with_untracked(|s| clicked_sort(&s.sort, clause, shift));
        replace(
            self.route,
            with_lines(&self.route.get_untracked(), keys::SORT, &next),
        );
    }

    /// Shows or hides `column`, keeping the choice for this experiment and in the URL.
    pub fn toggle_column(&self, column: Column) {
        let mut current = self.columns.get_untracked();
        toggle_in(&mut current, column);
        let ids: Vec<String> = current.iter().map(Column::id).collect();
        self.stored_columns.set.run(ids.join("\n"));
        set_query(self.route, keys::COLUMNS, Some(&columns_value(&ids)));
    }

    /// The runs the chart view draws: the selected ones, or the first shown.
    pub fn chart_runs(&self) -> Vec<ChartRun> {
        if !self.settings.with(|s| s.charts) {
            return Vec::new();
        }
        let Some(runs) = self.runs() else {
            return Vec::new();
        };
        let chosen = self.selected();
        let indices: Vec<usize> = if chosen.is_empty() {
            self.shown
                .with(|s| s.matching.iter().take(CHART_RUNS).copied().collect())
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
            .collect()
    }
}

/// Removes `item` from `list` if there, else adds it at the end.
pub fn toggle_in<T: PartialEq>(list: &mut Vec<T>, item: T) {
    match list.iter().position(|x| *x == item) {
        Some(i) => {
            list.remove(i);
        }
        None => list.push(item),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_runs::run;
    use crate::domain::LifecycleStage;

    fn ids(runs: &[Run]) -> Vec<&str> {
        runs.iter().map(|r| r.info.run_id.as_str()).collect()
    }

    fn started(id: &str, at: i64) -> Run {
        let mut run = run(id, &[], &[("loss", 1.0)]);
        run.info.start_time = Some(at);
        run
    }

    #[test]
    fn a_run_written_again_takes_its_own_place() {
        let mut runs = vec![started("b", 2), started("a", 1)];
        let mut fresh = started("a", 1);
        fresh.data.metrics[0].value = 0.5;
        let outcome = patch(&mut runs, vec![fresh], ViewType::ActiveOnly);
        assert_eq!(outcome, Patch::Replaced(vec![(1, started("a", 1))]));
        assert_eq!(ids(&runs), ["b", "a"]);
        assert_eq!(runs[1].data.metrics[0].value, 0.5);
    }

    #[test]
    fn runs_that_come_go_or_move_reorder_the_list() {
        let mut runs = vec![started("b", 2), started("a", 1)];
        assert_eq!(
            patch(&mut runs, vec![started("c", 3)], ViewType::ActiveOnly),
            Patch::Reordered
        );
        assert_eq!(ids(&runs), ["c", "b", "a"]);
        assert_eq!(
            patch(&mut runs, vec![started("a", 9)], ViewType::ActiveOnly),
            Patch::Reordered
        );
        assert_eq!(ids(&runs), ["a", "c", "b"]);
        let mut deleted = started("c", 3);
        deleted.info.lifecycle_stage = LifecycleStage::Deleted;
        assert_eq!(
            patch(&mut runs, vec![deleted.clone()], ViewType::ActiveOnly),
            Patch::Reordered
        );
        assert_eq!(ids(&runs), ["a", "b"]);
        assert_eq!(
            patch(&mut runs, vec![deleted], ViewType::ActiveOnly),
            Patch::Replaced(Vec::new()),
            "a run the view leaves out and the list lacks changes nothing"
        );
    }
}
