//! [`EventStream`]: a `Stream` of events as a [`FrameSource`], and [`SseItem`], what
//! such a stream may yield.

use std::convert::Infallible;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use sse_core::stream::{Chunk, FrameSource};
use sse_core::{Event, Frame};
use tokio::io::AsyncRead;

use crate::BoxError;
use crate::reader::{ReaderEvent, ReaderSource};

/// What one stream item sends: a whole frame, or an event whose data is read from a
/// reader.
#[derive(Debug)]
pub enum Outgoing {
    /// An encoded frame (an event, a comment, a `retry:` hint).
    Frame(Frame),
    /// An event whose data is streamed from a reader.
    Reader(ReaderEvent),
}

/// An item of a stream that [`EventStream`] can send: an [`Event`], a pre-encoded
/// [`Frame`], a [`ReaderEvent`] or an [`Outgoing`], or a `Result` of one of them.
///
/// An `Err` item ends the response with that error: the HTTP server aborts the
/// response, so the client sees a broken stream and reconnects (with its last event
/// id). To end the stream cleanly instead, end the stream.
pub trait SseItem {
    /// The error a fallible item carries.
    type Error: Into<BoxError>;

    /// What to send.
    fn into_outgoing(self) -> Result<Outgoing, Self::Error>;
}

impl SseItem for Outgoing {
    type Error = Infallible;

    fn into_outgoing(self) -> Result<Outgoing, Infallible> {
        Ok(self)
    }
}

impl SseItem for Event {
    type Error = Infallible;

    fn into_outgoing(self) -> Result<Outgoing, Infallible> {
        Ok(Outgoing::Frame(Frame::encode(&self)))
    }
}

impl SseItem for Frame {
    type Error = Infallible;

    fn into_outgoing(self) -> Result<Outgoing, Infallible> {
        Ok(Outgoing::Frame(self))
    }
}

impl SseItem for ReaderEvent {
    type Error = Infallible;

    fn into_outgoing(self) -> Result<Outgoing, Infallible> {
        Ok(Outgoing::Reader(self))
    }
}

macro_rules! fallible_item {
    ($($ty:ty),*) => {$(
        impl<E: Into<BoxError>> SseItem for Result<$ty, E> {
            type Error = E;

            fn into_outgoing(self) -> Result<Outgoing, E> {
                self.map(|item| match item.into_outgoing() {
                    Ok(outgoing) => outgoing,
                    Err(never) => match never {},
                })
            }
        }
    )*};
}

fallible_item!(Outgoing, Event, Frame, ReaderEvent);

/// A [`FrameSource`] over any `Stream` of [`SseItem`]s: events, frames, events read
/// from readers, or results of those.
///
/// The stream is pinned on the heap once, so it need not be `Unpin` (an
/// `async-stream`, a tonic `Streaming`, a `futures::stream::unfold`).
pub struct EventStream<S> {
    stream: Pin<Box<S>>,
    /// An event whose data is being read; the stream waits until it is sent.
    reading: Option<ReaderSource<Pin<Box<dyn AsyncRead + Send>>>>,
    ended: bool,
}

impl<S> fmt::Debug for EventStream<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("reading", &self.reading)
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl<S> EventStream<S>
where
    S: Stream,
    S::Item: SseItem,
{
    /// A source of `stream`'s items.
    pub fn new(stream: S) -> Self {
        EventStream {
            stream: Box::pin(stream),
            reading: None,
            ended: false,
        }
    }

    /// The next chunk of the event being read from a reader, if there is one.
    fn poll_reading(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, BoxError>>> {
        let Some(reading) = &mut self.reading else {
            return Poll::Ready(None);
        };
        let polled = reading.poll_chunk(cx);
        if matches!(&polled, Poll::Ready(Some(Err(_)) | None))
            || matches!(&polled, Poll::Ready(Some(Ok(chunk))) if chunk.ends_frame())
        {
            self.reading = None;
        }
        polled.map(|chunk| chunk.map(|chunk| chunk.map_err(BoxError::from)))
    }
}

impl<S> FrameSource for EventStream<S>
where
    S: Stream,
    S::Item: SseItem,
{
    type Error = BoxError;

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, BoxError>>> {
        loop {
            if self.reading.is_some() {
                match self.poll_reading(cx) {
                    Poll::Ready(None) => continue,
                    other => return other,
                }
            }
            if self.ended {
                return Poll::Ready(None);
            }
            let item = match self.stream.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => item,
                Poll::Ready(None) => {
                    self.ended = true;
                    return Poll::Ready(None);
                }
                Poll::Pending => return Poll::Pending,
            };
            match item.into_outgoing() {
                Ok(Outgoing::Frame(frame)) => return Poll::Ready(Some(Ok(Chunk::frame(frame)))),
                Ok(Outgoing::Reader(event)) => self.reading = Some(event.into_source()),
                Err(error) => {
                    self.ended = true;
                    return Poll::Ready(Some(Err(error.into())));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use futures_util::stream;

    use super::*;
    use crate::reader::{concat, drain};

    #[test]
    fn events_frames_and_reader_events_in_order() {
        let items: Vec<Outgoing> = vec![
            Event::new("a").into_outgoing().unwrap(),
            ReaderEvent::new(Event::default(), &b"big\ndoc"[..])
                .into_outgoing()
                .unwrap(),
            Frame::comment("c").into_outgoing().unwrap(),
        ];
        let mut source = EventStream::new(stream::iter(items));
        let (chunks, error, ended) = drain(&mut source);
        assert!(error.is_none() && ended);
        assert_eq!(
            &concat(&chunks)[..],
            b"data: a\n\ndata: big\ndata: doc\n\n: c\n\n"
        );
        let ends: Vec<bool> = chunks.iter().map(Chunk::ends_frame).collect();
        assert_eq!(ends.first(), Some(&true));
        assert_eq!(ends.last(), Some(&true));
        assert!(ends.contains(&false), "reader chunks are inside the frame");
    }

    #[test]
    fn an_error_item_is_passed_on_then_the_source_ends() {
        let items = vec![
            Ok(Event::new("a")),
            Err(io::Error::other("upstream failed")),
            Ok(Event::new("never")),
        ];
        let mut source = EventStream::new(stream::iter(items));
        let (chunks, error, _) = drain(&mut source);
        assert_eq!(&concat(&chunks)[..], b"data: a\n\n");
        assert_eq!(error.unwrap().to_string(), "upstream failed");
        let (chunks, error, ended) = drain(&mut source);
        assert!(chunks.is_empty() && error.is_none() && ended);
    }

    #[test]
    fn pending_stream_is_pending() {
        let mut source = EventStream::new(stream::pending::<Event>());
        let (chunks, error, ended) = drain(&mut source);
        assert!(chunks.is_empty() && error.is_none() && !ended);
    }
}
