//! What every decoding adapter shares: "the events of a byte source" as a stream, over
//! an async reader, an HTTP body or a stream of chunks, on any runtime.
//!
//! An adapter reads bytes and hands them to an [`EventStreamState`]; the state owns the
//! [`Decoder`] and the rules of the stream, so every adapter behaves alike:
//!
//! - the items are events ([`MessageEvent`]); `retry` values are not items (the
//!   adapters expose the latest as `retry()`);
//! - at the end of the input an unfinished event is dropped, as the spec says, and
//!   the stream ends;
//! - a read error is yielded as an [`EventStreamError::Read`] item, and ends the
//!   stream;
//! - a decode error (the input broke the decoder's [`Limits`]) is yielded as an
//!   [`EventStreamError::Decode`] item, and ends the stream too: a peer that breaks the
//!   limits is not worth reading further, and a stream that stops at its first error
//!   is what `?` in a loop expects.

use core::error::Error;
use core::fmt;

use bytes::{Bytes, BytesMut};

use super::{DecodeError, Decoded, Decoder, Limits, MessageEvent};

/// How many bytes the reader adapters ask for at a time (the read buffer's size).
pub const READ_SIZE: usize = 16 << 10;

/// The error item of a decoded event stream; the stream ends after it.
#[derive(Debug)]
#[non_exhaustive]
pub enum EventStreamError<E> {
    /// Reading the bytes failed; `E` is the transport's error, kept as the
    /// [`source`](Error::source).
    Read(E),
    /// The input broke the decoder's [`Limits`].
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

#[cfg(feature = "std")]
impl From<EventStreamError<std::io::Error>> for std::io::Error {
    fn from(error: EventStreamError<std::io::Error>) -> std::io::Error {
        match error {
            EventStreamError::Read(error) => error,
            EventStreamError::Decode(error) => {
                std::io::Error::new(std::io::ErrorKind::InvalidData, error)
            }
        }
    }
}

/// The item of a decoded event stream.
pub type EventItem<E> = Result<MessageEvent, EventStreamError<E>>;

/// A chunk of input an adapter can give the decoder: by ownership when it is (or
/// becomes for free) [`Bytes`], so events whole in it are slices of it
/// ([`Decoder::feed_bytes`]), else borrowed ([`Decoder::feed`], one copy).
pub trait Chunk {
    /// Gives the chunk to `decoder`.
    fn feed_to(self, decoder: &mut Decoder);
}

impl Chunk for Bytes {
    fn feed_to(self, decoder: &mut Decoder) {
        decoder.feed_bytes(self);
    }
}

impl Chunk for BytesMut {
    fn feed_to(self, decoder: &mut Decoder) {
        decoder.feed_bytes(self.freeze());
    }
}

impl Chunk for alloc::vec::Vec<u8> {
    fn feed_to(self, decoder: &mut Decoder) {
        decoder.feed_bytes(Bytes::from(self));
    }
}

impl Chunk for alloc::string::String {
    fn feed_to(self, decoder: &mut Decoder) {
        decoder.feed_bytes(Bytes::from(self));
    }
}

impl Chunk for &[u8] {
    fn feed_to(self, decoder: &mut Decoder) {
        decoder.feed(self);
    }
}

impl Chunk for &str {
    fn feed_to(self, decoder: &mut Decoder) {
        decoder.feed(self.as_bytes());
    }
}

impl<const N: usize> Chunk for &[u8; N] {
    fn feed_to(self, decoder: &mut Decoder) {
        decoder.feed(self);
    }
}

/// The decoder of a decoded event stream and where the stream is: the part of every
/// decoding adapter that is not I/O (see the [module docs](self) for its rules).
///
/// ```
/// use sse_core::decode::{EventStreamState, Limits};
///
/// let mut state = EventStreamState::new(Limits::default());
/// state.feed(&b"data: a\n\ndata: cut"[..]);
/// let Some(Some(Ok(event))) = state.ready::<()>() else { panic!() };
/// assert_eq!(event.data(), "a");
/// assert!(state.ready::<()>().is_none(), "more input is needed");
/// state.end_input();
/// assert!(matches!(state.ready::<()>(), Some(None)), "the stream ended");
/// ```
#[derive(Debug)]
pub struct EventStreamState {
    decoder: Decoder,
    /// The reader adapters' read buffer (see [`read_buffer`](Self::read_buffer)).
    buffer: BytesMut,
    input_ended: bool,
    ended: bool,
}

impl EventStreamState {
    /// A stream decoded with `limits`.
    pub fn new(limits: Limits) -> Self {
        EventStreamState {
            decoder: Decoder::with_limits(limits),
            buffer: BytesMut::new(),
            input_ended: false,
            ended: false,
        }
    }

    /// The decoder (its last event ID and `retry`).
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// Decodes the next chunk of input.
    pub fn feed(&mut self, chunk: impl Chunk) {
        chunk.feed_to(&mut self.decoder);
    }

    /// Where a reader adapter reads the next bytes into: [`READ_SIZE`] bytes. Pass the
    /// number of bytes read to [`filled`](Self::filled).
    ///
    /// What was read is handed to the decoder as shared [`Bytes`], so events whole in
    /// one read are slices of it; the buffer's memory is reused once those events are
    /// dropped.
    pub fn read_buffer(&mut self) -> &mut [u8] {
        self.buffer.clear();
        self.buffer.resize(READ_SIZE, 0);
        &mut self.buffer
    }

    /// `read` bytes were read into [`read_buffer`](Self::read_buffer): decodes them,
    /// or ends the input when `read` is zero.
    pub fn filled(&mut self, read: usize) {
        if read == 0 {
            self.end_input();
            return;
        }
        self.buffer.truncate(read);
        let chunk = self.buffer.split().freeze();
        self.decoder.feed_bytes(chunk);
    }

    /// The input ended (a read of zero bytes, the body's end).
    pub fn end_input(&mut self) {
        if !self.input_ended {
            self.input_ended = true;
            self.decoder.finish();
        }
    }

    /// Reading failed with `error`: the item to yield; the stream then ends.
    pub fn fail<E>(&mut self, error: E) -> Option<EventItem<E>> {
        self.ended = true;
        Some(Err(EventStreamError::Read(error)))
    }

    /// What the stream yields without reading more: `Some(Some(item))` when the
    /// decoder holds an event or a decode error, `Some(None)` once the stream has ended,
    /// and `None` when more input is needed.
    pub fn ready<E>(&mut self) -> Option<Option<EventItem<E>>> {
        if self.ended {
            return Some(None);
        }
        while let Some(item) = self.decoder.next_item() {
            match item {
                Ok(Decoded::Event(event)) => return Some(Some(Ok(event))),
                Ok(_) => {}
                Err(error) => {
                    self.ended = true;
                    return Some(Some(Err(EventStreamError::Decode(error))));
                }
            }
        }
        if self.input_ended {
            self.ended = true;
            return Some(None);
        }
        None
    }
}
