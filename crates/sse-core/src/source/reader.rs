//! [`ReaderEvent`]: one event whose data is read from a byte source, framed by
//! [`DataEncoder`] as it arrives.

use alloc::boxed::Box;
use alloc::vec;
use core::fmt;
use core::task::{Context, Poll};
use std::io;

use bytes::{Bytes, BytesMut};

use crate::stream::{Chunk, FrameSource};
use crate::{DataEncoder, Event};

/// How much a [`ReaderSource`] asks its reader for at a time (and the one buffer it
/// holds while an event is being read, released when the event ends).
pub const READ_SIZE: usize = 16 * 1024;

/// A byte source an event's data can be read from: the one thing a runtime supplies
/// to send a [`ReaderEvent`] (sse-tokio adapts `tokio::io::AsyncRead`, sse-async-std
/// adapts `futures_io::AsyncRead`, each in a few lines).
///
/// The contract is `AsyncRead::poll_read`'s: `Ready(Ok(0))` is the end of the data,
/// `Pending` registers `cx`'s waker.
pub trait DataRead: Send {
    /// Reads into `buf`, returning how many bytes were read (0 at the end).
    fn poll_read_data(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>>;
}

impl DataRead for &'static [u8] {
    fn poll_read_data(&mut self, _: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let n = buf.len().min(self.len());
        let (head, rest) = self.split_at(n);
        if let Some(into) = buf.get_mut(..n) {
            into.copy_from_slice(head);
        }
        *self = rest;
        Poll::Ready(Ok(n))
    }
}

impl DataRead for Bytes {
    fn poll_read_data(&mut self, _: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let n = buf.len().min(self.len());
        let head = self.split_to(n);
        if let Some(into) = buf.get_mut(..n) {
            into.copy_from_slice(&head);
        }
        Poll::Ready(Ok(n))
    }
}

/// One event whose `data` is read from a [`DataRead`]: its other fields (type, id,
/// retry) come from the head event, its data from the reader, framed exactly as
/// `Frame::encode` would frame the same bytes in one event (line breaks of any kind
/// split `data:` lines, also across reads). Made by each runtime's `reader_event`.
pub struct ReaderEvent {
    source: ReaderSource,
}

impl fmt::Debug for ReaderEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReaderEvent")
            .field("source", &self.source)
            .finish()
    }
}

impl ReaderEvent {
    /// An event with `head`'s type, id and retry, and the data `reader` yields (the
    /// head's own data is ignored).
    pub fn new(head: Event, reader: impl DataRead + 'static) -> Self {
        ReaderEvent {
            source: ReaderSource::new(head, Box::new(reader)),
        }
    }

    /// The event as a [`FrameSource`] of its own.
    pub fn into_source(self) -> ReaderSource {
        self.source
    }
}

/// A [`FrameSource`] of one [`ReaderEvent`]: the head's fields, then the data in
/// chunks as the reader yields it; only the last chunk ends the frame, so keep-alives
/// are never sent in the middle of the event.
pub struct ReaderSource {
    head: Option<Event>,
    encoder: Option<DataEncoder>,
    reader: Box<dyn DataRead>,
    buf: Box<[u8]>,
}

impl fmt::Debug for ReaderSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReaderSource")
            .field("head", &self.head)
            .field("started", &self.encoder.is_some())
            .finish_non_exhaustive()
    }
}

impl ReaderSource {
    fn new(head: Event, reader: Box<dyn DataRead>) -> Self {
        ReaderSource {
            head: Some(head),
            encoder: None,
            reader,
            buf: Box::default(),
        }
    }

    /// Whether the whole event has been produced (or the reader failed).
    pub fn is_finished(&self) -> bool {
        self.head.is_none() && self.encoder.is_none()
    }

    fn finish(&mut self, mut out: BytesMut) -> Chunk {
        if let Some(encoder) = self.encoder.take() {
            encoder.finish(&mut out);
        }
        self.buf = Box::default();
        Chunk::part(out.freeze(), true)
    }
}

impl FrameSource for ReaderSource {
    type Error = io::Error;

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, io::Error>>> {
        let mut out = BytesMut::new();
        if let Some(head) = self.head.take() {
            self.encoder = Some(DataEncoder::begin(&head, &mut out));
            self.buf = vec![0; READ_SIZE].into_boxed_slice();
        }
        if self.encoder.is_none() {
            return Poll::Ready(None);
        }
        match self.reader.poll_read_data(cx, &mut self.buf) {
            Poll::Ready(Ok(0)) => Poll::Ready(Some(Ok(self.finish(out)))),
            Poll::Ready(Ok(n)) => {
                let read = self.buf.get(..n).unwrap_or_default();
                if let Some(encoder) = &mut self.encoder {
                    encoder.push(read, &mut out);
                }
                Poll::Ready(Some(Ok(Chunk::part(out.freeze(), false))))
            }
            Poll::Ready(Err(error)) => {
                self.encoder = None;
                self.buf = Box::default();
                Poll::Ready(Some(Err(error)))
            }
            Poll::Pending if out.is_empty() => Poll::Pending,
            // The head is written; the data will follow.
            Poll::Pending => Poll::Ready(Some(Ok(Chunk::part(out.freeze(), false)))),
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::format;
    use alloc::string::ToString;
    use alloc::vec::Vec;

    use super::*;
    use crate::source::testing::{concat, drain};
    use crate::{EventId, Frame};

    #[test]
    fn frames_like_the_whole_event_and_marks_the_end() {
        let head = Event::default().with_id(EventId::new("7").unwrap());
        let payload: Vec<u8> = (0..100_000u32)
            .flat_map(|i| format!("line {i}\r\n").into_bytes())
            .collect();
        let event = ReaderEvent::new(head.clone(), Bytes::from(payload.clone()));
        let mut source = event.into_source();
        let (chunks, error, ended) = drain(&mut source);
        assert!(error.is_none() && ended);
        assert!(chunks.len() > 2, "payload must go in several chunks");
        let (last, rest) = chunks.split_last().unwrap();
        assert!(last.ends_frame());
        assert!(rest.iter().all(|c| !c.ends_frame()));
        let whole = Frame::encode(&head.with_data(payload));
        assert_eq!(concat(&chunks), whole.into_bytes());
        assert!(source.is_finished());
    }

    #[test]
    fn a_read_error_ends_the_event_with_it() {
        struct Failing;
        impl DataRead for Failing {
            fn poll_read_data(
                &mut self,
                _: &mut Context<'_>,
                _: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                Poll::Ready(Err(io::Error::other("disk gone")))
            }
        }
        let mut source = ReaderEvent::new(Event::default(), Failing).into_source();
        let (chunks, error, _) = drain(&mut source);
        assert!(chunks.is_empty());
        assert_eq!(error.unwrap().to_string(), "disk gone");
        assert!(source.is_finished());
    }
}
