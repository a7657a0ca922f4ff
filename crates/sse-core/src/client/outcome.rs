//! What the machine tells its adapter: the [`Action`]s, and the reasons attached to
//! them ([`Disconnect`], [`StopReason`], [`TransportError`]).

use core::fmt;
use core::time::Duration;
use std::string::String;

use crate::decode::{DecodeError, MessageEvent};
use crate::event::EventId;

use super::response::reason_phrase;

/// The `readyState` of the browser's `EventSource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReadyState {
    /// A request is about to be made or is in flight, or the machine is waiting to
    /// reconnect.
    Connecting,
    /// A valid `text/event-stream` response is streaming.
    Open,
    /// Terminal: the machine has stopped (or will have, once its queued actions are
    /// polled) and ignores every further input.
    Closed,
}

/// Something the adapter must do or deliver, from [`ClientMachine::poll_action`].
///
/// [`ClientMachine::poll_action`]: super::ClientMachine::poll_action
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Make the request now, dropping any previous connection.
    ///
    /// Send `Accept: text/event-stream` and `Cache-Control: no-cache`
    /// ([`http::REQUEST_HEADERS`](crate::http::REQUEST_HEADERS)), plus
    /// `Last-Event-ID` ([`http::LAST_EVENT_ID`](crate::http::LAST_EVENT_ID)) with this
    /// id when it is `Some` (it is `Some` exactly when the last event ID is non-empty).
    Connect {
        /// The value of the `Last-Event-ID` request header, if one is to be sent.
        last_event_id: Option<EventId>,
    },
    /// The response was validated; the stream is open (`EventSource`'s `open` event).
    Open,
    /// An event to deliver to the application, in stream order.
    Event(MessageEvent),
    /// Drop the current connection now (if any). A [`Action::Connect`] follows once
    /// `delay` has passed: the machine reports the deadline through
    /// [`ClientMachine::poll_timeout`] and acts on it in
    /// [`ClientMachine::handle_timeout`].
    ///
    /// [`ClientMachine::poll_timeout`]: super::ClientMachine::poll_timeout
    /// [`ClientMachine::handle_timeout`]: super::ClientMachine::handle_timeout
    Reconnecting {
        /// How long the machine waits before the next [`Action::Connect`].
        delay: Duration,
        /// Consecutive reconnection attempts without reaching `Open`, this one
        /// included (1 for the first reconnection after an open stream ends).
        attempt: u32,
        /// Why the previous connection is being given up.
        cause: Disconnect,
    },
    /// Terminal: drop any connection; [`ClientMachine::poll_action`] returns `None`
    /// from now on.
    ///
    /// [`ClientMachine::poll_action`]: super::ClientMachine::poll_action
    Stopped(StopReason),
}

/// A connect or I/O failure reported by the adapter, carrying its description.
///
/// Adapters build it from their own error's `Display` (runtime error types differ, and
/// the machine only needs to report what happened).
///
/// ```
/// use sse_core::TransportError;
///
/// let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
/// let error = TransportError::new(io.to_string());
/// assert_eq!(error.to_string(), "transport error: reset by peer");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransportError {
    description: String,
}

impl TransportError {
    /// A transport error described by `description`.
    pub fn new(description: impl Into<String>) -> Self {
        TransportError {
            description: description.into(),
        }
    }

    /// The description given by the adapter.
    pub fn description(&self) -> &str {
        &self.description
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "transport error: {}", self.description)
    }
}

impl std::error::Error for TransportError {}

/// Why a connection was given up (and another one will be tried).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Disconnect {
    /// The server ended an open stream cleanly.
    EndOfStream,
    /// Connecting failed, or the connection broke.
    Transport(TransportError),
    /// Nothing arrived (no response, no bytes, not even a keep-alive comment) within
    /// the configured idle timeout.
    IdleTimeout,
    /// The server answered 5xx or 429 and the configuration retries those
    /// ([`ClientConfig::reconnect_on_server_error`]).
    ///
    /// [`ClientConfig::reconnect_on_server_error`]: super::ClientConfig::reconnect_on_server_error
    ServerError {
        /// The response's status code.
        status: u16,
    },
}

impl fmt::Display for Disconnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Disconnect::EndOfStream => f.write_str("the server ended the stream"),
            Disconnect::Transport(error) => fmt::Display::fmt(error, f),
            Disconnect::IdleTimeout => f.write_str("nothing received within the idle timeout"),
            Disconnect::ServerError { status } => {
                f.write_str("server answered ")?;
                write_status(*status, f)
            }
        }
    }
}

impl std::error::Error for Disconnect {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Disconnect::Transport(error) => Some(error),
            _ => None,
        }
    }
}

/// Why the machine stopped for good.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The server answered 204 No Content: the spec's way to tell a client to stop
    /// reconnecting.
    NoContent,
    /// The server answered a status other than 200 (and 204), which fails the
    /// connection for good (unless retried, see
    /// [`ClientConfig::reconnect_on_server_error`]).
    ///
    /// [`ClientConfig::reconnect_on_server_error`]: super::ClientConfig::reconnect_on_server_error
    BadStatus {
        /// The response's status code.
        status: u16,
    },
    /// The server answered 200 with a content type other than `text/event-stream`.
    BadContentType {
        /// The `Content-Type` header as received (invalid UTF-8 replaced), if any.
        content_type: Option<String>,
    },
    /// `max_retries` consecutive reconnection attempts failed to reach `Open`.
    RetriesExhausted {
        /// Reconnection attempts made (the configured `max_retries`).
        attempts: u32,
        /// Why the last connection was given up.
        last: Disconnect,
    },
    /// The stream broke the decoder's limits. A peer that does so once would do so
    /// again on every reconnection, so retrying only loads both sides; raise the
    /// limits ([`ClientConfig::limits`]) if such streams are legitimate.
    ///
    /// [`ClientConfig::limits`]: super::ClientConfig::limits
    Decode(DecodeError),
    /// The application called [`ClientMachine::close`].
    ///
    /// [`ClientMachine::close`]: super::ClientMachine::close
    Closed,
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::NoContent => {
                f.write_str("server answered 204 No Content: it asks the client to stop")
            }
            StopReason::BadStatus { status } => {
                f.write_str("server answered ")?;
                write_status(*status, f)?;
                f.write_str(", expected 200")
            }
            StopReason::BadContentType {
                content_type: Some(content_type),
            } => write!(
                f,
                "content type is {content_type}, expected text/event-stream"
            ),
            StopReason::BadContentType { content_type: None } => {
                f.write_str("response has no content type, expected text/event-stream")
            }
            StopReason::RetriesExhausted { attempts, last } => write!(
                f,
                "gave up after {attempts} reconnection attempts; last failure: {last}"
            ),
            StopReason::Decode(error) => write!(f, "stream rejected: {error}"),
            StopReason::Closed => f.write_str("closed by the application"),
        }
    }
}

impl std::error::Error for StopReason {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StopReason::RetriesExhausted { last, .. } => Some(last),
            StopReason::Decode(error) => Some(error),
            _ => None,
        }
    }
}

/// Writes `500 Internal Server Error`, or just `599` for a code without a standard
/// reason phrase.
fn write_status(status: u16, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match reason_phrase(status) {
        Some(phrase) => write!(f, "{status} {phrase}"),
        None => write!(f, "{status}"),
    }
}
