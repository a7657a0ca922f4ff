//! One event whose data is read from a tokio [`AsyncRead`]: a large document streamed
//! as `data:` lines, never held whole. The framing is sse-core's
//! ([`ReaderEvent`]); this module only supplies the read.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use sse_core::Event;
use sse_core::source::{DataRead, ReaderEvent};
use tokio::io::{AsyncRead, ReadBuf};

/// An event with `head`'s type, id and retry whose data is `reader`'s bytes, framed as
/// they arrive (line breaks of any kind split `data:` lines, also across reads) and
/// never buffered whole. Send it as an item of [`Sse::from_stream`](crate::Sse::from_stream),
/// or alone with `Sse::new(reader_event(head, reader).into_source())`.
///
/// ```
/// use sse_tokio::{Event, Sse, reader_event};
///
/// let document: &'static [u8] = b"line one\nline two";
/// let sse = Sse::new(reader_event(Event::builder().id("doc-1").build()?, document).into_source());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reader_event(head: Event, reader: impl AsyncRead + Send + Unpin + 'static) -> ReaderEvent {
    ReaderEvent::new(head, TokioRead(reader))
}

/// A tokio reader as sse-core's [`DataRead`].
struct TokioRead<R>(R);

impl<R: AsyncRead + Send + Unpin> DataRead for TokioRead<R> {
    fn poll_read_data(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let mut read = ReadBuf::new(buf);
        match Pin::new(&mut self.0).poll_read(cx, &mut read) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(read.filled().len())),
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use futures_util::StreamExt;
    use sse_core::{EventId, Frame};
    use tokio::io::AsyncWriteExt;

    use super::*;
    use crate::{Sse, SseBody};

    #[tokio::test]
    async fn a_tokio_reader_is_framed_like_the_whole_event() {
        let head = Event::default().with_id(EventId::new("7").unwrap());
        let payload: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("line {i}\r\n").into_bytes())
            .collect();
        let (mut writer, reader) = tokio::io::duplex(4096);
        let sent = payload.clone();
        tokio::spawn(async move {
            writer.write_all(&sent).await.unwrap();
        });
        let sse = Sse::new(reader_event(head.clone(), reader).into_source()).no_keep_alive();
        let mut body = SseBody::from(sse);
        let mut all = Vec::new();
        while let Some(chunk) = body.next().await {
            all.extend_from_slice(&chunk.unwrap());
        }
        let whole = Frame::encode(&head.with_data(Bytes::from(payload)));
        assert_eq!(&all[..], &whole.as_bytes()[..]);
    }
}
