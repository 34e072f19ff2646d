//! The head of the run page: the run's name, status and lifecycle, and the buttons that finish,
//! fail, kill, delete or restore it.

use leptos::prelude::*;

use crate::app::use_app;
use crate::app::widgets::run_action;
use crate::clock::now_ms;
use crate::domain::{LifecycleStage, RunInfo, RunStatus, RunUpdate};

/// The run's name and state, with its actions; their failures go to `error`.
#[component]
pub fn RunHead(info: RunInfo, name: String, error: RwSignal<Option<String>>) -> impl IntoView {
    let app = use_app();
    let run_id = StoredValue::new(info.run_id.clone());
    let deleted = info.lifecycle_stage == LifecycleStage::Deleted;
    let running = !info.status.is_terminated();
    let set_status = move |status: RunStatus| {
        let tracker = app.tracker();
        run_action(error, async move {
            let update = RunUpdate {
                status: Some(status),
                end_time: Some(now_ms()),
                run_name: None,
            };
            tracker
                .update_run(&run_id.get_value(), update)
                .await
                .map(drop)
        });
    };
    let toggle_deleted = move |_| {
        let tracker = app.tracker();
        run_action(error, async move {
            if deleted {
                tracker.restore_run(&run_id.get_value()).await
            } else {
                tracker.delete_run(&run_id.get_value()).await
            }
        });
    };
    let status = info.status.as_str();
    view! {
        <div class="page-head">
            <h1 data-testid="run-name">{name}</h1>
            <span class=format!("status {}", status.to_ascii_lowercase()) data-testid="run-status">{status}</span>
            {deleted.then(|| view! { <span class="badge deleted">"deleted"</span> })}
            <div class="actions">
                <Show when=move || running && !deleted>
                    <button class="secondary" data-testid="run-finish" on:click=move |_| set_status(RunStatus::Finished)>"Mark finished"</button>
                    <button class="secondary" on:click=move |_| set_status(RunStatus::Failed)>"Mark failed"</button>
                    <button class="secondary" on:click=move |_| set_status(RunStatus::Killed)>"Mark killed"</button>
                </Show>
                <button class="secondary" data-testid=if deleted { "run-restore" } else { "run-delete" } on:click=toggle_deleted>
                    {if deleted { "Restore" } else { "Delete" }}
                </button>
            </div>
        </div>
    }
}
