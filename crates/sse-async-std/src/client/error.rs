//! What the client reports: the items of its stream and its errors.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use sse_core::{Disconnect, MessageEvent};

/// What an [`EventSource`](super::EventSource) yields, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceEvent {
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
