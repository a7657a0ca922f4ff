//! warp binding of the SSE toolkit.
//!
//! # A hub endpoint
//! ```no_run
//! # use sse_core::hub::Hub;
//! # use warp::Filter;
//! # #[tokio::main]
//! # async fn main() {
//! # let hub = Hub::new();
//! let events = warp::path!("events").and(sse_warp::hub_endpoint(hub));
//! warp::serve(events).run(([127, 0, 0, 1], 8080)).await;
//! # }
//! ```
//! `GET /events?topics=news` streams the hub's `news` events (every topic without
//! `?topics=`), first those after the client's `Last-Event-ID` (header, or
//! `?lastEventId=`) still in the hub's window. Bad topics or ids get `400`, a closed
//! or full hub `503`. Publish with [`Hub::publish`](sse_core::hub::Hub::publish) from
//! any thread.
//!
//! # The pieces
//! The names and behaviour are the same in every adapter of the toolkit:
//! - [`Sse`]: the [`Reply`](warp::Reply) of an event stream: `From` a hub
//!   [`Subscription`](sse_core::hub::Subscription) or any `Stream` of events
//!   ([`Sse::from_stream`]), shaped by [`Sse::keep_alive`], [`Sse::retry`] and
//!   [`Sse::comment`]. It answers `200 OK` with sse-core's
//!   [`HEADERS`](sse_core::response::HEADERS).
//! - [`last_event_id`] and [`topics`]: the filters extracting [`LastEventId`] (the id
//!   a reconnecting client resumes after) and [`Topics`] (`?topics=a,b`); they reject
//!   bad values with [`SseRejection`], which [`recover`] answers (`400`).
//! - [`hub_endpoint`]: the filter above, which answers its refusals itself.
//!
//! All protocol and hub logic is in [`sse_core`] (the keep-alive timer is
//! sse-tokio's, as warp runs on tokio); this crate is warp's traits around it.
//!
//! # Subscribing in a filter of your own
//! ```
//! use sse_core::hub::{Hub, TopicFilter};
//! use sse_core::subscribe::SubscribeRequest;
//! use sse_warp::{LastEventId, Sse, SseRejection, Topics};
//! use warp::Filter;
//!
//! let hub = Hub::new();
//! let events = warp::path!("events")
//!     .and(sse_warp::topics())
//!     .and(sse_warp::last_event_id())
//!     .map(move |Topics(topics), LastEventId(last)| {
//!         let request = SubscribeRequest::new(topics.unwrap_or_else(TopicFilter::all), last);
//!         request.subscribe(&hub).map(Sse::from).map_err(SseRejection)
//!     })
//!     .recover(sse_warp::recover);
//! # let _ = events;
//! ```
//!
//! # Any stream of events
//! ```
//! use sse_core::Event;
//! use sse_warp::{LastEventId, Sse};
//! use warp::Filter;
//!
//! let count = warp::path!("count")
//!     .and(sse_warp::last_event_id())
//!     .map(|LastEventId(last)| {
//!         let start: u64 = last.and_then(|id| id.parse().ok()).unwrap_or(0);
//!         let events = (start + 1..=start + 3)
//!             .map(|n| Event::builder().id(n.to_string()).data(format!("tick {n}")).build());
//!         Sse::from_stream(futures_util::stream::iter(events))
//!     });
//! # let _ = count;
//! ```
//!
//! The example `warp_hub` (publish over HTTP, stats) is a server: `cargo run -p
//! sse-warp --example warp_hub -- PORT`.
//!
//! # Design
//! warp 0.4 builds streaming bodies only through `warp::reply::stream`, which wants a
//! `Send + Sync` stream of bytes; the body is sse-core's frame stream on tokio's timer
//! behind a `Mutex` that is never locked (polling uses `Mutex::get_mut`), so sources
//! need only be `Send`. hyper notices a closed connection while the stream is idle,
//! so a hub subscription is freed as soon as its client goes away.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod filter;
mod reply;

sse_core::define_sse!();

pub use filter::{LastEventId, SseRejection, Topics, hub_endpoint, last_event_id, recover, topics};
pub use sse_core;
pub use sse_core::source::{BoxError, EventStream, Outgoing, ReaderEvent, SseItem};
pub use sse_core::stream::KeepAlive;
pub use sse_core::subscribe::{Rejection, SubscribeRequest};
