//! Serving event streams over HTTP with [trillium], an HTTP/1.1 and HTTP/2 server on
//! futures-io that runs on smol (`trillium-smol`) and async-std
//! (`trillium-async-std`).
//!
//! [`SseConnExt::with_sse`] turns any trillium handler's response into an event
//! stream: the shared response headers, the [`SseBody`] of any [`FrameSource`] (a hub
//! subscription, [`EventFrames`](crate::EventFrames), a
//! [`ReaderEvent`](crate::ReaderEvent), …) with `StreamOptions`' keep-alive and
//! `retry:` hint, all from core code shared with the other adapters.
//! [`SseConnExt::last_event_id`] reads the resume point of a reconnecting client
//! (`Last-Event-ID`, then the `lastEventId` query parameter).
//!
//! [`HubHandler`] serves a [`Hub`]: each request subscribes with the topics of its
//! `?topics=` query and resumes from its last event ID.
//!
//! A stream ends when its source ends, when the client goes away (noticed at the
//! next write: a keep-alive at the latest) or when the server shuts down gracefully,
//! so shutdown never waits on open streams.
//!
//! # Server settings for many long-lived streams
//! Two trillium defaults matter once a server holds thousands of event streams:
//!
//! - **The connection cap.** trillium accepts at most 75 % of the soft open-file
//!   limit (`ulimit -n`) and answers `503` beyond it. Set it to what the server should
//!   hold with `with_max_connections(Some(n))` (and raise `ulimit -n` to match).
//! - **Per-connection buffers.** An idle stream keeps trillium's response buffer,
//!   sized by the largest body write so far, and header maps sized for 32 headers.
//!   [`http_config`] sizes both for event streams: about 21 KiB per idle stream on
//!   smol instead of about 40 KiB, with no cost for small events.
//!
//! ```no_run
//! use sse_async_std::{HubHandler, http_config};
//! use sse_core::hub::Hub;
//!
//! trillium_smol::config()
//!     .with_port(8080)
//!     .with_max_connections(Some(50_000))
//!     .with_http_config(http_config())
//!     .run(HubHandler::new(Hub::new()));
//! ```

use std::error::Error;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::AsyncRead;
use sse_core::EventId;
use sse_core::http::{RESPONSE_HEADERS, last_event_id, topic_filter};
use sse_core::hub::{Hub, TopicFilter};
use sse_core::stream::{FrameSource, StreamOptions};
use trillium::{Body, Conn, Handler, HttpConfig, KnownHeaderName, Status};

use crate::body::SseBody;

/// Bytes trillium copies a streaming body in at a time ([`HttpConfig`]'s
/// `body_write_chunk_len`, trillium's default): each read of the body reserves this
/// much of the response buffer.
const BODY_WRITE_CHUNK: usize = 8 * 1024;

/// Room for the response head in the response buffer besides one body write.
const RESPONSE_HEAD_ROOM: usize = 1024;

/// Headers a request and a response get room for before their maps grow: what an
/// event-stream request (a browser's, with its `sec-fetch-*` headers, fits in twice
/// as many) and response carry. trillium's default, 32, costs about 5 KiB per
/// connection.
const HEADER_ROOM: usize = 8;

/// trillium's HTTP settings sized for event streams, for `with_http_config`: trillium's
/// defaults, but with a response buffer that holds the head and one body write
/// (trillium's default, 512 bytes, doubles to about 16 KiB at the first body write
/// and stays so while the stream idles) and header maps sized for the few headers
/// of an event stream.
///
/// Measured at 5,000 idle streams on smol (`cargo xtask bench`'s fan-out server):
/// about 21 KiB per stream instead of about 40 KiB. What is left is trillium's own:
/// the connection task (about 6.5 KiB), its state map (1.6 KiB), the response buffer
/// (9 KiB) and the header maps; a subscription and its body cost about 0.5 KiB.
///
/// The body write size trades memory for CPU: each idle stream keeps about that many
/// bytes, every read of the body zero-fills that many, and trillium writes to the
/// socket in pieces of about that size. Measured on 16 KiB events at 100 streams,
/// against 8 KiB: 16 KiB (`.with_body_write_chunk_len(16 * 1024)` and
/// `.with_response_buffer_len(17 * 1024)` on top of this config) takes about 12 % less
/// CPU per event for 8 KiB more per idle stream, 32 KiB about 25 % less for 24 KiB
/// more; 4 KiB saves 4 KiB per idle stream and takes about 10 % more.
///
/// ```
/// let config = sse_async_std::http_config();
/// assert!(config.response_buffer_len() > config.body_write_chunk_len());
/// ```
pub fn http_config() -> HttpConfig {
    HttpConfig::default()
        .with_body_write_chunk_len(BODY_WRITE_CHUNK)
        .with_response_buffer_len(BODY_WRITE_CHUNK + RESPONSE_HEAD_ROOM)
        .with_request_header_initial_capacity(HEADER_ROOM)
        .with_response_header_initial_capacity(HEADER_ROOM)
}

/// Event-stream responses for [`trillium::Conn`].
///
/// ```no_run
/// use futures_lite::stream;
/// use sse_async_std::{EventFrames, SseConnExt};
/// use sse_core::Event;
/// use sse_core::stream::StreamOptions;
/// use trillium::Conn;
///
/// async fn countdown(conn: Conn) -> Conn {
///     let events = stream::iter((0..3).rev().map(|n| Event::new(n.to_string())));
///     conn.with_sse(EventFrames::new(events), &StreamOptions::default())
/// }
///
/// trillium_smol::config().with_port(8080).run(countdown);
/// ```
pub trait SseConnExt: Sized {
    /// Responds `200` with the event-stream headers (`content-type:
    /// text/event-stream`, `cache-control: no-cache`, `x-accel-buffering: no`) and a
    /// body of `source`'s frames with `options`' preamble and keep-alive; halts the
    /// conn.
    fn with_sse<S>(self, source: S, options: &StreamOptions) -> Self
    where
        S: FrameSource + Unpin + Send + 'static,
        S::Error: Into<Box<dyn Error + Send + Sync>>;

    /// The last event ID the client reports: the `Last-Event-ID` header, else the
    /// `lastEventId` query parameter (for browsers that open a stream fresh with a
    /// resume point); `None` when absent, empty or not a valid id.
    fn last_event_id(&self) -> Option<EventId>;
}

impl SseConnExt for Conn {
    fn with_sse<S>(mut self, source: S, options: &StreamOptions) -> Self
    where
        S: FrameSource + Unpin + Send + 'static,
        S::Error: Into<Box<dyn Error + Send + Sync>>,
    {
        for (name, value) in RESPONSE_HEADERS {
            self.insert_response_header(name, value);
        }
        let body = ServerBody {
            body: SseBody::new(source, options),
            shutdown: Box::pin(self.swansong().shutting_down()),
        };
        self.with_status(Status::Ok)
            .with_body(Body::new_streaming(body, None))
            .halt()
    }

    fn last_event_id(&self) -> Option<EventId> {
        let header = self
            .request_headers()
            .get(KnownHeaderName::LastEventId)
            .map(AsRef::as_ref);
        let query = Some(self.querystring()).filter(|query| !query.is_empty());
        last_event_id(header, query)
    }
}

/// A trillium [`Handler`] that serves a [`Hub`]: every request gets a subscription
/// to the topics of its `?topics=` parameters (every topic without one), replaying
/// what it missed after its last event ID ([`SseConnExt::last_event_id`]), with the
/// hub's [`stream_options`](Hub::stream_options) (keep-alive, `retry:` hint).
///
/// Answers `400` to a malformed `?topics=` list and `503` when the hub refuses the
/// subscription (closed, or at its maximum of subscribers). Mount it behind a router
/// for a path of its own; it answers whatever reaches it.
///
/// ```no_run
/// use sse_async_std::HubHandler;
/// use sse_core::hub::{Hub, Topic};
/// use sse_core::Event;
///
/// let hub = Hub::new();
/// let publisher = hub.clone();
/// std::thread::spawn(move || {
///     let topic = Topic::new("ticks").unwrap();
///     for n in 0.. {
///         let _ = publisher.publish(&topic, Event::new(format!("tick {n}")));
///         std::thread::sleep(std::time::Duration::from_secs(1));
///     }
/// });
/// trillium_smol::config().with_port(8080).run(HubHandler::new(hub));
/// ```
#[derive(Debug, Clone)]
pub struct HubHandler {
    hub: Hub,
}

impl HubHandler {
    /// Serves `hub`.
    pub fn new(hub: Hub) -> Self {
        HubHandler { hub }
    }

    /// The hub served.
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    fn respond(&self, conn: Conn) -> Conn {
        let query = Some(conn.querystring()).filter(|query| !query.is_empty());
        let filter = match topic_filter(query) {
            Ok(filter) => filter.unwrap_or_else(TopicFilter::all),
            Err(error) => {
                return conn
                    .with_status(Status::BadRequest)
                    .with_body(error.to_string())
                    .halt();
            }
        };
        let resume = conn.last_event_id();
        match self.hub.subscribe_from(filter, resume.as_ref()) {
            Ok(subscription) => conn.with_sse(subscription, self.hub.stream_options()),
            Err(error) => conn
                .with_status(Status::ServiceUnavailable)
                .with_body(error.to_string())
                .halt(),
        }
    }
}

impl Handler for HubHandler {
    async fn run(&self, conn: Conn) -> Conn {
        self.respond(conn)
    }
}

/// An [`SseBody`] that ends when the server starts shutting down.
struct ServerBody<S> {
    body: SseBody<S>,
    shutdown: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl<S> AsyncRead for ServerBody<S>
where
    S: FrameSource + Unpin,
    S::Error: Into<Box<dyn Error + Send + Sync>>,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.shutdown.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Ok(0));
        }
        Pin::new(&mut this.body).poll_read(cx, buf)
    }
}
