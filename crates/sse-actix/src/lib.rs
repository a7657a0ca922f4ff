//! actix-web binding of the SSE toolkit.
//!
//! - [`Sse`]: a [`Responder`](actix_web::Responder) for a hub subscription or any
//!   `Stream` of events, with keep-alive on actix's timer, the standard headers, and
//!   `content-encoding: identity` so that the `Compress` middleware passes frames on as
//!   they come.
//! - [`LastEventId`]: the extractor for the id a reconnecting client resumes from
//!   (header, with the `lastEventId` query parameter as fallback).
//!
//! All protocol logic (encoding, keep-alive timing, header values, `Last-Event-ID`
//! parsing) is in [`sse_core`]; this crate is the actix types around it.
//!
//! # Quick start
//! ```no_run
//! use actix_web::{App, HttpServer, Responder, get};
//! use sse_actix::{LastEventId, Sse};
//! use sse_core::Event;
//!
//! #[get("/events")]
//! async fn events(last: LastEventId) -> impl Responder {
//!     let start: u64 = last.as_str().and_then(|id| id.parse().ok()).unwrap_or(0);
//!     let events = (start + 1..=start + 3).map(|n| {
//!         Event::builder().id(&n.to_string()).data(format!("tick {n}")).build()
//!     });
//!     Sse::from_stream(futures_util::stream::iter(events))
//! }
//!
//! #[actix_web::main]
//! async fn main() -> std::io::Result<()> {
//!     HttpServer::new(|| App::new().service(events))
//!         // SSE clients never half-close: end the response as soon as one goes away.
//!         .h1_allow_half_closed(false)
//!         .bind(("127.0.0.1", 8080))?
//!         .run()
//!         .await
//! }
//! ```
//!
//! # Client disconnects
//! The body (and with it a hub subscription) is dropped when actix ends the connection.
//! By default actix-web allows HTTP/1 half-closed connections, so it notices a client
//! that went away only when a write fails, which can take up to two keep-alive
//! intervals on an idle stream. Event-stream clients never half-close, so servers should
//! call `HttpServer::h1_allow_half_closed(false)`: the body is then dropped as soon as
//! the client's end of the connection closes.
//!
//! # Threads
//! actix-web workers are single-threaded; the body is polled on its worker, and a hub
//! subscription there is woken from any thread that publishes.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod body;
mod extract;
mod responder;
mod source;
mod timer;

pub use body::SseBody;
pub use extract::LastEventId;
pub use responder::{Sse, insert_headers};
pub use source::{EventStream, SseItem};
