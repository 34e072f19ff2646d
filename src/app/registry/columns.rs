//! How the board lays out and moves its cards, as plain functions: columns by stage, lanes by
//! alias, the key metric a card shows, what a key press on a card asks for, and whether a
//! move must first ask about the versions already in the stage.

use super::data::Card;
use crate::app::format;
use crate::domain::Stage;

/// The cards in `stage`, by model name, newest version first.
pub fn in_stage(cards: &[Card], stage: Stage) -> Vec<Card> {
    let mut list: Vec<Card> = cards
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
}

/// A lane per alias (in alias order) with the cards it points at, then the cards without
/// one (`None`).
pub fn alias_lanes(cards: &[Card]) -> Vec<(Option<String>, Vec<Card>)> {
    let mut aliases: Vec<String> = cards.iter().flat_map(|c| c.aliases.clone()).collect();
    aliases.sort();
    aliases.dedup();
    aliases
        .into_iter()
        .map(Some)
        .chain([None])
        .map(|alias| {
            let in_lane = cards
                .iter()
                .filter(|c| match &alias {
                    Some(a) => c.aliases.contains(a),
                    None => c.aliases.is_empty(),
                })
                .cloned()
                .collect();
            (alias, in_lane)
        })
        .collect()
}

/// Every metric some card's run logged, in order: the choices of "Key metric".
pub fn metric_keys(cards: &[Card]) -> Vec<String> {
    let mut keys: Vec<String> = cards
        .iter()
        .flat_map(|c| c.metrics.iter().map(|m| m.0.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The line a card shows for the chosen key `metric`, when its run logged it.
pub fn key_metric(card: &Card, metric: Option<&str>) -> Option<String> {
    let key = metric?;
    card.metrics
        .iter()
        .find(|m| m.0 == key)
        .map(|m| format!("{key}: {}", format::number(m.1)))
}

/// What a key pressed on a card in `stage` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    /// Move the card to this stage (←/→ to the neighbours, 1–4 straight to one).
    MoveTo(Stage),
    /// Open the version's page (Enter).
    Open,
}

impl KeyAction {
    pub fn of(key: &str, stage: Stage) -> Option<KeyAction> {
        let index = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0);
        let to = match key {
            "ArrowRight" => Stage::ALL.get(index + 1).copied(),
            "ArrowLeft" => index
                .checked_sub(1)
                .and_then(|i| Stage::ALL.get(i).copied()),
            "1" => Some(Stage::None),
            "2" => Some(Stage::Staging),
            "3" => Some(Stage::Production),
            "4" => Some(Stage::Archived),
            "Enter" => return Some(KeyAction::Open),
            _ => None,
        };
        to.map(KeyAction::MoveTo)
    }
}

/// What a dragged card carries: its version and model.
pub fn drag_data(name: &str, version: u64) -> String {
    format!("{version}\n{name}")
}

/// The model and version a dropped card carried, if it was one.
pub fn dropped_card(data: &str) -> Option<(String, u64)> {
    let (version, name) = data.split_once('\n')?;
    Some((name.to_owned(), version.parse().ok()?))
}

/// A stage move waiting for the reader's answer: archive the versions already there?
#[derive(Debug, Clone, PartialEq)]
pub struct PendingMove {
    pub name: String,
    pub version: u64,
    pub to: Stage,
    /// The model's other versions now in `to`.
    pub others: Vec<u64>,
}

/// What moving version `version` of model `name` to stage `to` takes.
#[derive(Debug, Clone, PartialEq)]
pub enum MovePlan {
    /// It is there already.
    Nothing,
    /// Move it.
    Move,
    /// Ask first: other versions are in Staging or Production already.
    Ask(PendingMove),
}

impl MovePlan {
    pub fn of(cards: &[Card], name: &str, version: u64, to: Stage) -> MovePlan {
        let current = cards
            .iter()
            .find(|c| c.version.name == name && c.version.version == version)
            .map(|c| c.version.current_stage);
        if current == Some(to) {
            return MovePlan::Nothing;
        }
        let others: Vec<u64> = cards
            .iter()
            .filter(|c| {
                c.version.name == name
                    && c.version.version != version
                    && c.version.current_stage == to
            })
            .map(|c| c.version.version)
            .collect();
        if to.is_active() && !others.is_empty() {
            MovePlan::Ask(PendingMove {
                name: name.to_owned(),
                version,
                to,
                others,
            })
        } else {
            MovePlan::Move
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::registry::data::tests::card;

    fn versions(cards: &[Card]) -> Vec<u64> {
        cards.iter().map(|c| c.version.version).collect()
    }

    #[test]
    fn columns_hold_their_stage_newest_first_and_lanes_their_alias() {
        let mut cards = vec![
            card(1, Stage::Production),
            card(2, Stage::None),
            card(3, Stage::Production),
        ];
        cards[0].aliases = vec!["champion".into(), "old".into()];
        cards[2].aliases = vec!["champion".into()];
        assert_eq!(versions(&in_stage(&cards, Stage::Production)), [3, 1]);
        assert!(in_stage(&cards, Stage::Archived).is_empty());
        let lanes = alias_lanes(&cards);
        let summary: Vec<(Option<&str>, Vec<u64>)> = lanes
            .iter()
            .map(|(alias, cards)| (alias.as_deref(), versions(cards)))
            .collect();
        assert_eq!(
            summary,
            [
                (Some("champion"), vec![1, 3]),
                (Some("old"), vec![1]),
                (None, vec![2])
            ]
        );
    }

    #[test]
    fn cards_show_the_key_metric_their_run_logged() {
        let mut cards = vec![card(1, Stage::None), card(2, Stage::None)];
        cards[0].metrics = vec![("rmse".into(), 3.25), ("mae".into(), 1.0)];
        cards[1].metrics = vec![("rmse".into(), 2.0)];
        assert_eq!(metric_keys(&cards), ["mae", "rmse"]);
        assert_eq!(
            key_metric(&cards[0], Some("rmse")).as_deref(),
            Some("rmse: 3.25")
        );
        assert_eq!(key_metric(&cards[1], Some("mae")), None);
        assert_eq!(key_metric(&cards[0], None), None);
    }

    #[test]
    fn keys_move_between_neighbouring_stages_or_straight_to_one() {
        use KeyAction::{MoveTo, Open};
        assert_eq!(
            KeyAction::of("ArrowRight", Stage::None),
            Some(MoveTo(Stage::Staging))
        );
        assert_eq!(KeyAction::of("ArrowLeft", Stage::None), None);
        assert_eq!(KeyAction::of("ArrowRight", Stage::Archived), None);
        assert_eq!(
            KeyAction::of("ArrowLeft", Stage::Production),
            Some(MoveTo(Stage::Staging))
        );
        assert_eq!(
            KeyAction::of("4", Stage::None),
            Some(MoveTo(Stage::Archived))
        );
        assert_eq!(KeyAction::of("Enter", Stage::Staging), Some(Open));
        assert_eq!(KeyAction::of("x", Stage::Staging), None);
    }

    #[test]
    fn dragged_cards_carry_their_model_and_version() {
        let data = drag_data("nyc\ntaxi", 3);
        assert_eq!(dropped_card(&data), Some(("nyc\ntaxi".to_owned(), 3)));
        assert_eq!(dropped_card("some text"), None);
        assert_eq!(dropped_card("x\ntaxi"), None);
    }

    #[test]
    fn moving_into_an_occupied_active_stage_asks_first() {
        let cards = [
            card(1, Stage::Production),
            card(2, Stage::Staging),
            card(3, Stage::None),
        ];
        assert_eq!(
            MovePlan::of(&cards, "m", 1, Stage::Production),
            MovePlan::Nothing
        );
        assert_eq!(
            MovePlan::of(&cards, "m", 3, Stage::Production),
            MovePlan::Ask(PendingMove {
                name: "m".into(),
                version: 3,
                to: Stage::Production,
                others: vec![1],
            })
        );
        assert_eq!(
            MovePlan::of(&cards, "m", 3, Stage::Archived),
            MovePlan::Move
        );
        assert_eq!(MovePlan::of(&cards, "m", 1, Stage::None), MovePlan::Move);
        assert_eq!(
            MovePlan::of(&cards, "other", 1, Stage::Staging),
            MovePlan::Move
        );
    }
}
