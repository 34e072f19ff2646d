//! The run's overview table (`run-info`): id, times, user, artifact URI, and the runs it is
//! nested in or holds.

use leptos::prelude::*;

use crate::app::format;
use crate::app::route::{Page, Route};
use crate::clock::now_ms;
use crate::domain::RunInfo;

/// A run's page, in run `run_id` of experiment `experiment_id`.
fn run_link(experiment_id: &str, run_id: &str) -> String {
    Route::page(Page::Run {
        experiment_id: experiment_id.to_owned(),
        run_id: run_id.to_owned(),
    })
    .to_hash()
}

/// The run's `info`, the run it is nested in (`parent`) and the runs nested in it (id, name).
#[component]
pub fn RunInfoTable(
    info: RunInfo,
    parent: Option<String>,
    children: Vec<(String, String)>,
) -> impl IntoView {
    let parent_link = parent.map(|parent_id| {
        let href = run_link(&info.experiment_id, &parent_id);
        view! { <tr><th>"Parent run"</th><td><a href=href>{parent_id}</a></td></tr> }
    });
    let child_links = (!children.is_empty()).then(|| {
        let links = children
            .iter()
            .map(|(id, name)| {
                view! { <a class="child" href=run_link(&info.experiment_id, id)>{name.clone()}</a> }
            })
            .collect_view();
        view! { <tr><th>"Child runs"</th><td>{links}</td></tr> }
    });
    view! {
        <table class="info" data-testid="run-info">
            <tr><th>"Run ID"</th><td><code>{info.run_id.clone()}</code></td></tr>
            <tr><th>"Created"</th><td>{info.start_time.map(format::time)}</td></tr>
            <tr><th>"Ended"</th><td>{info.end_time.map(format::time)}</td></tr>
            <tr><th>"Duration"</th><td>{info.duration_ms(now_ms()).map(format::duration)}</td></tr>
            <tr><th>"User"</th><td>{info.user_id.clone()}</td></tr>
            <tr><th>"Artifact URI"</th><td><code>{info.artifact_uri.clone()}</code></td></tr>
            {parent_link}
            {child_links}
        </table>
    }
}
