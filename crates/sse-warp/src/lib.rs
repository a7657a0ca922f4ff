//! warp binding of the SSE toolkit.
//!
//! - [`Sse`]: a warp [`Reply`](warp::Reply) for a hub subscription or any `Stream` of
//!   events, with keep-alive on tokio's timer and the standard headers.
//! - [`last_event_id`]: the filter for the id a reconnecting client resumes from
//!   (header, with the `lastEventId` query parameter as fallback).
//!
//! All protocol logic (encoding, keep-alive timing, header values, `Last-Event-ID`
//! parsing) is in [`sse_core`]; this crate is the warp types around it.
//!
//! # Quick start
//! ```no_run
//! use sse_core::{Event, EventId};
//! use sse_warp::{Sse, last_event_id};
//! use warp::Filter;
//!
//! # #[tokio::main]
//! # async fn main() {
//! let events = warp::path("events")
//!     .and(last_event_id())
//!     .map(|last: Option<EventId>| {
//!         let start: u64 = last.and_then(|id| id.parse().ok()).unwrap_or(0);
//!         let events = (start + 1..=start + 3).map(|n| {
//!             Event::builder().id(&n.to_string()).data(format!("tick {n}")).build()
//!         });
//!         Sse::from_stream(futures_util::stream::iter(events))
//!     });
//! warp::serve(events).run(([127, 0, 0, 1], 8080)).await;
//! # }
//! ```
//!
//! # Design
//! warp 0.4 builds streaming bodies only through `warp::reply::stream`, which wants a
//! `Send + Sync` stream of bytes; [`SseStream`] is sse-core's `FrameStream` in that
//! shape.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod filter;
mod reply;
mod source;
mod timer;

pub use filter::last_event_id;
pub use reply::{Sse, SseStream, insert_headers};
pub use source::{EventStream, SseItem};
