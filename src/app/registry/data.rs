//! The registry as its pages read it: every registered model and every version as a card (with
//! its aliases and, for the board, its source run and that run's latest metrics), and what the
//! list and a model's page work out from them.

use std::collections::HashMap;

use crate::domain::{DomainError, ModelVersion, RegisteredModel, Stage};
use crate::search::{parse_order_by, sort_models, Filter, Target};
use crate::store::{Store, Tracker};

/// The source run of a version, as a card links to it: experiment id, run id, name.
pub type RunRef = (String, String, String);

/// A version as the board and lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub version: ModelVersion,
    pub aliases: Vec<String>,
    /// The source run, when it is in labbook (and was asked for).
    pub run: Option<RunRef>,
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
    pub fn model(&self, name: &str) -> Option<&RegisteredModel> {
        self.models.iter().find(|m| m.name == name)
    }

    /// The models `filter` matches, by name or (`by_time`) last modified first, with the
    /// cards of their versions.
    pub fn matching(&self, filter: &Filter, by_time: bool) -> (Vec<RegisteredModel>, Vec<Card>) {
        let mut models: Vec<RegisteredModel> = self
            .models
            .iter()
            .filter(|m| filter.matches_model(m))
            .cloned()
            .collect();
        let clause = if by_time {
            "last_updated_timestamp DESC"
        } else {
            "name"
        };
        if let Ok(key) = parse_order_by(Target::RegisteredModels, clause) {
            sort_models(&mut models, &[key]);
        }
        let cards = self
            .cards
            .iter()
            .filter(|c| models.iter().any(|m| m.name == c.version.name))
            .cloned()
            .collect();
        (models, cards)
    }
}

/// The registered models (only the one named `only`, when given) and their versions as cards;
/// the source runs are read (each once) only `with_runs`, for the board. A source run that is
/// not in labbook leaves its cards without one.
pub async fn load_registry<S: Store>(
    tracker: &Tracker<S>,
    only: Option<&str>,
    with_runs: bool,
) -> Result<Registry, DomainError> {
    type RunSummary = (Option<RunRef>, Vec<(String, f64)>);
    let mut models = tracker.registered_models().await?;
    let mut versions = tracker.model_versions().await?;
    if let Some(name) = only {
        models.retain(|m| m.name == name);
        versions.retain(|v| v.name == name);
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

/// The newest version of model `name` among `cards`.
pub fn latest_version(cards: &[Card], name: &str) -> Option<u64> {
    cards
        .iter()
        .filter(|c| c.version.name == name)
        .map(|c| c.version.version)
        .max()
}

/// The newest version of each stage of a model, as "Production v3 · Staging v2".
pub fn stage_summary(cards: &[Card], name: &str) -> String {
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

/// The aliases the stages suggest: for Staging and Production, the newest version in it, as
/// `staging` and `production`; with what each alias points at now.
pub fn aliases_from_stages(
    model: &RegisteredModel,
    cards: &[Card],
) -> Vec<(String, u64, Option<u64>)> {
    Stage::ALL
        .iter()
        .filter(|stage| stage.is_active())
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

/// The cards of a model's page, newest version first.
pub fn newest_first(cards: &[Card]) -> Vec<Card> {
    let mut rows = cards.to_vec();
    rows.sort_by_key(|c| std::cmp::Reverse(c.version.version));
    rows
}

#[cfg(test)]
pub mod tests {
    use futures::executor::block_on;

    use super::*;
    use crate::app::test_runs::experiment_with_a_run;
    use crate::domain::{LogBatch, Metric, Tag};
    use crate::store::{MemStore, NewModelVersion};

    /// A card of version `version` of model `m` in `stage`.
    pub fn card(version: u64, stage: Stage) -> Card {
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

    /// A registered model named `name` with these aliases.
    pub fn model(name: &str, aliases: &[(&str, u64)]) -> RegisteredModel {
        RegisteredModel {
            name: name.into(),
            creation_timestamp: 0,
            last_updated_timestamp: 0,
            description: String::new(),
            tags: vec![],
            aliases: aliases.iter().map(|(a, v)| ((*a).into(), *v)).collect(),
            last_version: 0,
        }
    }

    /// Two models, `taxi` with two versions of one run (the second aliased `champion`) and
    /// `other` with one version of a run not in labbook.
    fn registry() -> (Tracker<MemStore>, String) {
        let tracker = Tracker::new(MemStore::new());
        let run_id = block_on(async {
            let run_id = experiment_with_a_run(&tracker).await?;
            let batch = LogBatch {
                metrics: vec![Metric {
                    key: "rmse".into(),
                    value: 3.25,
                    timestamp: 1,
                    step: 0,
                }],
                ..LogBatch::default()
            };
            tracker.log_batch(&run_id, batch).await?;
            for name in ["taxi", "other"] {
                tracker
                    .create_registered_model(name, vec![Tag::new("team", name)], String::new())
                    .await?;
            }
            let version = |name: &str, run_id: &str| NewModelVersion {
                name: name.into(),
                source: format!("runs:/{run_id}/model"),
                run_id: Some(run_id.into()),
                ..NewModelVersion::default()
            };
            for _ in 0..2 {
                tracker
                    .create_model_version(version("taxi", &run_id))
                    .await?;
            }
            tracker
                .create_model_version(version("other", "0123456789abcdef"))
                .await?;
            tracker.set_alias("taxi", "champion", 2).await?;
            Ok::<_, DomainError>(run_id)
        })
        .unwrap();
        (tracker, run_id)
    }

    #[test]
    fn the_registry_loads_as_cards_with_their_runs_when_asked() {
        let (tracker, run_id) = registry();
        let all = block_on(load_registry(&tracker, None, true)).unwrap();
        let names: Vec<&str> = all.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["other", "taxi"]);
        let taxi: Vec<&Card> = all
            .cards
            .iter()
            .filter(|c| c.version.name == "taxi")
            .collect();
        assert_eq!(taxi.len(), 2);
        assert_eq!(taxi[1].aliases, ["champion"]);
        assert_eq!(
            taxi[0].run,
            Some(("0".to_owned(), run_id.clone(), "fit".to_owned()))
        );
        assert_eq!(taxi[0].metrics, [("rmse".to_owned(), 3.25)]);
        let other = all.cards.iter().find(|c| c.version.name == "other");
        assert_eq!(other.map(|c| c.run.clone()), Some(None), "not in labbook");

        let only = block_on(load_registry(&tracker, Some("taxi"), false)).unwrap();
        assert!(only.model("taxi").is_some());
        assert!(only.model("other").is_none());
        assert_eq!(only.cards.len(), 2);
        assert!(only
            .cards
            .iter()
            .all(|c| c.run.is_none() && c.metrics.is_empty()));
    }

    #[test]
    fn the_list_shows_the_models_a_filter_matches_with_their_cards() {
        let (tracker, _) = registry();
        let all = block_on(load_registry(&tracker, None, false)).unwrap();
        let filter = Filter::parse(Target::RegisteredModels, "tags.team = 'taxi'").unwrap();
        let (models, cards) = all.matching(&filter, false);
        assert_eq!(models.len(), 1);
        assert_eq!(cards.len(), 2);
        assert_eq!(latest_version(&cards, "taxi"), Some(2));
        assert_eq!(latest_version(&cards, "other"), None);
        let everything = Filter::parse(Target::RegisteredModels, "").unwrap();
        let (by_name, _) = all.matching(&everything, false);
        assert_eq!(by_name.len(), 2);
        let mut older = model("a", &[]);
        older.last_updated_timestamp = 1;
        let mut newer = model("b", &[]);
        newer.last_updated_timestamp = 2;
        let dated = Registry {
            models: vec![older, newer],
            cards: vec![],
        };
        let (by_time, _) = dated.matching(&everything, true);
        assert_eq!(by_time[0].name, "b", "modified last");
        assert_eq!(
            newest_first(&cards)
                .iter()
                .map(|c| c.version.version)
                .collect::<Vec<_>>(),
            [2, 1]
        );
    }

    #[test]
    fn stages_suggest_aliases_for_their_newest_versions() {
        let model = model("m", &[("production", 1)]);
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
}
