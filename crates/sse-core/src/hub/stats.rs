//! Numbers for a status page: counters kept as atomics while the hub runs, and the
//! [`HubStats`] snapshot.

use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::topic::Topic;
use crate::event::EventId;

/// A snapshot of a hub's state, from [`Hub::stats`](super::Hub::stats). Plain data:
/// taking one locks each part of the hub briefly, one at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HubStats {
    /// Live subscriptions.
    pub subscribers: usize,
    /// Of those, how many take every topic.
    pub subscribers_all: usize,
    /// For each topic some filter names: how many subscriptions name it (a filter of
    /// several topics counts once under each). Sorted by topic.
    pub subscribers_by_topic: Vec<(Topic, usize)>,
    /// Events published (and ingested) since the hub was built.
    pub events_published: u64,
    /// Bytes of frames encoded for them (each event once, however many subscribers).
    pub bytes_encoded: u64,
    /// Subscriptions that resumed from a `Last-Event-ID` inside the window.
    pub replays_resumed: u64,
    /// Subscriptions whose `Last-Event-ID` was older than the window.
    pub replays_expired: u64,
    /// Subscriptions whose `Last-Event-ID` was not one of this hub's ids.
    pub replays_unknown: u64,
    /// Subscriptions ended because they fell behind the window (or that stopped
    /// reading and were found behind it, giving back their places).
    pub dropped_lagged: u64,
    /// Frames handed to subscribers (each event once per subscriber that took it, and
    /// `close_with`'s final event). Counted by each subscription in batches: frames it
    /// took since it last moved to another part of the window are added when it moves
    /// on, parks or is dropped, so a busy reader's last few frames show a little later.
    pub deliveries: u64,
    /// Subscriptions refused because the hub had its maximum of subscribers.
    pub subscribers_refused: u64,
    /// Gap events sent: subscriptions that resumed across a gap (an expired or unknown
    /// `Last-Event-ID`) while gap events are on.
    pub gaps_signalled: u64,
    /// The id of the newest event on each topic published to, sorted by topic (at most
    /// [`MAX_TRACKED_TOPICS`] topics; later new topics are not tracked).
    pub last_event_ids: Vec<(Topic, EventId)>,
    /// Events in the replay window.
    pub window_len: usize,
    /// Bytes of frames in the replay window.
    pub window_bytes: usize,
    /// Whether the hub is closed.
    pub closed: bool,
}

/// Most topics whose last event id [`HubStats::last_event_ids`] tracks.
pub const MAX_TRACKED_TOPICS: usize = 4096;

/// The running counters.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) subscribers: AtomicUsize,
    pub(crate) events_published: AtomicU64,
    pub(crate) bytes_encoded: AtomicU64,
    pub(crate) replays_resumed: AtomicU64,
    pub(crate) replays_expired: AtomicU64,
    pub(crate) replays_unknown: AtomicU64,
    pub(crate) dropped_lagged: AtomicU64,
    pub(crate) deliveries: AtomicU64,
    pub(crate) subscribers_refused: AtomicU64,
    pub(crate) gaps_signalled: AtomicU64,
}

impl Counters {
    /// Counts one more subscriber unless there are `max` already (then `false`).
    pub(crate) fn add_subscriber(&self, max: Option<usize>) -> bool {
        let limit = max.unwrap_or(usize::MAX);
        self.subscribers
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit).then_some(n + 1)
            })
            .is_ok()
    }

    pub(crate) fn remove_subscriber(&self) {
        self.remove_subscribers(1);
    }

    pub(crate) fn remove_subscribers(&self, n: usize) {
        self.subscribers.fetch_sub(n, Ordering::AcqRel);
    }

    pub(crate) fn published(&self, bytes: usize) {
        self.events_published.fetch_add(1, Ordering::Relaxed);
        self.bytes_encoded
            .fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Adds a subscription's batch of deliveries.
    pub(crate) fn delivered(&self, frames: u64) {
        self.deliveries.fetch_add(frames, Ordering::Relaxed);
    }

    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn read(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscriber_limit_is_enforced_atomically() {
        let c = Counters::default();
        assert!(c.add_subscriber(Some(2)));
        assert!(c.add_subscriber(Some(2)));
        assert!(!c.add_subscriber(Some(2)));
        c.remove_subscriber();
        assert!(c.add_subscriber(Some(2)));
        assert!(c.add_subscriber(None));
        assert_eq!(c.subscribers.load(Ordering::SeqCst), 3);
    }
}
