//! The board (`registry-board`): a column per stage, a card per version. Drag a card to another
//! column, or focus it and press ←/→ (or 1–4), to move it there; moving into Staging or
//! Production asks whether to archive the versions already there. A second view lays the cards
//! out in lanes by alias, where dropping a card on a lane points that alias at it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::columns::{
    alias_lanes, drag_data, dropped_card, in_stage, key_metric, metric_keys, KeyAction, MovePlan,
    PendingMove,
};
use super::data::Card;
use super::links::{clicked_a_link, model_link, version_link, version_route};
use crate::app::route::{navigate, set_query, Page, Route};
use crate::app::use_app;
use crate::app::widgets::{run_action, ErrorLine, UrlChoice};
use crate::clock::now_ms;
use crate::domain::Stage;

/// A card to give the focus back to once it is drawn in its new stage: model, version, stage.
/// Owned by the page, since the board is drawn anew when the data changes.
pub type FocusAfterMove = RwSignal<Option<(String, u64, Stage)>>;

/// How long before `now` the moment `ms` was, shortly.
fn age(ms: i64, now: i64) -> String {
    let minutes = (now - ms).max(0) / 60_000;
    match minutes {
        0 => "just now".to_owned(),
        m if m < 60 => format!("{m} min ago"),
        m if m < 48 * 60 => format!("{} h ago", m / 60),
        m => format!("{} d ago", m / (24 * 60)),
    }
}

/// The board: a column per stage (or a lane per alias), a card per version.
#[component]
pub fn Board(cards: Vec<Card>, show_model: bool, focus_after: FocusAfterMove) -> impl IntoView {
    let app = use_app();
    let route = expect_context::<RwSignal<Route>>();
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(None::<PendingMove>);
    let by_alias = Memo::new(move |_| route.with(|r| r.get("lanes") == Some("aliases")));
    let metric = Memo::new(move |_| route.with(|r| r.get("metric").map(str::to_owned)));
    let metric_choices = metric_keys(&cards);
    let cards = StoredValue::new(cards);

    let transition = move |name: String, version: u64, to: Stage, archive: bool| {
        let tracker = app.tracker();
        focus_after.set(Some((name.clone(), version, to)));
        run_action(error, async move {
            tracker
                .transition_stage(&name, version, to, archive)
                .await
                .map(drop)
        });
    };
    // Moving into Staging or Production asks first when other versions are there.
    let request_move = move |name: String, version: u64, to: Stage| match cards
        .with_value(|c| MovePlan::of(c, &name, version, to))
    {
        MovePlan::Nothing => {}
        MovePlan::Move => transition(name, version, to, false),
        MovePlan::Ask(question) => pending.set(Some(question)),
    };
    let set_alias = move |name: String, version: u64, alias: String| {
        let tracker = app.tracker();
        run_action(error, async move {
            tracker.set_alias(&name, &alias, version).await
        });
    };
    // After a move the card is drawn anew in its column: give it the focus back.
    Effect::new(move |_| {
        let Some((name, version, stage)) = focus_after.get() else {
            return;
        };
        let selector = format!(
            "[data-testid=\"version-card\"][data-version=\"{version}\"][data-stage=\"{stage}\"][data-model=\"{}\"]",
            name.replace('\\', "\\\\").replace('"', "\\\"")
        );
        if let Ok(Some(element)) = document().query_selector(&selector) {
            if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
                let _ = element.focus();
                focus_after.set(None);
            }
        }
    });
    let dropped = move |ev: &web_sys::DragEvent| -> Option<(String, u64)> {
        ev.prevent_default();
        let data = ev.data_transfer()?.get_data("text/plain").ok()?;
        dropped_card(&data)
    };
    let card_view = move |card: Card| {
        let name = card.version.name.clone();
        let number = card.version.version;
        let stage = card.version.current_stage;
        let drag = drag_data(&name, number);
        let shown_metric = metric.with(|m| key_metric(&card, m.as_deref()));
        let move_name = name.clone();
        let page = version_route(&name, number);
        let open = page.clone();
        view! {
            <article class="version-card" data-testid="version-card" data-version=number.to_string()
                data-model=name.clone() data-stage=stage.as_str() tabindex="0" draggable="true"
                title="Drag to another column, or press ← / → (1–4) to move between stages"
                on:click=move |ev| if !clicked_a_link(&ev) { navigate(&page) }
                on:dragstart=move |ev| {
                    if let Some(transfer) = ev.data_transfer() {
                        let _ = transfer.set_data("text/plain", &drag);
                        transfer.set_effect_allowed("move");
                    }
                }
                on:keydown=move |ev| match KeyAction::of(&ev.key(), stage) {
                    Some(KeyAction::MoveTo(to)) => {
                        ev.prevent_default();
                        request_move(move_name.clone(), number, to);
                    }
                    Some(KeyAction::Open) => navigate(&open),
                    None => {}
                }>
                <header>
                    <a href=version_link(&name, number) data-testid="card-version">{format!("v{number}")}</a>
                    {show_model.then(|| view! { <a class="model" href=model_link(&name)>{name.clone()}</a> })}
                    <span class="age muted">{age(card.version.creation_timestamp, now_ms())}</span>
                </header>
                {card.run.clone().map(|(experiment_id, run_id, run_name)| {
                    let link = Route::page(Page::Run { experiment_id, run_id }).to_hash();
                    view! { <div class="run">"from "<a href=link>{run_name}</a></div> }
                })}
                {shown_metric.map(|m| view! { <div class="metric" data-testid="card-metric">{m}</div> })}
                <div class="chips">
                    {card.aliases.iter().map(|a| view! { <span class="chip alias" data-testid="card-alias">"@"{a.clone()}</span> }).collect_view()}
                    {card.version.tags.iter().map(|t| view! { <span class="chip">{format!("{}={}", t.key, t.value)}</span> }).collect_view()}
                </div>
            </article>
        }
    };
    let stage_columns = move || {
        Stage::ALL
            .iter()
            .map(|&stage| {
                let in_stage = cards.with_value(|c| in_stage(c, stage));
                let count = in_stage.len();
                view! {
                    <div class="stage-column" data-testid="stage-column" data-stage=stage.as_str()
                        on:dragover=move |ev| ev.prevent_default()
                        on:drop=move |ev| {
                            if let Some((name, version)) = dropped(&ev) {
                                request_move(name, version, stage);
                            }
                        }>
                        <h3>{stage.as_str()}<span class="muted">" "{count}</span></h3>
                        {in_stage.into_iter().map(card_view).collect_view()}
                    </div>
                }
            })
            .collect_view()
    };
    let lanes = move || {
        cards
            .with_value(|c| alias_lanes(c))
            .into_iter()
            .map(|(alias, in_lane)| {
                let title = alias
                    .as_ref()
                    .map(|a| format!("@{a}"))
                    .unwrap_or_else(|| "No alias".to_owned());
                let target = alias.clone();
                view! {
                    <div class="stage-column alias-lane" data-testid="alias-lane" data-alias=alias.unwrap_or_default()
                        on:dragover=move |ev| ev.prevent_default()
                        on:drop=move |ev| {
                            if let (Some((name, version)), Some(alias)) = (dropped(&ev), target.clone()) {
                                set_alias(name, version, alias);
                            }
                        }>
                        <h3>{title}</h3>
                        {in_lane.into_iter().map(card_view).collect_view()}
                    </div>
                }
            })
            .collect_view()
    };
    // The question takes the focus, so the keyboard answers it (Enter archives, Escape cancels).
    let answer_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = answer_ref.get() {
            let _ = button.focus();
        }
    });
    view! {
        <section class="registry-board" data-testid="registry-board">
            <div class="toolbar">
                <label>"Lanes "
                    <UrlChoice testid="board-view" key="lanes" first="by stage" second=("aliases", "by alias")/>
                </label>
                <label>"Key metric "
                    <select data-testid="board-metric" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set_query(route, "metric", (!v.is_empty()).then_some(v.as_str()));
                    }>
                        <option value="">"none"</option>
                        {metric_choices.into_iter().map(|k| {
                            let chosen = k.clone();
                            view! { <option value=k.clone() selected=move || metric.get().as_deref() == Some(chosen.as_str())>{k.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <ErrorLine error=error/>
            <div class="board-columns">
                {move || if by_alias.get() { lanes().into_any() } else { stage_columns().into_any() }}
            </div>
            {move || pending.get().map(|p| {
                let (yes, no) = (p.clone(), p.clone());
                let others = p.others.iter().map(|v| format!("v{v}")).collect::<Vec<_>>().join(", ");
                view! {
                    <div class="dialog" role="dialog" data-testid="archive-dialog"
                        on:keydown=move |ev| if ev.key() == "Escape" { pending.set(None) }>
                        <p>{format!("Move {} v{} to {}. Archive the versions now in {} ({others})?", p.name, p.version, p.to, p.to)}</p>
                        <div class="actions">
                            <button data-testid="archive-yes" node_ref=answer_ref on:click=move |_| {
                                pending.set(None);
                                transition(yes.name.clone(), yes.version, yes.to, true);
                            }>"Move and archive them"</button>
                            <button class="secondary" data-testid="archive-no" on:click=move |_| {
                                pending.set(None);
                                transition(no.name.clone(), no.version, no.to, false);
                            }>"Move only"</button>
                            <button class="secondary" data-testid="archive-cancel" on:click=move |_| pending.set(None)>"Cancel"</button>
                        </div>
                    </div>
                }
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_are_short() {
        let now = 100 * 24 * 3_600_000;
        assert_eq!(age(now - 30_000, now), "just now");
        assert_eq!(age(now - 5 * 60_000, now), "5 min ago");
        assert_eq!(age(now - 3 * 3_600_000, now), "3 h ago");
        assert_eq!(age(now - 72 * 3_600_000, now), "3 d ago");
        assert_eq!(age(now + 60_000, now), "just now");
    }
}
