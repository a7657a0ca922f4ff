//! [`SseBody`]: a [`FrameStream`] as an actix-web [`MessageBody`].

use std::error::Error as StdError;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use bytes::Bytes;
use sse_core::stream::{FrameSource, FrameStream, StreamOptions};
use sse_tokio::{BoxError, TokioTimer};

/// The body of an event-stream response: the preamble, the source's frames as they
/// come, and keep-alives between whole frames while the source is idle (on actix's
/// timer).
///
/// Its size is [`BodySize::Stream`], so actix sends it with chunked transfer encoding
/// and writes each frame when it is ready. Dropping it (actix does so when the client
/// goes away) drops the source: a hub subscription is released at once.
///
/// Usually made by [`Sse`](crate::Sse), which also sets the headers; build one with
/// [`SseBody::new`] to put it in a response of your own.
#[derive(Debug)]
pub struct SseBody<S> {
    frames: FrameStream<S, TokioTimer>,
}

impl<S: FrameSource> SseBody<S> {
    /// A body of `source`'s frames with `options`' preamble and keep-alive.
    pub fn new(source: S, options: &StreamOptions) -> Self {
        SseBody {
            frames: FrameStream::new(source, TokioTimer::new(), options),
        }
    }

    /// The source.
    pub fn source(&self) -> &S {
        self.frames.source()
    }
}

impl<S> MessageBody for SseBody<S>
where
    S: FrameSource + Unpin,
    S::Error: Into<BoxError>,
{
    type Error = BodyError;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        self.get_mut()
            .frames
            .poll_next(cx)
            .map(|next| next.map(|chunk| chunk.map_err(|e| BodyError(e.into()))))
    }
}

/// Why an [`SseBody`] ended early: its source failed (an `Err` item of an event
/// stream). actix logs it and aborts the response, so the client sees a broken stream
/// (not a normal end) and reconnects.
#[derive(Debug)]
pub struct BodyError(BoxError);

impl BodyError {
    /// The source's error.
    pub fn into_inner(self) -> BoxError {
        self.0
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "event stream failed: {}", self.0)
    }
}

impl StdError for BodyError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.0)
    }
}
