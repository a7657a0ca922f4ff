//! Server-Sent Events on futures-io: the async-std and smol binding of the SSE
//! toolkit.
//!
//! Everything here is written against the `futures-io` traits (`AsyncRead`,
//! `AsyncWrite`) and the `async-io` reactor that both async-std and smol run on, so
//! the same code serves either runtime; no tokio anywhere in the dependency tree. The
//! protocol (encoding, decoding, keep-alive rules, the reconnection state machine,
//! the hub) is `sse-core`'s; this crate is glue.
//!
//! | you want to | use |
//! |---|---|
//! | decode any `AsyncRead` or stream of byte chunks into events | [`ReaderEvents`], [`EventsExt::events`] |
//! | write events to any `AsyncWrite` | [`write_event`], [`write_frame`], [`write_event_from_reader`] (one event's data streamed from a reader), [`write_stream`] (a hub subscription or any [`FrameSource`](sse_core::stream::FrameSource), with keep-alives) |
//! | an event-stream response | [`Sse`]: `Sse::new(subscription)` or `Sse::from_stream(events)`, with `.keep_alive(..)`, `.retry(..)`; [`reader_event`] streams one event's data from an `AsyncRead` |
//! | a response body for any futures-io HTTP server | [`SseBody`] (an `AsyncRead`), `From` an [`Sse`] |
//! | serve over HTTP with trillium (feature `server`) | [`SseConnExt::with_sse`] on a `Conn`, the [`LastEventId`] and [`Topics`] readers, [`SseRejection`], and [`hub_endpoint`] for a whole hub in one expression |
//! | consume a stream over HTTP (feature `client`) | [`client::EventSource`]: reconnection, backoff, `Last-Event-ID`, redirects, connect and idle timeouts; with feature `tracing`, spans and events of its connections |
//!
//! # Quick start
//! A hub served on smol, and the client reading from it (on async-std, swap
//! `trillium_smol` for `trillium_async_std` and `smol::block_on` for
//! `async_std::task::block_on`):
//!
//! ```
//! use futures_lite::StreamExt;
//! use sse_async_std::client::{EventSource, SourceEvent};
//! use sse_core::Event;
//! use sse_core::hub::{Hub, Topic};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! smol::block_on(async {
//!     let hub = Hub::new();
//!     let server = trillium_smol::config()
//!         .with_host("127.0.0.1")
//!         .with_port(0)
//!         .without_signals()
//!         .spawn(sse_async_std::hub_endpoint(hub.clone()));
//!     let addr = *server.info().await.tcp_socket_addr().unwrap();
//!
//!     let connector = trillium_smol::ClientConfig::default();
//!     let mut events = EventSource::new(connector, &format!("http://{addr}/?topics=news"))?;
//!     assert!(matches!(events.next().await, Some(Ok(SourceEvent::Open))));
//!
//!     hub.publish(&Topic::new("news")?, Event::new("hello"))?;
//!     match events.next().await {
//!         Some(Ok(SourceEvent::Message(event))) => assert_eq!(event.data(), "hello"),
//!         other => panic!("{other:?}"),
//!     }
//!     server.shut_down().await;
//!     Ok(())
//! })
//! # }
//! ```
//!
//! # HTTP: trillium, not hyper
//! The HTTP side uses [trillium] (server) and
//! [trillium-client](trillium_client): HTTP/1.1 implementations written for
//! futures-io, with adapters for smol (`trillium-smol`) and async-std
//! (`trillium-async-std`). hyper 1 was the first idea, but it depends on tokio
//! unconditionally (its `tokio` dependency with the `sync` feature is not optional),
//! which this crate must not pull in. trillium hands a streaming body over as an
//! `AsyncRead`, so [`SseBody`] copies frames into the server's buffer (one copy per
//! byte, batched: every frame ready is copied in one read) rather than passing the
//! hub's shared `Bytes` through; the copy is the price of that interface.
//!
//! The server and client are behind the default features `server` and `client`;
//! without them the crate is the runtime-neutral codec and body layer only
//! (`futures-io`, `async-io`, `bytes`).
//!
//! # Runtimes
//! The keep-alive and reconnection timers are `async-io` timers ([`AsyncIoTimer`]),
//! which work under both runtimes (async-std's reactor is `async-io`). The server's
//! listener and the client's sockets come from the trillium adapter you pick; the
//! client's TLS comes from the connector too (see the [`client`] module).
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
#[cfg(feature = "client")]
pub mod client;
mod read;
mod reader;
mod response;
#[cfg(feature = "server")]
mod server;
mod timer;
mod write;

pub use body::SseBody;
pub use read::{EventStreamError, ReaderEvents};
pub use reader::reader_event;
pub use response::Sse;
#[cfg(feature = "server")]
pub use server::{
    HubEndpoint, LastEventId, SseConnExt, SseRejection, Topics, http_config, hub_endpoint,
};
pub use sse_core::decode::{EventsExt, StreamEvents};
pub use sse_core::source::{BoxError, Outgoing, SseItem};
pub use timer::AsyncIoTimer;
pub use write::{
    WriteError, write_event, write_event_from_reader, write_frame, write_frames, write_stream,
};

/// The sans-IO core this crate binds (events, encoder, decoder, hub, client machine).
pub use sse_core;
