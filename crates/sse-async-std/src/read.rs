//! Decoding any [`AsyncRead`] into events: sse-core's shared decoding rules
//! ([`sse_core::decode::events`]) over a futures-io reader, the same adapter as
//! `sse_tokio::ReaderEvents`.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use futures_io::AsyncRead;
use sse_core::decode::{EventItem, EventStreamState};
use sse_core::{EventId, Limits};

pub use sse_core::decode::EventStreamError;

/// The events read from an [`AsyncRead`] (a socket, a file, an HTTP response body),
/// [`READ_SIZE`](sse_core::decode::events::READ_SIZE) bytes at a time, decoded by
/// sse-core's [`Decoder`](sse_core::Decoder).
///
/// Bytes go to the decoder as they are read, so an event is yielded as soon as its
/// blank line arrives, and memory is bounded by the decoder's [`Limits`]. Items are
/// events; `retry` values are read with [`retry`](Self::retry). At the end of the
/// input an unfinished event is dropped, as the spec says. A read error or a decode
/// error (a limit broken) is yielded as an [`EventStreamError`], and ends the stream.
///
/// ```
/// use futures_lite::StreamExt;
/// use sse_async_std::ReaderEvents;
///
/// let input = &b"id: 1\ndata: hello\n\nretry: 500\ndata: wor\ndata: ld\n\ndata: cut"[..];
/// let mut events = ReaderEvents::new(input);
/// smol::block_on(async {
///     let first = events.next().await.unwrap()?;
///     assert_eq!((first.data(), first.last_event_id().as_str()), ("hello", "1"));
///     let second = events.next().await.unwrap()?;
///     assert_eq!(second.data(), "wor\nld");
///     assert!(events.next().await.is_none(), "the unfinished event is dropped");
///     assert_eq!(events.retry(), Some(std::time::Duration::from_millis(500)));
///     Ok::<(), sse_async_std::EventStreamError<std::io::Error>>(())
/// })?;
/// # Ok::<(), sse_async_std::EventStreamError<std::io::Error>>(())
/// ```
pub struct ReaderEvents<R> {
    reader: R,
    state: EventStreamState,
}

impl<R> fmt::Debug for ReaderEvents<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReaderEvents")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl<R> ReaderEvents<R> {
    /// Events of `reader` with the default decoder limits.
    pub fn new(reader: R) -> Self {
        ReaderEvents::with_limits(reader, Limits::default())
    }

    /// Events of `reader`, with `limits` on line and event size.
    pub fn with_limits(reader: R, limits: Limits) -> Self {
        ReaderEvents {
            reader,
            state: EventStreamState::new(limits),
        }
    }

    /// The last `retry:` value seen.
    pub fn retry(&self) -> Option<Duration> {
        self.state.decoder().retry()
    }

    /// The last event ID as it stands now.
    pub fn last_event_id(&self) -> &EventId {
        self.state.decoder().last_event_id()
    }

    /// The reader back. Bytes read but not yet decoded into a complete event are lost.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<R: AsyncRead + Unpin> Stream for ReaderEvents<R> {
    type Item = EventItem<io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.state.ready() {
                return Poll::Ready(item);
            }
            let buffer = this.state.read_buffer();
            match Pin::new(&mut this.reader).poll_read(cx, buffer) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(read)) => this.state.filled(read),
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Poll::Ready(Err(e)) => return Poll::Ready(this.state.fail(e)),
            }
        }
    }
}
