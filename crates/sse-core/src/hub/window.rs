//! The window: the most recent encoded frames, in publish order, bounded by count,
//! bytes and age.
//!
//! Entries are numbered by an *index* that grows by one per entry and never repeats
//! (a subscriber's cursor is such an index). The window holds indices
//! `first_index()..end_index()`; a cursor below `first_index()` points at an evicted
//! entry.
//!
//! Entries live in [`Segment`]s of [`SEGMENT_LEN`] slots, each slot written once (under the
//! hub's write lock) and never changed. A subscriber holds an `Arc` of the segment its
//! cursor is in and reads the slots without any lock, cloning each frame straight out
//! of the shared window: one lock per segment, no per-subscriber copy of frames. A segment
//! leaves the window when all its entries are evicted; a subscriber still reading it
//! keeps it alive (at most one segment per subscriber), and may read the evicted entries
//! that are in it: eviction is exact for replay and lag, lenient by less than one segment
//! for a reader that is already there.

use alloc::collections::VecDeque;
use alloc::sync::Arc;
use core::time::Duration;
use std::sync::OnceLock;
use std::time::Instant;

use super::store::Position;
use super::topic::{Topic, TopicFilter};
use crate::encode::Frame;
use crate::event::EventId;

/// Slots per segment: how many entries a subscriber reads per lock.
pub(crate) const SEGMENT_LEN: usize = 32;

/// One published event, encoded.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) position: Position,
    pub(crate) id: EventId,
    pub(crate) topic: Topic,
    pub(crate) frame: Frame,
    pub(crate) at: Instant,
}

/// What subscribers read of an entry, kept small (they walk every slot).
#[derive(Debug)]
pub(crate) struct Slot {
    pub(crate) frame: Frame,
    pub(crate) topic: Topic,
}

/// What only the window itself reads of an entry (under the hub's lock): the id is
/// here for a resume after a gap, which names the first event it replays.
#[derive(Debug, Clone)]
struct Meta {
    position: Position,
    id: EventId,
    at: Instant,
}

/// [`SEGMENT_LEN`] consecutive entries, from index `first`, each set once.
#[derive(Debug)]
pub(crate) struct Segment {
    first: u64,
    slots: [OnceLock<Slot>; SEGMENT_LEN],
}

impl Segment {
    fn new(first: u64) -> Segment {
        Segment {
            first,
            slots: core::array::from_fn(|_| OnceLock::new()),
        }
    }

    /// The entry at `index`, if it is in this segment and has been written.
    #[inline]
    pub(crate) fn get(&self, index: u64) -> Option<&Slot> {
        let offset = usize::try_from(index.checked_sub(self.first)?).ok()?;
        self.slots.get(offset)?.get()
    }

    fn holds(&self, index: u64) -> bool {
        index >= self.first && index - self.first < SEGMENT_LEN as u64
    }
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

/// What [`Window::evict_one`] took out.
#[derive(Debug)]
pub(crate) struct Evicted {
    pub(crate) index: u64,
    pub(crate) topic: Topic,
    pub(crate) segment: Option<Arc<Segment>>,
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
    /// Segments holding `first_index..end_index` (the first may start before, the last
    /// may have unwritten slots).
    segments: VecDeque<Arc<Segment>>,
    /// Position and time of each entry from `first_index` on.
    meta: VecDeque<Meta>,
    first_index: u64,
    end_index: u64,
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
            segments: VecDeque::new(),
            meta: VecDeque::new(),
            first_index: 0,
            end_index: 0,
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
        self.end_index
    }

    pub(crate) fn len(&self) -> usize {
        usize::try_from(self.end_index - self.first_index).unwrap_or(usize::MAX)
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
        let index = self.end_index;
        if !self.segments.back().is_some_and(|c| c.holds(index)) {
            self.segments.push_back(Arc::new(Segment::new(index)));
        }
        let Entry {
            position,
            id,
            topic,
            frame,
            at,
        } = entry;
        self.bytes += frame.len();
        self.last = Some(position);
        self.meta.push_back(Meta { position, id, at });
        if let Some(slot) = self.segments.back().and_then(|c| {
            let offset = usize::try_from(index - c.first).ok()?;
            c.slots.get(offset)
        }) {
            // A slot past the end was never written: `set` cannot fail.
            let _ = slot.set(Slot { frame, topic });
        }
        self.end_index += 1;
        index
    }

    /// Records that the entries up to `through` that the window never held are gone
    /// (trimmed from a shared log before this hub read them): a resume from before
    /// `through` is [`Seek::Expired`], and later entries must come after it.
    pub(crate) fn mark_trimmed(&mut self, through: Position) {
        self.last = Some(self.last.map_or(through, |last| last.max(through)));
        self.last_evicted = Some(self.last_evicted.map_or(through, |e| e.max(through)));
    }

    /// Evicts the oldest entry if it is over a limit at `now`, returning its index and
    /// topic (the caller records the eviction against the topic), and the segment that
    /// left the window with it, if any (the caller drops it outside the hub's locks: it
    /// frees up to 32 frames).
    pub(crate) fn evict_one(&mut self, now: Instant) -> Option<Evicted> {
        let index = self.first_index;
        let (position, at) = self.meta.front().map(|m| (m.position, m.at))?;
        let slot = self.get(index)?;
        let over_count = self.len() > self.limits.count;
        let over_bytes = self.bytes > self.limits.bytes && self.len() > 1;
        let too_old = now.saturating_duration_since(at) > self.limits.age;
        if !(over_count || over_bytes || too_old) {
            return None;
        }
        let (topic, len) = (slot.topic.clone(), slot.frame.len());
        self.meta.pop_front();
        self.first_index += 1;
        self.bytes -= len;
        self.last_evicted = Some(position);
        let done = |c: &Arc<Segment>| c.first + SEGMENT_LEN as u64 <= self.first_index;
        let segment = match self.segments.front() {
            Some(front) if done(front) => self.segments.pop_front(),
            _ => None,
        };
        Some(Evicted {
            index,
            topic,
            segment,
        })
    }

    /// The entry at `index`, if held.
    fn get(&self, index: u64) -> Option<&Slot> {
        if index < self.first_index || index >= self.end_index {
            return None;
        }
        self.segment_for(index)?.get(index)
    }

    /// The segment that holds (or will hold) `index`, for an index from `first_index()`
    /// to `end_index()`; `None` if that segment is not allocated yet.
    pub(crate) fn segment_for(&self, index: u64) -> Option<&Arc<Segment>> {
        let first = self.segments.front()?.first;
        let at = usize::try_from(index.checked_sub(first)? / SEGMENT_LEN as u64).ok()?;
        self.segments.get(at)
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
        Seek::From(self.first_after(after))
    }

    /// Index of the oldest entry held whose position is after `after` (the end index
    /// if none is).
    pub(crate) fn first_after(&self, after: Position) -> u64 {
        self.first_index + self.meta.partition_point(|m| m.position <= after) as u64
    }

    /// The oldest entry held from index `from` on that `filter` matches: its index and
    /// id.
    pub(crate) fn first_matching(&self, from: u64, filter: &TopicFilter) -> Option<(u64, EventId)> {
        let skip = usize::try_from(from.saturating_sub(self.first_index)).unwrap_or(usize::MAX);
        (self.first_index..self.end_index)
            .zip(self.meta.iter())
            .skip(skip)
            .find(|&(i, _)| self.get(i).is_some_and(|e| filter.matches(&e.topic)))
            .map(|(i, meta)| (i, meta.id.clone()))
    }

    /// How many entries from `index` on match `filter`.
    pub(crate) fn count_matching(&self, index: u64, filter: &TopicFilter) -> usize {
        (index.max(self.first_index)..self.end_index)
            .filter_map(|i| self.get(i))
            .filter(|e| filter.matches(&e.topic))
            .count()
    }

    /// Segments allocated (for tests of bounded memory).
    #[cfg(test)]
    fn segment_count(&self) -> usize {
        self.segments.len()
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use super::*;

    fn entry(seq: u64, topic: &str, at: Instant) -> Entry {
        Entry {
            position: Position::new(1, seq),
            id: EventId::new(alloc::format!("1-{seq}")).unwrap(),
            topic: Topic::new(topic).unwrap(),
            frame: Frame::encode(&crate::Event::new(alloc::format!("{seq:010}"))),
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
        core::iter::from_fn(|| w.evict_one(now).map(|e| e.index)).collect()
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
    fn trimmed_history_expires_older_resumes() {
        let now = Instant::now();
        let mut w = Window::new(limits(10));
        w.mark_trimmed(Position::new(1, 4));
        assert_eq!(w.seek(Position::new(1, 3)), Seek::Expired);
        assert_eq!(w.seek(Position::new(1, 4)), Seek::From(0));
        assert_eq!(w.seek(Position::new(1, 5)), Seek::Unknown);
        assert_eq!(w.last_position(), Some(Position::new(1, 4)));
        w.push(entry(5, "t", now));
        w.push(entry(6, "t", now));
        assert_eq!(w.seek(Position::new(1, 5)), Seek::From(1));
        // A gap later on: entries before it stay readable, but no resume crosses it.
        w.mark_trimmed(Position::new(1, 9));
        assert_eq!(w.seek(Position::new(1, 6)), Seek::Expired);
        assert_eq!(w.seek(Position::new(1, 9)), Seek::From(2));
        // An older mark changes nothing.
        w.mark_trimmed(Position::new(1, 2));
        assert_eq!(w.seek(Position::new(1, 9)), Seek::From(2));
        assert_eq!(w.last_position(), Some(Position::new(1, 9)));
    }

    #[test]
    fn segments_hold_entries_and_leave_when_evicted() {
        let now = Instant::now();
        let mut w = Window::new(limits(40));
        for seq in 0..100 {
            w.push(entry(seq, if seq % 2 == 0 { "a" } else { "b" }, now));
            evict_all(&mut w, now);
        }
        // Entries 60..100 live in segments 32..64, 64..96, 96..128.
        assert_eq!((w.first_index(), w.end_index()), (60, 100));
        assert_eq!(w.segment_count(), 3);
        let segment = w.segment_for(70).unwrap().clone();
        assert_eq!(segment.get(70).unwrap().frame, entry(70, "a", now).frame);
        assert_ne!(segment.get(71).unwrap().frame, entry(70, "a", now).frame);
        assert!(segment.get(96).is_none(), "another segment's index");
        let tail = w.segment_for(100).unwrap();
        assert!(
            tail.get(99).is_some() && tail.get(100).is_none(),
            "not written yet"
        );
        assert!(w.segment_for(128).is_none());
        assert!(w.get(59).is_none() && w.get(100).is_none());
        let a = TopicFilter::from(Topic::new("a").unwrap());
        assert_eq!(w.count_matching(90, &a), 5);
        assert_eq!(w.count_matching(0, &a), 20);
        let b = TopicFilter::from(Topic::new("b").unwrap());
        let first = EventId::new("1-60").unwrap();
        assert_eq!(w.first_matching(0, &a), Some((60, first)));
        assert_eq!(w.first_matching(60, &b).map(|(i, _)| i), Some(61));
        assert_eq!(w.first_matching(62, &b).map(|(i, _)| i), Some(63));
        assert_eq!(w.first_matching(99, &a), None);
        let none = TopicFilter::from(Topic::new("c").unwrap());
        assert_eq!(w.first_matching(0, &none), None);
        assert_eq!(w.first_after(Position::new(1, 70)), 71);
        assert_eq!(w.first_after(Position::new(0, 0)), 60);
        assert_eq!(w.first_after(Position::new(2, 0)), 100);
        // A reader keeps its segment after the window lets it go.
        for seq in 100..200 {
            w.push(entry(seq, "a", now));
            evict_all(&mut w, now);
        }
        assert_eq!(w.segment_count(), 2);
        assert_eq!(segment.get(95).unwrap().frame, entry(95, "b", now).frame);
    }
}
