//! The filter box: MLflow's filter language with completions (Tab takes the first) and the
//! error of a filter MLflow would refuse, with a caret under where it starts. What is typed
//! stays, valid or not; only a valid filter reaches the URL and the table.

use leptos::prelude::*;

use crate::app::hooks::{use_key_shortcut, UseKeyShortcutOptions};
use crate::app::route::set_query;
use crate::search::{Filter, FilterError, Target};

use super::suggest::{complete, suggestions};
use super::table::RunsTable;
use super::view::keys;

/// The text before an error's column, as spaces, then a caret.
fn caret(text: &str, start: usize) -> String {
    let before = text.get(..start).map_or(0, |t| t.chars().count());
    format!("{}^", " ".repeat(before))
}

#[component]
pub fn SearchBox(table: RunsTable) -> impl IntoView {
    let route = table.route;
    let applied_filter = Memo::new(move |_| table.settings.with(|s| s.filter.clone()));
    let typed = RwSignal::new(applied_filter.get_untracked());
    let filter_error = RwSignal::new(None::<FilterError>);
    let url_filter_error = Memo::new(move |_| table.applied.with(|a| a.as_ref().err().cloned()));
    let set_filter = move |text: String| {
        typed.set(text.clone());
        match Filter::parse(Target::Runs, &text) {
            Ok(_) => {
                filter_error.set(None);
                let value = text.trim();
                if applied_filter.get_untracked() != value {
                    set_query(route, keys::FILTER, (!value.is_empty()).then_some(value));
                }
            }
            Err(e) => filter_error.set(Some(e)),
        }
    };
    let search_box = NodeRef::<leptos::html::Input>::new();
    use_key_shortcut(search_box, UseKeyShortcutOptions::default());
    let focused = RwSignal::new(false);
    let offered = Memo::new(move |_| {
        if !focused.get() {
            return Vec::new();
        }
        table.keys.with(|k| typed.with(|t| suggestions(t, k)))
    });
    view! {
        <div class="search">
            <input type="search" class="search-input" data-testid="search-input" node_ref=search_box
                placeholder="Filter runs: metrics.rmse < 1 and params.model = 'tree'   (press / to focus)"
                spellcheck="false" autocomplete="off"
                prop:value=move || typed.get()
                on:input=move |ev| set_filter(event_target_value(&ev))
                on:focus=move |_| focused.set(true)
                on:blur=move |_| focused.set(false)
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Tab" && !ev.shift_key() {
                        if let Some(first) = offered.get_untracked().first() {
                            ev.prevent_default();
                            set_filter(complete(&typed.get_untracked(), first));
                        }
                    }
                }/>
            <Show when=move || !offered.with(Vec::is_empty)>
                <ul class="suggestions" data-testid="search-suggestions">
                    <For each=move || offered.get() key=|s| s.clone() let:item>
                        <li data-testid="search-suggestion"
                            on:mousedown=move |ev| {
                                ev.prevent_default();
                                set_filter(complete(&typed.get_untracked(), &item));
                            }>{item.clone()}</li>
                    </For>
                </ul>
            </Show>
            {move || filter_error.get().or_else(|| url_filter_error.get()).map(|e| {
                let text = typed.get_untracked();
                let marker = caret(&text, e.span.start);
                view! {
                    <div class="search-error" data-testid="search-error" role="alert">
                        <pre class="where">{text}"\n"{marker}</pre>
                        <p>{format!("Column {}: {}", e.column, e.message)}</p>
                    </div>
                }
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::caret;

    #[test]
    fn the_caret_counts_characters_not_bytes() {
        assert_eq!(caret("metrics.x OR", 10), "          ^");
        assert_eq!(caret("tags.é OR", 8), "       ^");
        assert_eq!(caret("abc", 99), "^");
    }
}
