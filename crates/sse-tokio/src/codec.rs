//! A `tokio_util::codec` pair (feature `codec`): [`SseCodec`] decodes bytes into
//! [`MessageEvent`]s and encodes [`Event`]s and [`Frame`]s, for `FramedRead`,
//! `FramedWrite` and `Framed` over any byte stream.
//!
//! ```
//! use futures_util::{SinkExt, StreamExt};
//! use sse_tokio::codec::SseCodec;
//! use sse_tokio::Event;
//! use tokio_util::codec::{FramedRead, FramedWrite};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), sse_tokio::codec::CodecError> {
//! let (client, server) = tokio::io::duplex(1024);
//! let mut writer = FramedWrite::new(server, SseCodec::new());
//! writer.send(Event::new("ping")).await?;
//! drop(writer);
//! let mut reader = FramedRead::new(client, SseCodec::new());
//! let event = reader.next().await.unwrap()?;
//! assert_eq!(event.data(), "ping");
//! # Ok(()) }
//! ```

use std::fmt;
use std::io;

use bytes::BytesMut;
use sse_core::{DecodeError, Decoded, Decoder, Event, Frame, Limits, MessageEvent};

/// Decodes `text/event-stream` bytes into events and encodes events into frames.
///
/// Decoding hands every byte to sse-core's [`Decoder`] at once (it keeps partial
/// lines itself, within its [`Limits`]); `retry:` values are not items, read the
/// latest with [`retry`](Self::retry).
#[derive(Debug, Default)]
pub struct SseCodec {
    decoder: Decoder,
}

impl SseCodec {
    /// A codec with the default decoder limits.
    pub fn new() -> Self {
        SseCodec::default()
    }

    /// A codec whose decoder has `limits`.
    pub fn with_limits(limits: Limits) -> Self {
        SseCodec {
            decoder: Decoder::with_limits(limits),
        }
    }

    /// The last `retry:` value decoded.
    pub fn retry(&self) -> Option<std::time::Duration> {
        self.decoder.retry()
    }

    fn next_event(&mut self) -> Result<Option<MessageEvent>, CodecError> {
        while let Some(item) = self.decoder.next_item() {
            if let Decoded::Event(event) = item.map_err(CodecError::Decode)? {
                return Ok(Some(event));
            }
        }
        Ok(None)
    }
}

/// A codec failure: the input broke the decoder's limits, or I/O failed.
#[derive(Debug)]
pub enum CodecError {
    /// The input exceeded the decoder's limits.
    Decode(DecodeError),
    /// Reading or writing failed.
    Io(io::Error),
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::Decode(e) => write!(f, "invalid event stream: {e}"),
            CodecError::Io(e) => write!(f, "event stream I/O failed: {e}"),
        }
    }
}

impl std::error::Error for CodecError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CodecError::Decode(e) => Some(e),
            CodecError::Io(e) => Some(e),
        }
    }
}

impl From<io::Error> for CodecError {
    fn from(error: io::Error) -> Self {
        CodecError::Io(error)
    }
}

impl tokio_util::codec::Decoder for SseCodec {
    type Item = MessageEvent;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<MessageEvent>, CodecError> {
        if !src.is_empty() {
            self.decoder.feed(src);
            src.clear();
        }
        self.next_event()
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<MessageEvent>, CodecError> {
        if let Some(event) = self.decode(src)? {
            return Ok(Some(event));
        }
        self.decoder.finish();
        self.next_event()
    }
}

impl tokio_util::codec::Encoder<Event> for SseCodec {
    type Error = CodecError;

    fn encode(&mut self, event: Event, dst: &mut BytesMut) -> Result<(), CodecError> {
        sse_core::encode_into(&event, dst);
        Ok(())
    }
}

impl tokio_util::codec::Encoder<&Event> for SseCodec {
    type Error = CodecError;

    fn encode(&mut self, event: &Event, dst: &mut BytesMut) -> Result<(), CodecError> {
        sse_core::encode_into(event, dst);
        Ok(())
    }
}

impl tokio_util::codec::Encoder<Frame> for SseCodec {
    type Error = CodecError;

    fn encode(&mut self, frame: Frame, dst: &mut BytesMut) -> Result<(), CodecError> {
        dst.extend_from_slice(frame.as_bytes());
        Ok(())
    }
}
