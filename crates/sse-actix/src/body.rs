//! [`SseBody`]: a [`FrameStream`] as an actix-web [`MessageBody`].

use std::error::Error as StdError;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use bytes::Bytes;
use sse_core::stream::{FrameSource, FrameStream, StreamOptions};

use crate::timer::RtTimer;

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
    frames: FrameStream<S, RtTimer>,
}

impl<S: FrameSource> SseBody<S> {
    /// A body of `source`'s frames with `options`' preamble and keep-alive.
    pub fn new(source: S, options: &StreamOptions) -> Self {
        SseBody {
            frames: FrameStream::new(source, RtTimer::default(), options),
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
    S::Error: Into<Box<dyn StdError>>,
{
    type Error = S::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        self.get_mut().frames.poll_next(cx)
    }
}
