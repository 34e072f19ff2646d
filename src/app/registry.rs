//! The model registry's pages: the list of registered models (`model-list`, searchable with
//! MLflow's filter language and ordered by name or time), a model's page (description, tags,
//! aliases, versions, and the "aliases from stages" helper), and the board (`registry-board`):
//! a column per stage, a card per version; drag a card to another column, or focus it and press
//! ←/→ (or 1–4), to move it there; moving into Staging or Production asks whether to archive
//! the versions already there. A second view lays the cards out in lanes by alias, where
//! dropping a card on a lane points that alias at it. The board of all models is filtered like
//! the list.

use std::collections::HashMap;

use futures::FutureExt;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::format;
use super::route::{navigate, set_query, Page, Route};
use super::widgets::{run_action, DescriptionEditor, EditorState, ErrorLine, NameAction, NameForm};
use super::{keep_last, use_app, AppState};
use crate::domain::{DomainError, ModelVersion, RegisteredModel, Stage, Tag};
use crate::search::{parse_order_by, sort_models, Filter, Target};
use crate::store::now_ms;

/// A version as the board and lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub version: ModelVersion,
    pub aliases: Vec<String>,
    /// The source run: experiment id, run id, name; when it is in labbook.
    pub run: Option<(String, String, String)>,
    /// The source run's latest metrics.
    pub metrics: Vec<(String, f64)>,
}

/// Every registered model and every version as a card.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Registry {
    pub models: Vec<RegisteredModel>,
    pub cards: Vec<Card>,
}

impl Registry {
    fn model(&self, name: &str) -> Option<&RegisteredModel> {
        self.models.iter().find(|m| m.name == name)
    }
}

/// The registered models (only `only`, when given) and their versions as cards; the source
/// runs are read (each once) only `with_runs`, for the board.
async fn load_registry(
    app: AppState,
    only: Option<String>,
    with_runs: bool,
) -> Result<Registry, DomainError> {
    type RunSummary = (Option<(String, String, String)>, Vec<(String, f64)>);
    let tracker = app.tracker();
    let mut models = tracker.registered_models().await?;
    let mut versions = tracker.model_versions().await?;
    if let Some(name) = &only {
        models.retain(|m| m.name == *name);
        versions.retain(|v| v.name == *name);
    }
    let mut runs: HashMap<String, RunSummary> = HashMap::new();
    let mut cards = Vec::with_capacity(versions.len());
    for version in versions {
        let (run, metrics) = match (&version.run_id, with_runs) {
            (Some(id), true) => {
                if !runs.contains_key(id) {
                    let summary = match tracker.run(id).await {
                        Ok(r) => (
                            Some((
                                r.info.experiment_id.clone(),
                                r.info.run_id.clone(),
                                r.display_name().to_owned(),
                            )),
                            r.data
                                .metrics
                                .iter()
                                .map(|m| (m.key.clone(), m.value))
                                .collect(),
                        ),
                        Err(_) => (None, Vec::new()),
                    };
                    runs.insert(id.clone(), summary);
                }
                runs[id].clone()
            }
            _ => (None, Vec::new()),
        };
        let aliases = models
            .iter()
            .find(|m| m.name == version.name)
            .map(|m| m.aliases_of(version.version))
            .unwrap_or_default();
        cards.push(Card {
            version,
            aliases,
            run,
            metrics,
        });
    }
    Ok(Registry { models, cards })
}

/// The registry (see [`load_registry`]), reloaded after every write, keeping the last answer
/// meanwhile.
fn use_registry(
    only: Option<String>,
    with_runs: Signal<bool>,
) -> ReadSignal<Option<Result<Registry, DomainError>>, LocalStorage> {
    let app = use_app();
    keep_last(LocalResource::new(move || {
        app.revision.track();
        load_registry(app, only.clone(), with_runs.get())
    }))
}

/// The search box's text as a registered-model filter: MLflow's language, or plain words
/// taken as `name ILIKE '%words%'`.
fn model_filter(text: &str) -> Result<Filter, String> {
    let text = text.trim();
    let plain = !text.is_empty()
        && !text.contains(['=', '<', '>', '!', '\''])
        && !text.to_ascii_uppercase().contains("LIKE");
    let query = if plain {
        format!("name ILIKE '%{text}%'")
    } else {
        text.to_owned()
    };
    Filter::parse(Target::RegisteredModels, &query).map_err(|e| DomainError::from(e).message)
}

/// How long ago `ms` was, shortly.
fn age(ms: i64) -> String {
    let minutes = (now_ms() - ms).max(0) / 60_000;
    match minutes {
        0 => "just now".to_owned(),
        m if m < 60 => format!("{m} min ago"),
        m if m < 48 * 60 => format!("{} h ago", m / 60),
        m => format!("{} d ago", m / (24 * 60)),
    }
}

fn model_link(name: &str) -> String {
    Route::page(Page::Model(name.to_owned())).to_hash()
}

pub fn version_link(name: &str, version: u64) -> String {
    Route::page(Page::Version {
        name: name.to_owned(),
        version: version.to_string(),
    })
    .to_hash()
}

/// The newest version of each stage of a model, as "Production v3 · Staging v2".
fn stage_summary(cards: &[Card], name: &str) -> String {
    Stage::ALL
        .iter()
        .filter(|s| **s != Stage::None)
        .filter_map(|stage| {
            cards
                .iter()
                .filter(|c| c.version.name == name && c.version.current_stage == *stage)
                .map(|c| c.version.version)
                .max()
                .map(|v| format!("{stage} v{v}"))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[component]
pub fn ModelsPage() -> impl IntoView {
    let app = use_app();
    let route = expect_context::<RwSignal<Route>>();
    let focus_after: FocusAfterMove = RwSignal::new(None);
    let text = Memo::new(move |_| route.with(|r| r.get("filter").unwrap_or_default().to_owned()));
    let filter = Memo::new(move |_| model_filter(&text.get()));
    let board = Memo::new(move |_| route.with(|r| r.get("view") == Some("board")));
    // The list needs no runs; the board shows each version's source run.
    let registry = use_registry(None, board.into());
    let by_time = Memo::new(move |_| route.with(|r| r.get("order") == Some("updated")));
    let set = move |key: &str, value: Option<&str>| set_query(route, key, value);
    let shown = move || {
        let filter = filter.get().ok()?;
        registry.with(|r| {
            let registry = r.as_ref()?.as_ref().ok()?;
            let mut models: Vec<RegisteredModel> = registry
                .models
                .iter()
                .filter(|m| filter.matches_model(m))
                .cloned()
                .collect();
            let clause = if by_time.get() {
                "last_updated_timestamp DESC"
            } else {
                "name"
            };
            if let Ok(key) = parse_order_by(Target::RegisteredModels, clause) {
                sort_models(&mut models, &[key]);
            }
            let names: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
            let cards: Vec<Card> = registry
                .cards
                .iter()
                .filter(|c| names.contains(&c.version.name.as_str()))
                .cloned()
                .collect();
            Some((models, cards))
        })
    };
    let create: NameAction = Callback::new(move |name: String| {
        let tracker = app.tracker();
        async move {
            tracker
                .create_registered_model(&name, Vec::new(), String::new())
                .await?;
            navigate(&Route::page(Page::Model(name)));
            Ok(())
        }
        .boxed_local()
    });
    view! {
        <section class="models-page" data-testid="models-page">
            <div class="page-head">
                <h1>"Models"</h1>
                <div class="actions">
                    <NameForm placeholder="New model name" input_testid="model-name-input"
                        button_testid="model-create" button_label="Create model" action=create/>
                </div>
            </div>
            <div class="toolbar">
                <input type="search" class="search" data-testid="model-search"
                    placeholder="Search: a name, or name LIKE 'taxi%' and tags.team = 'ml'"
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        set("filter", (!value.is_empty()).then_some(value.as_str()));
                    }/>
                <UrlChoice testid="model-order" key="order" first="By name" second=("updated", "Last modified first")/>
                <label class="toggle">
                    <input type="checkbox" data-testid="models-view-board" prop:checked=move || board.get()
                        on:change=move |ev| set("view", event_target_checked(&ev).then_some("board"))/>
                    " Board of all models"
                </label>
            </div>
            {move || filter.get().err().map(|e| view! { <p class="error-line" data-testid="search-error">{e}</p> })}
            {move || match shown() {
                None => registry.with(|r| match r {
                    Some(Err(e)) => view! { <p class="error-line">{e.message.clone()}</p> }.into_any(),
                    _ => view! { <p class="muted">"Loading…"</p> }.into_any(),
                }),
                Some((_, cards)) if board.get() => view! { <Board cards=cards show_model=true focus_after=focus_after/> }.into_any(),
                Some((models, _)) if models.is_empty() => view! {
                    <p class="muted" data-testid="model-list">"No registered models match. Create one above, register a run's model from its page, or import an MLflow registry."</p>
                }.into_any(),
                Some((models, cards)) => view! { <ModelList models=models cards=cards/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ModelList(models: Vec<RegisteredModel>, cards: Vec<Card>) -> impl IntoView {
    view! {
        <table class="kv model-list" data-testid="model-list">
            <thead><tr><th>"Name"</th><th>"Latest version"</th><th>"Stages"</th><th>"Aliases"</th><th>"Tags"</th><th>"Last modified"</th></tr></thead>
            <tbody>
                {models.into_iter().map(|m| {
                    let latest = cards.iter().filter(|c| c.version.name == m.name).map(|c| c.version.version).max();
                    let stages = stage_summary(&cards, &m.name);
                    let aliases = m.aliases.iter().map(|(a, v)| format!("@{a} v{v}")).collect::<Vec<_>>().join(" ");
                    let tags = m.tags.iter().map(|t| format!("{}={}", t.key, t.value)).collect::<Vec<_>>().join(", ");
                    let target = Route::page(Page::Model(m.name.clone()));
                    view! {
                        <tr data-testid="model-item" data-name=m.name.clone() class="clickable"
                            on:click=move |ev| if !clicked_a_link(&ev) { navigate(&target) }>
                            <td><a href=model_link(&m.name)>{m.name.clone()}</a></td>
                            <td>{latest.map(|v| view! { <a href=version_link(&m.name, v)>{format!("v{v}")}</a> })}</td>
                            <td>{stages}</td>
                            <td>{aliases}</td>
                            <td class="value">{tags}</td>
                            <td>{format::time(m.last_updated_timestamp)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// A select of two choices kept in the URL: `key` absent for the first, `key=<value>` for the
/// second.
#[component]
fn UrlChoice(
    testid: &'static str,
    key: &'static str,
    first: &'static str,
    second: (&'static str, &'static str),
) -> impl IntoView {
    let route = expect_context::<RwSignal<Route>>();
    let (value, label) = second;
    let on = Memo::new(move |_| route.with(|r| r.get(key) == Some(value)));
    view! {
        <select data-testid=testid on:change=move |ev| {
            let chosen = event_target_value(&ev) == value;
            set_query(route, key, chosen.then_some(value));
        }>
            <option value="" selected=move || !on.get()>{first}</option>
            <option value=value selected=move || on.get()>{label}</option>
        </select>
    }
}

/// Whether a click landed on a link (which goes where it points by itself).
fn clicked_a_link(ev: &leptos::ev::MouseEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("a").ok().flatten())
        .is_some()
}

/// A stage move waiting for the reader's answer: archive the versions already there?
#[derive(Debug, Clone, PartialEq)]
struct PendingMove {
    name: String,
    version: u64,
    to: Stage,
    /// The model's other versions now in `to`.
    others: Vec<u64>,
}

/// A card to give the focus back to once it is drawn in its new stage: model, version, stage.
/// Owned by the page, since the board is drawn anew when the data changes.
pub type FocusAfterMove = RwSignal<Option<(String, u64, Stage)>>;

/// The board: a column per stage (or a lane per alias), a card per version.
#[component]
pub fn Board(cards: Vec<Card>, show_model: bool, focus_after: FocusAfterMove) -> impl IntoView {
    let app = use_app();
    let route = expect_context::<RwSignal<Route>>();
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(None::<PendingMove>);
    let by_alias = Memo::new(move |_| route.with(|r| r.get("lanes") == Some("aliases")));
    let metric = Memo::new(move |_| route.with(|r| r.get("metric").map(str::to_owned)));
    let cards = StoredValue::new(cards);
    let mut metric_keys: Vec<String> = cards.with_value(|c| {
        c.iter()
            .flat_map(|c| c.metrics.iter().map(|m| m.0.clone()))
            .collect()
    });
    metric_keys.sort();
    metric_keys.dedup();

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
    let request_move = move |name: String, version: u64, to: Stage| {
        let others: Vec<u64> = cards.with_value(|c| {
            c.iter()
                .filter(|c| {
                    c.version.name == name
                        && c.version.version != version
                        && c.version.current_stage == to
                })
                .map(|c| c.version.version)
                .collect()
        });
        let current = cards.with_value(|c| {
            c.iter()
                .find(|c| c.version.name == name && c.version.version == version)
                .map(|c| c.version.current_stage)
        });
        if current == Some(to) {
            return;
        }
        if matches!(to, Stage::Staging | Stage::Production) && !others.is_empty() {
            pending.set(Some(PendingMove {
                name,
                version,
                to,
                others,
            }));
        } else {
            transition(name, version, to, false);
        }
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
        let (version, name) = data.split_once('\n')?;
        Some((name.to_owned(), version.parse().ok()?))
    };
    let card_view = move |card: Card| {
        let name = card.version.name.clone();
        let number = card.version.version;
        let stage = card.version.current_stage;
        let drag_data = format!("{number}\n{name}");
        let key_metric = metric.get().and_then(|k| {
            card.metrics
                .iter()
                .find(|m| m.0 == k)
                .map(|m| format!("{k}: {}", format::number(m.1)))
        });
        let (move_name, key_name) = (name.clone(), name.clone());
        let page = Route::parse(&version_link(&name, number));
        view! {
            <article class="version-card" data-testid="version-card" data-version=number.to_string()
                data-model=name.clone() data-stage=stage.as_str() tabindex="0" draggable="true"
                title="Drag to another column, or press ← / → (1–4) to move between stages"
                on:click=move |ev| if !clicked_a_link(&ev) { navigate(&page) }
                on:dragstart=move |ev| {
                    if let Some(transfer) = ev.data_transfer() {
                        let _ = transfer.set_data("text/plain", &drag_data);
                        transfer.set_effect_allowed("move");
                    }
                }
                on:keydown=move |ev| {
                    let index = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0);
                    let target = match ev.key().as_str() {
                        "ArrowRight" => Stage::ALL.get(index + 1).copied(),
                        "ArrowLeft" => index.checked_sub(1).and_then(|i| Stage::ALL.get(i).copied()),
                        "1" => Some(Stage::None),
                        "2" => Some(Stage::Staging),
                        "3" => Some(Stage::Production),
                        "4" => Some(Stage::Archived),
                        "Enter" => {
                            navigate(&Route::parse(&version_link(&key_name, number)));
                            None
                        }
                        _ => None,
                    };
                    if let Some(to) = target {
                        ev.prevent_default();
                        request_move(move_name.clone(), number, to);
                    }
                }>
                <header>
                    <a href=version_link(&name, number) data-testid="card-version">{format!("v{number}")}</a>
                    {show_model.then(|| view! { <a class="model" href=model_link(&name)>{name.clone()}</a> })}
                    <span class="age muted">{age(card.version.creation_timestamp)}</span>
                </header>
                {card.run.clone().map(|(experiment_id, run_id, run_name)| {
                    let link = Route::page(Page::Run { experiment_id, run_id }).to_hash();
                    view! { <div class="run">"from "<a href=link>{run_name}</a></div> }
                })}
                {key_metric.map(|m| view! { <div class="metric" data-testid="card-metric">{m}</div> })}
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
                let in_stage: Vec<Card> = cards.with_value(|c| {
                    let mut list: Vec<Card> = c
                        .iter()
                        .filter(|c| c.version.current_stage == stage)
                        .cloned()
                        .collect();
                    list.sort_by(|a, b| {
                        a.version
                            .name
                            .cmp(&b.version.name)
                            .then(b.version.version.cmp(&a.version.version))
                    });
                    list
                });
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
    let alias_lanes = move || {
        let mut aliases: Vec<String> =
            cards.with_value(|c| c.iter().flat_map(|c| c.aliases.clone()).collect());
        aliases.sort();
        aliases.dedup();
        let lanes: Vec<Option<String>> = aliases.into_iter().map(Some).chain([None]).collect();
        lanes
            .into_iter()
            .map(|alias| {
                let in_lane: Vec<Card> = cards.with_value(|c| {
                    c.iter()
                        .filter(|c| match &alias {
                            Some(a) => c.aliases.contains(a),
                            None => c.aliases.is_empty(),
                        })
                        .cloned()
                        .collect()
                });
                let title = alias
                    .as_ref()
                    .map(|a| format!("@{a}"))
                    .unwrap_or_else(|| "No alias".to_owned());
                let target = alias.clone();
                view! {
                    <div class="stage-column alias-lane" data-testid="alias-lane" data-alias=alias.clone().unwrap_or_default()
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
                        {metric_keys.into_iter().map(|k| {
                            let chosen = k.clone();
                            view! { <option value=k.clone() selected=move || metric.get().as_deref() == Some(chosen.as_str())>{k.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <ErrorLine error=error/>
            <div class="board-columns">
                {move || if by_alias.get() { alias_lanes().into_any() } else { stage_columns().into_any() }}
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

/// The aliases the stages suggest: for Staging and Production, the newest version in it, as
/// `staging` and `production`; with what each alias points at now.
fn aliases_from_stages(model: &RegisteredModel, cards: &[Card]) -> Vec<(String, u64, Option<u64>)> {
    [Stage::Staging, Stage::Production]
        .iter()
        .filter_map(|stage| {
            let newest = cards
                .iter()
                .filter(|c| c.version.current_stage == *stage)
                .map(|c| c.version.version)
                .max()?;
            let alias = stage.as_str().to_ascii_lowercase();
            let now = model
                .aliases
                .iter()
                .find(|(a, _)| *a == alias)
                .map(|(_, v)| *v);
            (now != Some(newest)).then_some((alias, newest, now))
        })
        .collect()
}

#[component]
pub fn ModelPage(name: String) -> impl IntoView {
    let registry = use_registry(Some(name.clone()), Signal::stored(true));
    let editor = EditorState::new();
    let focus_after: FocusAfterMove = RwSignal::new(None);
    let name = StoredValue::new(name);
    view! {
        {move || registry.with(|r| match r {
            None => view! { <p class="muted">"Loading…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error-line">{e.message.clone()}</p> }.into_any(),
            Some(Ok(registry)) => match registry.model(&name.get_value()) {
                None => view! {
                    <section class="not-found">
                        <h1>"Model not found"</h1>
                        <p class="error-line">{format!("Registered Model with name={} not found", name.get_value())}</p>
                        <a href="#/models">"All models"</a>
                    </section>
                }.into_any(),
                Some(model) => {
                    let cards = registry.cards.clone();
                    view! { <ModelView model=model.clone() cards=cards editor=editor focus_after=focus_after/> }.into_any()
                }
            },
        })}
    }
}

#[component]
fn ModelView(
    model: RegisteredModel,
    cards: Vec<Card>,
    editor: EditorState,
    focus_after: FocusAfterMove,
) -> impl IntoView {
    let app = use_app();
    let error = RwSignal::new(None::<String>);
    let name = model.name.clone();
    let renaming = RwSignal::new(false);
    let confirm_delete = RwSignal::new(false);
    let show_helper = RwSignal::new(false);
    let description = Signal::derive({
        let text = model.description.clone();
        move || text.clone()
    });
    let save_description = {
        let name = name.clone();
        Callback::new(move |text: String| {
            let (tracker, name) = (app.tracker(), name.clone());
            run_action(error, async move {
                tracker.update_registered_model(&name, text).await.map(drop)
            });
        })
    };
    let rename: NameAction = {
        let name = name.clone();
        Callback::new(move |new_name: String| {
            let (tracker, name) = (app.tracker(), name.clone());
            async move {
                tracker.rename_registered_model(&name, &new_name).await?;
                navigate(&Route::page(Page::Model(new_name)));
                Ok(())
            }
            .boxed_local()
        })
    };
    let delete = {
        let name = name.clone();
        move |_| {
            let (tracker, name) = (app.tracker(), name.clone());
            run_action(error, async move {
                tracker.delete_registered_model(&name).await?;
                navigate(&Route::page(Page::Models));
                Ok(())
            });
        }
    };
    let suggestions = aliases_from_stages(&model, &cards);
    let apply_suggestions = {
        let (name, suggestions) = (name.clone(), suggestions.clone());
        move |_| {
            let (tracker, name, suggestions) = (app.tracker(), name.clone(), suggestions.clone());
            show_helper.set(false);
            run_action(error, async move {
                for (alias, version, _) in suggestions {
                    tracker.set_alias(&name, &alias, version).await?;
                }
                Ok(())
            });
        }
    };
    let tag_set = {
        let name = name.clone();
        Callback::new(move |(key, value): (String, String)| {
            let (tracker, name) = (app.tracker(), name.clone());
            run_action(error, async move {
                tracker
                    .set_registered_model_tag(&name, Tag::new(key, value))
                    .await
            });
        })
    };
    let tag_remove = {
        let name = name.clone();
        Callback::new(move |key: String| {
            let (tracker, name) = (app.tracker(), name.clone());
            run_action(error, async move {
                tracker.delete_registered_model_tag(&name, &key).await
            });
        })
    };
    let remove_alias = {
        let name = name.clone();
        move |alias: String| {
            let (tracker, name) = (app.tracker(), name.clone());
            run_action(
                error,
                async move { tracker.delete_alias(&name, &alias).await },
            );
        }
    };
    let version_count = cards.len();
    let mut rows = cards.clone();
    rows.sort_by_key(|c| std::cmp::Reverse(c.version.version));
    view! {
        <section class="model-page" data-testid="model-page">
            <nav class="crumbs"><a href="#/models">"← Models"</a></nav>
            <div class="page-head">
                <h1 data-testid="model-name">{model.name.clone()}</h1>
                <div class="actions">
                    <button class="secondary" data-testid="model-rename" on:click=move |_| renaming.update(|r| *r = !*r)>"Rename"</button>
                    <button class="secondary" data-testid="model-delete" on:click=move |_| confirm_delete.set(true)>"Delete"</button>
                </div>
            </div>
            <Show when=move || renaming.get()>
                <NameForm placeholder="New name" input_testid="model-rename-input" button_testid="model-rename-save"
                    button_label="Rename" action=rename/>
            </Show>
            <Show when=move || confirm_delete.get()>
                <div class="dialog" role="dialog">
                    <p>{format!("Delete this model and its {version_count} versions? This cannot be undone.")}</p>
                    <div class="actions">
                        <button class="danger" data-testid="model-delete-confirm" on:click=delete.clone()>"Delete"</button>
                        <button class="secondary" on:click=move |_| confirm_delete.set(false)>"Cancel"</button>
                    </div>
                </div>
            </Show>
            <ErrorLine error=error/>
            <DescriptionEditor text=description save=save_description state=editor/>
            <div class="columns">
                <TagEditor tags=model.tags.clone() set=tag_set remove=tag_remove/>
                <section class="panel">
                    <h3>"Aliases"</h3>
                    <div class="chips" data-testid="model-aliases">
                        {model.aliases.iter().map(|(alias, version)| {
                            let (remove, gone) = (remove_alias.clone(), alias.clone());
                            view! {
                                <span class="chip alias" data-testid="alias-chip" data-alias=alias.clone()>
                                    <a href=version_link(&name, *version)>{format!("@{alias} → v{version}")}</a>
                                    <button class="link" data-testid="alias-remove" title="Delete this alias"
                                        on:click=move |_| remove(gone.clone())>"×"</button>
                                </span>
                            }
                        }).collect_view()}
                    </div>
                    <button class="secondary small" data-testid="aliases-from-stages" on:click=move |_| show_helper.update(|s| *s = !*s)>
                        "Aliases from stages…"
                    </button>
                    <Show when=move || show_helper.get()>
                        <div class="helper" data-testid="aliases-preview">
                            {if suggestions.is_empty() {
                                view! { <p class="muted">"Nothing to do: every Staging and Production version already has its alias."</p> }.into_any()
                            } else {
                                view! {
                                    <p>"This will set:"</p>
                                    <ul>
                                        {suggestions.iter().map(|(alias, version, now)| {
                                            let note = now.map(|v| format!(" (moves from v{v})")).unwrap_or_default();
                                            view! { <li data-testid="alias-suggestion">{format!("@{alias} → v{version}{note}")}</li> }
                                        }).collect_view()}
                                    </ul>
                                    <button data-testid="aliases-apply" on:click=apply_suggestions.clone()>"Set these aliases"</button>
                                }.into_any()
                            }}
                        </div>
                    </Show>
                </section>
            </div>
            <section class="panel">
                <h3>"Versions"</h3>
                <table class="kv" data-testid="version-list">
                    <thead><tr><th>"Version"</th><th>"Stage"</th><th>"Aliases"</th><th>"Source run"</th><th>"Registered"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|c| view! {
                            <tr data-testid="version-row" data-version=c.version.version.to_string()>
                                <td><a href=version_link(&c.version.name, c.version.version)>{format!("v{}", c.version.version)}</a></td>
                                <td>{c.version.current_stage.as_str()}</td>
                                <td>{c.aliases.iter().map(|a| format!("@{a}")).collect::<Vec<_>>().join(" ")}</td>
                                <td>{c.run.map(|(_, _, name)| name)}</td>
                                <td>{format::time(c.version.creation_timestamp)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <Board cards=cards show_model=false focus_after=focus_after/>
        </section>
    }
}

/// Tags with a remove button each, and a form to add or change one.
#[component]
pub fn TagEditor(
    tags: Vec<Tag>,
    set: Callback<(String, String)>,
    remove: Callback<String>,
) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    view! {
        <section class="panel">
            <h3>"Tags"</h3>
            <table class="kv" data-testid="tags-table">
                <tbody>
                    {tags.into_iter().map(|t| {
                        let (gone, row_key) = (t.key.clone(), t.key.clone());
                        view! {
                            <tr data-testid="tag-row" data-key=row_key>
                                <td>{t.key}</td><td class="value">{t.value}</td>
                                <td><button class="link" data-testid="tag-remove" title="Delete this tag"
                                    on:click=move |_| remove.run(gone.clone())>"×"</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                let k = key.get_untracked().trim().to_owned();
                if !k.is_empty() {
                    set.run((k, value.get_untracked()));
                    key.set(String::new());
                    value.set(String::new());
                }
            }>
                <input type="text" placeholder="key" data-testid="tag-key" prop:value=move || key.get()
                    on:input=move |ev| key.set(event_target_value(&ev))/>
                <input type="text" placeholder="value" data-testid="tag-value" prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))/>
                <button type="submit" class="secondary" data-testid="tag-add">"Set tag"</button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(version: u64, stage: Stage) -> Card {
        Card {
            version: ModelVersion {
                current_stage: stage,
                ..ModelVersion::new("m", version, "")
            },
            aliases: vec![],
            run: None,
            metrics: vec![],
        }
    }

    #[test]
    fn stages_suggest_aliases_for_their_newest_versions() {
        let model = RegisteredModel {
            name: "m".into(),
            creation_timestamp: 0,
            last_updated_timestamp: 0,
            description: String::new(),
            tags: vec![],
            aliases: vec![("production".into(), 1)],
            last_version: 0,
        };
        let cards = [
            card(1, Stage::Production),
            card(2, Stage::Staging),
            card(3, Stage::Production),
            card(4, Stage::None),
        ];
        assert_eq!(
            aliases_from_stages(&model, &cards),
            vec![
                ("staging".to_owned(), 2, None),
                ("production".to_owned(), 3, Some(1))
            ]
        );
        assert_eq!(stage_summary(&cards, "m"), "Staging v2 · Production v3");
    }

    #[test]
    fn plain_words_search_names() {
        let filter = model_filter("taxi").unwrap();
        let mut model = RegisteredModel {
            name: "NYC-Taxi".into(),
            creation_timestamp: 0,
            last_updated_timestamp: 0,
            description: String::new(),
            tags: vec![Tag::new("team", "ml")],
            aliases: vec![],
            last_version: 0,
        };
        assert!(filter.matches_model(&model));
        assert!(model_filter("tags.team = 'ml'")
            .unwrap()
            .matches_model(&model));
        model.name = "other".into();
        assert!(!filter.matches_model(&model));
        assert!(model_filter("name = ").is_err());
    }
}
