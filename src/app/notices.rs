//! Change notices for the pages: what the tracker's writes changed, in this tab and in every
//! other tab on the same database (told over a `BroadcastChannel`), gathered and told at most
//! once per animation frame, so a burst of writes costs the page one update. Pages follow
//! [`Notice`]s through [`follow`] with a test of what concerns them, and read again only that.
//!
//! Views that cost much to draw (charts) follow the calm notices instead: the same, gathered
//! further while writes keep coming, so a run logging ten points a second redraws its charts
//! twice a second; after a quiet spell the first write is told at once. Every frame a page
//! draws costs the browser some milliseconds of style, layout, paint and compositing whatever
//! changed in it, so drawing charts on every write would cost more than all the rest.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;

use super::hooks::{use_broadcast_channel, UseBroadcastChannelOptions};
use crate::clock::now_ms;
use crate::store::{AnyStore, ChangeSet, Tracker};

/// What changed since the previous notice.
#[derive(Debug, Clone, Default)]
pub struct Notice {
    /// Grows by one with every notice.
    pub seq: u64,
    pub changes: Rc<ChangeSet>,
}

/// How long at least between two calm notices while writes keep coming.
const CALM: Duration = Duration::from_millis(500);

/// The two ways a page hears of writes.
#[derive(Clone, Copy)]
pub struct Notices {
    /// Every write, at most one notice per animation frame.
    pub every_frame: ReadSignal<Notice, LocalStorage>,
    /// Every write too, but at most one notice per [`CALM`] while writes keep coming.
    pub calm: ReadSignal<Notice, LocalStorage>,
}

/// Listens to `tracker`, and to the other tabs writing to `database`, and tells their writes
/// as notices, one per animation frame at most, and as calm notices.
pub fn install(tracker: &Tracker<AnyStore>, database: &str) -> Notices {
    let notice = RwSignal::new_local(Notice::default());
    let calm = calm_notices();
    let calm_notice = calm.notice.read_only();
    let pending: Rc<RefCell<Option<ChangeSet>>> = Rc::new(RefCell::new(None));
    let tell = Rc::new(move |changes: &ChangeSet| {
        let first = pending.borrow().is_none();
        pending
            .borrow_mut()
            .get_or_insert_with(ChangeSet::default)
            .merge(changes.clone());
        if first {
            let pending = Rc::clone(&pending);
            let calm = Rc::clone(&calm);
            request_animation_frame(move || {
                if let Some(changes) = pending.borrow_mut().take() {
                    calm.tell(&changes);
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
    Notices {
        every_frame: notice.read_only(),
        calm: calm_notice,
    }
}

/// The calm notices: what was told since the last one, told at once after a quiet spell of
/// [`CALM`], else when that much time has passed since the last one.
struct Calm {
    notice: RwSignal<Notice, LocalStorage>,
    pending: RefCell<Option<ChangeSet>>,
    last: Cell<f64>,
    waiting: Cell<bool>,
}

fn calm_notices() -> Rc<Calm> {
    Rc::new(Calm {
        notice: RwSignal::new_local(Notice::default()),
        pending: RefCell::new(None),
        last: Cell::new(f64::NEG_INFINITY),
        waiting: Cell::new(false),
    })
}

impl Calm {
    fn tell(self: &Rc<Calm>, changes: &ChangeSet) {
        self.pending
            .borrow_mut()
            .get_or_insert_with(ChangeSet::default)
            .merge(changes.clone());
        if self.waiting.get() {
            return;
        }
        match wait_before_telling(now_ms() as f64 - self.last.get()) {
            None => self.flush(),
            Some(wait) => {
                self.waiting.set(true);
                let calm = Rc::clone(self);
                set_timeout(
                    move || {
                        calm.waiting.set(false);
                        calm.flush();
                    },
                    wait,
                );
            }
        }
    }

    fn flush(&self) {
        if let Some(changes) = self.pending.borrow_mut().take() {
            self.last.set(now_ms() as f64);
            self.notice.update(|n| {
                n.seq += 1;
                n.changes = Rc::new(changes);
            });
        }
    }
}

/// How long a calm notice waits when the last one was told `since_ms` ago: not at all after
/// [`CALM`], else the rest of it.
fn wait_before_telling(since_ms: f64) -> Option<Duration> {
    let calm_ms = CALM.as_millis() as f64;
    (since_ms < calm_ms).then(|| Duration::from_millis((calm_ms - since_ms).ceil() as u64))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calm_notice_comes_at_once_after_a_quiet_spell_else_when_it_is_due() {
        assert_eq!(wait_before_telling(f64::INFINITY), None);
        assert_eq!(wait_before_telling(500.0), None);
        assert_eq!(wait_before_telling(120.0), Some(Duration::from_millis(380)));
        assert_eq!(wait_before_telling(0.0), Some(CALM));
    }
}
