//! Encoding to any [`AsyncWrite`]: single events, streamed payloads, and whole
//! streams (a hub subscription, a stream of events) with keep-alives.
//!
//! Each function writes whole frames and flushes before it waits: bytes never sit in
//! a buffered writer while the source has nothing to say.

use std::convert::Infallible;
use std::error::Error;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::task::Poll;

use futures_io::{AsyncRead, AsyncWrite};
use futures_lite::AsyncWriteExt;
use sse_core::stream::{FrameSource, FrameStream, StreamOptions};
use sse_core::{Event, Frame};

use crate::reader::reader_event;
use crate::timer::AsyncIoTimer;

/// Writes one event as one frame and flushes.
///
/// ```
/// use sse_core::Event;
///
/// let mut out = Vec::new();
/// smol::block_on(sse_async_std::write_event(&mut out, &Event::new("hi")))?;
/// assert_eq!(out, b"data: hi\n\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn write_event<W: AsyncWrite + Unpin + ?Sized>(
    writer: &mut W,
    event: &Event,
) -> io::Result<()> {
    write_frame(writer, &Frame::encode(event)).await
}

/// Writes an encoded frame (a hub's shared frame, say) as is and flushes.
pub async fn write_frame<W: AsyncWrite + Unpin + ?Sized>(
    writer: &mut W,
    frame: &Frame,
) -> io::Result<()> {
    writer.write_all(frame.as_bytes()).await?;
    writer.flush().await
}

/// Writes one event whose data is read from `data`, piece by piece, without holding
/// it whole (see [`reader_event`]), and flushes. The head fields come from `head`.
///
/// ```
/// use sse_core::Event;
///
/// let mut out = Vec::new();
/// let head = Event::builder().event("doc").build()?;
/// smol::block_on(sse_async_std::write_event_from_reader(&mut out, head, &b"a\r\nb"[..]))?;
/// assert_eq!(out, b"event: doc\ndata: a\ndata: b\n\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn write_event_from_reader<W, R>(writer: &mut W, head: Event, data: R) -> io::Result<()>
where
    W: AsyncWrite + Unpin + ?Sized,
    R: AsyncRead + Send + Unpin + 'static,
{
    let options = StreamOptions::default().keep_alive(None);
    write_stream(writer, reader_event(head, data).into_source(), &options)
        .await
        .map_err(WriteError::into_io)
}

/// Writes every frame of `source` until it ends, then flushes; no keep-alives, no
/// preamble. For a live stream with keep-alives use [`write_stream`].
pub async fn write_frames<W, S>(writer: &mut W, source: S) -> io::Result<()>
where
    W: AsyncWrite + Unpin + ?Sized,
    S: FrameSource,
    S::Error: Into<Box<dyn Error + Send + Sync>>,
{
    let options = StreamOptions::default().keep_alive(None);
    write_stream(writer, source, &options)
        .await
        .map_err(WriteError::into_io)
}

/// Writes a whole event stream to `writer`: `options`' preamble, then `source`'s
/// frames (a hub subscription, an [`EventStream`](sse_core::source::EventStream), …) with
/// keep-alives while it is idle, until the source ends or fails or the writer fails.
/// Everything ready is written before each flush; the writer is flushed whenever the
/// source has nothing ready.
///
/// This is [`FrameStream`] (core's body logic) driven over an `AsyncWrite`: use it to
/// serve SSE over any futures-io transport an HTTP library hands over.
///
/// ```
/// use futures_lite::stream;
/// use sse_async_std::write_stream;
/// use sse_core::Event;
/// use sse_core::source::EventStream;
/// use sse_core::stream::StreamOptions;
/// use std::time::Duration;
///
/// let options = StreamOptions::default().retry(Duration::from_secs(1));
/// let source = EventStream::new(stream::iter([Event::new("x")]));
/// let mut out = Vec::new();
/// smol::block_on(write_stream(&mut out, source, &options))?;
/// assert_eq!(out, b"retry: 1000\ndata: x\n\n");
/// # Ok::<(), sse_async_std::WriteError<sse_core::source::BoxError>>(())
/// ```
pub async fn write_stream<W, S>(
    writer: &mut W,
    source: S,
    options: &StreamOptions,
) -> Result<(), WriteError<S::Error>>
where
    W: AsyncWrite + Unpin + ?Sized,
    S: FrameSource,
{
    let mut frames = FrameStream::new(source, AsyncIoTimer::new(), options);
    loop {
        let ready = poll_fn(|cx| Poll::Ready(frames.poll_next(cx))).await;
        let next = match ready {
            Poll::Ready(next) => next,
            Poll::Pending => {
                writer.flush().await.map_err(WriteError::Io)?;
                poll_fn(|cx| frames.poll_next(cx)).await
            }
        };
        match next {
            Some(Ok(bytes)) => writer.write_all(&bytes).await.map_err(WriteError::Io)?,
            Some(Err(error)) => {
                writer.flush().await.map_err(WriteError::Io)?;
                return Err(WriteError::Source(error));
            }
            None => return writer.flush().await.map_err(WriteError::Io),
        }
    }
}

/// Why [`write_stream`] stopped before its source ended.
#[derive(Debug)]
pub enum WriteError<E> {
    /// Writing or flushing failed (the peer went away, say).
    Io(io::Error),
    /// The source failed; what was written before stays written.
    Source(E),
}

impl<E: Into<Box<dyn Error + Send + Sync>>> WriteError<E> {
    /// As an I/O error: an `Io` as is, a `Source` error wrapped with
    /// [`io::ErrorKind::Other`].
    pub fn into_io(self) -> io::Error {
        match self {
            WriteError::Io(error) => error,
            WriteError::Source(error) => io::Error::other(error),
        }
    }
}

impl From<WriteError<Infallible>> for io::Error {
    fn from(error: WriteError<Infallible>) -> io::Error {
        match error {
            WriteError::Io(error) => error,
            WriteError::Source(never) => match never {},
        }
    }
}

impl<E: fmt::Display> fmt::Display for WriteError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Io(error) => write!(f, "writing the event stream failed: {error}"),
            WriteError::Source(error) => write!(f, "the event source failed: {error}"),
        }
    }
}

impl<E: Error + 'static> Error for WriteError<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            WriteError::Io(error) => Some(error),
            WriteError::Source(error) => Some(error),
        }
    }
}
