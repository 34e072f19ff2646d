//! The run page: its head, an index of its sections, then the overview (info and
//! description), the metrics with a chart each, params, tags, data sets, artifacts with
//! "Register model", and the form to log more while the run is active.

use crate::app::notices::follow;
use leptos::prelude::*;

use super::data::{load_run, RunDetails};
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

#[component]
pub fn RunPage(experiment_id: String, run_id: String) -> impl IntoView {
    let app = use_app();
    let stored_id = StoredValue::new(run_id);
    // The run, its experiment's name and its children (runs of the same experiment).
    let experiment = experiment_id.clone();
    let changed = follow(app.notice, move |c| {
        c.touches_experiments() || c.runs.contains_key(&experiment)
    });
    let details = keep_last(LocalResource::new(move || {
        let tracker = app.tracker();
        changed.track();
        let id = stored_id.get_value();
        async move { load_run(&tracker, &id).await }
    }));
    use_title(move || {
        details.with(|d| match d {
            None => String::new(),
            Some(Ok(details)) => details.title(),
            Some(Err(_)) => "Run not found".to_owned(),
        })
    });
    // What is shown changes only when the run's data does, not at every write elsewhere.
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
            <RunSections details=shown run_id=stored_id.get_value()/>
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
            {part(details, |d| {
                let href = Route::page(Page::Experiment(d.run.info.experiment_id.clone())).to_hash();
                view! {
                    <nav class="crumbs"><a href=href data-testid="run-experiment-link">"← "{d.experiment_label()}</a></nav>
                }
            })}
            {part(details, move |d| view! { <RunHead run=d.run.clone() error=error/> })}
            {part(details, |d| view! { <SectionIndex sections=Section::of_run(!d.run.inputs.is_empty(), d.is_active())/> })}
            <ErrorLine error=error/>
            <div id=Section::Overview.id()>
                {part(details, |d| view! { <RunInfoTable details=d.clone()/> })}
            </div>
            {part(details, move |d| {
                let text = d.run.description().unwrap_or_default().to_owned();
                view! { <DescriptionEditor text=Signal::derive(move || text.clone()) save=save_description state=editor/> }
            })}
            <div id=Section::Metrics.id()>
                {part(details, |d| view! { <MetricsTable run_id=d.run.info.run_id.clone() metrics=d.run.data.metrics.clone()/> })}
            </div>
            <section class="charts" data-testid="run-charts">
                <For each=move || chart_keys.get() key=|k| k.clone() let:key>
                    <MetricChart key=key runs=vec![chart_run()] choices=chart_keys.get_untracked()/>
                </For>
            </section>
            <div id=Section::Params.id()>
                {part(details, |d| view! { <ParamsTable params=d.run.data.params.clone()/> })}
            </div>
            <div id=Section::Tags.id()>
                {part(details, |d| view! { <TagsTable tags=d.run.data.tags.clone()/> })}
            </div>
            {part(details, |d| {
                let inputs = d.run.inputs.clone();
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

/// A part of the page drawn by `show` from the run's details, anew when they change.
fn part<V: IntoView + 'static>(
    details: Memo<Option<RunDetails>>,
    show: impl Fn(&RunDetails) -> V + Send + 'static,
) -> impl Fn() -> Option<V> + Send + 'static {
    move || details.with(|d| d.as_ref().map(&show))
}
