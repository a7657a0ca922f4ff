//! What a response body sends, as a [`FrameSource`]: [`EventStream`] over any
//! `Stream` of events (or of `Result`s of them), and [`ReaderEvent`], one event whose
//! data is read from a byte source without buffering it whole.
//!
//! These are runtime-free: a stream is polled with the caller's [`Context`], and a
//! reader is anything that implements [`DataRead`] (each runtime crate adapts its own
//! `AsyncRead` to it in a few lines). Every adapter's `Sse` response is built on them,
//! so "an `Err` item ends the response", "keep-alives never split an event" and "a
//! reader's data is framed exactly like the same data in one event" hold everywhere.

mod reader;

use alloc::boxed::Box;
use core::convert::Infallible;
use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::Stream;

use crate::stream::{Chunk, FrameSource};
use crate::{Event, Frame};

pub use reader::{DataRead, READ_SIZE, ReaderEvent, ReaderSource};

/// A boxed error, as carried by a failed stream item or reader.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

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

impl<T, E> SseItem for Result<T, E>
where
    T: SseItem<Error = Infallible>,
    E: Into<BoxError>,
{
    type Error = E;

    fn into_outgoing(self) -> Result<Outgoing, E> {
        self.map(|item| match item.into_outgoing() {
            Ok(outgoing) => outgoing,
            Err(never) => match never {},
        })
    }
}

/// A [`FrameSource`] over any `Stream` of [`SseItem`]s: events, frames, events read
/// from readers, or results of those.
///
/// The stream is pinned on the heap once, so it need not be `Unpin` (an
/// `async-stream`, a tonic `Streaming`, a `futures::stream::unfold`).
pub struct EventStream<S> {
    stream: Pin<Box<S>>,
    /// An event whose data is being read; the stream waits until it is sent.
    reading: Option<ReaderSource>,
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
        let done = match &polled {
            Poll::Ready(Some(Ok(chunk))) => chunk.ends_frame(),
            Poll::Ready(Some(Err(_)) | None) => true,
            Poll::Pending => false,
        };
        if done {
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
pub(crate) mod testing {
    use alloc::vec::Vec;
    use core::task::{Context, Poll, Waker};

    use bytes::Bytes;

    use crate::stream::{Chunk, FrameSource};

    /// Polls `source` until it is pending, fails or ends: (chunks, error, ended).
    pub fn drain<S: FrameSource>(source: &mut S) -> (Vec<Chunk>, Option<S::Error>, bool) {
        let mut cx = Context::from_waker(Waker::noop());
        let mut chunks = Vec::new();
        loop {
            match source.poll_chunk(&mut cx) {
                Poll::Ready(Some(Ok(chunk))) => chunks.push(chunk),
                Poll::Ready(Some(Err(e))) => return (chunks, Some(e), false),
                Poll::Ready(None) => return (chunks, None, true),
                Poll::Pending => return (chunks, None, false),
            }
        }
    }

    /// The chunks' bytes, joined.
    pub fn concat(chunks: &[Chunk]) -> Bytes {
        chunks
            .iter()
            .flat_map(|c| c.bytes().iter().copied())
            .collect::<Vec<u8>>()
            .into()
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;
    use alloc::vec;
    use alloc::vec::Vec;
    use std::io;

    use super::testing::{concat, drain};
    use super::*;

    fn iter<I>(items: I) -> impl Stream<Item = I::Item>
    where
        I: IntoIterator,
        I::IntoIter: Unpin,
    {
        struct Iter<I>(I);
        impl<I: Iterator + Unpin> Stream for Iter<I> {
            type Item = I::Item;
            fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<I::Item>> {
                Poll::Ready(self.get_mut().0.next())
            }
        }
        Iter(items.into_iter())
    }

    #[test]
    fn events_frames_and_reader_events_in_order() {
        let items: Vec<Outgoing> = vec![
            Event::new("a").into_outgoing().unwrap(),
            ReaderEvent::new(Event::default(), &b"big\ndoc"[..])
                .into_outgoing()
                .unwrap(),
            Frame::comment("c").into_outgoing().unwrap(),
        ];
        let mut source = EventStream::new(iter(items));
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
        let mut source = EventStream::new(iter(items));
        let (chunks, error, _) = drain(&mut source);
        assert_eq!(&concat(&chunks)[..], b"data: a\n\n");
        assert_eq!(error.unwrap().to_string(), "upstream failed");
        let (chunks, error, ended) = drain(&mut source);
        assert!(chunks.is_empty() && error.is_none() && ended);
    }

    #[test]
    fn pending_stream_is_pending() {
        struct Pending;
        impl Stream for Pending {
            type Item = Event;
            fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Event>> {
                Poll::Pending
            }
        }
        let mut source = EventStream::new(Pending);
        let (chunks, error, ended) = drain(&mut source);
        assert!(chunks.is_empty() && error.is_none() && !ended);
    }
}
