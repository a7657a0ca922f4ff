//! [`SseBody`]: an event stream as an `http_body::Body`, on tokio's timer.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use sse_core::response::SseResponse;
use sse_core::stream::{FrameSource, FrameStream, StreamOptions};

use crate::Sse;
use crate::timer::TokioTimer;

/// The body of an SSE response: implements [`http_body::Body`] with `Data = Bytes`, so
/// it is returned as is from hyper services, axum handlers and any tower service whose
/// response body is generic (tonic's included). [`Sse`] makes it, with the headers
/// (`http::Response::from(sse)`).
///
/// It sends the options' preamble, then the source's frames as they come (the shared
/// `Bytes` of a hub frame is written without a copy), and a keep-alive after each
/// interval of silence, on tokio's timer, only between whole frames. When the client
/// goes away the server drops the body, which drops the source: a hub subscription is
/// released at once.
///
/// `size_hint` is unknown, so servers send no `Content-Length` (HTTP/1.1 uses chunked
/// encoding). Polling needs a tokio runtime with the time driver.
///
/// ```
/// use futures_util::stream;
/// use sse_tokio::{Event, Sse};
///
/// let events = stream::iter([Event::new("one"), Event::new("two")]);
/// let response = http::Response::from(Sse::from_stream(events));
/// assert_eq!(response.headers()["content-type"], "text/event-stream");
/// ```
#[derive(Debug)]
pub struct SseBody<S> {
    frames: FrameStream<S, TokioTimer>,
}

impl<S: FrameSource> SseBody<S> {
    /// A body of `source`'s frames shaped by `options`.
    pub fn new(source: S, options: &StreamOptions) -> Self {
        SseBody {
            frames: FrameStream::new(source, TokioTimer::new(), options),
        }
    }

    /// The source.
    pub fn source(&self) -> &S {
        self.frames.source()
    }

    /// The source, mutably.
    pub fn source_mut(&mut self) -> &mut S {
        self.frames.source_mut()
    }
}

impl<S: FrameSource> From<SseResponse<S>> for SseBody<S> {
    fn from(response: SseResponse<S>) -> Self {
        SseBody {
            frames: response.into_frames(TokioTimer::new()),
        }
    }
}

impl<S: FrameSource> From<Sse<S>> for SseBody<S> {
    fn from(sse: Sse<S>) -> Self {
        sse.into_inner().into()
    }
}

impl<S> http_body::Body for SseBody<S>
where
    S: FrameSource + Unpin,
{
    type Data = Bytes;
    type Error = S::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, S::Error>>> {
        self.get_mut()
            .frames
            .poll_next(cx)
            .map(|next| next.map(|bytes| bytes.map(http_body::Frame::data)))
    }

    fn is_end_stream(&self) -> bool {
        self.frames.is_finished()
    }
}

impl<S> Stream for SseBody<S>
where
    S: FrameSource + Unpin,
{
    type Item = Result<Bytes, S::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().frames.poll_next(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures_util::StreamExt;
    use http_body_util::BodyExt;
    use sse_core::stream::KeepAlive;
    use tokio::io::AsyncWriteExt;

    use super::*;
    use sse_core::Event;
    use sse_core::source::SseItem;

    use crate::reader_event;

    fn options(keep_alive: Duration) -> StreamOptions {
        StreamOptions::default()
            .keep_alive(Some(KeepAlive::new(keep_alive)))
            .retry(Duration::from_millis(250))
    }

    #[tokio::test(start_paused = true)]
    async fn preamble_events_then_end() {
        let events = futures_util::stream::iter([Event::new("a"), Event::new("b")]);
        let body =
            SseBody::from(Sse::from_stream(events).with_options(options(Duration::from_secs(1))));
        let bytes = BodyExt::collect(body).await.unwrap().to_bytes();
        assert_eq!(&bytes[..], b"retry: 250\ndata: a\n\ndata: b\n\n");
    }

    #[tokio::test(start_paused = true)]
    async fn keep_alive_while_idle_on_tokio_time() {
        let (tx, rx) = tokio::sync::mpsc::channel::<Event>(1);
        let stream =
            futures_util::stream::unfold(rx, |mut rx| async { rx.recv().await.map(|e| (e, rx)) });
        let mut body =
            SseBody::from(Sse::from_stream(stream).with_options(options(Duration::from_secs(10))));
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"retry: 250\n");
        // Paused clock: the runtime jumps to the keep-alive deadline.
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b":\n");
        tx.send(Event::new("x")).await.unwrap();
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"data: x\n\n");
        drop(tx);
        assert!(body.next().await.is_none());
        assert!(http_body::Body::is_end_stream(&body));
    }

    #[tokio::test(start_paused = true)]
    async fn no_keep_alive_inside_a_streamed_event() {
        let (mut writer, reader) = tokio::io::duplex(64);
        let items = futures_util::stream::iter([
            reader_event(Event::default(), reader)
                .into_outgoing()
                .unwrap(),
            Event::new("after").into_outgoing().unwrap(),
        ])
        .chain(futures_util::stream::pending());
        let mut body =
            SseBody::from(Sse::from_stream(items).with_options(options(Duration::from_secs(1))));
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"retry: 250\n");
        writer.write_all(b"part1").await.unwrap();
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"data: part1");
        // Ten keep-alive intervals pass while the event is open: nothing is sent.
        let stalled = tokio::time::timeout(Duration::from_secs(10), body.next()).await;
        assert!(stalled.is_err(), "a keep-alive was sent inside the frame");
        writer.write_all(b"\npart2").await.unwrap();
        drop(writer);
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"\ndata: part2");
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"\n\n");
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"data: after\n\n");
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b":\n");
    }
}
