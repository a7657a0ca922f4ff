//! What the machine tells its adapter: the [`Action`]s, and the reasons attached to
//! them ([`Disconnect`], [`StopReason`], [`TransportError`]).

use core::fmt::{self, Write as _};
use core::hash::{Hash, Hasher};
use core::time::Duration;
use std::boxed::Box;
use std::string::{String, ToString};
use std::sync::Arc;

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

/// A connect or I/O failure reported by the adapter, keeping the error it came from.
///
/// The error is shared (`Arc`), so the machine's actions and stop reasons stay
/// `Clone`. [`find`](Self::find) walks the chain of causes to the one a caller wants
/// to match, say an [`io::Error`](std::io::Error) of kind `ConnectionRefused` under
/// the HTTP library's own error, or a TLS error.
///
/// `Display` writes the error and each of its causes on one line (`transport error:
/// client error (Connect): tcp connect error: connection refused`), since reasons for
/// reconnecting are mostly printed as they are; [`source`](core::error::Error::source)
/// returns the error itself. Two transport errors are equal when they print the same.
///
/// ```
/// use std::io;
/// use sse_core::TransportError;
///
/// let io = io::Error::new(io::ErrorKind::ConnectionRefused, "connection refused");
/// let error = TransportError::new(io);
/// assert_eq!(error.to_string(), "transport error: connection refused");
/// let kind = error.find::<io::Error>().map(io::Error::kind);
/// assert_eq!(kind, Some(io::ErrorKind::ConnectionRefused));
///
/// // A description alone works too.
/// let error = TransportError::new("no route");
/// assert_eq!(error.to_string(), "transport error: no route");
/// ```
#[derive(Debug, Clone)]
pub struct TransportError {
    error: Arc<dyn core::error::Error + Send + Sync>,
}

impl TransportError {
    /// A transport error caused by `error` (any error type, or a description: a
    /// `String` or `&str` converts too).
    pub fn new(error: impl Into<Box<dyn core::error::Error + Send + Sync>>) -> Self {
        TransportError {
            error: Arc::from(error.into()),
        }
    }

    /// The error given by the adapter.
    pub fn get_ref(&self) -> &(dyn core::error::Error + Send + Sync + 'static) {
        &*self.error
    }

    /// The first error of type `E` in the chain: the adapter's error, then its
    /// sources in order.
    pub fn find<E: core::error::Error + 'static>(&self) -> Option<&E> {
        let mut next: Option<&(dyn core::error::Error + 'static)> = Some(self.get_ref());
        while let Some(error) = next {
            if let Some(found) = error.downcast_ref::<E>() {
                return Some(found);
            }
            next = error.source();
        }
        None
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "transport error: {}", self.error)?;
        let mut source = self.error.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl PartialEq for TransportError {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.error, &other.error) || self.to_string() == other.to_string()
    }
}

impl Eq for TransportError {}

impl Hash for TransportError {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Consistent with `eq`: the printed text, streamed into the hasher.
        let _ = write!(HashWriter(state), "{self}");
    }
}

/// Feeds formatted text into a hasher without allocating.
struct HashWriter<'a, H: Hasher>(&'a mut H);

impl<H: Hasher> fmt::Write for HashWriter<'_, H> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

impl core::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        Some(self.get_ref())
    }
}

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
    /// The response head did not arrive within the configured
    /// [`connect_timeout`](super::ClientConfig::connect_timeout) (connecting, any
    /// TLS handshake, the request and redirects included).
    ConnectTimeout {
        /// The timeout that passed.
        timeout: Duration,
    },
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
            Disconnect::ConnectTimeout { timeout } => {
                write!(f, "no response within the connect timeout of {:?}", timeout)
            }
            Disconnect::ServerError { status } => {
                f.write_str("server answered ")?;
                write_status(*status, f)
            }
        }
    }
}

impl core::error::Error for Disconnect {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
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

impl core::error::Error for StopReason {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
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
