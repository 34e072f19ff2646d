//! The form that logs a metric, a param or a tag to the run from the page.

use leptos::prelude::*;

use crate::app::widgets::{run_action, ErrorLine};
use crate::app::{use_app, UI_USER};
use crate::clock::now_ms;
use crate::codec::protojson::double_from_json;
use crate::domain::{DomainError, LogBatch, Metric, Param, Tag};

/// What the form logs, read from its three boxes.
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Param(Param),
    Tag(Tag),
    /// A metric's key and value; its step and time are given when it is logged.
    Metric(String, f64),
}

impl Entry {
    /// The entry of kind `kind` (the select's `metric`, `param` or `tag`) that `key` and
    /// `value` make; a metric's value must be a number (or NaN, ±Infinity).
    fn read(kind: &str, key: &str, value: &str) -> Result<Entry, DomainError> {
        let key = key.trim();
        match kind {
            "param" => Ok(Entry::Param(Param::new(key, value))),
            "tag" => Ok(Entry::Tag(Tag::new(key, value))),
            _ => double_from_json(&value.trim().into())
                .map(|number| Entry::Metric(key.to_owned(), number))
                .ok_or_else(|| DomainError::invalid(format!("'{value}' is not a number"))),
        }
    }
}

/// The step a metric is logged at from the page: the one after the last of its `history`.
#[component]
pub fn LogForm(run_id: String) -> impl IntoView {
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
        let entry = Entry::read(
            &kind.get_untracked(),
            &key.get_untracked(),
            &value.get_untracked(),
        );
        // The value box empties at once, ready for the next value; an error puts it back.
        busy.set(true);
        let typed = value.get_untracked();
        value.set(String::new());
        let work = async move {
            let mut batch = LogBatch::default();
            match entry? {
                Entry::Param(param) => batch.params.push(param),
                Entry::Tag(tag) => batch.tags.push(tag),
                Entry::Metric(key, value) => {
                    let history = tracker.metric_history_from(&run_id, &key, 0).await?;
                    batch.metrics.push(Metric {
                        step: history.next_step(),
                        key,
                        value,
                        timestamp: now_ms(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_read_from_the_form() {
        assert_eq!(
            Entry::read("param", " lr ", "0.1"),
            Ok(Entry::Param(Param::new("lr", "0.1")))
        );
        assert_eq!(
            Entry::read("tag", "owner", " ana"),
            Ok(Entry::Tag(Tag::new("owner", " ana")))
        );
        assert_eq!(
            Entry::read("metric", "loss", " 0.5 "),
            Ok(Entry::Metric("loss".into(), 0.5))
        );
        assert!(matches!(
            Entry::read("metric", "loss", "NaN"),
            Ok(Entry::Metric(_, v)) if v.is_nan()
        ));
        let refused = Entry::read("metric", "loss", "fast").unwrap_err();
        assert_eq!(refused.message, "'fast' is not a number");
    }
}
