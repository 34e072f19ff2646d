//! The bar over the table while runs are ticked: compare, delete, restore, export, clear.

use leptos::prelude::*;

use crate::app::route::{navigate, Page, Route};
use crate::app::transfer::{export, ExportFormat};
use crate::app::use_app;
use crate::app::widgets::run_action;
use crate::store::ExportScope;

use super::table::RunsTable;

/// "1 run selected", "3 runs selected".
fn selected_text(n: usize) -> String {
    match n {
        1 => "1 run selected".to_owned(),
        n => format!("{n} runs selected"),
    }
}

#[component]
pub fn SelectionBar(table: RunsTable, error: RwSignal<Option<String>>) -> impl IntoView {
    let app = use_app();
    let count = Memo::new(move |_| table.settings.with(|s| s.selected.len()));
    let bulk = move |restore: bool| {
        let ids = table.selected_untracked();
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
        let ids = table.selected_untracked();
        let tracker = app.tracker();
        let stem = format!("runs-{}", ids.len());
        run_action(error, async move {
            export(tracker, ExportScope::Runs(ids), format, &stem).await
        });
    };
    let compare = move |_| {
        let mut target = Route::page(Page::Compare);
        target
            .query
            .push(("runs".to_owned(), table.selected_untracked().join(",")));
        navigate(&target);
    };
    view! {
        <Show when=move || count.get() != 0>
            <div class="selection-bar" data-testid="selection-bar">
                <span data-testid="selection-count">{move || selected_text(count.get())}</span>
                <button data-testid="selection-compare" title="The selected runs side by side"
                    disabled=move || count.get() < 2 on:click=compare>"Compare"</button>
                <button class="secondary" data-testid="selection-delete" on:click=move |_| bulk(false)>"Delete"</button>
                <button class="secondary" data-testid="selection-restore" on:click=move |_| bulk(true)>"Restore"</button>
                <button class="secondary" data-testid="selection-export-json" title="The selected runs as a JSON bundle"
                    on:click=move |_| export_selected(ExportFormat::BundleJson)>"Export .json"</button>
                <button class="secondary" data-testid="selection-export-zip" title="The selected runs with their artifacts as a zip"
                    on:click=move |_| export_selected(ExportFormat::BundleZip)>"Export .zip"</button>
                <button class="secondary" data-testid="selection-clear"
                    on:click=move |_| table.set_selection(Vec::new())>"Clear"</button>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::selected_text;

    #[test]
    fn says_how_many_are_selected() {
        assert_eq!(selected_text(1), "1 run selected");
        assert_eq!(selected_text(3), "3 runs selected");
    }
}
