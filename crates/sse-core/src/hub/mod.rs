//! The broadcast hub: publish events on topics from anywhere, encode each once, and
//! let any number of subscribers read them, resume after a reconnection, and fall
//! behind without costing memory.
//!
//! # Data flow
//! ```text
//! publish(topic, event)             any thread; never waits for subscribers
//!   │ stamp the id, encode ONE frame (shared Bytes)
//!   ▼
//! window: segments of [(position, topic, frame, time)] ◀── cursor of each Subscription
//!   │ append; evict what is over the count/bytes/age limits;
//!   │ take the wakers of parked subscribers of the topic and its ancestors
//!   ▼
//! wake them (after every lock is released)
//!
//! Subscription::poll_frame           any runtime (a std Waker, nothing else)
//!   clone the next matching frame out of the window segment it holds (no lock);
//!   at a segment's end take the next one (one read lock per 32 events);
//!   when nothing is left, park (register the waker) and re-check
//! ```
//! A subscription is a cursor into the window: replay and live delivery are the same
//! walk, so a client that resumes while events are being published gets every event
//! after its id exactly once, in order. An adapter's response body is
//! `FrameStream::new(subscription, timer, hub.stream_options())`, which adds the
//! preamble and keep-alives between whole frames
//! (see [`crate::stream::FrameStream`]).
//!
//! # Topics
//! A [`Topic`] is a path (`pets/dogs`); a [`TopicFilter`] is "all" or a set of topics,
//! each matching itself and everything below it by whole segments (`pets` gets
//! `pets/dogs`, not `petstore`). Subscribers are indexed by the topics they name, so a
//! publish looks at the topic's ancestors and the "all" list only: O(segments + woken),
//! and next to nothing for a topic nobody listens to.
//!
//! # Ids
//! With the default [`MemoryStore`], ids are `{epoch}-{sequence}`: the epoch is this
//! hub instance's creation time in Unix milliseconds, in base 36 (set it with
//! [`HubBuilder::epoch`]); the sequence counts events from 0. An id from before a
//! restart has another epoch, so it is never mistaken for one of the new instance's.
//! An id set on a published event is replaced (replay needs the hub's ordered ids);
//! [`Hub::publish`] returns the id assigned.
//!
//! # Replay
//! The window keeps the newest events, bounded by count (default 1024), bytes (64 MiB)
//! and age (5 minutes; trimmed on publish and subscribe, by a [`Clock`] that tests can
//! replace). [`Hub::subscribe_from`] with a `Last-Event-ID` gives [`Replay`]:
//! `Resumed { missed }` (those events come first, then live), `Unknown` (not this
//! hub's id, or not issued yet) or `Expired` (events after it were evicted). No id is
//! `Fresh`.
//!
//! # Gaps
//! An `Unknown` or `Expired` id means the client missed events the hub cannot give it:
//! a *gap*. The hub never starts such a subscription silently. By its [`GapPolicy`]
//! (set with [`HubBuilder::on_gap`]) it replays every event on the subscription's
//! topics still in the window (`Earliest`, the default, like Kafka's
//! `auto.offset.reset=earliest`) or starts live (`Latest`). Before those events the
//! subscription yields one *gap event*, encoded for it alone:
//! ```text
//! event: sse-gap
//! data: {"reason":"expired","last_event_id":"<as sent>","resumed_from":"<id>"}
//! ```
//! `reason` is `expired` or `unknown`; `resumed_from` is the id of the first event
//! replayed, or `null` when none is. The gap event has no `id:`, so the client's last
//! event id does not change. Every event the client missed lies before
//! `resumed_from`; everything from it on is delivered, in order, exactly once.
//! [`HubBuilder::gap_event`] renames the type or turns the event off;
//! [`Replay::Expired`] and [`Replay::Unknown`] report the same to the application
//! (`resumed_from`, `replayed`), and [`HubStats::gaps_signalled`] counts gap events.
//!
//! # Lag
//! A subscriber costs the same memory however far behind it is (a cursor, its filter,
//! its registry entry, and a reference to one 32-event segment of the window), and
//! publishing never waits for it. If events on its
//! topics leave the window before it reads them, it ends with
//! [`EndReason::Lagged`]: the response ends cleanly, the client reconnects with its
//! `Last-Event-ID`, is told `Expired`, and gets the gap event and the window. Events on
//! other topics leaving the window do not count: a subscriber of a quiet topic is never
//! ended because another is busy.
//!
//! A subscriber whose connection stopped draining is never polled, so it cannot notice
//! its own lag; it must not hold one of the [`max_subscribers`](HubBuilder::max_subscribers)
//! places either. Each subscriber notes its cursor where the hub can see it (a relaxed
//! atomic store as it reads, no lock). When a subscribe would be refused for want of a place (and
//! when [`Hub::stats`] is taken) the hub first looks for subscribers behind the window
//! and gives back their places at once; such a subscription ends with
//! `EndReason::Lagged` as soon as it is polled again. That search is one pass over the
//! subscribers, at most once per eviction and only while the hub is full; publishing
//! does no per-subscriber work for it.

//! # The store seam
//! Ids come from a [`ReplayStore`] (object-safe, `Send + Sync`); [`MemoryStore`] is
//! the default. A distributed store (`sse-redis`, on Redis Streams) assigns ids
//! elsewhere and feeds each process's hub with [`Hub::ingest`] (and
//! [`Hub::mark_trimmed`] for history it cannot have); its ids parse to
//! [`Position`]s that order events across processes. The [`store`] module
//! docs spell out what it plugs in. The window of encoded frames stays in each process
//! whatever the store, because that is what subscribers read from; keeping it out of
//! the trait keeps the per-frame read path free of dynamic calls.
//!
//! # Why segments, not a per-subscriber batch buffer
//! The window is a queue of segments of 32 slots, each written once and then only
//! read. A subscriber holds the segment its cursor is in and clones each frame handle
//! straight out of it: no lock per frame, one read lock per 32 events, and no
//! per-subscriber buffer. An earlier version copied up to 32 frame handles per lock
//! into a buffer in each subscription; measured, moving the handles through that
//! buffer cost several times the clone itself, so the segments replaced it. The price:
//! a reader already inside a segment may still read its evicted entries (eviction is
//! exact for replay and for lag, lenient by less than one segment for such a reader),
//! and up to 31 evicted frames stay in memory while a segment is partly evicted.
//!
//! # Example
//! ```
//! use std::task::{Context, Poll, Waker};
//! use sse_core::Event;
//! use sse_core::hub::{Epoch, Hub, Replay, Topic, TopicFilter};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let hub = Hub::builder().epoch(Epoch::new(7)).build();
//! let mut cx = Context::from_waker(Waker::noop());
//!
//! // A client asks for `?topics=pets`.
//! let mut sub = hub.subscribe(TopicFilter::parse_list("pets")?)?;
//! let first = hub.publish(&Topic::new("pets/dogs")?, Event::new("woof"))?;
//! hub.publish(&Topic::new("petstore")?, Event::new("not for pets"))?;
//! assert_eq!(first.as_str(), "7-0");
//!
//! let Poll::Ready(Some(frame)) = sub.poll_frame(&mut cx) else { unreachable!() };
//! assert_eq!(frame.as_bytes(), &b"id: 7-0\ndata: woof\n\n"[..]);
//! assert!(sub.poll_frame(&mut cx).is_pending());
//!
//! // The client reconnects with `Last-Event-ID: 7-0` after missing an event.
//! drop(sub);
//! hub.publish(&Topic::new("pets/cats")?, Event::new("meow"))?;
//! let mut sub = hub.subscribe_from(TopicFilter::parse_list("pets")?, Some(&first))?;
//! assert_eq!(sub.replay(), Replay::Resumed { missed: 1 });
//! let Poll::Ready(Some(frame)) = sub.poll_frame(&mut cx) else { unreachable!() };
//! assert_eq!(frame.as_bytes(), &b"id: 7-2\ndata: meow\n\n"[..]);
//! # Ok(())
//! # }
//! ```

mod config;
mod error;
mod gap;
mod handle;
mod registry;
mod shared;
mod stats;
pub mod store;
mod subscription;
mod topic;
mod tracker;
mod window;

pub use config::{Clock, HubBuilder, ManualClock, SystemClock};
pub use error::{PublishError, SubscribeError};
pub use gap::{GAP_EVENT_TYPE, GapPolicy, ParseGapPolicyError};
pub use handle::Hub;
pub use stats::{HubStats, MAX_TRACKED_TOPICS};
pub use store::{Epoch, MemoryStore, Position, ReplayStore, Stamp, StoreError};
pub use subscription::{EndReason, Replay, Subscription, TryFrameError};
pub use topic::{MAX_FILTER_TOPICS, MAX_TOPIC_LEN, Topic, TopicError, TopicFilter};
