//! Serving event streams over HTTP with [trillium], an HTTP/1.1 server on futures-io
//! that runs on smol (`trillium-smol`) and async-std (`trillium-async-std`).
//!
//! This is the trillium side of the adapter contract in [`sse_core::response`] and
//! [`sse_core::subscribe`]: [`SseConnExt::with_sse`] sends an [`Sse`] response (the
//! shared headers, the body of any source with its keep-alive and `retry:` hint),
//! [`LastEventId`] and [`Topics`] read a subscribe request, [`SseRejection`] answers
//! one that cannot be served (400 or 503 with a text reason), and [`hub_endpoint`]
//! serves a whole hub in one expression.
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
//! use sse_async_std::{hub_endpoint, http_config};
//! use sse_core::hub::Hub;
//!
//! trillium_smol::config()
//!     .with_port(8080)
//!     .with_max_connections(Some(50_000))
//!     .with_http_config(http_config())
//!     .run(hub_endpoint(Hub::new()));
//! ```

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::AsyncRead;
use sse_core::EventId;
use sse_core::hub::{Hub, TopicFilter};
use sse_core::response::HEADERS;
use sse_core::source::BoxError;
use sse_core::stream::FrameSource;
use sse_core::subscribe::{self, Rejection, SubscribeRequest};
use trillium::{Body, Conn, Handler, HttpConfig, KnownHeaderName, Status};

use crate::body::SseBody;
use crate::response::Sse;

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

/// Event-stream responses and subscribe requests on a [`trillium::Conn`].
///
/// ```no_run
/// use futures_lite::stream;
/// use sse_async_std::{Sse, SseConnExt};
/// use sse_core::Event;
/// use trillium::Conn;
///
/// async fn countdown(conn: Conn) -> Conn {
///     let events = stream::iter((0..3).rev().map(|n| Event::new(n.to_string())));
///     conn.with_sse(Sse::from_stream(events).retry(std::time::Duration::from_secs(2)))
/// }
///
/// trillium_smol::config().with_port(8080).run(countdown);
/// ```
pub trait SseConnExt: Sized {
    /// Responds `200` with the event-stream headers ([`HEADERS`]) and a body of the
    /// response's frames with its preamble and keep-alive; halts the conn.
    fn with_sse<S>(self, sse: Sse<S>) -> Self
    where
        S: FrameSource + Unpin + Send + 'static,
        S::Error: Into<BoxError>;

    /// Responds with `rejection`'s status (400 or 503) and its reason as text; halts
    /// the conn.
    fn with_rejection(self, rejection: &Rejection) -> Self;

    /// The subscribe request this conn makes: its `?topics=` and its last event id.
    fn subscribe_request(&self) -> Result<SubscribeRequest, Rejection>;
}

impl SseConnExt for Conn {
    fn with_sse<S>(mut self, sse: Sse<S>) -> Self
    where
        S: FrameSource + Unpin + Send + 'static,
        S::Error: Into<BoxError>,
    {
        for (name, value) in HEADERS {
            self.insert_response_header(name, value);
        }
        let body = ServerBody {
            body: SseBody::from(sse),
            shutdown: Box::pin(self.swansong().shutting_down()),
        };
        self.with_status(Status::Ok)
            .with_body(Body::new_streaming(body, None))
            .halt()
    }

    fn with_rejection(self, rejection: &Rejection) -> Self {
        self.with_status(rejection.status())
            .with_response_header("content-type", "text/plain; charset=utf-8")
            .with_body(rejection.to_string())
            .halt()
    }

    fn subscribe_request(&self) -> Result<SubscribeRequest, Rejection> {
        SubscribeRequest::parse(query(self), header(self))
    }
}

/// The id a reconnecting client resumes after (see
/// [`sse_core::subscribe::last_event_id`]): the `Last-Event-ID` header, or else the
/// `lastEventId` query parameter; `None` when neither is there or it is empty. An id
/// no server issued (not UTF-8, or holding a NUL) is a [`Rejection`] (400).
///
/// ```no_run
/// use sse_async_std::{LastEventId, SseConnExt};
/// use trillium::Conn;
///
/// async fn resume(conn: Conn) -> Conn {
///     match LastEventId::from_conn(&conn) {
///         Ok(LastEventId(id)) => conn.ok(format!("resuming after {id:?}")),
///         Err(rejection) => rejection.respond(conn),
///     }
/// }
/// trillium_smol::config().with_port(8080).run(resume);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastEventId(pub Option<EventId>);

impl LastEventId {
    /// Reads the conn's last event id.
    pub fn from_conn(conn: &Conn) -> Result<Self, SseRejection> {
        Ok(LastEventId(subscribe::last_event_id(
            header(conn),
            query(conn),
        )?))
    }
}

/// The topics a request asks for (see [`sse_core::subscribe::topics`]): every `topics`
/// query parameter, repeated or comma-separated, or `None` when the query names none.
/// A list with an entry that is not a topic is a [`Rejection`] (400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics(pub Option<TopicFilter>);

impl Topics {
    /// Reads the conn's topics.
    pub fn from_conn(conn: &Conn) -> Result<Self, SseRejection> {
        Ok(Topics(subscribe::topics(query(conn))?))
    }
}

sse_core::define_rejection!();

impl SseRejection {
    /// Answers `conn` with the rejection's status and reason.
    pub fn respond(&self, conn: Conn) -> Conn {
        conn.with_rejection(&self.0)
    }
}

/// A hub's event stream as a trillium [`Handler`]: `?topics=`, resume after
/// `Last-Event-ID`, the hub's stream options, and `400`/`503` with a text reason.
/// It answers whatever reaches it; mount it behind a router for a path of its own.
///
/// ```no_run
/// use sse_core::hub::Hub;
///
/// let hub = Hub::new();
/// trillium_smol::config().with_port(8080).run(sse_async_std::hub_endpoint(hub));
/// ```
pub fn hub_endpoint(hub: Hub) -> HubEndpoint {
    HubEndpoint { hub }
}

/// The [`Handler`] [`hub_endpoint`] returns.
#[derive(Debug, Clone)]
pub struct HubEndpoint {
    hub: Hub,
}

impl HubEndpoint {
    /// The hub served.
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    fn respond(&self, conn: Conn) -> Conn {
        match conn
            .subscribe_request()
            .and_then(|request| request.subscribe(&self.hub))
        {
            Ok(response) => conn.with_sse(Sse::from(response)),
            Err(rejection) => conn.with_rejection(&rejection),
        }
    }
}

impl Handler for HubEndpoint {
    async fn run(&self, conn: Conn) -> Conn {
        self.respond(conn)
    }
}

/// The conn's query string, `None` when it has none.
fn query(conn: &Conn) -> Option<&str> {
    Some(conn.querystring()).filter(|query| !query.is_empty())
}

/// The conn's `Last-Event-ID` header.
fn header(conn: &Conn) -> Option<&[u8]> {
    conn.request_headers()
        .get(KnownHeaderName::LastEventId)
        .map(AsRef::as_ref)
}

/// An [`SseBody`] that ends when the server starts shutting down.
struct ServerBody<S> {
    body: SseBody<S>,
    shutdown: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl<S> AsyncRead for ServerBody<S>
where
    S: FrameSource + Unpin,
    S::Error: Into<BoxError>,
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
