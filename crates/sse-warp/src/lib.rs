//! warp binding of the SSE toolkit.
//!
//! - [`Sse`]: a warp [`Reply`](warp::Reply) for a hub subscription
//!   ([`Sse::subscribe`], or the [`subscribe`] filter) or any `Stream` of events
//!   ([`Sse::from_stream`]), with keep-alive on tokio's timer and the standard headers.
//! - [`last_event_id`]: the filter for the id a reconnecting client resumes from
//!   (the `Last-Event-ID` header, with the `lastEventId` query parameter as fallback).
//! - [`topics`]: the filter for `?topics=a,b` as a hub
//!   [`TopicFilter`](sse_core::hub::TopicFilter); [`recover`] answers its rejections.
//!
//! All protocol and hub logic (encoding, keep-alive timing, header values,
//! `Last-Event-ID` and `?topics=` parsing, replay) is in [`sse_core`], and the
//! runtime pieces warp shares with hyper (the tokio timer, the event-stream source)
//! come from `sse-tokio`; this crate is the warp types around them.
//!
//! # Quick start: a hub endpoint
//! ```no_run
//! use sse_core::Event;
//! use sse_core::hub::{Hub, Topic};
//! use warp::Filter;
//!
//! # #[tokio::main]
//! # async fn main() {
//! let hub = Hub::new();
//! // Publish from anywhere: another thread, a handler, a task.
//! let publisher = hub.clone();
//! std::thread::spawn(move || {
//!     let topic = Topic::new("news").expect("valid topic");
//!     for n in 0.. {
//!         if publisher.publish(&topic, Event::new(format!("tick {n}"))).is_err() {
//!             return;
//!         }
//!         std::thread::sleep(std::time::Duration::from_secs(1));
//!     }
//! });
//! // `GET /events?topics=news`: resumes after the client's last event id, then live.
//! let events = warp::path("events")
//!     .and(sse_warp::subscribe(hub))
//!     .recover(sse_warp::recover);
//! warp::serve(events).run(([127, 0, 0, 1], 8080)).await;
//! # }
//! ```
//!
//! # Any stream of events
//! ```
//! use sse_core::{Event, EventId};
//! use sse_warp::{Sse, last_event_id};
//! use warp::Filter;
//!
//! let count = warp::path("count")
//!     .and(last_event_id())
//!     .map(|last: Option<EventId>| {
//!         let start: u64 = last.and_then(|id| id.parse().ok()).unwrap_or(0);
//!         let events = (start + 1..=start + 3).map(|n| {
//!             Event::builder().id(&n.to_string()).data(format!("tick {n}")).build()
//!         });
//!         Sse::from_stream(futures_util::stream::iter(events))
//!     });
//! # let _ = count;
//! ```
//!
//! The example `hub` (publish over HTTP, stats) is a server: `cargo run -p sse-warp
//! --example warp_hub -- PORT`.
//!
//! # Design
//! warp 0.4 builds streaming bodies only through `warp::reply::stream`, which wants a
//! `Send + Sync` stream of bytes; [`SseStream`] is sse-core's `FrameStream` in that
//! shape, behind a `Mutex` that is never locked (polling uses `Mutex::get_mut`), so
//! sources need only be `Send`. hyper notices a closed connection while the stream is
//! idle, so a hub subscription is freed as soon as its client goes away.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod filter;
mod hub;
mod reply;

pub use filter::last_event_id;
pub use hub::{BadTopics, SubscribeRefused, recover, subscribe, topics};
pub use reply::{Sse, SseStream, insert_headers};
pub use sse_core;
pub use sse_core::stream::{KeepAlive, StreamOptions};
pub use sse_tokio::{BoxError, EventStream, Outgoing, ReaderEvent, SseItem};
