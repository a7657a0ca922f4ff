//! Decoding adapters: the bytes of any [`AsyncRead`] or [`http_body::Body`] as a
//! `Stream` of events, through sse-core's [`Decoder`].
//!
//! A hyper or reqwest response body, a file, a child process's stdout: wrap it and
//! poll events. `retry:` values are not items: read the latest with `retry()`.

use std::error::Error;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Buf;
use futures_core::Stream;
use http_body::Body;
use pin_project_lite::pin_project;
use sse_core::{DecodeError, Decoded, Decoder, EventId, Limits, MessageEvent};
use tokio::io::{AsyncRead, ReadBuf};

/// How many bytes are read per poll from an [`AsyncRead`].
const READ_SIZE: usize = 16 * 1024;

/// What ends a decoded stream early: the transport failed, or the input broke the
/// decoder's memory limits (a hostile server sending a line without end).
#[derive(Debug)]
pub enum EventStreamError<E> {
    /// Reading the bytes failed.
    Read(E),
    /// The input exceeded the decoder's limits.
    Decode(DecodeError),
}

impl<E: fmt::Display> fmt::Display for EventStreamError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventStreamError::Read(e) => write!(f, "reading the event stream failed: {e}"),
            EventStreamError::Decode(e) => write!(f, "invalid event stream: {e}"),
        }
    }
}

impl<E: Error + 'static> Error for EventStreamError<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            EventStreamError::Read(e) => Some(e),
            EventStreamError::Decode(e) => Some(e),
        }
    }
}

/// The decoder and whether the input has ended; shared by both adapters.
#[derive(Debug)]
struct Decoding {
    decoder: Decoder,
    input_ended: bool,
    failed: bool,
}

impl Decoding {
    fn new(limits: Limits) -> Self {
        Decoding {
            decoder: Decoder::with_limits(limits),
            input_ended: false,
            failed: false,
        }
    }

    /// The next decoded event already in the decoder (skipping `retry` items).
    fn next_event<E>(&mut self) -> Option<Result<MessageEvent, EventStreamError<E>>> {
        loop {
            match self.decoder.next_item()? {
                Ok(Decoded::Event(event)) => return Some(Ok(event)),
                Ok(_) => continue,
                Err(error) => {
                    self.failed = true;
                    return Some(Err(EventStreamError::Decode(error)));
                }
            }
        }
    }

    fn end_input(&mut self) {
        if !self.input_ended {
            self.input_ended = true;
            self.decoder.finish();
        }
    }

    fn fail<E>(&mut self, error: E) -> Option<Result<MessageEvent, EventStreamError<E>>> {
        self.failed = true;
        Some(Err(EventStreamError::Read(error)))
    }

    /// What the stream yields without reading more: `Some(None)` once it has failed
    /// or its input ended with nothing left, `Some(Some(event))` when the decoder holds
    /// an event (or a decode error); `None` when more input is needed.
    fn ready<E>(&mut self) -> Option<Option<Result<MessageEvent, EventStreamError<E>>>> {
        if self.failed {
            return Some(None);
        }
        if let Some(event) = self.next_event() {
            return Some(Some(event));
        }
        self.input_ended.then_some(None)
    }
}

pin_project! {
    /// The events read from an [`AsyncRead`]. Ends at end of input (an unfinished
    /// last event is dropped, as the spec says) or after the first error.
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
        decoding: Decoding,
        buf: Box<[u8]>,
    }
}

impl<R> fmt::Debug for ReaderEvents<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReaderEvents")
            .field("decoding", &self.decoding)
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
            decoding: Decoding::new(limits),
            buf: vec![0; READ_SIZE].into_boxed_slice(),
        }
    }

    /// The last `retry:` value seen.
    pub fn retry(&self) -> Option<Duration> {
        self.decoding.decoder.retry()
    }

    /// The last event ID as it stands now.
    pub fn last_event_id(&self) -> &EventId {
        self.decoding.decoder.last_event_id()
    }
}

impl<R: AsyncRead> Stream for ReaderEvents<R> {
    type Item = Result<MessageEvent, EventStreamError<io::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if let Some(item) = this.decoding.ready() {
                return Poll::Ready(item);
            }
            let mut read = ReadBuf::new(this.buf);
            match ready!(this.reader.as_mut().poll_read(cx, &mut read)) {
                Ok(()) if read.filled().is_empty() => this.decoding.end_input(),
                Ok(()) => this.decoding.decoder.feed(read.filled()),
                Err(error) => return Poll::Ready(this.decoding.fail(error)),
            }
        }
    }
}

pin_project! {
    /// The events of an [`http_body::Body`]: a hyper `Incoming`, a reqwest body
    /// (through its `http_body` impl), any body with `Buf` data. Trailers are ignored.
    pub struct BodyEvents<B> {
        #[pin]
        body: B,
        decoding: Decoding,
    }
}

impl<B> fmt::Debug for BodyEvents<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyEvents")
            .field("decoding", &self.decoding)
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
            decoding: Decoding::new(limits),
        }
    }

    /// The last `retry:` value seen.
    pub fn retry(&self) -> Option<Duration> {
        self.decoding.decoder.retry()
    }

    /// The last event ID as it stands now.
    pub fn last_event_id(&self) -> &EventId {
        self.decoding.decoder.last_event_id()
    }
}

impl<B: Body> Stream for BodyEvents<B> {
    type Item = Result<MessageEvent, EventStreamError<B::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if let Some(item) = this.decoding.ready() {
                return Poll::Ready(item);
            }
            match ready!(this.body.as_mut().poll_frame(cx)) {
                None => this.decoding.end_input(),
                Some(Err(error)) => return Poll::Ready(this.decoding.fail(error)),
                Some(Ok(frame)) => {
                    if let Ok(mut data) = frame.into_data() {
                        while data.has_remaining() {
                            let chunk = data.chunk();
                            let len = chunk.len();
                            this.decoding.decoder.feed(chunk);
                            data.advance(len);
                        }
                    }
                }
            }
        }
    }
}
