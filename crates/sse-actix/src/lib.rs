//! actix-web binding of the SSE toolkit.
//!
//! # A hub endpoint
//! ```no_run
//! # use actix_web::{App, HttpServer};
//! # use sse_core::hub::Hub;
//! # #[actix_web::main]
//! # async fn main() -> std::io::Result<()> {
//! # let hub = Hub::new();
//! HttpServer::new(move || App::new().route("/events", sse_actix::hub_endpoint(hub.clone())))
//!     .h1_allow_half_closed(false) // free a subscription as soon as its client leaves
//!     .bind(("127.0.0.1", 8080))?.run().await
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
//! - [`Sse`]: the [`Responder`](actix_web::Responder) of an event stream: `From` a hub
//!   [`Subscription`](sse_core::hub::Subscription) or any `Stream` of events
//!   ([`Sse::from_stream`]), shaped by [`Sse::keep_alive`], [`Sse::retry`] and
//!   [`Sse::comment`]. It answers `200 OK` with sse-core's
//!   [`HEADERS`](sse_core::response::HEADERS), whose `content-encoding: identity`
//!   makes actix's `Compress` middleware pass frames on as they come.
//! - [`LastEventId`] and [`Topics`]: the extractors for the id a reconnecting client
//!   resumes after and for `?topics=a,b`; they refuse bad values with
//!   [`SseRejection`] (`400`).
//! - [`hub_endpoint`]: the route above.
//!
//! All protocol and hub logic is in [`sse_core`] (the keep-alive timer is
//! sse-tokio's, as actix runs on tokio); this crate is actix's traits around it.
//!
//! # Subscribing in a handler of your own
//! ```
//! use actix_web::web;
//! use sse_actix::{LastEventId, Sse, SseRejection, Topics};
//! use sse_core::hub::{Hub, Subscription, TopicFilter};
//! use sse_core::subscribe::SubscribeRequest;
//!
//! async fn events(
//!     hub: web::Data<Hub>,
//!     Topics(topics): Topics,
//!     LastEventId(last): LastEventId,
//! ) -> Result<Sse<Subscription>, SseRejection> {
//!     let request = SubscribeRequest::new(topics.unwrap_or_else(TopicFilter::all), last);
//!     Ok(Sse::from(request.subscribe(&hub)?))
//! }
//! # let _ = actix_web::App::new().route("/events", web::get().to(events));
//! ```
//!
//! # Any stream of events
//! ```
//! use actix_web::{Responder, get};
//! use sse_actix::{LastEventId, Sse};
//! use sse_core::Event;
//!
//! #[get("/count")]
//! async fn count(LastEventId(last): LastEventId) -> impl Responder {
//!     let start: u64 = last.and_then(|id| id.parse().ok()).unwrap_or(0);
//!     let events = (start + 1..=start + 3)
//!         .map(|n| Event::builder().id(n.to_string()).data(format!("tick {n}")).build());
//!     Sse::from_stream(futures_util::stream::iter(events))
//! }
//! # let _ = actix_web::App::new().service(count);
//! ```
//!
//! The examples `actix_hub` (publish over HTTP, stats) and `actix_beacon` (the
//! Ethereum beacon node's `?topics=` endpoint, with JSON errors) are servers:
//! `cargo run -p sse-actix --example actix_hub -- PORT`.
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

mod endpoint;
mod extract;
mod response;

sse_core::define_sse!();

pub use endpoint::hub_endpoint;
pub use extract::{LastEventId, SseRejection, Topics};
pub use response::SseBody;
pub use sse_core;
pub use sse_core::source::{BoxError, EventStream, Outgoing, ReaderEvent, SseItem};
pub use sse_core::stream::KeepAlive;
pub use sse_core::subscribe::{Rejection, SubscribeRequest};
