//! Decoding any [`AsyncRead`] into events through the core [`Decoder`].

use std::error::Error;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use futures_io::AsyncRead;
use sse_core::{DecodeError, Decoded, Decoder, EventId, Limits, MessageEvent};

/// How many bytes an [`EventReader`] asks its reader for at a time.
const READ_BUFFER: usize = 16 * 1024;

/// A [`Stream`] of what a `text/event-stream` byte stream holds: events and `retry`
/// changes, decoded by core's [`Decoder`] from any [`AsyncRead`] (a socket, a file, an
/// HTTP response body).
///
/// Bytes go to the decoder as they are read, so an event is yielded as soon as its
/// blank line arrives, and memory is bounded by the decoder's [`Limits`]. At the end
/// of the input an unfinished event is dropped, as the spec says. A read error ends
/// the stream after it is yielded; a decode error (a limit broken) is yielded and
/// decoding goes on after the offending part, as the decoder defines.
///
/// ```
/// use futures_lite::StreamExt;
/// use sse_async_std::EventReader;
///
/// let input = &b"id: 1\ndata: hello\n\nretry: 500\ndata: wor\ndata: ld\n\ndata: cut"[..];
/// let mut reader = EventReader::new(input);
/// smol::block_on(async {
///     let first = reader.next_event().await.unwrap()?;
///     assert_eq!((first.data(), first.last_event_id().as_str()), ("hello", "1"));
///     let second = reader.next_event().await.unwrap()?;
///     assert_eq!(second.data(), "wor\nld");
///     assert!(reader.next_event().await.is_none(), "the unfinished event is dropped");
///     assert_eq!(reader.retry(), Some(std::time::Duration::from_millis(500)));
///     Ok::<(), sse_async_std::ReadError>(())
/// })?;
/// # Ok::<(), sse_async_std::ReadError>(())
/// ```
#[derive(Debug)]
pub struct EventReader<R> {
    reader: R,
    decoder: Decoder,
    buffer: Box<[u8]>,
    ended: bool,
}

impl<R> EventReader<R> {
    /// Decodes `reader` with the default [`Limits`].
    pub fn new(reader: R) -> Self {
        EventReader::with_limits(reader, Limits::default())
    }

    /// Decodes `reader` with `limits`.
    pub fn with_limits(reader: R, limits: Limits) -> Self {
        EventReader {
            reader,
            decoder: Decoder::with_limits(limits),
            buffer: vec![0; READ_BUFFER].into_boxed_slice(),
            ended: false,
        }
    }

    /// The last event ID so far (the id a reconnection would send).
    pub fn last_event_id(&self) -> &EventId {
        self.decoder.last_event_id()
    }

    /// The last valid `retry` value seen, if any.
    pub fn retry(&self) -> Option<Duration> {
        self.decoder.retry()
    }

    /// The reader, mutably (reading from it directly would skip bytes the decoder
    /// expects).
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// The reader back. Bytes read but not yet decoded into a complete event are lost.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<R: AsyncRead + Unpin> EventReader<R> {
    /// The next event, skipping `retry` changes (read them with
    /// [`retry`](Self::retry)); `None` at the end of the input.
    pub async fn next_event(&mut self) -> Option<Result<MessageEvent, ReadError>> {
        loop {
            match poll_fn(|cx| self.poll_item(cx)).await? {
                Ok(Decoded::Event(event)) => return Some(Ok(event)),
                Ok(_) => continue,
                Err(error) => return Some(Err(error)),
            }
        }
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Decoded, ReadError>>> {
        loop {
            if let Some(item) = self.decoder.next_item() {
                return Poll::Ready(Some(item.map_err(ReadError::Decode)));
            }
            if self.ended {
                return Poll::Ready(None);
            }
            match Pin::new(&mut self.reader).poll_read(cx, &mut self.buffer) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(0)) => {
                    self.decoder.finish();
                    self.ended = true;
                }
                Poll::Ready(Ok(read)) => {
                    self.decoder
                        .feed(self.buffer.get(..read).unwrap_or_default());
                }
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Poll::Ready(Err(e)) => {
                    self.ended = true;
                    return Poll::Ready(Some(Err(ReadError::Io(e))));
                }
            }
        }
    }
}

impl<R: AsyncRead + Unpin> Stream for EventReader<R> {
    type Item = Result<Decoded, ReadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

/// What reading an event stream can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// Reading failed; the stream ends.
    Io(io::Error),
    /// The input broke the decoder's [`Limits`].
    Decode(DecodeError),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(error) => write!(f, "reading the event stream failed: {error}"),
            ReadError::Decode(error) => write!(f, "the event stream was rejected: {error}"),
        }
    }
}

impl Error for ReadError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            ReadError::Io(error) => Some(error),
            ReadError::Decode(error) => Some(error),
        }
    }
}

impl From<ReadError> for io::Error {
    fn from(error: ReadError) -> io::Error {
        match error {
            ReadError::Io(error) => error,
            ReadError::Decode(error) => io::Error::new(io::ErrorKind::InvalidData, error),
        }
    }
}
