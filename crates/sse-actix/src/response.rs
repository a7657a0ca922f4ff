//! The `Responder` for [`Sse`] and its body, [`SseBody`].

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, Responder};
use bytes::Bytes;
use sse_core::response::HEADERS;
use sse_core::source::BoxError;
use sse_core::stream::{FrameSource, FrameStream};
use sse_tokio::TokioTimer;

use crate::Sse;

impl<S> Responder for Sse<S>
where
    S: FrameSource + Unpin + 'static,
    S::Error: Into<BoxError>,
{
    type Body = SseBody<S>;

    /// `200 OK`, sse-core's [`HEADERS`] (with `content-encoding: identity`, actix's
    /// `Compress` middleware leaves the body alone) and the frames as [`SseBody`].
    fn respond_to(self, _req: &HttpRequest) -> HttpResponse<SseBody<S>> {
        let body = SseBody(self.into_inner().into_frames(TokioTimer::new()));
        let mut response = HttpResponse::with_body(StatusCode::OK, body);
        for (name, value) in HEADERS {
            let (name, value) = (
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// The body of an [`Sse`] response: the preamble, the source's frames as they come,
/// and keep-alives between whole frames while the source is idle (on tokio's timer,
/// which runs under every actix worker).
///
/// Its size is [`BodySize::Stream`], so actix sends it with chunked transfer encoding
/// and writes each frame when it is ready. Dropping it (actix does so when the client
/// goes away) drops the source: a hub subscription is released at once. An `Err`
/// from the source aborts the response, so the client sees a broken stream and
/// reconnects.
#[derive(Debug)]
pub struct SseBody<S>(FrameStream<S, TokioTimer>);

impl<S: FrameSource> SseBody<S> {
    /// The source.
    pub fn source(&self) -> &S {
        self.0.source()
    }
}

impl<S> MessageBody for SseBody<S>
where
    S: FrameSource + Unpin,
    S::Error: Into<BoxError>,
{
    /// The source's error (an `Err` item of an event stream), kept whole as the
    /// inner error of an [`io::ErrorKind::Other`] (what actix logs).
    type Error = io::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, io::Error>>> {
        let next = self.get_mut().0.poll_next(cx);
        next.map(|next| next.map(|chunk| chunk.map_err(io::Error::other)))
    }
}
