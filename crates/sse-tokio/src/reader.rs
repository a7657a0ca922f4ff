//! One event whose data is read from an [`AsyncRead`]: a large document streamed as
//! `data:` lines, never held whole.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::BytesMut;
use sse_core::stream::{Chunk, FrameSource};
use sse_core::{DataEncoder, Event};
use tokio::io::{AsyncRead, ReadBuf};

/// How many bytes of the payload are read per chunk.
const READ_SIZE: usize = 16 * 1024;

/// A [`FrameSource`] of a single event: the head fields of `head`, then the bytes of
/// `reader` as the event's data, encoded as they arrive by sse-core's [`DataEncoder`].
///
/// Every chunk but the last is marked as inside the frame, so a keep-alive never
/// lands in the middle of the event. Memory use is one read buffer (16 KiB) plus the
/// chunks the HTTP layer has not written yet (hyper only asks for more when it can
/// write), whatever the payload's size.
///
/// A read error ends the source with that error; the frame stays incomplete, so a
/// client drops the partial event rather than dispatching it.
pub struct ReaderSource<R> {
    head: Option<Event>,
    encoder: Option<DataEncoder>,
    reader: R,
    buf: Box<[u8]>,
}

impl<R> fmt::Debug for ReaderSource<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReaderSource")
            .field("head", &self.head)
            .field("started", &self.encoder.is_some())
            .finish_non_exhaustive()
    }
}

impl<R: AsyncRead + Unpin> ReaderSource<R> {
    /// The event `head` (type, id, comments, retry; data, if any, goes first) with the
    /// rest of its data read from `reader`.
    pub fn new(head: Event, reader: R) -> Self {
        ReaderSource {
            head: Some(head),
            encoder: None,
            reader,
            buf: Box::default(),
        }
    }

    /// Whether the whole frame has been handed out (or the reader failed).
    pub fn is_finished(&self) -> bool {
        self.head.is_none() && self.encoder.is_none()
    }
}

impl<R: AsyncRead + Unpin> FrameSource for ReaderSource<R> {
    type Error = io::Error;

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, io::Error>>> {
        let mut out = BytesMut::new();
        if let Some(head) = self.head.take() {
            self.encoder = Some(DataEncoder::begin(&head, &mut out));
            self.buf = vec![0; READ_SIZE].into_boxed_slice();
        }
        let Some(encoder) = &mut self.encoder else {
            return Poll::Ready(None);
        };
        let mut read = ReadBuf::new(&mut self.buf);
        match Pin::new(&mut self.reader).poll_read(cx, &mut read) {
            Poll::Ready(Ok(())) if read.filled().is_empty() => {
                if let Some(encoder) = self.encoder.take() {
                    encoder.finish(&mut out);
                }
                self.buf = Box::default();
                Poll::Ready(Some(Ok(Chunk::part(out.freeze(), true))))
            }
            Poll::Ready(Ok(())) => {
                encoder.push(read.filled(), &mut out);
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

/// An event whose data comes from a reader, as an item of a stream (see
/// [`SseItem`](crate::SseItem)): the stream's other events wait until this one's data
/// has been sent.
pub struct ReaderEvent {
    source: ReaderSource<Pin<Box<dyn AsyncRead + Send>>>,
}

impl fmt::Debug for ReaderEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReaderEvent")
            .field("source", &self.source)
            .finish()
    }
}

impl ReaderEvent {
    /// The event `head` with its data read from `reader`.
    pub fn new(head: Event, reader: impl AsyncRead + Send + 'static) -> Self {
        ReaderEvent {
            source: ReaderSource::new(head, Box::pin(reader)),
        }
    }

    pub(crate) fn into_source(self) -> ReaderSource<Pin<Box<dyn AsyncRead + Send>>> {
        self.source
    }
}

/// Drains `source` with a no-op waker, for tests of sources.
#[cfg(test)]
pub(crate) fn drain<S: FrameSource>(source: &mut S) -> (Vec<Chunk>, Option<S::Error>, bool) {
    let mut cx = Context::from_waker(std::task::Waker::noop());
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

/// Joins chunks' bytes.
#[cfg(test)]
pub(crate) fn concat(chunks: &[Chunk]) -> bytes::Bytes {
    chunks
        .iter()
        .flat_map(|c| c.bytes().iter().copied())
        .collect::<Vec<u8>>()
        .into()
}

#[cfg(test)]
mod tests {
    use sse_core::{EventId, Frame};

    use super::*;

    #[test]
    fn frames_like_the_whole_event_and_marks_the_end() {
        let head = Event::default().with_id(EventId::new("7").unwrap());
        let payload: Vec<u8> = (0..100_000u32)
            .flat_map(|i| format!("line {i}\r\n").into_bytes())
            .collect();
        let mut source = ReaderSource::new(head.clone(), &payload[..]);
        let (chunks, error, ended) = drain(&mut source);
        assert!(error.is_none() && ended);
        assert!(chunks.len() > 2, "payload must go in several chunks");
        let (last, rest) = chunks.split_last().unwrap();
        assert!(last.ends_frame());
        assert!(rest.iter().all(|c| !c.ends_frame()));
        let whole = Frame::encode(&head.with_data(payload.clone()));
        assert_eq!(concat(&chunks), whole.into_bytes());
        assert!(source.is_finished());
    }

    #[test]
    fn empty_reader_gives_empty_data() {
        let mut source = ReaderSource::new(Event::default(), &b""[..]);
        let (chunks, _, ended) = drain(&mut source);
        assert!(ended);
        assert_eq!(&concat(&chunks)[..], b"data: \n\n");
    }

    struct Failing;
    impl AsyncRead for Failing {
        fn poll_read(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            Poll::Ready(Err(io::Error::other("disk gone")))
        }
    }

    #[test]
    fn read_error_ends_the_source() {
        let mut source = ReaderSource::new(Event::default(), Failing);
        let (chunks, error, _) = drain(&mut source);
        assert!(chunks.is_empty());
        assert_eq!(error.unwrap().to_string(), "disk gone");
        assert!(source.is_finished());
        let (_, error, ended) = drain(&mut source);
        assert!(error.is_none() && ended);
    }
}
