//! What the hub knows of a subscriber's progress without asking it: a cursor the
//! subscriber notes now and then, and who gives back its place in the subscriber
//! count.
//!
//! A subscriber whose socket never drains is never polled, so it cannot find out by
//! itself that it fell behind the window; yet it must stop holding one of the hub's
//! `max_subscribers` places. The subscriber notes its cursor here as it moves (a
//! relaxed store to a line only it writes, beside the flag it reads anyway), and the
//! hub, when it needs a place (see `Shared::reclaim_lagged`), marks those behind the
//! window as lagged by the same rule a polling subscriber applies to itself: the place
//! is given back at once, and the subscription ends with `EndReason::Lagged` when it
//! is next polled.

use core::sync::atomic::{AtomicU8, AtomicU64, Ordering};

/// Counted in the hub's subscriber count.
const LIVE: u8 = 0;
/// Judged behind the window; no longer counted.
const LAGGED: u8 = 1;
/// Ended or dropped; no longer counted.
const GONE: u8 = 2;

/// Shared by a subscription and its registry slot.
#[derive(Debug)]
pub(crate) struct Tracker {
    cursor: AtomicU64,
    state: AtomicU8,
}

impl Tracker {
    pub(crate) fn new(cursor: u64) -> Tracker {
        Tracker {
            cursor: AtomicU64::new(cursor),
            state: AtomicU8::new(LIVE),
        }
    }

    /// Notes where the subscriber is (a lower bound of its cursor).
    #[inline]
    pub(crate) fn note_cursor(&self, cursor: u64) {
        self.cursor.store(cursor, Ordering::Relaxed);
    }

    /// The cursor last noted.
    pub(crate) fn cursor(&self) -> u64 {
        self.cursor.load(Ordering::Relaxed)
    }

    /// Whether the hub judged the subscriber lagged.
    #[inline]
    pub(crate) fn is_lagged(&self) -> bool {
        self.state.load(Ordering::Relaxed) == LAGGED
    }

    /// Marks the subscriber lagged; `true` if it was counted until now (the caller
    /// then takes it out of the count).
    pub(crate) fn mark_lagged(&self) -> bool {
        self.state
            .compare_exchange(LIVE, LAGGED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Marks the subscriber gone; `true` if it was counted until now.
    pub(crate) fn mark_gone(&self) -> bool {
        self.state.swap(GONE, Ordering::AcqRel) == LIVE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_is_given_back_exactly_once() {
        let t = Tracker::new(3);
        assert_eq!(t.cursor(), 3);
        t.note_cursor(40);
        assert_eq!(t.cursor(), 40);
        assert!(!t.is_lagged());
        assert!(t.mark_lagged());
        assert!(t.is_lagged());
        assert!(!t.mark_lagged());
        assert!(!t.mark_gone(), "the lag gave the place back already");

        let t = Tracker::new(0);
        assert!(t.mark_gone());
        assert!(!t.mark_lagged(), "gone is final");
        assert!(!t.is_lagged());
    }
}
