//! [`FrameSource`]s made from futures-io types: a stream of events, and one event
//! whose data is read from an [`AsyncRead`] without holding it whole.
//!
//! A hub `Subscription` is a `FrameSource` already; these cover the other things a
//! server sends. Every body and writer of this crate takes any `FrameSource`.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::BytesMut;
use futures_core::Stream;
use futures_io::AsyncRead;
use sse_core::stream::{Chunk, FrameSource};
use sse_core::{DataEncoder, Event, Frame};

/// A [`FrameSource`] over a [`Stream`] of [`Event`]s: each event is encoded into one
/// frame as it arrives. It ends when the stream ends.
///
/// The stream must be `Unpin`; wrap another one in `Box::pin` first.
///
/// ```
/// use futures_lite::stream;
/// use sse_async_std::EventFrames;
/// use sse_core::Event;
///
/// let source = EventFrames::new(stream::iter([Event::new("a"), Event::new("b")]));
/// let mut out = Vec::new();
/// smol::block_on(sse_async_std::write_frames(&mut out, source))?;
/// assert_eq!(out, b"data: a\n\ndata: b\n\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct EventFrames<St> {
    events: St,
}

impl<St> EventFrames<St> {
    /// Frames the events of `events`.
    pub fn new(events: St) -> Self {
        EventFrames { events }
    }

    /// The wrapped stream.
    pub fn into_inner(self) -> St {
        self.events
    }
}

impl<St: Stream<Item = Event> + Unpin> FrameSource for EventFrames<St> {
    type Error = Infallible;

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, Infallible>>> {
        Pin::new(&mut self.events)
            .poll_next(cx)
            .map(|event| event.map(|event| Ok(Chunk::frame(Frame::encode(&event)))))
    }
}

/// A [`FrameSource`] over a [`Stream`] of `Result<Event, E>`: events are framed as
/// they arrive; the first error is passed on and ends the stream (a response body
/// then closes the connection, so the client reconnects and resumes).
///
/// The stream must be `Unpin`; wrap another one in `Box::pin` first.
#[derive(Debug)]
pub struct TryEventFrames<St> {
    events: St,
}

impl<St> TryEventFrames<St> {
    /// Frames the events of `events`.
    pub fn new(events: St) -> Self {
        TryEventFrames { events }
    }

    /// The wrapped stream.
    pub fn into_inner(self) -> St {
        self.events
    }
}

impl<St, E> FrameSource for TryEventFrames<St>
where
    St: Stream<Item = Result<Event, E>> + Unpin,
{
    type Error = E;

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, E>>> {
        Pin::new(&mut self.events)
            .poll_next(cx)
            .map(|item| item.map(|event| event.map(|event| Chunk::frame(Frame::encode(&event)))))
    }
}

/// How many bytes a [`ReaderEvent`] reads at a time.
const READ_CHUNK: usize = 8 * 1024;

/// A [`FrameSource`] of a single event whose data is read from an [`AsyncRead`] in
/// pieces, each sent as soon as it is read: a large document goes out without being
/// held whole. The head fields (id, type, comments, `retry`) come from an [`Event`];
/// line breaks in the data become `data:` lines exactly as [`Frame::encode`] would
/// write them (core's [`DataEncoder`]).
///
/// The frame is open until the reader ends, so no keep-alive is sent in the middle of
/// it. A read error is passed on and ends the source.
///
/// ```
/// use sse_async_std::ReaderEvent;
/// use sse_core::Event;
///
/// let head = Event::builder().event("doc").id("7").build()?;
/// let source = ReaderEvent::new(head, &b"line one\nline two"[..]);
/// let mut out = Vec::new();
/// smol::block_on(sse_async_std::write_frames(&mut out, source))?;
/// assert_eq!(out, b"event: doc\nid: 7\ndata: line one\ndata: line two\n\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ReaderEvent<R> {
    reader: R,
    state: ReaderState,
    scratch: Box<[u8]>,
    out: BytesMut,
}

#[derive(Debug)]
enum ReaderState {
    /// The head is not written yet.
    Head(Event),
    /// Data is being read.
    Data(DataEncoder),
    /// The frame is complete, or the reader failed.
    Done,
}

impl<R> ReaderEvent<R> {
    /// The event with `head`'s fields and `reader`'s bytes as its data (after any data
    /// `head` already has).
    pub fn new(head: Event, reader: R) -> Self {
        ReaderEvent {
            reader,
            state: ReaderState::Head(head),
            scratch: vec![0; READ_CHUNK].into_boxed_slice(),
            out: BytesMut::new(),
        }
    }
}

impl<R: AsyncRead + Unpin> FrameSource for ReaderEvent<R> {
    type Error = io::Error;

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<io::Result<Chunk>>> {
        let encoder = match &mut self.state {
            ReaderState::Done => return Poll::Ready(None),
            ReaderState::Head(head) => {
                let encoder = DataEncoder::begin(head, &mut self.out);
                self.state = ReaderState::Data(encoder);
                return Poll::Ready(Some(Ok(Chunk::part(self.out.split().freeze(), false))));
            }
            ReaderState::Data(encoder) => encoder,
        };
        loop {
            return match Pin::new(&mut self.reader).poll_read(cx, &mut self.scratch) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Poll::Ready(Err(e)) => {
                    self.state = ReaderState::Done;
                    Poll::Ready(Some(Err(e)))
                }
                Poll::Ready(Ok(0)) => {
                    if let ReaderState::Data(encoder) =
                        std::mem::replace(&mut self.state, ReaderState::Done)
                    {
                        encoder.finish(&mut self.out);
                    }
                    Poll::Ready(Some(Ok(Chunk::part(self.out.split().freeze(), true))))
                }
                Poll::Ready(Ok(read)) => {
                    let bytes = self.scratch.get(..read).unwrap_or_default();
                    encoder.push(bytes, &mut self.out);
                    Poll::Ready(Some(Ok(Chunk::part(self.out.split().freeze(), false))))
                }
            };
        }
    }
}
