//! The run page: its head, an index of its sections, then the overview (info and
//! description), the metrics with a chart each, params, tags, data sets, artifacts with
//! "Register model", and the form to log more while the run is active.

use crate::app::notices::follow;
use leptos::prelude::*;

use super::data::{children, experiment_name, RunDetails};
use super::datasets::Datasets;
use super::head::RunHead;
use super::index::{scroll_to, section_in, Section, SectionIndex};
use super::info::RunInfoTable;
use super::log_form::LogForm;
use super::metrics::MetricsTable;
use super::params::ParamsTable;
use super::tags::TagsTable;
use crate::app::artifacts::Artifacts;
use crate::app::chart::{ChartRun, MetricChart};
use crate::app::hooks::use_title;
use crate::app::registry::RegisterModel;
use crate::app::route::{Page, Route};
use crate::app::widgets::{run_action, DescriptionEditor, EditorState, ErrorLine};
use crate::app::{keep_last, use_app};
use crate::domain::{LogBatch, Tag, NOTE_TAG};
use crate::store::ChangeSet;

#[component]
pub fn RunPage(experiment_id: String, run_id: String) -> impl IntoView {
    let app = use_app();
    let ids = StoredValue::new((experiment_id.clone(), run_id.clone()));
    // The run, its experiment's name and its children (runs of the same experiment), each
    // read again only when a write changed it: logging to the run re-reads the run alone.
    let run_changed = follow(app.notice, move |c| {
        ids.with_value(|(_, run_id)| c.touches_run(run_id))
    });
    let first_read = StoredValue::new(true);
    let run = keep_last(LocalResource::new(move || {
        let tracker = app.tracker();
        run_changed.track();
        let run_id = ids.with_value(|(_, run_id)| run_id.clone());
        // After the first read, a run this tab wrote comes with the notice that says so.
        let written = if first_read.get_value() {
            first_read.set_value(false);
            None
        } else {
            app.notice
                .with_untracked(|n| n.changes.written_runs.get(&run_id).cloned())
        };
        async move {
            match written {
                Some(run) => Ok(run),
                None => tracker.run(&run_id).await,
            }
        }
    }));
    let renamed = follow(app.notice, ChangeSet::touches_experiments);
    let name = keep_last(LocalResource::new(move || {
        let tracker = app.tracker();
        renamed.track();
        let experiment_id = ids.with_value(|(e, _)| e.clone());
        async move { experiment_name(&tracker, &experiment_id).await }
    }));
    let others_changed = follow(app.notice, move |c| {
        ids.with_value(|(experiment_id, run_id)| {
            c.everything
                || c.runs
                    .get(experiment_id)
                    .is_some_and(|runs| runs.iter().any(|r| r != run_id))
        })
    });
    let children = keep_last(LocalResource::new(move || {
        let tracker = app.tracker();
        others_changed.track();
        let (experiment_id, run_id) = ids.get_value();
        async move { children(&tracker, &experiment_id, &run_id).await }
    }));
    let details = Memo::new(move |_| {
        let run = run.get()?;
        Some(run.map(|run| RunDetails {
            run,
            experiment_name: name.get().flatten(),
            children: children.get().unwrap_or_default(),
        }))
    });
    use_title(move || {
        details.with(|d| match d {
            None => String::new(),
            Some(Ok(details)) => details.title(),
            Some(Err(_)) => "Run not found".to_owned(),
        })
    });
    let shown = Memo::new(move |_| details.with(|d| d.clone().and_then(Result::ok)));
    let back = Route::page(Page::Experiment(experiment_id)).to_hash();
    view! {
        {move || details.with(|d| match d {
            None => Some(view! { <p class="muted">"Loading…"</p> }.into_any()),
            Some(Err(e)) => Some(view! {
                <section class="not-found">
                    <h1>"Run not found"</h1>
                    <p class="error-line">{e.message.clone()}</p>
                    <a href=back.clone()>"Back to the experiment"</a>
                </section>
            }.into_any()),
            Some(Ok(_)) => None,
        })}
        <Show when=move || shown.with(Option::is_some)>
            <RunSections details=shown run_id=run_id.clone()/>
        </Show>
    }
}

/// The page once the run is loaded. The parts that show its data are drawn anew when it
/// changes; the charts (with their zoom), the log form and "Register model" (with what is
/// typed) and the artifacts (with their upload) stay.
#[component]
fn RunSections(details: Memo<Option<RunDetails>>, run_id: String) -> impl IntoView {
    let app = use_app();
    let route = expect_context::<RwSignal<Route>>();
    // Made once for the page, not for each refresh of its data, so typing survives updates.
    let editor = EditorState::new();
    let error = RwSignal::new(None::<String>);
    let run_id = StoredValue::new(run_id);
    let read = move |pick: fn(&RunDetails) -> bool| details.with(|d| d.as_ref().is_some_and(pick));
    let active = Signal::derive(move || read(RunDetails::is_active));
    let deleted = Signal::derive(move || read(RunDetails::is_deleted));
    // One chart per metric, kept (with its zoom and settings) while the run's data refreshes.
    let chart_keys = Memo::new(move |_| {
        details.with(|d| d.as_ref().map(RunDetails::metric_keys).unwrap_or_default())
    });
    let chart_run = move || {
        details.with_untracked(|d| ChartRun {
            run_id: run_id.get_value(),
            label: d
                .as_ref()
                .map(|d| d.run.display_name().to_owned())
                .unwrap_or_default(),
            start_time: d.as_ref().and_then(|d| d.run.info.start_time).unwrap_or(0),
        })
    };
    let save_description = Callback::new(move |text: String| {
        let tracker = app.tracker();
        run_action(error, async move {
            let batch = LogBatch {
                tags: vec![Tag::new(NOTE_TAG, text)],
                ..LogBatch::default()
            };
            tracker.log_batch(&run_id.get_value(), batch).await
        });
    });
    let artifact_uri = details.with_untracked(|d| {
        d.as_ref()
            .map(|d| d.run.info.artifact_uri.clone())
            .unwrap_or_default()
    });
    // A link that names a section opens the page there.
    Effect::new(move |_| {
        if let Some(section) = route.with_untracked(section_in) {
            scroll_to(section);
        }
    });
    view! {
        <section class="run-page" data-testid="run-page" data-run-id=run_id.get_value()>
            {part(details, |d| (d.run.info.experiment_id.clone(), d.experiment_label()), |(experiment_id, label)| {
                let href = Route::page(Page::Experiment(experiment_id)).to_hash();
                view! {
                    <nav class="crumbs"><a href=href data-testid="run-experiment-link">"← "{label}</a></nav>
                }
            })}
            {part(details, |d| (d.run.info.clone(), d.run.display_name().to_owned()), move |(info, name)| view! { <RunHead info=info name=name error=error/> })}
            {part(details, |d| Section::of_run(!d.run.inputs.is_empty(), d.is_active()), |sections| view! { <SectionIndex sections=sections/> })}
            <ErrorLine error=error/>
            <div id=Section::Overview.id()>
                {part(details, |d| (d.run.info.clone(), d.run.parent_run_id().map(str::to_owned), d.children.clone()), |(info, parent, children)| {
                    view! { <RunInfoTable info=info parent=parent children=children/> }
                })}
            </div>
            {part(details, |d| d.run.description().unwrap_or_default().to_owned(), move |text| {
                view! { <DescriptionEditor text=Signal::derive(move || text.clone()) save=save_description state=editor/> }
            })}
            <div id=Section::Metrics.id()>
                <MetricsTable run_id=run_id.get_value()
                    metrics=Memo::new(move |_| details.with(|d| d.as_ref().map(|d| d.run.data.metrics.clone()).unwrap_or_default()))/>
            </div>
            <section class="charts" data-testid="run-charts">
                <For each=move || chart_keys.get() key=|k| k.clone() let:key>
                    <MetricChart key=key runs=vec![chart_run()] choices=chart_keys.get_untracked()/>
                </For>
            </section>
            <div id=Section::Params.id()>
                {part(details, |d| d.run.data.params.clone(), |params| view! { <ParamsTable params=params/> })}
            </div>
            <div id=Section::Tags.id()>
                {part(details, |d| d.run.data.tags.clone(), |tags| view! { <TagsTable tags=tags/> })}
            </div>
            {part(details, |d| d.run.inputs.clone(), |inputs| {
                (!inputs.is_empty()).then(|| view! {
                    <div id=Section::Datasets.id()><Datasets inputs=inputs/></div>
                })
            })}
            <div id=Section::Artifacts.id()>
                <Artifacts run_id=run_id.get_value() deleted=deleted/>
            </div>
            <RegisterModel run_id=run_id.get_value() artifact_uri=artifact_uri/>
            <Show when=move || active.get()>
                <div id=Section::Log.id()><LogForm run_id=run_id.get_value()/></div>
            </Show>
        </section>
    }
}

/// A part of the page: `pick` takes what it shows from the run's details, and `show` draws
/// it, anew only when what `pick` took changed (a logged metric redraws the metrics alone).
fn part<T, V>(
    details: Memo<Option<RunDetails>>,
    pick: impl Fn(&RunDetails) -> T + Send + Sync + 'static,
    show: impl Fn(T) -> V + Send + 'static,
) -> impl Fn() -> Option<V> + Send + 'static
where
    T: Clone + PartialEq + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let picked = Memo::new(move |_| details.with(|d| d.as_ref().map(&pick)));
    move || picked.get().map(&show)
}
