//! One event whose data is read from a futures-io [`AsyncRead`]: a large document
//! streamed as `data:` lines, never held whole. The framing is sse-core's
//! ([`ReaderEvent`]); this module only supplies the read.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::AsyncRead;
use sse_core::Event;
use sse_core::source::{DataRead, ReaderEvent};

/// An event with `head`'s type, id and retry whose data is `reader`'s bytes, framed as
/// they arrive (line breaks of any kind split `data:` lines, also across reads) and
/// never buffered whole. Send it as an item of [`Sse::from_stream`](crate::Sse::from_stream),
/// or alone with `Sse::new(reader_event(head, reader).into_source())`.
///
/// ```
/// use futures_lite::AsyncReadExt;
/// use sse_async_std::{Sse, SseBody, reader_event};
/// use sse_core::Event;
///
/// let head = Event::builder().event("doc").id("7").build()?;
/// let document: &'static [u8] = b"line one\nline two";
/// let sse = Sse::new(reader_event(head, document).into_source()).no_keep_alive();
/// let mut text = String::new();
/// smol::block_on(SseBody::from(sse).read_to_string(&mut text))?;
/// assert_eq!(text, "event: doc\nid: 7\ndata: line one\ndata: line two\n\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reader_event(head: Event, reader: impl AsyncRead + Send + Unpin + 'static) -> ReaderEvent {
    ReaderEvent::new(head, FuturesRead(reader))
}

/// A futures-io reader as sse-core's [`DataRead`].
struct FuturesRead<R>(R);

impl<R: AsyncRead + Send + Unpin> DataRead for FuturesRead<R> {
    fn poll_read_data(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}
