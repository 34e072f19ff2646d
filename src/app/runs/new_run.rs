//! The "+ New run" form.

use futures::FutureExt;
use leptos::prelude::*;

use crate::app::widgets::{NameAction, NameForm};
use crate::app::{use_app, UI_USER};
use crate::clock::now_ms;
use crate::store::NewRun;

#[component]
pub fn NewRunForm(experiment_id: String, on_done: Callback<()>) -> impl IntoView {
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
