//! Change notices for the pages: what the tracker's writes changed, in this tab and in every
//! other tab on the same database (told over a `BroadcastChannel`), gathered and told at most
//! once per animation frame, so a burst of writes costs the page one update. Pages follow
//! [`Notice`]s through [`follow`] with a test of what concerns them, and read again only that.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use super::hooks::{use_broadcast_channel, UseBroadcastChannelOptions};
use crate::store::{AnyStore, ChangeSet, Tracker};

/// What changed since the previous notice.
#[derive(Debug, Clone, Default)]
pub struct Notice {
    /// Grows by one with every notice.
    pub seq: u64,
    pub changes: Rc<ChangeSet>,
}

/// Listens to `tracker`, and to the other tabs writing to `database`, and tells their writes
/// as notices, one per animation frame at most.
pub fn install(tracker: &Tracker<AnyStore>, database: &str) -> ReadSignal<Notice, LocalStorage> {
    let notice = RwSignal::new_local(Notice::default());
    let pending: Rc<RefCell<Option<ChangeSet>>> = Rc::new(RefCell::new(None));
    let tell = Rc::new(move |changes: &ChangeSet| {
        let first = pending.borrow().is_none();
        pending
            .borrow_mut()
            .get_or_insert_with(ChangeSet::default)
            .merge(changes.clone());
        if first {
            let pending = Rc::clone(&pending);
            request_animation_frame(move || {
                if let Some(changes) = pending.borrow_mut().take() {
                    notice.update(|n| {
                        n.seq += 1;
                        n.changes = Rc::new(changes);
                    });
                }
            });
        }
    });
    let from_other_tabs = Rc::clone(&tell);
    let other_tabs = use_broadcast_channel(
        &format!("labbook-changes:{database}"),
        UseBroadcastChannelOptions {
            // A message this version cannot read still says that something changed.
            on_message: Rc::new(move |text| {
                from_other_tabs(
                    &serde_json::from_str(&text).unwrap_or_else(|_| ChangeSet::everything()),
                )
            }),
        },
    );
    tracker.subscribe(move |changes| {
        tell(changes);
        if let Ok(text) = serde_json::to_string(changes) {
            other_tabs.post(&text);
        }
    });
    notice.read_only()
}

/// A number that grows whenever a notice `concerns` the caller, and stays put otherwise: a
/// resource that tracks it reads again only when what it shows changed.
pub fn follow(
    notice: ReadSignal<Notice, LocalStorage>,
    concerns: impl Fn(&ChangeSet) -> bool + Send + Sync + 'static,
) -> Memo<u64> {
    Memo::new(move |previous: Option<&u64>| {
        notice.with(|n| match previous {
            Some(&last) if !concerns(&n.changes) => last,
            _ => n.seq,
        })
    })
}
