//! [`Route`]: what `/events` streams for a request, the same for every adapter.

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use sse_core::hub::Hub;
use sse_core::response::SseResponse;
use sse_core::source::BoxError;
use sse_core::stream::{Chunk, FrameSource};
use sse_core::subscribe::{Rejection, SubscribeRequest};

/// Answers an `/events` request from its query string and `Last-Event-ID` header.
type Respond =
    dyn Fn(Option<&str>, Option<&[u8]>) -> Result<SseResponse<BoxSource>, Refusal> + Send + Sync;

/// What `/events` streams: called with each request's query and `Last-Event-ID`.
#[derive(Clone)]
pub struct Route(Arc<Respond>);

impl Route {
    /// A route of `respond`.
    pub fn new(
        respond: impl Fn(Option<&str>, Option<&[u8]>) -> Result<SseResponse<BoxSource>, Refusal>
        + Send
        + Sync
        + 'static,
    ) -> Route {
        Route(Arc::new(respond))
    }

    /// A hub's endpoint: topics, resume, the hub's stream options, `400`/`503` (what
    /// every adapter's `hub_endpoint` does).
    pub fn hub(hub: Hub) -> Route {
        Route::new(move |query, header| {
            let response = SubscribeRequest::parse(query, header)?.subscribe(&hub)?;
            let (subscription, options) = response.into_parts();
            Ok(SseResponse::new(BoxSource::new(subscription)).with_options(options))
        })
    }

    /// The response to a request.
    pub fn respond(
        &self,
        query: Option<&str>,
        last_event_id: Option<&[u8]>,
    ) -> Result<SseResponse<BoxSource>, Refusal> {
        (self.0)(query, last_event_id)
    }
}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Route")
    }
}

/// A refused request: the status and a one-line text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub message: String,
}

impl From<Rejection> for Refusal {
    fn from(rejection: Rejection) -> Self {
        Refusal {
            status: rejection.status(),
            message: rejection.to_string(),
        }
    }
}

/// Any frame source, boxed, so one route type serves a hub and the compat scenario.
pub struct BoxSource(Box<dyn FrameSource<Error = BoxError> + Send + Sync + Unpin>);

impl BoxSource {
    /// Boxes `source`.
    pub fn new<S>(source: S) -> BoxSource
    where
        S: FrameSource + Send + Sync + Unpin + 'static,
        S::Error: Into<BoxError>,
    {
        BoxSource(Box::new(ErrorInto(source)))
    }
}

impl fmt::Debug for BoxSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BoxSource")
    }
}

impl FrameSource for BoxSource {
    type Error = BoxError;

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, BoxError>>> {
        self.0.poll_chunk(cx)
    }

    fn poll_gathered(
        &mut self,
        cx: &mut Context<'_>,
        max_bytes: usize,
    ) -> Poll<Option<Result<Chunk, BoxError>>> {
        self.0.poll_gathered(cx, max_bytes)
    }
}

struct ErrorInto<S>(S);

impl<S> FrameSource for ErrorInto<S>
where
    S: FrameSource,
    S::Error: Into<BoxError>,
{
    type Error = BoxError;

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, BoxError>>> {
        self.0
            .poll_chunk(cx)
            .map(|c| c.map(|c| c.map_err(Into::into)))
    }

    fn poll_gathered(
        &mut self,
        cx: &mut Context<'_>,
        max_bytes: usize,
    ) -> Poll<Option<Result<Chunk, BoxError>>> {
        self.0
            .poll_gathered(cx, max_bytes)
            .map(|c| c.map(|c| c.map_err(Into::into)))
    }
}
