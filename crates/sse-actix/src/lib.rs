//! actix-web binding of the SSE toolkit.
//!
//! - [`Sse`]: a [`Responder`](actix_web::Responder) for a hub subscription
//!   ([`Sse::subscribe`]) or any `Stream` of events ([`Sse::from_stream`]), with
//!   keep-alive on actix's timer (tokio's, under every actix worker), the standard
//!   headers, and `content-encoding: identity` so that the `Compress` middleware passes
//!   frames on as they come instead of holding them in its encoder.
//! - [`LastEventId`]: the extractor for the id a reconnecting client resumes from
//!   (the `Last-Event-ID` header, with the `lastEventId` query parameter as fallback).
//! - [`Topics`]: the extractor for `?topics=a,b` as a hub [`TopicFilter`](sse_core::hub::TopicFilter).
//!
//! All protocol and hub logic (encoding, keep-alive timing, header values,
//! `Last-Event-ID` and `?topics=` parsing, replay) is in [`sse_core`], and the
//! runtime pieces actix shares with hyper (the tokio timer, the event-stream source)
//! come from `sse-tokio`; this crate is the actix types around them.
//!
//! # Quick start: a hub endpoint
//! ```no_run
//! use actix_web::{App, HttpServer, Responder, web};
//! use sse_actix::{LastEventId, Sse, SubscribeRefused, Topics};
//! use sse_core::Event;
//! use sse_core::hub::{Hub, Topic, TopicFilter};
//!
//! /// `GET /events?topics=news`: resumes after the client's last event id, then live.
//! async fn events(
//!     hub: web::Data<Hub>,
//!     Topics(topics): Topics,
//!     LastEventId(last): LastEventId,
//! ) -> Result<impl Responder, SubscribeRefused> {
//!     Sse::subscribe(&hub, topics.unwrap_or_else(TopicFilter::all), last.as_ref())
//! }
//!
//! #[actix_web::main]
//! async fn main() -> std::io::Result<()> {
//!     let hub = Hub::new();
//!     // Publish from anywhere: another thread, a handler, a task.
//!     let publisher = hub.clone();
//!     std::thread::spawn(move || {
//!         let topic = Topic::new("news").expect("valid topic");
//!         for n in 0.. {
//!             if publisher.publish(&topic, Event::new(format!("tick {n}"))).is_err() {
//!                 return;
//!             }
//!             std::thread::sleep(std::time::Duration::from_secs(1));
//!         }
//!     });
//!     HttpServer::new(move || {
//!         App::new()
//!             .app_data(web::Data::new(hub.clone()))
//!             .route("/events", web::get().to(events))
//!     })
//!     // Event-stream clients never half-close: free a subscription as soon as its
//!     // client goes away.
//!     .h1_allow_half_closed(false)
//!     .bind(("127.0.0.1", 8080))?
//!     .run()
//!     .await
//! }
//! ```
//!
//! # Any stream of events
//! ```no_run
//! use actix_web::{Responder, get};
//! use sse_actix::{LastEventId, Sse};
//! use sse_core::Event;
//!
//! #[get("/count")]
//! async fn count(last: LastEventId) -> impl Responder {
//!     let start: u64 = last.as_str().and_then(|id| id.parse().ok()).unwrap_or(0);
//!     let events = (start + 1..=start + 3).map(|n| {
//!         Event::builder().id(&n.to_string()).data(format!("tick {n}")).build()
//!     });
//!     Sse::from_stream(futures_util::stream::iter(events))
//! }
//! ```
//!
//! The examples `hub` (publish over HTTP, stats) and `beacon` (the Ethereum beacon
//! node's `?topics=` endpoint, with JSON errors) are servers: `cargo run -p sse-actix
//! --example actix_hub -- PORT`.
//!
//! # Client disconnects
//! The body (and with it a hub subscription) is dropped when actix ends the
//! connection. By default actix-web allows HTTP/1 half-closed connections, so it
//! notices a client that went away only when a write fails: up to two keep-alive
//! intervals on an idle stream. Event-stream clients never half-close, so servers
//! should call `HttpServer::h1_allow_half_closed(false)`, as above: the body is then
//! dropped as soon as the client's end of the connection closes. The tests check both.
//!
//! # Threads
//! actix-web workers are single-threaded and the body need not be `Send`; it is
//! polled on its worker, and a hub subscription there is woken from whichever thread
//! publishes.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod body;
mod extract;
mod hub;
mod responder;

pub use body::{BodyError, SseBody};
pub use extract::LastEventId;
pub use hub::{BadTopics, SubscribeRefused, Topics};
pub use responder::{Sse, insert_headers};
pub use sse_core;
pub use sse_core::stream::{KeepAlive, StreamOptions};
pub use sse_tokio::{BoxError, EventStream, Outgoing, ReaderEvent, SseItem};
