//! Who listens where: subscribers indexed by the topics of their filters, the wakers of
//! those that are parked, and which evictions each topic has seen.
//!
//! - Each filter entry (a topic, or "all") has a [`Listeners`] record while at least one
//!   subscriber names it. Publishing to `a/b/c` looks up `a`, `a/b`, `a/b/c` and the
//!   "all" record: O(segments), and nothing at all for a topic nobody names.
//! - A parked subscriber is listed in the `parked` list of each of its entries. Waking
//!   empties the lists it touches and takes the subscriber's waker, so a subscriber is
//!   woken once per park however many matching events arrive. Each subscriber is in a
//!   list at most once per filter entry (bounded memory), and knows its place there, so
//!   removing it is O(1).
//! - Evicting an event marks its topic's records (`last_evicted`): a subscriber whose
//!   cursor is behind the window lost an event exactly when one of its entries was
//!   marked at or after its cursor. A subscriber that only listens to a quiet topic is
//!   therefore never ended for lag because other topics were busy.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::task::Waker;
use std::collections::HashMap;

use super::topic::{Topic, TopicFilter};
use super::tracker::Tracker;

/// Where a subscriber's slot is.
pub(crate) type SlotKey = u32;

/// Not listed in a parked list.
const UNLISTED: u32 = u32::MAX;

/// Everything the hub knows about the subscribers of one filter entry.
#[derive(Debug, Default)]
struct Listeners {
    /// Subscribers whose filter has this entry.
    subscribers: usize,
    /// Parked subscribers (some may have been woken through another entry since).
    parked: Vec<Parked>,
    /// Index of the newest evicted event that this entry matched.
    last_evicted: Option<u64>,
}

/// A subscriber in a parked list: its slot, and which entry of its filter the list is.
#[derive(Debug, Clone, Copy)]
struct Parked {
    slot: SlotKey,
    entry: u32,
}

/// One subscriber.
#[derive(Debug)]
struct Slot {
    filter: TopicFilter,
    /// Set while parked; taken by the first wake.
    waker: Option<Waker>,
    /// Per filter entry: its place in that entry's parked list, or `UNLISTED`.
    listed: Vec<u32>,
    /// Its progress, as the subscriber last noted it.
    tracker: Arc<Tracker>,
}

/// The index. Lives behind the hub's registry lock.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    topics: HashMap<Topic, Listeners>,
    all: Listeners,
    slots: Vec<Option<Slot>>,
    free: Vec<SlotKey>,
    /// The window's first index at the last search for lagged subscribers: until
    /// another eviction, a new search cannot find any.
    searched_at: Option<u64>,
}

impl Registry {
    /// Registers a subscriber with `filter`; `None` if 2³² − 1 are registered.
    pub(crate) fn insert(
        &mut self,
        filter: &TopicFilter,
        tracker: Arc<Tracker>,
    ) -> Option<SlotKey> {
        let slot = Slot {
            filter: filter.clone(),
            waker: None,
            listed: alloc::vec![UNLISTED; filter.entry_count()],
            tracker,
        };
        let key = match self.free.pop() {
            Some(key) => key,
            None => {
                let key = u32::try_from(self.slots.len())
                    .ok()
                    .filter(|&k| k < UNLISTED)?;
                self.slots.push(None);
                key
            }
        };
        if let Some(place) = self.slots.get_mut(key as usize) {
            *place = Some(slot);
        }
        for topic in filter.topics() {
            self.topics.entry(topic.clone()).or_default().subscribers += 1;
        }
        if filter.is_all() {
            self.all.subscribers += 1;
        }
        Some(key)
    }

    /// Removes a subscriber and every trace of it.
    pub(crate) fn remove(&mut self, key: SlotKey) {
        let Some(slot) = self.slots.get_mut(key as usize).and_then(Option::take) else {
            return;
        };
        for (entry, &place) in slot.listed.iter().enumerate() {
            if place != UNLISTED {
                self.unlist(&slot.filter, entry, place);
            }
        }
        for topic in slot.filter.topics() {
            if let Some(listeners) = self.topics.get_mut(topic.as_str()) {
                listeners.subscribers -= 1;
                if listeners.subscribers == 0 {
                    self.topics.remove(topic.as_str());
                }
            }
        }
        if slot.filter.is_all() {
            self.all.subscribers -= 1;
        }
        self.free.push(key);
    }

    /// Takes entry `entry` of a subscriber with `filter` out of its parked list, where
    /// it is at `place`; the entry moved into that place learns its new place.
    fn unlist(&mut self, filter: &TopicFilter, entry: usize, place: u32) {
        let list = match filter.topics().get(entry) {
            Some(topic) => self.topics.get_mut(topic.as_str()),
            None => Some(&mut self.all),
        };
        let Some(list) = list else { return };
        let place = place as usize;
        if place >= list.parked.len() {
            return;
        }
        list.parked.swap_remove(place);
        if let Some(moved) = list.parked.get(place) {
            let moved_slot = self
                .slots
                .get_mut(moved.slot as usize)
                .and_then(Option::as_mut);
            if let Some(listed) = moved_slot.and_then(|s| s.listed.get_mut(moved.entry as usize)) {
                *listed = place as u32;
            }
        }
    }

    /// Parks a subscriber: stores `waker` (unless it already holds one that wakes the
    /// same task) and lists it under each filter entry where it is not listed yet.
    pub(crate) fn park(&mut self, key: SlotKey, waker: &Waker) {
        let Some(slot) = self.slots.get_mut(key as usize).and_then(Option::as_mut) else {
            return;
        };
        match &mut slot.waker {
            Some(held) if held.will_wake(waker) => {}
            held => *held = Some(waker.clone()),
        }
        for (entry, listed) in slot.listed.iter_mut().enumerate() {
            if *listed != UNLISTED {
                continue;
            }
            let list = match slot.filter.topics().get(entry) {
                Some(topic) => self.topics.get_mut(topic.as_str()),
                None => Some(&mut self.all),
            };
            if let Some(list) = list {
                *listed = list.parked.len() as u32;
                list.parked.push(Parked {
                    slot: key,
                    entry: entry as u32,
                });
            }
        }
    }

    /// Wakers of the parked subscribers an event on `topic` reaches, pushed to `out`.
    pub(crate) fn take_wakers(&mut self, topic: &Topic, out: &mut Vec<Waker>) {
        for path in topic.paths() {
            if let Some(list) = self.topics.get_mut(path) {
                drain(list, &mut self.slots, out);
            }
        }
        drain(&mut self.all, &mut self.slots, out);
    }

    /// Wakers of every parked subscriber (the hub is closing).
    pub(crate) fn take_all_wakers(&mut self, out: &mut Vec<Waker>) {
        for list in self.topics.values_mut() {
            drain(list, &mut self.slots, out);
        }
        drain(&mut self.all, &mut self.slots, out);
    }

    /// Records that the event at `index` on `topic` was evicted.
    pub(crate) fn mark_evicted(&mut self, topic: &Topic, index: u64) {
        for path in topic.paths() {
            if let Some(list) = self.topics.get_mut(path) {
                list.last_evicted = Some(index);
            }
        }
        self.all.last_evicted = Some(index);
    }

    /// Whether an event that `filter` matches, at `cursor` or later, was evicted.
    pub(crate) fn lost_since(&self, filter: &TopicFilter, cursor: u64) -> bool {
        let after = |list: Option<&Listeners>| {
            list.and_then(|l| l.last_evicted)
                .is_some_and(|evicted| evicted >= cursor)
        };
        if filter.is_all() {
            return after(Some(&self.all));
        }
        filter
            .topics()
            .iter()
            .any(|topic| after(self.topics.get(topic.as_str())))
    }

    /// Marks lagged every live subscriber whose noted cursor is behind `first` (the
    /// window's first index) with an event on its topics evicted at or after it, and
    /// returns how many it marked (each gave back its place in the count). O(slots),
    /// and nothing at all when nothing was evicted since the last search.
    pub(crate) fn mark_lagged(&mut self, first: u64) -> usize {
        if self.searched_at == Some(first) {
            return 0;
        }
        self.searched_at = Some(first);
        self.slots
            .iter()
            .flatten()
            .filter(|slot| {
                let cursor = slot.tracker.cursor();
                cursor < first
                    && self.lost_since(&slot.filter, cursor)
                    && slot.tracker.mark_lagged()
            })
            .count()
    }

    /// Subscribers per filter entry: `(None, n)` for "all", then each topic.
    pub(crate) fn counts(&self) -> (usize, Vec<(Topic, usize)>) {
        let mut topics: Vec<(Topic, usize)> = self
            .topics
            .iter()
            .map(|(topic, l)| (topic.clone(), l.subscribers))
            .collect();
        topics.sort();
        (self.all.subscribers, topics)
    }

    /// Parked list entries in total (for tests of bounded memory).
    #[cfg(test)]
    fn parked_len(&self) -> usize {
        self.topics.values().map(|l| l.parked.len()).sum::<usize>() + self.all.parked.len()
    }
}

/// Empties a parked list, taking the wakers of the subscribers still parked.
fn drain(list: &mut Listeners, slots: &mut [Option<Slot>], out: &mut Vec<Waker>) {
    for parked in list.parked.drain(..) {
        let Some(slot) = slots.get_mut(parked.slot as usize).and_then(Option::as_mut) else {
            continue;
        };
        if let Some(listed) = slot.listed.get_mut(parked.entry as usize) {
            *listed = UNLISTED;
        }
        if let Some(waker) = slot.waker.take() {
            out.push(waker);
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::sync::Arc;
    use core::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    use super::*;

    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counter() -> (Arc<Count>, Waker) {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        (count.clone(), Waker::from(count))
    }

    fn tracker() -> Arc<Tracker> {
        Arc::new(Tracker::new(0))
    }

    fn topic(text: &str) -> Topic {
        Topic::new(text).unwrap()
    }

    fn filter(list: &str) -> TopicFilter {
        TopicFilter::parse_list(list).unwrap()
    }

    fn wake(registry: &mut Registry, on: &str) -> usize {
        let mut out = Vec::new();
        registry.take_wakers(&topic(on), &mut out);
        let n = out.len();
        out.into_iter().for_each(Waker::wake);
        n
    }

    #[test]
    fn wakes_parked_subscribers_of_ancestors_once() {
        let mut r = Registry::default();
        let pets = r.insert(&filter("pets"), tracker()).unwrap();
        let dogs = r.insert(&filter("pets/dogs"), tracker()).unwrap();
        let store = r.insert(&filter("petstore"), tracker()).unwrap();
        let all = r.insert(&TopicFilter::all(), tracker()).unwrap();
        let (count, waker) = counter();
        for key in [pets, dogs, store, all] {
            r.park(key, &waker);
        }
        assert_eq!(wake(&mut r, "pets/dogs/small"), 3);
        assert_eq!(
            wake(&mut r, "pets/dogs"),
            0,
            "woken ones are not woken again"
        );
        assert_eq!(wake(&mut r, "petstore"), 1);
        assert_eq!(count.0.load(Ordering::SeqCst), 4);
        assert_eq!(wake(&mut r, "nobody"), 0);
    }

    #[test]
    fn multi_topic_subscriber_is_listed_once_per_entry() {
        let mut r = Registry::default();
        let key = r.insert(&filter("head,block"), tracker()).unwrap();
        let (_, waker) = counter();
        for _ in 0..1000 {
            r.park(key, &waker);
            assert_eq!(wake(&mut r, "head"), 1);
        }
        // `block` was never published: the subscriber stays listed there once.
        assert_eq!(r.parked_len(), 1);
        r.park(key, &waker);
        assert_eq!(r.parked_len(), 2);
        assert_eq!(wake(&mut r, "block"), 1);
        assert_eq!(wake(&mut r, "head"), 0);
    }

    #[test]
    fn remove_unlists_and_keeps_other_places_right() {
        let mut r = Registry::default();
        let (count, waker) = counter();
        let keys: Vec<_> = (0..5)
            .map(|_| r.insert(&filter("t"), tracker()).unwrap())
            .collect();
        for &k in &keys {
            r.park(k, &waker);
        }
        r.remove(keys[0]);
        r.remove(keys[3]);
        assert_eq!(r.parked_len(), 3);
        assert_eq!(wake(&mut r, "t"), 3);
        assert_eq!(count.0.load(Ordering::SeqCst), 3);
        for &k in &[keys[1], keys[2], keys[4]] {
            r.remove(k);
        }
        assert_eq!(r.counts(), (0, Vec::new()));
        assert!(r.topics.is_empty());
        let again = r.insert(&filter("u"), tracker()).unwrap();
        assert!(keys.contains(&again), "slots are reused");
    }

    #[test]
    fn counts_per_entry() {
        let mut r = Registry::default();
        r.insert(&filter("a,b"), tracker()).unwrap();
        r.insert(&filter("a"), tracker()).unwrap();
        r.insert(&TopicFilter::all(), tracker()).unwrap();
        assert_eq!(
            r.counts(),
            (1, alloc::vec![(topic("a"), 2), (topic("b"), 1)])
        );
    }

    #[test]
    fn evictions_count_only_for_matching_entries() {
        let mut r = Registry::default();
        let quiet = filter("quiet");
        let all = TopicFilter::all();
        r.insert(&quiet, tracker()).unwrap();
        r.insert(&all, tracker()).unwrap();
        r.mark_evicted(&topic("busy"), 7);
        assert!(!r.lost_since(&quiet, 5));
        assert!(r.lost_since(&all, 5));
        assert!(!r.lost_since(&all, 8));
        r.mark_evicted(&topic("quiet/sub"), 9);
        assert!(r.lost_since(&quiet, 9));
        assert!(!r.lost_since(&quiet, 10));
    }

    #[test]
    fn lagged_subscribers_are_found_once_and_only_when_behind() {
        let mut r = Registry::default();
        let behind = Arc::new(Tracker::new(2));
        let quiet = Arc::new(Tracker::new(2));
        let ahead = Arc::new(Tracker::new(8));
        r.insert(&filter("busy"), behind.clone()).unwrap();
        r.insert(&filter("quiet"), quiet.clone()).unwrap();
        r.insert(&filter("busy"), ahead.clone()).unwrap();
        for index in 0..6 {
            r.mark_evicted(&topic("busy"), index);
        }
        assert_eq!(r.mark_lagged(6), 1);
        assert!(behind.is_lagged() && !quiet.is_lagged() && !ahead.is_lagged());
        assert_eq!(r.mark_lagged(6), 0, "nothing evicted since");
        ahead.note_cursor(9);
        for index in 6..9 {
            r.mark_evicted(&topic("busy"), index);
        }
        assert_eq!(r.mark_lagged(9), 0, "it moved on in time");
        r.mark_evicted(&topic("busy"), 9);
        assert_eq!(r.mark_lagged(10), 1);
        assert!(ahead.is_lagged() && !quiet.is_lagged());
    }
}
