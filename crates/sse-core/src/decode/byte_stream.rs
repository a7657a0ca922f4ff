//! `events()` for any stream of byte chunks, such as `reqwest::Response::bytes_stream()`.

use core::pin::Pin;
use core::task::{Context, Poll, ready};
use core::time::Duration;

use futures_core::Stream;
use pin_project_lite::pin_project;

use super::events::{Chunk, EventItem, EventStreamState};
use super::{Decoder, Limits};
use crate::event::EventId;

/// Adds [`events`](Self::events) to every stream of `Result<chunk, E>` (chunks being
/// [`Bytes`](bytes::Bytes), `Vec<u8>`, `&[u8]`… see [`Chunk`]): the same items and
/// rules as the other decoding adapters (see [`events`](super::events)), on any
/// runtime.
///
/// ```
/// use bytes::Bytes;
/// use futures_util::{StreamExt, stream};
/// use sse_core::decode::EventsExt;
///
/// let chunks = [Ok::<_, std::io::Error>(Bytes::from("data: hel")), Ok(Bytes::from("lo\n\n"))];
/// let events: Vec<_> = futures_executor::block_on(stream::iter(chunks).events().collect());
/// assert_eq!(events[0].as_ref().unwrap().data(), "hello");
/// ```
pub trait EventsExt<B, E>: Stream<Item = Result<B, E>> + Sized {
    /// The events of this stream of chunks, decoded with the default [`Limits`].
    fn events(self) -> StreamEvents<Self> {
        self.events_with_limits(Limits::default())
    }

    /// The events of this stream of chunks, decoded with `limits`.
    fn events_with_limits(self, limits: Limits) -> StreamEvents<Self> {
        StreamEvents {
            chunks: self,
            state: EventStreamState::new(limits),
        }
    }
}

impl<S, B, E> EventsExt<B, E> for S
where
    S: Stream<Item = Result<B, E>>,
    B: Chunk,
{
}

pin_project! {
    /// The events of a stream of byte chunks: see [`EventsExt`].
    #[derive(Debug)]
    pub struct StreamEvents<S> {
        #[pin]
        chunks: S,
        state: EventStreamState,
    }
}

impl<S> StreamEvents<S> {
    /// The last `retry` value seen.
    pub fn retry(&self) -> Option<Duration> {
        self.state.decoder().retry()
    }

    /// The last event ID as it stands now.
    pub fn last_event_id(&self) -> &EventId {
        self.state.decoder().last_event_id()
    }

    /// The decoder.
    pub fn decoder(&self) -> &Decoder {
        self.state.decoder()
    }
}

impl<S, B, E> Stream for StreamEvents<S>
where
    S: Stream<Item = Result<B, E>>,
    B: Chunk,
{
    type Item = EventItem<E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if let Some(item) = this.state.ready() {
                return Poll::Ready(item);
            }
            match ready!(this.chunks.as_mut().poll_next(cx)) {
                None => this.state.end_input(),
                Some(Ok(chunk)) => this.state.feed(chunk),
                Some(Err(error)) => return Poll::Ready(this.state.fail(error)),
            }
        }
    }
}
