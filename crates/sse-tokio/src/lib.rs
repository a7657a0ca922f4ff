//! tokio, hyper and http-body binding of the SSE toolkit: response bodies for hyper,
//! axum and tonic/tower services, the `EventSource` client, decoding adapters and a
//! codec. Everything protocol-level (encoding, decoding, reconnection rules, the hub,
//! keep-alive scheduling) comes from [`sse_core`]; this crate is the glue.
//!
//! | item | what it is |
//! |---|---|
//! | [`Sse`] | the response every adapter names the same: from a hub [`Subscription`](sse_core::hub::Subscription) or any `Stream` of events, with `.keep_alive(..)` and `.retry(..)`; `http::Response::from(sse)` for hyper, `IntoResponse` for axum |
//! | [`hub_endpoint`] | a hub's stream as one tower service: topics, resume, keep-alive, `400`/`503` |
//! | [`SseBody`] | the `http_body::Body<Data = Bytes>` under [`Sse`], with keep-alives on tokio's timer |
//! | [`subscribe_request`], [`reader_event`] | a request's topics and `Last-Event-ID` as sse-core's [`SubscribeRequest`]; one event whose data is read from an `AsyncRead` |
//! | `axum` (feature) | `IntoResponse` for [`Sse`], the `LastEventId` and `Topics` extractors, `axum::hub_endpoint` (a `GET` route) |
//! | `client` (feature) | `EventSource`: a reconnecting `Stream` of open/message/reconnect items on hyper-util's pooled client, TLS and HTTP/2 optional |
//! | [`ReaderEvents`], [`BodyEvents`], [`EventsExt::events`] | any `AsyncRead`, `http_body::Body` (a hyper or reqwest response) or stream of byte chunks (`reqwest::Response::bytes_stream()`) as a `Stream` of events |
//! | `json` (feature `serde`) | streams of serializable values as JSON events |
//! | `codec` (feature) | a `tokio_util::codec` decoder/encoder pair |
//!
//! # Features
//! Defaults are empty: the server side and the decoding adapters need only `http`,
//! `http-body`, `bytes`, `futures-core` and tokio's `time` driver, which every hyper
//! application compiles anyway. Everything heavier is opt-in:
//!
//! | feature | adds | pulls in |
//! |---|---|---|
//! | `client` | `client`: `EventSource`, `HttpClient` | hyper (client, http1), hyper-util (legacy client), http-body-util, fastrand |
//! | `http2` | HTTP/2 for the client: by ALPN over TLS, or prior knowledge (h2c) | hyper/h2 |
//! | `rustls` | `https://` for the client: rustls with the ring provider and Mozilla's roots (webpki-roots, compiled in; no system store, builds offline) | hyper-rustls, rustls, ring |
//! | `axum` | the `axum` module | axum (no default features) |
//! | `serde` | the `json` module, and `Event::json` (sse-core's `json` feature) | serde, serde_json |
//! | `codec` | the `codec` module | tokio-util (codec) |
//! | `tracing` | spans and events of the client: a span per connection attempt, redirects, reconnections (delay and reason), the stop (sse-core's `tracing` feature) | tracing |
//!
//! # Quick start: a server
//! A hub-backed endpoint in axum: publishers call [`Hub::publish`](sse_core::hub::Hub::publish)
//! from anywhere; each client gets the topics it asks for (`?topics=`), resumed after
//! its `Last-Event-ID` from the hub's replay window, with `400`/`503` answered for it.
//! (`examples/axum_hub.rs` is the full version, `examples/axum_beacon.rs` an Ethereum
//! beacon-API style endpoint.)
//!
//! ```
//! # #[cfg(feature = "axum")]
//! # fn app() -> axum::Router {
//! # let hub = sse_tokio::sse_core::hub::Hub::new();
//! axum::Router::new().route("/events", sse_tokio::axum::hub_endpoint(hub))
//! # }
//! ```
//!
//! In a handler of your own, the extractors and [`Sse`] do the same in a few lines:
//!
//! ```
//! # #[cfg(feature = "axum")]
//! # mod server {
//! use std::time::Duration;
//! use axum::extract::State;
//! use sse_tokio::axum::{LastEventId, SseRejection, Topics};
//! use sse_tokio::sse_core::hub::{Hub, TopicFilter};
//! use sse_tokio::{KeepAlive, Sse, SubscribeRequest};
//!
//! async fn events(
//!     State(hub): State<Hub>,
//!     Topics(topics): Topics,
//!     LastEventId(last): LastEventId,
//! ) -> Result<impl axum::response::IntoResponse, SseRejection> {
//!     let asked = SubscribeRequest::new(topics.unwrap_or_else(TopicFilter::all), last);
//!     Ok(Sse::from(asked.subscribe(&hub)?).keep_alive(KeepAlive::new(Duration::from_secs(5))))
//! }
//! # }
//! ```
//!
//! Any `Stream` of [`Event`]s (or of `Result<Event, E>`) is a response too, in plain
//! hyper as in axum:
//!
//! ```
//! use std::convert::Infallible;
//! use futures_util::stream;
//! use sse_tokio::{Event, Sse};
//!
//! async fn handle(_request: http::Request<()>) -> Result<http::Response<impl http_body::Body>, Infallible> {
//!     let events = stream::iter([Event::new("hello"), Event::new("world")]);
//!     Ok(Sse::from_stream(events).into())
//! }
//! ```
//!
//! # Quick start: a client
//! ```
//! # #[cfg(all(feature = "client", feature = "axum"))]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::StreamExt;
//! use sse_tokio::client::{ClientConfig, EventSource, SourceEvent};
//! # use futures_util::stream;
//! # use sse_tokio::{Event, Sse};
//! # let app = axum::Router::new().route("/events", axum::routing::get(|| async {
//! #     Sse::from_stream(stream::iter([Event::new("hello")]))
//! # }));
//! # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! # let url = format!("http://{}/events", listener.local_addr()?);
//! # tokio::spawn(async move { axum::serve(listener, app).await });
//!
//! let config = ClientConfig::default().max_retries(Some(5));
//! let mut events = EventSource::builder(url).config(config).build()?;
//! while let Some(item) = events.next().await {
//!     match item? {
//!         SourceEvent::Open => println!("connected"),
//!         SourceEvent::Message(event) => {
//!             println!("{} (id {}): {}", event.event_type(), event.last_event_id(), event.data());
//!             events.close();
//!         }
//!         SourceEvent::Reconnecting { delay, cause, .. } => println!("{cause}; again in {delay:?}"),
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! # #[cfg(not(all(feature = "client", feature = "axum")))]
//! # fn main() {}
//! ```
//!
//! # Behaviour worth knowing
//! - **Disconnects.** When a client goes away, hyper drops the response body and with
//!   it the source: a hub subscription is released at once (the hub's `stats()` count
//!   drops), a stream is dropped.
//! - **Errors.** An `Err` item of a stream (or a reader's I/O error) ends the body with
//!   that error, and the server aborts the response: the client sees a broken stream
//!   and reconnects with its `Last-Event-ID`. End the stream to end cleanly.
//! - **Keep-alive** frames go only between whole frames, also while one event's data
//!   is being read from a reader ([`reader_event`]).
//! - **`Last-Event-ID` without headers.** Browsers send the header on reconnection but
//!   a page cannot set it on a first connection; [`subscribe_request`] (and the axum
//!   extractor) fall back to the `lastEventId` query parameter:
//!   `new EventSource('/events?lastEventId=' + encodeURIComponent(savedId))`.
//! - **HTTP/2** needs nothing: the body has no length, hyper-util's auto server (and
//!   `axum::serve`) speak h2c and h2; the client uses it by ALPN (features `rustls` +
//!   `http2`) or with `HttpClientBuilder::http2_prior_knowledge`.
//! - **Compression.** tower-http's `CompressionLayer` with its default predicate
//!   leaves `text/event-stream` uncompressed (tested), so events pass one by one. A
//!   predicate that forces compression also works with tower-http 0.7: its gzip
//!   encoder flushes whenever the body has nothing ready, so each event (or burst)
//!   arrives at once, compressed (tested too); reverse proxies that buffer compressed
//!   output may not, so prefer the default.
//! - **tonic and tower.** [`SseBody`] is a plain `http_body::Body<Data = Bytes>` with
//!   the error of its source (`Infallible` for a hub subscription, [`BoxError`] for a
//!   stream), so it can be returned from any tower service, or boxed
//!   (`http_body_util::BodyExt::boxed_unsync`, `axum::body::Body::new`) where a
//!   stack (a tonic server's routes, say) wants one body type.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "axum")]
pub mod axum;
mod body;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "codec")]
pub mod codec;
pub mod decode;
mod hub;
#[cfg(feature = "serde")]
pub mod json;
mod reader;
mod response;
#[cfg(feature = "server")]
pub mod server;
mod timer;

pub use body::SseBody;
pub use decode::{BodyEvents, EventStreamError, ReaderEvents};
pub use hub::{HubBody, HubEndpoint, hub_endpoint};
pub use reader::reader_event;
pub use response::{
    Sse, rejection_response, set_sse_headers, subscribe_request, subscribe_request_from,
};
pub use sse_core;
pub use sse_core::decode::{EventsExt, StreamEvents};
pub use sse_core::source::{BoxError, EventStream, Outgoing, ReaderEvent, SseItem};
pub use sse_core::stream::{KeepAlive, StreamOptions};
pub use sse_core::subscribe::{Rejection, SubscribeRequest};
pub use sse_core::{Event, EventId, EventType, Frame, MessageEvent};
pub use timer::TokioTimer;

#[cfg(test)]
mod tests {
    /// What servers and tasks need of the public types: `Send`, `Unpin`, `'static`.
    #[test]
    fn public_types_can_move_between_threads() {
        fn check<T: Send + Unpin + 'static>() {}
        type EventStream = futures_util::stream::Iter<std::vec::IntoIter<crate::Event>>;
        check::<crate::SseBody<crate::EventStream<EventStream>>>();
        check::<crate::SseBody<sse_core::hub::Subscription>>();
        check::<crate::Sse<sse_core::hub::Subscription>>();
        check::<crate::SseBody<sse_core::source::ReaderSource>>();
        check::<crate::ReaderEvent>();
        check::<crate::HubEndpoint>();
        #[cfg(feature = "client")]
        check::<crate::client::EventSource>();
        #[cfg(feature = "client")]
        check::<crate::client::HttpClient>();
    }
}
