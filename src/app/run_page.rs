//! One run: its state, description, params, metrics, tags, data sets and artifacts, with
//! forms to log more from the page.

use leptos::prelude::*;

use super::artifacts::Artifacts;
use super::chart::{ChartRun, MetricChart};
use super::format;
use super::registry::RegisterModel;
use super::route::{Page, Route};
use super::widgets::{run_action, DescriptionEditor, EditorState, ErrorLine};
use super::UI_USER;
use super::{keep_last, use_app};
use crate::chart::LinearScale;
use crate::domain::{
    DomainError, LifecycleStage, LogBatch, Metric, Param, Run, RunStatus, RunUpdate, Tag, ViewType,
    NOTE_TAG,
};
use crate::store::now_ms;

fn run_route(run: &Run) -> Route {
    Route::page(Page::Run {
        experiment_id: run.info.experiment_id.clone(),
        run_id: run.info.run_id.clone(),
    })
}

#[component]
pub fn RunPage(experiment_id: String, run_id: String) -> impl IntoView {
    let app = use_app();
    let run_id = StoredValue::new(run_id);
    let run = keep_last(LocalResource::new(move || {
        let tracker = app.tracker();
        app.revision.track();
        let id = run_id.get_value();
        async move { tracker.run(&id).await }
    }));
    let back = Route::page(Page::Experiment(experiment_id)).to_hash();
    // Made once for the page, not for each refresh of its data, so typing survives updates.
    let editor = EditorState::new();
    // One chart per metric, kept (with its zoom and settings) while the run's data refreshes.
    let chart_keys = Memo::new(move |_| {
        run.get()
            .and_then(Result::ok)
            .map(|r| {
                r.data
                    .metrics
                    .iter()
                    .map(|m| m.key.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let chart_label = Memo::new(move |_| {
        run.get()
            .and_then(Result::ok)
            .map(|r| r.display_name().to_owned())
            .unwrap_or_default()
    });
    let start_time = Memo::new(move |_| {
        run.get()
            .and_then(Result::ok)
            .and_then(|r| r.info.start_time)
            .unwrap_or(0)
    });
    let active = move || {
        run.get()
            .and_then(Result::ok)
            .is_some_and(|r| r.info.lifecycle_stage == LifecycleStage::Active)
    };
    view! {
        {move || match run.get() {
            None => view! { <p class="muted">"Loading…"</p> }.into_any(),
            Some(Err(e)) => view! {
                <section class="not-found">
                    <h1>"Run not found"</h1>
                    <p class="error-line">{e.message}</p>
                    <a href=back.clone()>"Back to the experiment"</a>
                </section>
            }
            .into_any(),
            Some(Ok(run)) => view! { <RunView run=run editor=editor/> }.into_any(),
        }}
        <Show when=active>
            <LogForm run_id=run_id.get_value()/>
        </Show>
        <section class="charts" data-testid="run-charts">
            <For each=move || chart_keys.get() key=|k| k.clone() let:key>
                <MetricChart key=key runs=vec![ChartRun {
                    run_id: run_id.get_value(),
                    label: chart_label.get_untracked(),
                    start_time: start_time.get_untracked(),
                }] choices=chart_keys.get_untracked()/>
            </For>
        </section>
    }
}

#[component]
fn RunView(run: Run, editor: EditorState) -> impl IntoView {
    let app = use_app();
    let run_id = run.info.run_id.clone();
    let error = RwSignal::new(None::<String>);
    let deleted = run.info.lifecycle_stage == LifecycleStage::Deleted;
    let running = !run.info.status.is_terminated();
    let description = Signal::derive({
        let text = run.description().unwrap_or_default().to_owned();
        move || text.clone()
    });
    let save_description = {
        let run_id = run_id.clone();
        Callback::new(move |text: String| {
            let (tracker, run_id) = (app.tracker(), run_id.clone());
            run_action(error, async move {
                let batch = LogBatch {
                    tags: vec![Tag::new(NOTE_TAG, text)],
                    ..LogBatch::default()
                };
                tracker.log_batch(&run_id, batch).await
            });
        })
    };
    let set_status = {
        let run_id = run_id.clone();
        move |status: RunStatus| {
            let (tracker, run_id) = (app.tracker(), run_id.clone());
            run_action(error, async move {
                let update = RunUpdate {
                    status: Some(status),
                    end_time: Some(now_ms()),
                    run_name: None,
                };
                tracker.update_run(&run_id, update).await.map(drop)
            });
        }
    };
    let toggle_deleted = {
        let run_id = run_id.clone();
        move |_| {
            let (tracker, run_id) = (app.tracker(), run_id.clone());
            run_action(error, async move {
                if deleted {
                    tracker.restore_run(&run_id).await
                } else {
                    tracker.delete_run(&run_id).await
                }
            });
        }
    };
    let experiment_link = Route::page(Page::Experiment(run.info.experiment_id.clone())).to_hash();
    let info = run.info.clone();
    let section_id = run_id.clone();
    let status = info.status.as_str();
    let finish = set_status.clone();
    let fail = set_status.clone();
    let kill = set_status;
    view! {
        <section class="run-page" data-testid="run-page" data-run-id=section_id>
            <nav class="crumbs"><a href=experiment_link data-testid="run-experiment-link">"← Experiment "{info.experiment_id.clone()}</a></nav>
            <div class="page-head">
                <h1 data-testid="run-name">{run.display_name().to_owned()}</h1>
                <span class=format!("status {}", status.to_ascii_lowercase()) data-testid="run-status">{status}</span>
                {deleted.then(|| view! { <span class="badge deleted">"deleted"</span> })}
                <div class="actions">
                    <Show when=move || running && !deleted>
                        <button class="secondary" data-testid="run-finish" on:click={let f = finish.clone(); move |_| f(RunStatus::Finished)}>"Mark finished"</button>
                        <button class="secondary" on:click={let f = fail.clone(); move |_| f(RunStatus::Failed)}>"Mark failed"</button>
                        <button class="secondary" on:click={let f = kill.clone(); move |_| f(RunStatus::Killed)}>"Mark killed"</button>
                    </Show>
                    <button class="secondary" data-testid=if deleted { "run-restore" } else { "run-delete" } on:click=toggle_deleted>
                        {if deleted { "Restore" } else { "Delete" }}
                    </button>
                </div>
            </div>
            <ErrorLine error=error/>
            <RunInfoTable run=run.clone()/>
            <DescriptionEditor text=description save=save_description state=editor/>
            <div class="columns">
                <ParamsTable params=run.data.params.clone()/>
                <MetricsTable run_id=run_id.clone() metrics=run.data.metrics.clone()/>
            </div>
            <TagsTable tags=run.data.tags.clone()/>
            <Datasets run=run.clone()/>
            <Artifacts run_id=run_id.clone() deleted=deleted/>
            <RegisterModel run_id=run_id.clone() artifact_uri=run.info.artifact_uri.clone()/>
        </section>
    }
}

#[component]
fn RunInfoTable(run: Run) -> impl IntoView {
    let app = use_app();
    let info = run.info.clone();
    let parent = run.parent_run_id().map(str::to_owned);
    let children = LocalResource::new({
        let (experiment_id, run_id) = (info.experiment_id.clone(), info.run_id.clone());
        move || {
            let tracker = app.tracker();
            app.revision.track();
            let (experiment_id, run_id) = (experiment_id.clone(), run_id.clone());
            async move {
                let runs = tracker.runs(&[experiment_id], ViewType::ActiveOnly).await?;
                Ok::<_, DomainError>(
                    runs.into_iter()
                        .filter(|r| r.parent_run_id() == Some(run_id.as_str()))
                        .collect::<Vec<_>>(),
                )
            }
        }
    });
    let parent_link = parent.map(|parent_id| {
        let target = Route::page(Page::Run {
            experiment_id: info.experiment_id.clone(),
            run_id: parent_id.clone(),
        });
        view! { <tr><th>"Parent run"</th><td><a href=target.to_hash()>{parent_id}</a></td></tr> }
    });
    view! {
        <table class="info" data-testid="run-info">
            <tr><th>"Run ID"</th><td><code>{info.run_id.clone()}</code></td></tr>
            <tr><th>"Created"</th><td>{info.start_time.map(format::time)}</td></tr>
            <tr><th>"Ended"</th><td>{info.end_time.map(format::time)}</td></tr>
            <tr><th>"Duration"</th><td>{run.duration_ms(now_ms()).map(format::duration)}</td></tr>
            <tr><th>"User"</th><td>{info.user_id.clone()}</td></tr>
            <tr><th>"Artifact URI"</th><td><code>{info.artifact_uri.clone()}</code></td></tr>
            {parent_link}
            {move || children.get().and_then(|r| r.ok()).filter(|c| !c.is_empty()).map(|children| view! {
                <tr><th>"Child runs"</th><td>
                    {children.iter().map(|child| view! {
                        <a class="child" href=run_route(child).to_hash()>{child.display_name().to_owned()}</a>
                    }).collect_view()}
                </td></tr>
            })}
        </table>
    }
}

#[component]
fn ParamsTable(params: Vec<Param>) -> impl IntoView {
    view! {
        <section class="panel">
            <h3>"Parameters"</h3>
            <table class="kv" data-testid="run-params">
                <thead><tr><th>"Name"</th><th>"Value"</th></tr></thead>
                <tbody>
                    {params.into_iter().map(|p| view! { <tr><td>{p.key}</td><td class="value">{p.value}</td></tr> }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn MetricsTable(run_id: String, metrics: Vec<Metric>) -> impl IntoView {
    view! {
        <section class="panel">
            <h3>"Metrics"</h3>
            <table class="kv" data-testid="run-metrics">
                <thead><tr><th>"Name"</th><th>"Latest"</th><th>"Step"</th><th>"History"</th></tr></thead>
                <tbody>
                    {metrics.into_iter().map(|m| view! {
                        <tr data-metric-key=m.key.clone()>
                            <td>{m.key.clone()}</td>
                            <td class="num" title=m.value.to_string()>{format::number(m.value)}</td>
                            <td class="num">{m.step}</td>
                            <td><Sparkline run_id=run_id.clone() key=m.key.clone()/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

const SPARK_WIDTH: f64 = 120.0;
const SPARK_HEIGHT: f64 = 28.0;

/// A tiny line of a metric's whole history (finite points), x by position in the history.
#[component]
fn Sparkline(run_id: String, key: String) -> impl IntoView {
    let app = use_app();
    let history = LocalResource::new(move || {
        let tracker = app.tracker();
        app.revision.track();
        let (run_id, key) = (run_id.clone(), key.clone());
        async move { tracker.metric_history(&run_id, &key).await }
    });
    move || {
        history.get().and_then(|h| h.ok()).map(|points| {
            let count = points.len();
            let xs = LinearScale::fit(
                [0.0, count.saturating_sub(1) as f64],
                (1.0, SPARK_WIDTH - 1.0),
            );
            let ys = LinearScale::fit(points.iter().map(|p| p.value), (SPARK_HEIGHT - 2.0, 2.0));
            let path: Vec<String> = points
                .iter()
                .enumerate()
                .filter(|(_, p)| p.value.is_finite())
                .map(|(i, p)| format!("{:.1},{:.1}", xs.map(i as f64), ys.map(p.value)))
                .collect();
            view! {
                <svg class="spark" width=SPARK_WIDTH height=SPARK_HEIGHT role="img"
                    aria-label=format!("{count} points")>
                    <polyline points=path.join(" ")/>
                </svg>
                <span class="muted small">{format!("{count} pts")}</span>
            }
        })
    }
}

#[component]
fn TagsTable(tags: Vec<Tag>) -> impl IntoView {
    view! {
        <section class="panel">
            <h3>"Tags"</h3>
            <table class="kv" data-testid="run-tags">
                <thead><tr><th>"Name"</th><th>"Value"</th></tr></thead>
                <tbody>
                    {tags.into_iter().filter(|t| t.key != NOTE_TAG).map(|t| {
                        let system = t.key.starts_with("mlflow.");
                        view! { <tr class:system=system><td>{t.key}</td><td class="value">{t.value}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn Datasets(run: Run) -> impl IntoView {
    (!run.inputs.is_empty()).then(|| {
        view! {
            <section class="panel">
                <h3>"Datasets"</h3>
                <table class="kv" data-testid="run-datasets">
                    <thead><tr><th>"Name"</th><th>"Digest"</th><th>"Context"</th><th>"Source"</th></tr></thead>
                    <tbody>
                        {run.inputs.iter().map(|input| {
                            let context = input.tags.iter().find(|t| t.key == crate::domain::DATASET_CONTEXT_TAG).map(|t| t.value.clone());
                            view! {
                                <tr>
                                    <td>{input.dataset.name.clone()}</td>
                                    <td><code>{input.dataset.digest.clone()}</code></td>
                                    <td>{context}</td>
                                    <td class="value">{input.dataset.source.clone()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }
    })
}

/// Logs a metric, a param or a tag to the run from the page.
#[component]
fn LogForm(run_id: String) -> impl IntoView {
    let app = use_app();
    let kind = RwSignal::new("metric".to_owned());
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // One log at a time: a metric's step follows the last one logged.
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (tracker, run_id) = (app.tracker(), run_id.clone());
        let (kind, key_text, value_text) = (
            kind.get_untracked(),
            key.get_untracked(),
            value.get_untracked(),
        );
        // The value box empties at once, ready for the next value; an error puts it back.
        busy.set(true);
        value.set(String::new());
        let typed = value_text.clone();
        let work = async move {
            let mut batch = LogBatch::default();
            match kind.as_str() {
                "param" => batch.params.push(Param::new(key_text.trim(), value_text)),
                "tag" => batch.tags.push(Tag::new(key_text.trim(), value_text)),
                _ => {
                    let parsed =
                        crate::codec::protojson::double_from_json(&value_text.trim().into())
                            .ok_or_else(|| {
                                DomainError::invalid(format!("'{value_text}' is not a number"))
                            })?;
                    let history = tracker.metric_history(&run_id, key_text.trim()).await?;
                    let step = history.iter().map(|m| m.step + 1).max().unwrap_or(0);
                    batch.metrics.push(Metric {
                        key: key_text.trim().to_owned(),
                        value: parsed,
                        timestamp: now_ms(),
                        step,
                    });
                }
            }
            tracker.log_batch(&run_id, batch).await
        };
        run_action(error, async move {
            let result = work.await;
            if result.is_err() && value.get_untracked().is_empty() {
                value.set(typed);
            }
            busy.set(false);
            result
        });
    };
    view! {
        <section class="panel log-form">
            <h3>"Log to this run"</h3>
            <form class="inline-form" on:submit=submit data-user=UI_USER>
                <select data-testid="log-kind" prop:value=move || kind.get()
                    on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="metric">"Metric"</option>
                    <option value="param">"Parameter"</option>
                    <option value="tag">"Tag"</option>
                </select>
                <input type="text" placeholder="Key" data-testid="log-key"
                    prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev))/>
                <input type="text" placeholder="Value" data-testid="log-value"
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
                <button type="submit" data-testid="log-submit" prop:disabled=move || busy.get()>"Log"</button>
            </form>
            <p class="muted small">"Metrics are logged at the next step after the last one."</p>
            <ErrorLine error=error/>
        </section>
    }
}
