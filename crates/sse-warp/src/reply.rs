//! [`Sse`]: the warp `Reply` for event streams and hub subscriptions, and the body
//! stream behind it.

use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use sse_core::http::RESPONSE_HEADERS;
use sse_core::stream::{FrameSource, FrameStream, KeepAlive, StreamOptions};
use sse_tokio::{BoxError, EventStream, SseItem, TokioTimer};
use warp::http::HeaderMap;
use warp::http::header::{CONTENT_LENGTH, HeaderName, HeaderValue};
use warp::reply::{Reply, Response};

/// An event-stream reply: `200 OK`, the standard SSE headers, and a body of `S`'s
/// frames (a hub subscription, or an [`EventStream`] made by [`Sse::from_stream`]) with
/// keep-alives between whole frames while idle, on tokio's timer.
///
/// Headers: those of [`sse_core::http::RESPONSE_HEADERS`] (`content-type:
/// text/event-stream`, `cache-control: no-cache`, `x-accel-buffering: no`); there is
/// no `content-length`, so HTTP/1.1 responses are chunked and each frame is written
/// when it is ready. When the client goes away, hyper drops the body and with it the
/// source: a hub subscription is released at once.
///
/// ```
/// use sse_core::Event;
/// use warp::Filter;
///
/// let route = warp::path("count").map(|| {
///     let events = (1..=3).map(|n| Event::new(n.to_string()));
///     sse_warp::Sse::from_stream(futures_util::stream::iter(events))
/// });
/// # let _ = route;
/// ```
#[derive(Debug)]
#[must_use = "an Sse does nothing until returned from a filter"]
pub struct Sse<S> {
    source: S,
    options: StreamOptions,
}

impl<S: FrameSource> Sse<S> {
    /// A reply of `source`'s frames with default [`StreamOptions`]. For a hub
    /// subscription, pass the hub's options with [`with_options`](Self::with_options).
    pub fn new(source: S) -> Self {
        Sse {
            source,
            options: StreamOptions::default(),
        }
    }

    /// Replaces the stream options (keep-alive, `retry:` hint, initial comment).
    pub fn with_options(mut self, options: StreamOptions) -> Self {
        self.options = options;
        self
    }

    /// Sets the keep-alive (`None`: never send one).
    pub fn keep_alive(mut self, keep_alive: Option<KeepAlive>) -> Self {
        self.options = self.options.keep_alive(keep_alive);
        self
    }

    /// Sends `retry:` with this reconnection time first.
    pub fn retry(mut self, retry: Duration) -> Self {
        self.options = self.options.retry(retry);
        self
    }

    /// The source (for a hub subscription: how its replay went, `source().replay()`).
    pub fn source(&self) -> &S {
        &self.source
    }

    /// The stream options in effect.
    pub fn options(&self) -> &StreamOptions {
        &self.options
    }

    /// The body as a `Stream` of byte chunks, for a response built by hand (which then
    /// needs the headers of [`insert_headers`]).
    pub fn into_stream(self) -> SseStream<S> {
        SseStream {
            frames: Mutex::new(FrameStream::new(
                self.source,
                TokioTimer::new(),
                &self.options,
            )),
        }
    }
}

impl<St> Sse<EventStream<St>>
where
    St: Stream,
    St::Item: SseItem,
{
    /// A reply of a `Stream` of [`SseItem`]s: [`Event`](sse_core::Event)s,
    /// [`Frame`](sse_core::Frame)s, [`ReaderEvent`](crate::ReaderEvent)s (an event whose
    /// data is read from an `AsyncRead`), or `Result`s of them (an `Err` ends the
    /// response).
    pub fn from_stream(stream: St) -> Self {
        Sse::new(EventStream::new(stream))
    }
}

/// Inserts the headers of an event-stream response into `headers` and removes any
/// `content-length`.
pub fn insert_headers(headers: &mut HeaderMap) {
    for (name, value) in RESPONSE_HEADERS {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    headers.remove(CONTENT_LENGTH);
}

impl<S> Reply for Sse<S>
where
    S: FrameSource + Send + Unpin + 'static,
    S::Error: Into<BoxError> + Send + 'static,
{
    fn into_response(self) -> Response {
        let mut response = warp::reply::stream(self.into_stream()).into_response();
        insert_headers(response.headers_mut());
        response
    }
}

/// The body of an [`Sse`] reply as a `Stream` of byte chunks (what
/// `warp::reply::stream` takes).
///
/// warp wants a `Sync` stream; the frames sit behind a `Mutex` that is never locked
/// (polling has `&mut` access and uses `Mutex::get_mut`, which costs nothing), so any
/// `Send` source will do.
#[derive(Debug)]
pub struct SseStream<S> {
    frames: Mutex<FrameStream<S, TokioTimer>>,
}

impl<S> Stream for SseStream<S>
where
    S: FrameSource + Unpin,
{
    type Item = Result<Bytes, S::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut()
            .frames
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .poll_next(cx)
    }
}
