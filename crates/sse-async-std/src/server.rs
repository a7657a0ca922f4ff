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

use std::fmt;
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
use trillium::{Body, Conn, Handler, KnownHeaderName, Status};

use crate::body::SseBody;
use crate::response::Sse;

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

/// A subscribe request that cannot be served; send it with
/// [`SseConnExt::with_rejection`] or [`SseRejection::respond`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseRejection(pub Rejection);

impl SseRejection {
    /// Answers `conn` with the rejection's status and reason.
    pub fn respond(&self, conn: Conn) -> Conn {
        conn.with_rejection(&self.0)
    }
}

impl From<Rejection> for SseRejection {
    fn from(rejection: Rejection) -> Self {
        SseRejection(rejection)
    }
}

impl fmt::Display for SseRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for SseRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
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
