//! Decoding adapters: the bytes of any [`AsyncRead`] or [`http_body::Body`] as a
//! `Stream` of events, through sse-core's [`Decoder`](sse_core::Decoder).
//!
//! A hyper or reqwest response body, a file, a child process's stdout: wrap it and
//! poll events. For a stream of byte chunks (`reqwest::Response::bytes_stream()`),
//! use [`EventsExt::events`](crate::EventsExt::events). All of them, here and in
//! `sse-async-std`, share sse-core's rules ([`sse_core::decode::events`]): items are
//! [`MessageEvent`](sse_core::MessageEvent)s, `retry:` values are read with `retry()`, and a read error or a
//! decode error is yielded as an [`EventStreamError`] item that ends the stream.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures_core::Stream;
use http_body::Body;
use pin_project_lite::pin_project;
use sse_core::decode::{EventItem, EventStreamState};
use sse_core::{EventId, Limits};
use tokio::io::{AsyncRead, ReadBuf};

pub use sse_core::decode::EventStreamError;

pin_project! {
    /// The events read from an [`AsyncRead`], [`READ_SIZE`](sse_core::decode::events::READ_SIZE)
    /// bytes at a time. Ends at end of input (an unfinished last event is dropped, as
    /// the spec says) or after the first error, which is yielded.
    ///
    /// ```
    /// use futures_util::StreamExt;
    /// use sse_tokio::ReaderEvents;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let input: &[u8] = b"event: greet\ndata: hello\n\ndata: unfinished";
    /// let events: Vec<_> = ReaderEvents::new(input).collect().await;
    /// assert_eq!(events.len(), 1);
    /// let event = events[0].as_ref().unwrap();
    /// assert_eq!((event.event_type(), event.data()), ("greet", "hello"));
    /// # }
    /// ```
    pub struct ReaderEvents<R> {
        #[pin]
        reader: R,
        state: EventStreamState,
    }
}

impl<R> fmt::Debug for ReaderEvents<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReaderEvents")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl<R: AsyncRead> ReaderEvents<R> {
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
}

impl<R> ReaderEvents<R> {
    /// The last `retry:` value seen.
    pub fn retry(&self) -> Option<Duration> {
        self.state.decoder().retry()
    }

    /// The last event ID as it stands now.
    pub fn last_event_id(&self) -> &EventId {
        self.state.decoder().last_event_id()
    }
}

impl<R: AsyncRead> Stream for ReaderEvents<R> {
    type Item = EventItem<io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if let Some(item) = this.state.ready() {
                return Poll::Ready(item);
            }
            let mut read = ReadBuf::new(this.state.read_buffer());
            match ready!(this.reader.as_mut().poll_read(cx, &mut read)) {
                Ok(()) => {
                    let filled = read.filled().len();
                    this.state.filled(filled);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Poll::Ready(this.state.fail(error)),
            }
        }
    }
}

pin_project! {
    /// The events of an [`http_body::Body`]: a hyper `Incoming`, a reqwest body
    /// (through its `http_body` impl), any body with `Buf` data (`Bytes` data is
    /// decoded without a copy). Trailers are ignored. Ends like [`ReaderEvents`].
    pub struct BodyEvents<B> {
        #[pin]
        body: B,
        state: EventStreamState,
    }
}

impl<B> fmt::Debug for BodyEvents<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyEvents")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl<B: Body> BodyEvents<B> {
    /// Events of `body` with the default decoder limits.
    pub fn new(body: B) -> Self {
        BodyEvents::with_limits(body, Limits::default())
    }

    /// Events of `body`, with `limits` on line and event size.
    pub fn with_limits(body: B, limits: Limits) -> Self {
        BodyEvents {
            body,
            state: EventStreamState::new(limits),
        }
    }
}

impl<B> BodyEvents<B> {
    /// The last `retry:` value seen.
    pub fn retry(&self) -> Option<Duration> {
        self.state.decoder().retry()
    }

    /// The last event ID as it stands now.
    pub fn last_event_id(&self) -> &EventId {
        self.state.decoder().last_event_id()
    }
}

impl<B: Body> Stream for BodyEvents<B> {
    type Item = EventItem<B::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if let Some(item) = this.state.ready() {
                return Poll::Ready(item);
            }
            match ready!(this.body.as_mut().poll_frame(cx)) {
                None => this.state.end_input(),
                Some(Err(error)) => return Poll::Ready(this.state.fail(error)),
                Some(Ok(frame)) => {
                    if let Ok(mut data) = frame.into_data() {
                        // `Bytes` hands itself over; other buffers are copied once.
                        let len = bytes::Buf::remaining(&data);
                        this.state.feed(bytes::Buf::copy_to_bytes(&mut data, len));
                    }
                }
            }
        }
    }
}
