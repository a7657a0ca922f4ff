//! A subscriber: a cursor into the hub's window, a topic filter, a place in the
//! registry, and the window segment it is reading.

use alloc::sync::Arc;

use bytes::{Bytes, BytesMut};
use core::convert::Infallible;
use core::fmt;
use core::task::{Context, Poll};

use super::registry::SlotKey;
use super::shared::{Advance, Shared};
use super::topic::TopicFilter;
use super::tracker::Tracker;
use super::window::{Segment, Slot};
use crate::encode::Frame;
use crate::event::EventId;
use crate::stream::{Chunk, FrameSource};

/// How a subscription started, from the `Last-Event-ID` it was given.
///
/// When the id cannot be honoured (`Unknown`, `Expired`), the subscription crossed a
/// *gap*: it starts as the hub's [`GapPolicy`](super::GapPolicy) says, and its first
/// frame is the gap event unless that is disabled (see the [module docs](super#gaps)).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Replay {
    /// No id was given: the stream starts with the next event.
    Fresh,
    /// Every event after the id on the subscription's topics is still in the window:
    /// `missed` of them come first, then the live stream, without gap or duplicate.
    Resumed {
        /// Events on the subscription's topics published after the id.
        missed: usize,
    },
    /// The id is not one of this hub's (another epoch, i.e. before a restart; another
    /// store; garbage; or an id not issued yet).
    Unknown {
        /// The id of the first event replayed (`None`: none is, the stream starts
        /// live).
        resumed_from: Option<EventId>,
        /// Events on the subscription's topics replayed before the live stream.
        replayed: usize,
    },
    /// The id is this hub's, but events after it have left the window: the client
    /// missed every event between its id and `resumed_from`.
    Expired {
        /// The id of the first event replayed (`None`: none is, the stream starts
        /// live).
        resumed_from: Option<EventId>,
        /// Events on the subscription's topics replayed before the live stream.
        replayed: usize,
    },
}

impl Replay {
    /// Whether the subscription resumed across a gap (`Unknown` or `Expired`).
    pub fn is_gap(&self) -> bool {
        matches!(self, Replay::Unknown { .. } | Replay::Expired { .. })
    }

    /// After a gap, the id of the first event replayed.
    pub fn resumed_from(&self) -> Option<&EventId> {
        match self {
            Replay::Unknown { resumed_from, .. } | Replay::Expired { resumed_from, .. } => {
                resumed_from.as_ref()
            }
            _ => None,
        }
    }
}

/// Why a subscription ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndReason {
    /// The hub was closed (or its last handle dropped); every event published before
    /// that, and the final event of `close_with`, were delivered.
    Closed,
    /// The subscriber fell so far behind that events on its topics left the window
    /// before it read them (or, if it stopped reading, when the hub needed its place:
    /// see [`Hub::subscribe_from`](super::Hub::subscribe_from)). The response should
    /// end; the client reconnects with its `Last-Event-ID`, is told `Replay::Expired`,
    /// and gets the gap event and the events still in the window.
    Lagged {
        /// Events (on any topic) that left the window before this subscriber reached
        /// them; at least one was on its topics.
        missed: u64,
    },
}

impl fmt::Display for EndReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndReason::Closed => f.write_str("the hub closed"),
            EndReason::Lagged { missed } => {
                write!(f, "the subscriber fell behind by {missed} events")
            }
        }
    }
}

/// Why [`Subscription::try_next_frame`] returned no frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TryFrameError {
    /// Nothing is ready yet.
    Empty,
    /// The subscription is over.
    Ended(EndReason),
}

impl fmt::Display for TryFrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryFrameError::Empty => f.write_str("no frame is ready"),
            TryFrameError::Ended(reason) => write!(f, "the subscription ended: {reason}"),
        }
    }
}

impl std::error::Error for TryFrameError {}

/// One subscriber's view of a hub: the frames of the events on its topics, in order.
///
/// It yields event frames only; wrap it in a [`FrameStream`](crate::stream::FrameStream)
/// with [`Hub::stream_options`](super::Hub::stream_options) for the preamble and
/// keep-alives. Memory does not grow with how far behind it is: it holds a cursor into
/// the hub's window and a reference to one segment of it, and clones each frame handle
/// out of the shared window as it is taken. Dropping it unregisters it.
///
/// ```
/// use std::task::{Context, Poll, Waker};
/// use sse_core::{Event, hub::{Hub, Topic, TopicFilter}};
///
/// let hub = Hub::new();
/// let mut sub = hub.subscribe(TopicFilter::all()).unwrap();
/// let mut cx = Context::from_waker(Waker::noop());
/// assert!(sub.poll_frame(&mut cx).is_pending());
///
/// hub.publish(&Topic::new("t").unwrap(), Event::new("hi")).unwrap();
/// let Poll::Ready(Some(frame)) = sub.poll_frame(&mut cx) else { panic!() };
/// assert!(frame.as_bytes().ends_with(b"data: hi\n\n"));
/// ```
pub struct Subscription {
    shared: Arc<Shared>,
    filter: TopicFilter,
    /// `None` once ended (the registry slot is released at once).
    key: Option<SlotKey>,
    /// Index of the next entry to look at.
    cursor: u64,
    /// The window segment that holds `cursor`, read without locking.
    segment: Option<Arc<Segment>>,
    /// `close_with`'s frame, still to deliver.
    final_frame: Option<Frame>,
    end: Option<EndReason>,
    replay: Replay,
    /// Frames taken since the last flush into the hub's delivery counter (a plain
    /// field: one shared atomic add per batch, not per frame).
    delivered: u64,
    /// The gap event, still to deliver (first of all).
    gap: Option<Frame>,
    /// What the hub sees of its progress.
    tracker: Arc<Tracker>,
    /// This subscriber's span (its topics and how it started): the parent of what is
    /// logged about it.
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

/// Where a new subscription starts, as the hub placed it.
#[derive(Debug)]
pub(crate) struct Placed {
    pub(crate) key: SlotKey,
    pub(crate) cursor: u64,
    pub(crate) replay: Replay,
    pub(crate) gap: Option<Frame>,
    pub(crate) tracker: Arc<Tracker>,
}

impl Subscription {
    pub(crate) fn new(shared: Arc<Shared>, filter: TopicFilter, placed: Placed) -> Subscription {
        #[cfg(feature = "tracing")]
        let span = {
            let span = tracing::info_span!("subscriber", topics = %filter, replay = ?placed.replay);
            tracing::debug!(parent: &span, "subscribed");
            span
        };
        Subscription {
            shared,
            filter,
            key: Some(placed.key),
            cursor: placed.cursor,
            // No segment yet: the first poll takes the slow path, where the gap event
            // goes out before anything else.
            segment: None,
            final_frame: None,
            end: None,
            replay: placed.replay,
            delivered: 0,
            gap: placed.gap,
            tracker: placed.tracker,
            #[cfg(feature = "tracing")]
            span,
        }
    }

    /// The stream options of the hub it reads from (keep-alive, `retry:` hint,
    /// preamble): what a response of it is sent with.
    pub fn stream_options(&self) -> &crate::stream::StreamOptions {
        &self.shared.config.stream_options
    }

    /// How the subscription started (whether its `Last-Event-ID` could be honoured).
    pub fn replay(&self) -> Replay {
        self.replay.clone()
    }

    /// The topics it receives.
    pub fn filter(&self) -> &TopicFilter {
        &self.filter
    }

    /// Why it ended, once it has (after the last frame was taken).
    pub fn end_reason(&self) -> Option<EndReason> {
        self.end.filter(|_| self.final_frame.is_none())
    }

    /// The next frame: `Ready(Some)` with a frame, `Ready(None)` when the subscription
    /// is over (see [`end_reason`](Self::end_reason)), `Pending` after registering
    /// `cx`'s waker, which is woken once when an event for its topics arrives or the
    /// hub closes.
    #[inline]
    pub fn poll_frame(&mut self, cx: &mut Context<'_>) -> Poll<Option<Frame>> {
        // Fast path, inlined into the caller: the next frame of the current segment,
        // cloned straight into the result.
        match self.next_in_segment() {
            Some(slot) => Poll::Ready(Some(slot.frame.clone())),
            None => self.poll_slow(cx),
        }
    }

    /// The next frame if one is ready, without registering a waker.
    #[inline]
    pub fn try_next_frame(&mut self) -> Result<Frame, TryFrameError> {
        match self.next_in_segment() {
            Some(slot) => Ok(slot.frame.clone()),
            None => self.next_ready(),
        }
    }

    /// The next matching entry already written to the segment held, without locking.
    #[inline]
    fn next_in_segment(&mut self) -> Option<&Slot> {
        if self.tracker.is_lagged() {
            return None;
        }
        let segment = self.segment.as_deref()?;
        let mut cursor = self.cursor;
        let found = loop {
            let Some(slot) = segment.get(cursor) else {
                break None;
            };
            cursor += 1;
            if self.filter.matches_path(slot.topic.as_str()) {
                break Some(slot);
            }
        };
        self.cursor = cursor;
        self.delivered += u64::from(found.is_some());
        self.tracker.note_cursor(cursor);
        found
    }

    /// Nothing in the segment: move on, or park.
    fn poll_slow(&mut self, cx: &mut Context<'_>) -> Poll<Option<Frame>> {
        loop {
            match self.next_ready() {
                Ok(frame) => return Poll::Ready(Some(frame)),
                Err(TryFrameError::Ended(_)) => return Poll::Ready(None),
                Err(TryFrameError::Empty) => {}
            }
            let Some(key) = self.key else {
                return Poll::Ready(None);
            };
            if !self
                .shared
                .park(key, cx.waker(), self.cursor, &self.tracker)
            {
                return Poll::Pending;
            }
        }
    }

    /// The next frame, moving to the next segment (one read lock) as often as needed.
    fn next_ready(&mut self) -> Result<Frame, TryFrameError> {
        loop {
            if let Some(slot) = self.next_in_segment() {
                return Ok(slot.frame.clone());
            }
            if let Some(gap) = self.gap.take() {
                return Ok(gap);
            }
            if let Some(reason) = self.end {
                let last = self.final_frame.take();
                self.delivered += u64::from(last.is_some());
                return last.ok_or(TryFrameError::Ended(reason));
            }
            self.flush_delivered();
            if self.tracker.is_lagged() {
                let missed = self.shared.missed_from(self.cursor);
                self.finish(EndReason::Lagged { missed });
                continue;
            }
            match self
                .shared
                .advance(&self.filter, &mut self.cursor, &self.tracker)
            {
                Advance::More(segment) => self.segment = Some(segment),
                Advance::AtEnd(segment) => {
                    self.segment = segment;
                    return Err(TryFrameError::Empty);
                }
                Advance::Ended(reason, final_frame) => {
                    self.final_frame = final_frame;
                    self.finish(reason);
                }
            }
        }
    }

    /// Adds the frames taken since the last flush to the hub's delivery count.
    fn flush_delivered(&mut self) {
        if self.delivered > 0 {
            self.shared.counters.delivered(self.delivered);
            self.delivered = 0;
        }
    }

    fn finish(&mut self, reason: EndReason) {
        #[cfg(feature = "tracing")]
        match reason {
            EndReason::Lagged { missed } => {
                tracing::info!(parent: &self.span, missed, "ended: fell behind the replay window");
            }
            other => tracing::debug!(parent: &self.span, reason = ?other, "ended"),
        }
        self.end = Some(reason);
        self.segment = None;
        if let Some(key) = self.key.take() {
            self.shared.release(key, &self.tracker);
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        #[cfg(feature = "tracing")]
        if self.end.is_none() {
            tracing::debug!(parent: &self.span, "dropped (the client went away)");
        }
        self.flush_delivered();
        if let Some(key) = self.key.take() {
            self.shared.release(key, &self.tracker);
        }
    }
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("filter", &self.filter)
            .field("cursor", &self.cursor)
            .field("final_frame", &self.final_frame.is_some())
            .field("replay", &self.replay)
            .field("gap", &self.gap.is_some())
            .field("end", &self.end)
            .finish()
    }
}

/// A frame up to this size goes out together with the small frames ready after it.
const GATHER_FRAME: usize = 2 * 1024;

/// What [`Subscription::take_small`] found.
enum Taken {
    /// The next frame, small enough to gather.
    Frame(Frame),
    /// The next frame is too large to gather; it goes out on its own, next.
    TooLarge,
    /// Nothing more in the segment held.
    SegmentDone,
}

impl Subscription {
    /// `first`, and the small frames ready after it copied behind it into one chunk of
    /// at most `max_bytes`.
    ///
    /// A busy subscriber then hands its HTTP layer a few large chunks instead of many
    /// small frames. hyper, for one, queues at most 16 chunks per `writev`: 200-byte
    /// frames handed over one by one cost a system call per 16 events, which made
    /// fan-out to 1000 connections three times as expensive in CPU per event (see the
    /// fan-out benchmark). Copying a few KiB per wake-up is far cheaper than the calls
    /// it saves. A frame over [`GATHER_FRAME`] is never copied (it goes alone, as the
    /// shared `Bytes`), and neither is a frame that is alone.
    fn gather(&mut self, first: Frame, max_bytes: usize) -> Bytes {
        if first.len() > GATHER_FRAME {
            return first.into_bytes();
        }
        let mut gathered: Option<BytesMut> = None;
        loop {
            let len = gathered.as_ref().map_or(first.len(), BytesMut::len);
            let next = match self.take_small(max_bytes.saturating_sub(len)) {
                Taken::Frame(next) => next,
                Taken::TooLarge => break,
                Taken::SegmentDone => {
                    if self.end.is_some() || !self.advance_segment() {
                        break;
                    }
                    continue;
                }
            };
            let out = gathered.get_or_insert_with(|| {
                let mut out = BytesMut::with_capacity(max_bytes);
                out.extend_from_slice(first.as_bytes());
                out
            });
            out.extend_from_slice(next.as_bytes());
        }
        gathered.map_or_else(|| first.into_bytes(), BytesMut::freeze)
    }

    /// The next matching frame of the segment held, if it is at most [`GATHER_FRAME`]
    /// and `room` bytes; the cursor stops at a matching frame that is not, which goes
    /// out next on its own.
    fn take_small(&mut self, room: usize) -> Taken {
        let Some(segment) = self.segment.as_deref() else {
            return Taken::SegmentDone;
        };
        if self.tracker.is_lagged() {
            return Taken::SegmentDone;
        }
        let mut cursor = self.cursor;
        let taken = loop {
            let Some(slot) = segment.get(cursor) else {
                break Taken::SegmentDone;
            };
            if self.filter.matches_path(slot.topic.as_str()) {
                if slot.frame.len() > GATHER_FRAME.min(room) {
                    break Taken::TooLarge;
                }
                cursor += 1;
                self.delivered += 1;
                break Taken::Frame(slot.frame.clone());
            }
            cursor += 1;
        };
        self.cursor = cursor;
        self.tracker.note_cursor(cursor);
        taken
    }

    /// Moves to the next segment as [`next_ready`](Self::next_ready) does; `false` when
    /// nothing more is ready (or the subscription ended: its end comes next).
    fn advance_segment(&mut self) -> bool {
        self.flush_delivered();
        if self.tracker.is_lagged() {
            return false;
        }
        match self
            .shared
            .advance(&self.filter, &mut self.cursor, &self.tracker)
        {
            Advance::More(segment) => {
                self.segment = Some(segment);
                true
            }
            Advance::AtEnd(segment) => {
                self.segment = segment;
                false
            }
            Advance::Ended(reason, final_frame) => {
                self.final_frame = final_frame;
                self.finish(reason);
                false
            }
        }
    }
}

impl FrameSource for Subscription {
    type Error = Infallible;

    /// Whole frames only, one per chunk, so a keep-alive may go between any two.
    #[inline]
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, Infallible>>> {
        self.poll_frame(cx)
            .map(|frame| frame.map(|f| Ok(Chunk::frame(f))))
    }

    /// Whole frames: one, or several small ones that were ready together, copied
    /// into one chunk of at most `max_bytes` (see `gather`).
    #[inline]
    fn poll_gathered(
        &mut self,
        cx: &mut Context<'_>,
        max_bytes: usize,
    ) -> Poll<Option<Result<Chunk, Infallible>>> {
        self.poll_frame(cx)
            .map(|frame| frame.map(|f| Ok(Chunk::part(self.gather(f, max_bytes), true))))
    }
}

#[cfg(test)]
mod tests {
    use alloc::format;
    use alloc::vec::Vec;
    use core::task::Waker;

    use super::*;
    use crate::Event;
    use crate::hub::{Hub, Topic};

    fn publish(hub: &Hub, topic: &str, data: &[u8]) {
        let event = Event::new(Bytes::copy_from_slice(data));
        hub.publish(&Topic::new(topic).unwrap(), event).unwrap();
    }

    const LIMIT: usize = crate::stream::GATHER_BYTES;

    /// Every gathered chunk ready now, then whether the stream ended.
    fn chunks(sub: &mut Subscription) -> (Vec<Bytes>, bool) {
        let mut cx = Context::from_waker(Waker::noop());
        let mut out = Vec::new();
        loop {
            match sub.poll_gathered(&mut cx, LIMIT) {
                Poll::Ready(Some(Ok(chunk))) => {
                    assert!(chunk.ends_frame());
                    out.push(chunk.into_bytes());
                }
                Poll::Ready(None) => return (out, true),
                Poll::Pending => return (out, false),
            }
        }
    }

    fn frames(chunk: &[u8]) -> usize {
        chunk.windows(2).filter(|w| w == b"\n\n").count()
    }

    #[test]
    fn small_frames_ready_together_go_as_one_chunk() {
        let hub = Hub::new();
        let mut sub = hub.subscribe(TopicFilter::all()).unwrap();
        assert_eq!(chunks(&mut sub), (Vec::new(), false));
        publish(&hub, "t", b"alone");
        let (alone, _) = chunks(&mut sub);
        assert_eq!(alone.len(), 1);
        assert!(alone[0].ends_with(b"data: alone\n\n"));
        for n in 0..100 {
            publish(&hub, "t", format!("event {n}").as_bytes());
        }
        let (gathered, ended) = chunks(&mut sub);
        assert!(!ended);
        assert_eq!(gathered.len(), 1, "100 small frames fit in one chunk");
        assert_eq!(frames(&gathered[0]), 100);
        let text = core::str::from_utf8(&gathered[0]).unwrap();
        let order: Vec<usize> = (0..100)
            .map(|n| text.find(&format!("data: event {n}\n")).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "in publish order");
    }

    #[test]
    fn chunks_stay_under_the_limit_and_large_frames_go_alone() {
        let hub = Hub::new();
        let mut sub = hub.subscribe(TopicFilter::all()).unwrap();
        let small = [b'x'; 200];
        let large = [b'y'; GATHER_FRAME + 1];
        for _ in 0..3 {
            publish(&hub, "t", &small);
        }
        publish(&hub, "t", &large);
        for _ in 0..200 {
            publish(&hub, "t", &small);
        }
        let (chunks, _) = chunks(&mut sub);
        assert_eq!(frames(&chunks[0]), 3);
        assert!(chunks[1].ends_with(&[&large[..], b"\n\n"].concat()));
        assert_eq!(frames(&chunks[1]), 1);
        assert!(chunks[2..].iter().all(|c| c.len() <= LIMIT));
        let total: usize = chunks.iter().map(|c| frames(c)).sum();
        assert_eq!(total, 204, "every frame exactly once");
    }

    #[test]
    fn poll_chunk_still_gives_one_frame_per_chunk() {
        let hub = Hub::new();
        let mut sub = hub.subscribe(TopicFilter::all()).unwrap();
        for _ in 0..5 {
            publish(&hub, "t", b"one");
        }
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..5 {
            let Poll::Ready(Some(Ok(chunk))) = sub.poll_chunk(&mut cx) else {
                panic!("a frame is ready");
            };
            assert_eq!(frames(chunk.bytes()), 1);
        }
        assert!(sub.poll_chunk(&mut cx).is_pending());
    }

    #[test]
    fn gathering_keeps_to_the_filter_and_ends_after_the_last_frame() {
        let hub = Hub::new();
        let mut sub = hub
            .subscribe(TopicFilter::from(Topic::new("a").unwrap()))
            .unwrap();
        for n in 0..10 {
            publish(&hub, if n % 2 == 0 { "a" } else { "b" }, b"z");
        }
        hub.close_with(Event::new("bye"));
        let (chunks, ended) = chunks(&mut sub);
        assert!(ended);
        let all: Vec<u8> = chunks.concat();
        assert_eq!(frames(&all), 6, "five on `a`, then the final event");
        assert!(all.ends_with(b"data: bye\n\n"));
        assert_eq!(sub.end_reason(), Some(EndReason::Closed));
    }
}
