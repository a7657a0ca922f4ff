//! The state every `Hub` handle and `Subscription` shares, its three locks, and the
//! operations that take them.
//!
//! Locks, always taken in this order (never the other way round):
//! 1. `order` (a mutex): publishers only. It serializes stamping, encoding and
//!    appending, so ids enter the window in order. Subscribers never take it.
//! 2. `window` (a read-write lock): the frames. Publishers and `subscribe` write;
//!    a subscriber takes the read lock once per 32-event segment (it reads the
//!    segment's frames without any lock).
//! 3. `registry` (a mutex): subscribers by topic, parked wakers, evictions. Taken
//!    by publishers inside `window` (so an eviction is recorded before any reader can
//!    see it), held a moment longer than `window` to collect the wakers; by a subscriber
//!    that parks, and on subscribe/drop.
//!
//! Wakers are woken, and segments that left the window are freed, after every lock is
//! released.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use core::task::Waker;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::config::Config;
use super::error::{PublishError, SubscribeError};
use super::gap::{GapPolicy, GapReason, gap_frame};
use super::registry::{Registry, SlotKey};
use super::stats::{Counters, HubStats, MAX_TRACKED_TOPICS};
use super::store::{Position, Stamp};
use super::subscription::{EndReason, Placed, Replay};
use super::topic::{Topic, TopicFilter};
use super::tracker::Tracker;
use super::window::{Entry, Seek, Segment, Window};
use crate::encode::Frame;
use crate::event::{Event, EventId};

/// The publishers' side: the next sequence number and each topic's newest id.
#[derive(Debug, Default)]
pub(crate) struct Order {
    next_sequence: u64,
    last_ids: HashMap<Topic, EventId>,
}

/// The frames and, once closed, where the stream ends.
#[derive(Debug)]
pub(crate) struct WindowState {
    window: Window,
    close: Option<CloseMark>,
}

/// Subscribers end at index `at`, after the final frame if there is one.
#[derive(Debug)]
struct CloseMark {
    at: u64,
    final_frame: Option<Frame>,
}

/// Where a subscriber goes on from.
#[derive(Debug)]
pub(crate) enum Advance {
    /// Entries from the cursor on are in this segment.
    More(Arc<Segment>),
    /// The cursor is at the end; the segment its next entry will be in, if allocated.
    AtEnd(Option<Arc<Segment>>),
    /// The subscription is over; the final frame, if any, goes out first.
    Ended(EndReason, Option<Frame>),
}

/// Shared by every handle and subscription of one hub.
#[derive(Debug)]
pub(crate) struct Shared {
    order: Mutex<Order>,
    window: RwLock<WindowState>,
    registry: Mutex<Registry>,
    /// The window's end index, published after each append (a parking subscriber
    /// checks it after registering its waker, so no wake-up is lost).
    end_index: AtomicU64,
    closed: AtomicBool,
    /// Live `Hub` handles; the last one to go closes the hub.
    pub(crate) handles: AtomicUsize,
    pub(crate) counters: Counters,
    pub(crate) config: Config,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

fn wake_all(wakers: Vec<Waker>) {
    for waker in wakers {
        waker.wake();
    }
}

impl Shared {
    pub(crate) fn new(config: Config) -> Shared {
        Shared {
            order: Mutex::new(Order::default()),
            window: RwLock::new(WindowState {
                window: Window::new(config.limits),
                close: None,
            }),
            registry: Mutex::new(Registry::default()),
            end_index: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            handles: AtomicUsize::new(1),
            counters: Counters::default(),
            config,
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Stamps `event` with the store's next id and appends it.
    pub(crate) fn publish(&self, topic: &Topic, event: Event) -> Result<EventId, PublishError> {
        let mut order = lock(&self.order);
        if self.is_closed() {
            return Err(PublishError::Closed);
        }
        let stamp = self.config.store.stamp(order.next_sequence)?;
        let id = stamp.id().clone();
        let wakers = self.append(&mut order, stamp, topic, event)?;
        order.next_sequence += 1;
        drop(order);
        wake_all(wakers);
        Ok(id)
    }

    /// Appends an event stamped elsewhere.
    pub(crate) fn ingest(
        &self,
        stamp: Stamp,
        topic: &Topic,
        event: Event,
    ) -> Result<(), PublishError> {
        let mut order = lock(&self.order);
        if self.is_closed() {
            return Err(PublishError::Closed);
        }
        let wakers = self.append(&mut order, stamp, topic, event)?;
        drop(order);
        wake_all(wakers);
        Ok(())
    }

    /// Encodes `event` with the stamp's id (outside the window lock), appends it,
    /// trims the window and collects the wakers to wake.
    fn append(
        &self,
        order: &mut Order,
        stamp: Stamp,
        topic: &Topic,
        mut event: Event,
    ) -> Result<Vec<Waker>, PublishError> {
        let position = stamp.position();
        let age = stamp.age();
        let id = stamp.into_id();
        event.set_id(Some(id.clone()));
        let frame = Frame::encode(&event);
        drop(event);
        // The first clone of freshly encoded bytes turns them into shared bytes (an
        // allocation and a compare-and-swap). Do it here, on the publisher, so that no
        // subscriber pays for it, and subscribers on several threads do not race to.
        drop(frame.clone());
        let bytes = frame.len();
        let mut wakers = Vec::new();
        let retired;
        {
            let mut state = write(&self.window);
            if let Some(newest) = state.window.last_position().filter(|&n| position <= n) {
                return Err(PublishError::OutOfOrder { position, newest });
            }
            let now = self.config.clock.now();
            state.window.push(Entry {
                position,
                id: id.clone(),
                topic: topic.clone(),
                frame,
                // An age beyond what `Instant` can go back (only just after boot) counts
                // from now: kept longer than elsewhere, never lost early.
                at: now.checked_sub(age).unwrap_or(now),
            });
            let mut registry = lock(&self.registry);
            retired = trim(&mut state.window, &mut registry, now);
            self.end_index
                .store(state.window.end_index(), Ordering::Release);
            // Readers may go on while the wakers are collected (evictions are recorded
            // already, so no reader misjudges a lag).
            drop(state);
            registry.take_wakers(topic, &mut wakers);
        }
        drop(retired);
        remember_last_id(order, topic, id);
        self.counters.published(bytes);
        Ok(wakers)
    }

    /// Records that events up to `through` are gone from the log this hub mirrors.
    pub(crate) fn mark_trimmed(&self, through: Position) {
        let _order = lock(&self.order);
        write(&self.window).window.mark_trimmed(through);
    }

    /// Registers a subscriber and places its cursor (see [`Replay`]); builds its gap
    /// event if it resumes across a gap.
    pub(crate) fn subscribe(
        &self,
        filter: &TopicFilter,
        last_event_id: Option<&EventId>,
    ) -> Result<Placed, SubscribeError> {
        let after = last_event_id.map(|id| self.config.store.parse_id(id.as_str()));
        let max = self.config.max_subscribers;
        if !self.counters.add_subscriber(max)
            && (self.reclaim_lagged() == 0 || !self.counters.add_subscriber(max))
        {
            Counters::bump(&self.counters.subscribers_refused);
            let max = max.unwrap_or(usize::MAX);
            #[cfg(feature = "tracing")]
            tracing::warn!(
                max,
                "subscriber refused: the hub has its maximum of subscribers"
            );
            return Err(SubscribeError::Full { max });
        }
        let placed = self.place(filter, after);
        if let Err(refusal) = &placed {
            self.counters.remove_subscriber();
            if matches!(refusal, SubscribeError::Full { .. }) {
                Counters::bump(&self.counters.subscribers_refused);
            }
        }
        let (key, cursor, replay, tracker) = placed?;
        let counter = match replay {
            Replay::Fresh => None,
            Replay::Resumed { .. } => Some(&self.counters.replays_resumed),
            Replay::Expired { .. } => Some(&self.counters.replays_expired),
            Replay::Unknown { .. } => Some(&self.counters.replays_unknown),
        };
        if let Some(counter) = counter {
            Counters::bump(counter);
        }
        let gap = self.gap_event(&replay, last_event_id);
        Ok(Placed {
            key,
            cursor,
            replay,
            gap,
            tracker,
        })
    }

    /// The gap event for a subscription that starts with `replay`, if it crossed a gap
    /// and gap events are on.
    fn gap_event(&self, replay: &Replay, last_event_id: Option<&EventId>) -> Option<Frame> {
        let (reason, resumed_from) = match replay {
            Replay::Expired { resumed_from, .. } => (GapReason::Expired, resumed_from),
            Replay::Unknown { resumed_from, .. } => (GapReason::Unknown, resumed_from),
            Replay::Fresh | Replay::Resumed { .. } => return None,
        };
        let sent = last_event_id.map_or("", EventId::as_str);
        #[cfg(feature = "tracing")]
        tracing::info!(
            reason = ?reason,
            last_event_id = sent,
            resumed_from = resumed_from.as_ref().map(EventId::as_str),
            "subscriber resumed across a gap"
        );
        let event_type = self.config.gap_event.as_ref()?;
        Counters::bump(&self.counters.gaps_signalled);
        Some(gap_frame(event_type, reason, sent, resumed_from.as_ref()))
    }

    /// Under the window and registry locks: trims by age, finds the cursor, registers.
    fn place(
        &self,
        filter: &TopicFilter,
        after: Option<Option<Position>>,
    ) -> Result<(SlotKey, u64, Replay, Arc<Tracker>), SubscribeError> {
        let mut state = write(&self.window);
        if state.close.is_some() {
            return Err(SubscribeError::Closed);
        }
        let mut registry = lock(&self.registry);
        let retired = trim(&mut state.window, &mut registry, self.config.clock.now());
        let window = &state.window;
        let live = window.end_index();
        let (cursor, replay) = match after {
            None => (live, Replay::Fresh),
            Some(None) => self.across_gap(window, filter, GapReason::Unknown, None),
            Some(Some(position)) => match window.seek(position) {
                Seek::From(cursor) => {
                    let missed = window.count_matching(cursor, filter);
                    (cursor, Replay::Resumed { missed })
                }
                Seek::Expired => {
                    self.across_gap(window, filter, GapReason::Expired, Some(position))
                }
                Seek::Unknown => self.across_gap(window, filter, GapReason::Unknown, None),
            },
        };
        let tracker = Arc::new(Tracker::new(cursor));
        let key = registry
            .insert(filter, tracker.clone())
            .ok_or(SubscribeError::Full {
                max: u32::MAX as usize - 1,
            });
        // Segments that left the window are freed after the locks.
        drop(registry);
        drop(state);
        drop(retired);
        let key = key?;
        Ok((key, cursor, replay, tracker))
    }

    /// Where a subscription whose id cannot be honoured starts, by the gap policy. With
    /// `Earliest`, an expired id's replay starts after the id itself when the window
    /// still holds events from before it (a distributed store's log trimmed a stretch
    /// in the middle: see [`Hub::mark_trimmed`](super::Hub::mark_trimmed)), so the
    /// client gets nothing twice.
    fn across_gap(
        &self,
        window: &Window,
        filter: &TopicFilter,
        reason: GapReason,
        expired: Option<Position>,
    ) -> (u64, Replay) {
        let from = expired.map_or(window.first_index(), |after| window.first_after(after));
        let (cursor, resumed_from, replayed) = match self.config.gap_policy {
            GapPolicy::Latest => (window.end_index(), None, 0),
            GapPolicy::Earliest => match window.first_matching(from, filter) {
                Some((index, id)) => (index, Some(id), window.count_matching(index, filter)),
                None => (window.end_index(), None, 0),
            },
        };
        let replay = match reason {
            GapReason::Expired => Replay::Expired {
                resumed_from,
                replayed,
            },
            GapReason::Unknown => Replay::Unknown {
                resumed_from,
                replayed,
            },
        };
        (cursor, replay)
    }

    /// Gives back the places of the subscribers that fell behind the window without
    /// noticing (they stopped reading): called when a subscriber would be refused for
    /// want of a place, and for a status snapshot. Returns how many it gave back.
    ///
    /// Cost: one pass over the registry's slots (a load and a compare each, plus a
    /// topic lookup for the few behind the window), done only when the hub is full
    /// and only once per eviction. Publishing does no such work: detecting lag as it
    /// evicts would mean scanning, or keeping sorted, every subscriber's cursor on
    /// the publish path, for a limit that only matters when someone subscribes.
    pub(crate) fn reclaim_lagged(&self) -> usize {
        let first = read(&self.window).window.first_index();
        let lagged = lock(&self.registry).mark_lagged(first);
        if lagged > 0 {
            self.counters.remove_subscribers(lagged);
            self.counters
                .dropped_lagged
                .fetch_add(lagged as u64, Ordering::Relaxed);
            #[cfg(feature = "tracing")]
            tracing::info!(
                lagged,
                "stalled subscribers fell behind the window and gave back their places"
            );
        }
        lagged
    }

    /// How many events a subscriber at `cursor` missed (at least 1: it is lagged).
    pub(crate) fn missed_from(&self, cursor: u64) -> u64 {
        let first = read(&self.window).window.first_index();
        first.saturating_sub(cursor).max(1)
    }

    /// Moves a subscriber on from `cursor` when its segment has nothing more for it:
    /// checks for lag, and hands out the segment that holds the cursor.
    pub(crate) fn advance(
        &self,
        filter: &TopicFilter,
        cursor: &mut u64,
        tracker: &Tracker,
    ) -> Advance {
        let state = read(&self.window);
        let window = &state.window;
        let first = window.first_index();
        if *cursor < first {
            if lock(&self.registry).lost_since(filter, *cursor) {
                let missed = first - *cursor;
                if tracker.mark_lagged() {
                    self.counters.remove_subscriber();
                    Counters::bump(&self.counters.dropped_lagged);
                    #[cfg(feature = "tracing")]
                    tracing::info!(missed, "subscriber fell behind the window and ends");
                }
                return Advance::Ended(EndReason::Lagged { missed }, None);
            }
            // Everything evicted past the cursor was on other topics.
            *cursor = first;
        }
        tracker.note_cursor(*cursor);
        let segment = window.segment_for(*cursor);
        if *cursor < window.end_index()
            && let Some(segment) = segment
        {
            return Advance::More(segment.clone());
        }
        match &state.close {
            Some(close) if *cursor >= close.at => {
                Advance::Ended(EndReason::Closed, close.final_frame.clone())
            }
            _ => Advance::AtEnd(segment.cloned()),
        }
    }

    /// Registers `waker` for the subscriber; returns whether something may have
    /// arrived (or the hub closed) since its cursor was at `cursor`, in which case the
    /// caller reads again instead of waiting.
    pub(crate) fn park(&self, key: SlotKey, waker: &Waker, cursor: u64, tracker: &Tracker) -> bool {
        tracker.note_cursor(cursor);
        lock(&self.registry).park(key, waker);
        self.end_index.load(Ordering::Acquire) > cursor || self.is_closed()
    }

    /// Forgets a subscriber (its place in the count, unless a lag gave it back).
    pub(crate) fn release(&self, key: SlotKey, tracker: &Tracker) {
        lock(&self.registry).remove(key);
        if tracker.mark_gone() {
            self.counters.remove_subscriber();
        }
    }

    /// Ends every subscription after the events published so far (and `final_frame`).
    /// Returns `false` if the hub was already closed.
    pub(crate) fn close(&self, final_frame: Option<Frame>) -> bool {
        let order = lock(&self.order);
        let mut wakers = Vec::new();
        {
            let mut state = write(&self.window);
            if state.close.is_some() {
                return false;
            }
            let at = state.window.end_index();
            state.close = Some(CloseMark { at, final_frame });
            self.closed.store(true, Ordering::Release);
            lock(&self.registry).take_all_wakers(&mut wakers);
        }
        drop(order);
        wake_all(wakers);
        true
    }

    /// A snapshot for [`HubStats`].
    pub(crate) fn stats(&self) -> HubStats {
        self.reclaim_lagged();
        let mut last_event_ids: Vec<(Topic, EventId)> = lock(&self.order)
            .last_ids
            .iter()
            .map(|(t, id)| (t.clone(), id.clone()))
            .collect();
        last_event_ids.sort();
        let (window_len, window_bytes) = {
            let state = read(&self.window);
            (state.window.len(), state.window.bytes())
        };
        let (subscribers_all, subscribers_by_topic) = lock(&self.registry).counts();
        let c = &self.counters;
        HubStats {
            subscribers: c.subscribers.load(Ordering::Acquire),
            subscribers_all,
            subscribers_by_topic,
            events_published: Counters::read(&c.events_published),
            bytes_encoded: Counters::read(&c.bytes_encoded),
            replays_resumed: Counters::read(&c.replays_resumed),
            replays_expired: Counters::read(&c.replays_expired),
            replays_unknown: Counters::read(&c.replays_unknown),
            dropped_lagged: Counters::read(&c.dropped_lagged),
            deliveries: Counters::read(&c.deliveries),
            subscribers_refused: Counters::read(&c.subscribers_refused),
            gaps_signalled: Counters::read(&c.gaps_signalled),
            last_event_ids,
            window_len,
            window_bytes,
            closed: self.is_closed(),
        }
    }
}

/// Evicts what is over the window's limits at `now`, recording each eviction. Returns
/// the segments that left the window, for the caller to drop after its locks.
fn trim(
    window: &mut Window,
    registry: &mut Registry,
    now: std::time::Instant,
) -> Vec<Arc<Segment>> {
    let mut retired = Vec::new();
    while let Some(evicted) = window.evict_one(now) {
        registry.mark_evicted(&evicted.topic, evicted.index);
        retired.extend(evicted.segment);
    }
    retired
}

fn remember_last_id(order: &mut Order, topic: &Topic, id: EventId) {
    if let Some(last) = order.last_ids.get_mut(topic.as_str()) {
        *last = id;
    } else if order.last_ids.len() < MAX_TRACKED_TOPICS {
        order.last_ids.insert(topic.clone(), id);
    }
}

/// Lets the last `Hub` handle close the hub.
pub(crate) fn drop_handle(shared: &Arc<Shared>) {
    if shared.handles.fetch_sub(1, Ordering::AcqRel) == 1 {
        shared.close(None);
    }
}
