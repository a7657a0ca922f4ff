//! What the client reports: the items of its stream and its errors.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use sse_core::{Disconnect, MessageEvent, StopReason};

/// What an [`EventSource`](super::EventSource) yields, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SseEvent {
    /// A connection was established and validated (status 200, `text/event-stream`):
    /// the browser's `open` event. Comes again after every reconnection.
    Open,
    /// An event from the server.
    Message(MessageEvent),
    /// The connection was given up; the client reconnects after `delay` (sending the
    /// last event ID, so the server can resume). Informational: nothing to do.
    Reconnecting {
        /// How long the client waits before connecting again.
        delay: Duration,
        /// Consecutive attempts that did not reach `Open`, this one included.
        attempt: u32,
        /// Why the connection was given up.
        cause: Disconnect,
    },
}

/// Why an [`EventSource`](super::EventSource) stopped for good (after this, its stream
/// ends). A client closed by the application just ends, without an error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientError {
    /// The server or the stream made the client stop: `204 No Content` (the spec's way
    /// of saying "stop reconnecting"), a status other than 200, a content type other
    /// than `text/event-stream`, retries exhausted, or a stream over the decoder's
    /// limits. Match on the [`StopReason`].
    Stopped(StopReason),
}

impl ClientError {
    /// Why the client stopped.
    pub fn reason(&self) -> &StopReason {
        match self {
            ClientError::Stopped(reason) => reason,
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Stopped(reason) => write!(f, "event source stopped: {reason}"),
        }
    }
}

impl Error for ClientError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            ClientError::Stopped(reason) => Some(reason),
        }
    }
}

/// Why an [`EventSource`](super::EventSource) could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The URL does not parse, or is not `http:`/`https:`.
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An extra request header has an invalid name or value.
    InvalidHeader {
        /// The header name as given.
        name: String,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidUrl { url, reason } => write!(f, "invalid URL {url:?}: {reason}"),
            BuildError::InvalidHeader { name } => write!(f, "invalid request header {name:?}"),
        }
    }
}

impl Error for BuildError {}
