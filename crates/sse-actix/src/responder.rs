//! [`Sse`]: the `Responder` for event streams and hub subscriptions.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_ENCODING, HeaderMap, HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, Responder};
use futures_core::Stream;
use sse_core::http::RESPONSE_HEADERS;
use sse_core::stream::{FrameSource, KeepAlive, StreamOptions};
use sse_tokio::{BoxError, EventStream, SseItem};

use crate::body::SseBody;

/// An event-stream response: `200 OK`, the standard SSE headers, and a [`SseBody`]
/// over `S` (a hub subscription, or an [`EventStream`] made by [`Sse::from_stream`]).
///
/// Headers: those of [`sse_core::http::RESPONSE_HEADERS`] (`content-type:
/// text/event-stream`, `cache-control: no-cache`, `x-accel-buffering: no`) and
/// `content-encoding: identity`, which makes actix's `Compress` middleware leave the
/// body alone: compressing would hold frames back in the encoder's buffer.
///
/// Keep-alive comes from [`StreamOptions`] (every 15 s by default); add headers with
/// [`Responder::customize`].
///
/// ```no_run
/// use actix_web::{App, HttpServer, get};
/// use sse_actix::Sse;
/// use sse_core::Event;
///
/// #[get("/count")]
/// async fn count() -> impl actix_web::Responder {
///     let events = (1..=3).map(|n| Event::new(n.to_string()));
///     Sse::from_stream(futures_util::stream::iter(events))
/// }
///
/// # async fn run() -> std::io::Result<()> {
/// HttpServer::new(|| App::new().service(count))
///     .bind(("127.0.0.1", 8080))?
///     .run()
///     .await
/// # }
/// ```
#[derive(Debug)]
#[must_use = "an Sse does nothing until returned from a handler"]
pub struct Sse<S> {
    source: S,
    options: StreamOptions,
}

impl<S: FrameSource> Sse<S> {
    /// A response of `source`'s frames with default [`StreamOptions`]. For a hub
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

    /// The body alone, for a response built by hand (which then needs the headers of
    /// [`insert_headers`]).
    pub fn into_body(self) -> SseBody<S> {
        SseBody::new(self.source, &self.options)
    }
}

impl<St> Sse<EventStream<St>>
where
    St: Stream,
    St::Item: SseItem,
{
    /// A response of a `Stream` of [`SseItem`]s: [`Event`](sse_core::Event)s,
    /// [`Frame`](sse_core::Frame)s, [`ReaderEvent`](crate::ReaderEvent)s (an event whose
    /// data is read from an `AsyncRead`), or `Result`s of them (an `Err` ends the
    /// response).
    pub fn from_stream(stream: St) -> Self {
        Sse::new(EventStream::new(stream))
    }
}

/// Inserts the headers of an event-stream response into `headers`: those of
/// [`RESPONSE_HEADERS`] and `content-encoding: identity`.
pub fn insert_headers(headers: &mut HeaderMap) {
    for (name, value) in RESPONSE_HEADERS {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    headers.insert(CONTENT_ENCODING, HeaderValue::from_static("identity"));
}

impl<S> Responder for Sse<S>
where
    S: FrameSource + Unpin + 'static,
    S::Error: Into<BoxError>,
{
    type Body = SseBody<S>;

    fn respond_to(self, _req: &HttpRequest) -> HttpResponse<SseBody<S>> {
        let mut response = HttpResponse::with_body(StatusCode::OK, self.into_body());
        insert_headers(response.headers_mut());
        response
    }
}
