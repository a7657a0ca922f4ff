//! One SSE hub across many server processes, on Redis Streams.
//!
//! Run several servers behind a load balancer; a client may reconnect to any of them
//! and resume with its `Last-Event-ID` as if there were one server. Every event is
//! appended to one Redis stream; every process follows the stream and fans the events
//! out to its own subscribers; the stream's entry ids are the event ids.
//!
//! ```text
//! RedisHub::publish(topic, event) ──XADD key MAXLEN ~ n * topic … data …──▶ Redis stream
//!   returns the entry id once Redis acknowledged it                                 │
//!   (+ XTRIM key MINID ~ now−age, at most once a second)                            │
//!                                                                                   │
//!  every process: reader task ◀── XREAD BLOCK … STREAMS key <last id> ──────────────┘
//!     │ Hub::ingest(stamp = entry id, topic, event): encoded once per process
//!     ▼
//!  local Hub window ──▶ subscriptions served by any adapter (sse-tokio, sse-actix, …)
//! ```
//!
//! # Design: each process's window mirrors what the stream keeps
//! Adapters serve `hub.subscribe_from(filter, last_event_id)` synchronously inside their
//! request handlers, and must work unchanged on a Redis-backed hub. So a resume cannot
//! wait for an `XRANGE` round trip: it must be answered from memory. It can be, because
//! the stream and each process's window hold the same events:
//! - The stream is trimmed with the window's bounds: `XADD … MAXLEN ~ max_len` (Redis
//!   keeps at least `max_len`, the window exactly `max_len`) and, with `max_age`,
//!   `XTRIM … MINID ~ now − max_age` in the same round trip, at most once a second per
//!   process (Redis keeps at least those; the window ages each entry from its id's
//!   time, so every process evicts it alike).
//! - At start-up the reader reads the newest `max_len + 1` entries (`XREVRANGE`) and
//!   ingests them before `connect` returns; what came before them is recorded as
//!   trimmed (`Hub::mark_trimmed`). Then it follows the stream from the last id it
//!   ingested, with blocking `XREAD` on a connection of its own, so nothing published
//!   in between is missed.
//!
//! Hence every process answers a `Last-Event-ID` the same way, with no I/O and exactly
//! like the in-memory store: events after it still kept → `Replay::Resumed` with those
//! events (filtered by the subscription's topics), then the live feed, without gap or
//! duplicate (replay and live are one walk over the window); trimmed away →
//! `Replay::Expired`; not a stream id → `Replay::Unknown`. Either of the last two is a
//! gap: the subscription starts with the hub's gap event and then, by the hub's gap
//! policy, with the oldest event kept (`resumed_from`) or live, as with the in-memory
//! store (see `sse_core::hub`'s gap docs). Another option, reading the
//! range from Redis when the window does not have it, would need an asynchronous
//! subscribe in every adapter; the window has to exist anyway (it is what subscribers
//! read from), and mirroring costs each process the window's memory, which it already
//! spends with the in-memory store.
//!
//! # Failure behaviour
//! - Redis unreachable at start-up: [`RedisHub::connect`] fails with
//!   [`Error::Connect`] (address and cause) after the connect timeout.
//! - Redis lost while running: [`RedisHub::publish`] returns [`Error::Publish`] (the
//!   event was not published; nothing is queued or dropped silently). Subscribers stay
//!   connected (keep-alives go on). The reader reconnects with jittered exponential
//!   backoff and reads on after the last id it saw, so subscribers get every entry that
//!   Redis kept, in order, once. The publishing connection reconnects by itself on the
//!   next publish.
//! - No reader error is dropped: the latest one, with what the reader was doing and
//!   when, is [`ReaderStatus::last_error`] (a [`ReaderError`]); with the `tracing`
//!   feature each one is also logged (`warn`) with what the reader does next (reconnect,
//!   try again after a delay, skip the entry), and the reconnection (`info`).
//! - If the reader was away so long that entries it never read were trimmed (another
//!   process went on publishing during a partition), it records the gap
//!   ([`ReaderStatus::gaps`]) and no resume crosses it silently (`Replay::Expired`,
//!   with the gap event). Subscribers
//!   connected through the gap are not ended: see "Left out" below.
//! - `Hub::publish` on the local hub fails with `PublishError::Store` telling the
//!   caller to use [`RedisHub::publish`]: an event must go through the stream to reach
//!   every process.
//!
//! # Stream entries
//! An entry holds the topic and the event's fields, each under its own name, so that
//! `XRANGE` in `redis-cli` shows what was published:
//!
//! | field     | value                                  | when                    |
//! |-----------|----------------------------------------|-------------------------|
//! | `topic`   | the topic path                         | always                  |
//! | `type`    | the event type                         | if set                  |
//! | `data`    | the data, bytes as given               | if set (even if empty)  |
//! | `retry`   | the retry hint in whole milliseconds   | if set                  |
//! | `comment` | one comment (repeated, in order)       | one per comment         |
//!
//! The event's own id is not stored: the entry's id is the event's id. Unknown fields
//! are ignored (a later version may add some); entries without a valid topic (written
//! by something else) are skipped and counted ([`ReaderStatus::skipped`]).
//!
//! # Left out
//! - Subscribers connected while the reader crossed a gap are not ended (the hub has no
//!   way yet to end subscriptions for events it never held); clients that reconnect
//!   from before the gap are told `Expired`. Size `max_len`/`max_age` for the longest
//!   outage to ride out.
//! - A `Last-Event-ID` newer than anything this process's reader has read (a client
//!   that saw an event on another process, then reconnects here while this reader lags,
//!   say while it reconnects) is `Replay::Unknown`: a gap event, then what the gap
//!   policy says (with `Earliest`, the whole window, so the client may get events it
//!   already saw).
//! - Redis Cluster and Sentinel: one stream lives on one node; use a plain URL.
//!
//! # Example
//! See [`RedisHub`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod entry;
mod error;
mod id;
mod options;
mod publisher;
mod reader;
mod redis_hub;
mod status;

pub use error::Error;
pub use options::RedisOptions;
pub use redis_hub::RedisHub;
pub use status::{ReaderError, ReaderStatus};
