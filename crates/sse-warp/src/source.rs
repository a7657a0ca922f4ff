//! [`EventStream`]: any `Stream` of events as a [`FrameSource`].

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use std::convert::Infallible;

use sse_core::stream::{Chunk, FrameSource};
use sse_core::{Event, Frame};

/// A `Stream` of [`Event`](sse_core::Event)s, [`Frame`](sse_core::Frame)s or
/// `Result`s of them, read as a [`FrameSource`]: each item is encoded into one frame;
/// an `Err` item ends the response.
///
/// Built by [`Sse::from_stream`](crate::Sse::from_stream); the stream is boxed once so
/// that any stream, pinned or not, can be used.
pub struct EventStream<St> {
    stream: Pin<Box<St>>,
}

impl<St> EventStream<St> {
    /// Wraps `stream`.
    pub fn new(stream: St) -> Self {
        EventStream {
            stream: Box::pin(stream),
        }
    }
}

impl<St> fmt::Debug for EventStream<St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

impl<St> FrameSource for EventStream<St>
where
    St: Stream,
    St::Item: SseItem,
{
    type Error = <St::Item as SseItem>::Error;

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, Self::Error>>> {
        self.stream
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(|item| item.into_frame().map(Chunk::frame)))
    }
}

/// An item an [`EventStream`] can send: an [`Event`], a [`Frame`], or a `Result` of one.
pub trait SseItem {
    /// The error a fallible item carries.
    type Error;

    /// The frame to send.
    fn into_frame(self) -> Result<Frame, Self::Error>;
}

impl SseItem for Event {
    type Error = Infallible;

    fn into_frame(self) -> Result<Frame, Infallible> {
        Ok(Frame::encode(&self))
    }
}

impl SseItem for Frame {
    type Error = Infallible;

    fn into_frame(self) -> Result<Frame, Infallible> {
        Ok(self)
    }
}

impl<T: SseItem<Error = Infallible>, E> SseItem for Result<T, E> {
    type Error = E;

    fn into_frame(self) -> Result<Frame, E> {
        self.map(|item| match item.into_frame() {
            Ok(frame) => frame,
            Err(never) => match never {},
        })
    }
}
