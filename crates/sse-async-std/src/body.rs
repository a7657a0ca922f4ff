//! A response body as an [`AsyncRead`]: what futures-io HTTP servers (trillium,
//! async-h1, …) take as a streaming body.

use std::error::Error;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use futures_io::AsyncRead;
use sse_core::stream::{FrameSource, FrameStream, StreamOptions};

use crate::timer::AsyncIoTimer;

/// The body of one SSE response as an [`AsyncRead`]: core's [`FrameStream`] (the
/// preamble, the source's frames, keep-alives only between whole frames) on an
/// `async-io` timer.
///
/// Each read copies as many ready frames as fit into the caller's buffer, so a burst
/// of events goes out in few writes; it returns `Pending` only when nothing at all is
/// ready (the HTTP server flushes then). The end of the source is the end of the body
/// (`Ok(0)`); a source error becomes an [`io::Error`] of kind `Other`, which makes
/// the server drop the connection: the client reconnects and resumes.
///
/// ```
/// use futures_lite::{AsyncReadExt, stream};
/// use sse_async_std::{Sse, SseBody};
/// use sse_core::Event;
///
/// let events = stream::iter([Event::new("one"), Event::new("two")]);
/// let mut body = SseBody::from(Sse::from_stream(events).comment("hi"));
/// let mut text = String::new();
/// smol::block_on(body.read_to_string(&mut text))?;
/// assert_eq!(text, ": hi\ndata: one\n\ndata: two\n\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct SseBody<S> {
    frames: FrameStream<S, AsyncIoTimer>,
    /// The unread rest of the last frame.
    pending: Bytes,
    /// A source error, reported once the bytes before it are read.
    failed: Option<io::Error>,
}

impl<S: FrameSource> SseBody<S> {
    /// The body of `source`'s frames with `options`' preamble and keep-alive.
    pub fn new(source: S, options: &StreamOptions) -> Self {
        SseBody {
            frames: FrameStream::new(source, AsyncIoTimer::new(), options),
            pending: Bytes::new(),
            failed: None,
        }
    }

    /// The source.
    pub fn source(&self) -> &S {
        self.frames.source()
    }
}

impl<S> AsyncRead for SseBody<S>
where
    S: FrameSource + Unpin,
    S::Error: Into<Box<dyn Error + Send + Sync>>,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let mut filled = 0;
        loop {
            let room = buf.len() - filled;
            if !this.pending.is_empty() {
                let take = room.min(this.pending.len());
                if let (Some(to), Some(from)) =
                    (buf.get_mut(filled..filled + take), this.pending.get(..take))
                {
                    to.copy_from_slice(from);
                }
                this.pending.advance(take);
                filled += take;
            }
            if filled == buf.len() {
                return Poll::Ready(Ok(filled));
            }
            if let Some(error) = this.failed.take() {
                return if filled > 0 {
                    this.failed = Some(error);
                    Poll::Ready(Ok(filled))
                } else {
                    Poll::Ready(Err(error))
                };
            }
            match this.frames.poll_next(cx) {
                Poll::Ready(Some(Ok(bytes))) => this.pending = bytes,
                Poll::Ready(Some(Err(error))) => this.failed = Some(io::Error::other(error)),
                Poll::Ready(None) => return Poll::Ready(Ok(filled)),
                Poll::Pending if filled > 0 => return Poll::Ready(Ok(filled)),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
