//! tokio, hyper and http-body binding of the SSE toolkit: response bodies for hyper,
//! axum and tonic/tower services, the `EventSource` client, decoding adapters and a
//! codec. Everything protocol-level (encoding, decoding, reconnection rules, the hub,
//! keep-alive scheduling) comes from [`sse_core`]; this crate is the glue.
//!
//! | item | what it is |
//! |---|---|
//! | [`SseBody`] | an `http_body::Body<Data = Bytes>` over a hub [`Subscription`](sse_core::hub::Subscription), any `Stream` of events (or of `Result`s), or one event read from an `AsyncRead`; keep-alives on tokio's timer |
//! | [`sse_response`], [`last_event_id`], [`topic_filter`] | the response head (`200`, `text/event-stream`, `no-cache`, `X-Accel-Buffering: no`, no length); the request's `Last-Event-ID` (header, or `?lastEventId=`) and `?topics=` |
//! | `axum` (feature) | `IntoResponse` for [`SseBody`], the `LastEventId` extractor |
//! | `client` (feature) | `EventSource`: a reconnecting `Stream` of open/message/reconnect items on hyper-util's pooled client, TLS and HTTP/2 optional |
//! | [`ReaderEvents`], [`BodyEvents`] | any `AsyncRead` or `http_body::Body` (a hyper or reqwest response) as a `Stream` of events |
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
//!
//! # Quick start: a server
//! A hub-backed endpoint in axum: publishers call [`Hub::publish`](sse_core::hub::Hub::publish)
//! from anywhere; each client gets the topics it asks for, resumed after its
//! `Last-Event-ID` from the hub's replay window. (`examples/axum_hub.rs` is the full
//! version, `examples/axum_beacon.rs` an Ethereum beacon-API style endpoint.)
//!
//! ```
//! # #[cfg(feature = "axum")]
//! # mod server {
//! use axum::{Router, extract::{RawQuery, State}, http::StatusCode, response::{IntoResponse, Response}, routing::get};
//! use sse_tokio::sse_core::hub::{Hub, TopicFilter};
//! use sse_tokio::{SseBody, axum::LastEventId, topic_filter};
//!
//! async fn events(State(hub): State<Hub>, LastEventId(last): LastEventId, RawQuery(query): RawQuery) -> Response {
//!     let Ok(filter) = topic_filter(query.as_deref()) else {
//!         return (StatusCode::BAD_REQUEST, "bad topics").into_response();
//!     };
//!     let filter = filter.unwrap_or_else(TopicFilter::all);
//!     match SseBody::subscribe(&hub, filter, last.as_ref()) {
//!         Ok(body) => body.into_response(),
//!         Err(closed_or_full) => (StatusCode::SERVICE_UNAVAILABLE, closed_or_full.to_string()).into_response(),
//!     }
//! }
//!
//! pub fn app(hub: Hub) -> Router {
//!     Router::new().route("/events", get(events)).with_state(hub)
//! }
//! # }
//! ```
//!
//! Any `Stream` of [`Event`]s (or of `Result<Event, E>`) is a body too, in plain hyper
//! as in axum:
//!
//! ```
//! use std::convert::Infallible;
//! use futures_util::stream;
//! use sse_tokio::{Event, SseBody, sse_response};
//!
//! async fn handle(_request: http::Request<()>) -> Result<http::Response<impl http_body::Body>, Infallible> {
//!     let events = stream::iter([Event::new("hello"), Event::new("world")]);
//!     Ok(sse_response(SseBody::from_stream(events)))
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
//! # use sse_tokio::{Event, SseBody};
//! # let app = axum::Router::new().route("/events", axum::routing::get(|| async {
//! #     SseBody::from_stream(stream::iter([Event::new("hello")]))
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
//!   is being read from a reader ([`ReaderEvent`], [`SseBody::from_reader`]).
//! - **`Last-Event-ID` without headers.** Browsers send the header on reconnection but
//!   a page cannot set it on a first connection; [`last_event_id`] (and the axum
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
mod source;
mod timer;

pub use body::SseBody;
pub use decode::{BodyEvents, EventStreamError, ReaderEvents};
pub use reader::{ReaderEvent, ReaderSource};
pub use response::{last_event_id, request_last_event_id, set_sse_headers, sse_response};
pub use source::{EventStream, Outgoing, SseItem};
pub use sse_core;
pub use sse_core::http::topic_filter;
pub use sse_core::stream::{KeepAlive, StreamOptions};
pub use sse_core::{Event, EventId, EventType, Frame, MessageEvent};
pub use timer::TokioTimer;

/// The boxed error that HTTP servers take from bodies.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[cfg(test)]
mod tests {
    /// What servers and tasks need of the public types: `Send`, `Unpin`, `'static`.
    #[test]
    fn public_types_can_move_between_threads() {
        fn check<T: Send + Unpin + 'static>() {}
        type EventStream = futures_util::stream::Iter<std::vec::IntoIter<crate::Event>>;
        check::<crate::SseBody<crate::EventStream<EventStream>>>();
        check::<crate::SseBody<sse_core::hub::Subscription>>();
        check::<crate::SseBody<crate::ReaderSource<tokio::io::DuplexStream>>>();
        check::<crate::ReaderEvent>();
        #[cfg(feature = "client")]
        check::<crate::client::EventSource>();
        #[cfg(feature = "client")]
        check::<crate::client::HttpClient>();
    }
}
