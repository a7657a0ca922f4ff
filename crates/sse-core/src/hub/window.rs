//! The window: the most recent encoded frames, in publish order, bounded by count,
//! bytes and age.
//!
//! Entries are numbered by an *index* that grows by one per entry and never repeats
//! (a subscriber's cursor is such an index). The window holds indices
//! `first_index()..end_index()`; a cursor below `first_index()` points at an evicted
//! entry.

use alloc::collections::VecDeque;
use core::time::Duration;
use std::time::Instant;

use super::store::Position;
use super::topic::{Topic, TopicFilter};
use crate::encode::Frame;

/// One published event, encoded.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) position: Position,
    pub(crate) topic: Topic,
    pub(crate) frame: Frame,
    pub(crate) at: Instant,
}

/// How much the window keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Most entries (at least 1).
    pub(crate) count: usize,
    /// Most bytes of frames; the newest entry is kept even if it alone is larger.
    pub(crate) bytes: usize,
    /// Oldest entry age.
    pub(crate) age: Duration,
}

/// Where a resume from a position starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seek {
    /// At this index: every event after the position is still in the window.
    From(u64),
    /// Events after the position have been evicted.
    Expired,
    /// The position is after every event published (an id from the future).
    Unknown,
}

/// The frames, their indices, and what has been evicted.
#[derive(Debug)]
pub(crate) struct Window {
    entries: VecDeque<Entry>,
    first_index: u64,
    bytes: usize,
    limits: Limits,
    /// Position of the newest entry ever appended.
    last: Option<Position>,
    /// Position of the newest entry evicted.
    last_evicted: Option<Position>,
}

impl Window {
    pub(crate) fn new(limits: Limits) -> Window {
        Window {
            entries: VecDeque::new(),
            first_index: 0,
            bytes: 0,
            limits,
            last: None,
            last_evicted: None,
        }
    }

    /// Index of the oldest entry held (or of the next one, when empty).
    pub(crate) fn first_index(&self) -> u64 {
        self.first_index
    }

    /// Index the next appended entry gets.
    pub(crate) fn end_index(&self) -> u64 {
        self.first_index + self.entries.len() as u64
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Position of the newest entry ever appended.
    pub(crate) fn last_position(&self) -> Option<Position> {
        self.last
    }

    /// Appends `entry` (its position must be above every earlier one; the hub checks)
    /// and returns its index. Call [`evict_one`](Self::evict_one) until `None` after.
    pub(crate) fn push(&mut self, entry: Entry) -> u64 {
        let index = self.end_index();
        self.bytes += entry.frame.len();
        self.last = Some(entry.position);
        self.entries.push_back(entry);
        index
    }

    /// Removes the oldest entry if it is over a limit at `now`, returning its index and
    /// entry (the caller records the eviction against the entry's topic).
    pub(crate) fn evict_one(&mut self, now: Instant) -> Option<(u64, Entry)> {
        let front = self.entries.front()?;
        let over_count = self.entries.len() > self.limits.count;
        let over_bytes = self.bytes > self.limits.bytes && self.entries.len() > 1;
        let too_old = now.saturating_duration_since(front.at) > self.limits.age;
        if !(over_count || over_bytes || too_old) {
            return None;
        }
        let entry = self.entries.pop_front()?;
        let index = self.first_index;
        self.first_index += 1;
        self.bytes -= entry.frame.len();
        self.last_evicted = Some(entry.position);
        Some((index, entry))
    }

    /// Where a subscriber resuming after `after` starts.
    pub(crate) fn seek(&self, after: Position) -> Seek {
        match self.last {
            Some(last) if after <= last => {}
            _ => return Seek::Unknown,
        }
        if self.last_evicted.is_some_and(|evicted| after < evicted) {
            return Seek::Expired;
        }
        let skip = self.entries.partition_point(|e| e.position <= after);
        Seek::From(self.first_index + skip as u64)
    }

    /// The entries from `index` on (empty if `index` is at or past the end), as the two
    /// halves of the ring; `None` if `index` was evicted.
    pub(crate) fn entries_from(&self, index: u64) -> Option<(&[Entry], &[Entry])> {
        let skip = index.checked_sub(self.first_index)?;
        let skip = usize::try_from(skip).unwrap_or(usize::MAX);
        let (front, back) = self.entries.as_slices();
        Some(match front.get(skip..) {
            Some(rest) => (rest, back),
            None => (&[], back.get(skip - front.len()..).unwrap_or_default()),
        })
    }

    /// How many entries from `index` on match `filter`.
    pub(crate) fn count_matching(&self, index: u64, filter: &TopicFilter) -> usize {
        let Some((front, back)) = self.entries_from(index) else {
            return 0;
        };
        front
            .iter()
            .chain(back)
            .filter(|e| filter.matches(&e.topic))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use super::*;

    fn entry(seq: u64, topic: &str, at: Instant) -> Entry {
        Entry {
            position: Position::new(1, seq),
            topic: Topic::new(topic).unwrap(),
            frame: Frame::encode(&crate::Event::new("xxxxxxxxxx")),
            at,
        }
    }

    fn limits(count: usize) -> Limits {
        Limits {
            count,
            bytes: usize::MAX,
            age: Duration::from_secs(60),
        }
    }

    fn evict_all(w: &mut Window, now: Instant) -> Vec<u64> {
        core::iter::from_fn(|| w.evict_one(now).map(|(i, _)| i)).collect()
    }

    #[test]
    fn bounded_by_count_with_growing_indices() {
        let now = Instant::now();
        let mut w = Window::new(limits(3));
        for seq in 0..5 {
            assert_eq!(w.push(entry(seq, "t", now)), seq);
            evict_all(&mut w, now);
        }
        assert_eq!((w.first_index(), w.end_index(), w.len()), (2, 5, 3));
        assert_eq!(w.last_position(), Some(Position::new(1, 4)));
        assert_eq!(
            w.bytes(),
            3 * Frame::encode(&crate::Event::new("xxxxxxxxxx")).len()
        );
    }

    #[test]
    fn bounded_by_age_and_bytes() {
        let t0 = Instant::now();
        let mut w = Window::new(limits(100));
        w.push(entry(0, "t", t0));
        w.push(entry(1, "t", t0 + Duration::from_secs(30)));
        assert_eq!(evict_all(&mut w, t0 + Duration::from_secs(61)), [0]);
        assert_eq!(evict_all(&mut w, t0 + Duration::from_secs(200)), [1]);
        assert_eq!(w.len(), 0);

        let frame_len = entry(0, "t", t0).frame.len();
        let mut w = Window::new(Limits {
            bytes: frame_len * 2,
            ..limits(100)
        });
        for seq in 0..4 {
            w.push(entry(seq, "t", t0));
        }
        assert_eq!(evict_all(&mut w, t0), [0, 1]);
        let mut tiny = Window::new(Limits {
            bytes: 1,
            ..limits(100)
        });
        tiny.push(entry(0, "t", t0));
        assert!(evict_all(&mut tiny, t0).is_empty(), "newest is kept");
    }

    #[test]
    fn seek_tells_resumed_expired_and_unknown() {
        let now = Instant::now();
        let mut w = Window::new(limits(3));
        assert_eq!(w.seek(Position::new(1, 0)), Seek::Unknown);
        for seq in 10..16 {
            w.push(entry(seq, "t", now));
            evict_all(&mut w, now);
        }
        // Window holds seq 13, 14, 15 at indices 3, 4, 5.
        assert_eq!(w.seek(Position::new(1, 15)), Seek::From(6));
        assert_eq!(w.seek(Position::new(1, 13)), Seek::From(4));
        assert_eq!(w.seek(Position::new(1, 12)), Seek::From(3), "last evicted");
        assert_eq!(w.seek(Position::new(1, 11)), Seek::Expired);
        assert_eq!(w.seek(Position::new(1, 16)), Seek::Unknown);
        assert_eq!(w.seek(Position::new(2, 0)), Seek::Unknown);
    }

    #[test]
    fn entries_from_spans_the_ring() {
        let now = Instant::now();
        let mut w = Window::new(limits(4));
        for seq in 0..7 {
            w.push(entry(seq, if seq % 2 == 0 { "a" } else { "b" }, now));
            evict_all(&mut w, now);
        }
        let ids = |i| {
            let (f, b) = w.entries_from(i).unwrap();
            f.iter()
                .chain(b)
                .map(|e| e.position.minor())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(3), [3, 4, 5, 6]);
        assert_eq!(ids(5), [5, 6]);
        assert_eq!(ids(7), Vec::<u64>::new());
        assert_eq!(ids(70), Vec::<u64>::new());
        assert!(w.entries_from(2).is_none());
        let a = TopicFilter::from(Topic::new("a").unwrap());
        assert_eq!(w.count_matching(3, &a), 2);
        assert_eq!(w.count_matching(0, &a), 0);
    }
}
