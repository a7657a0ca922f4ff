//! What a client that is a stream of items yields: [`SourceEvent`].

use core::time::Duration;

use crate::decode::MessageEvent;

use super::outcome::Disconnect;

/// What an `EventSource` client stream yields, in order: the browser
/// `EventSource`'s `open` and `message` events, and each reconnection (its `error`
/// event) with the reason.
///
/// The stream's item is `Result<SourceEvent, StopReason>`: an `Err` says why the
/// client stopped for good, and the stream ends after it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceEvent {
    /// A connection was established and validated (status 200,
    /// `text/event-stream`): the stream is open. Comes again after every
    /// reconnection.
    Open,
    /// An event from the server: its type (`message` unless the server set one),
    /// data and the last event id in force.
    Message(MessageEvent),
    /// The connection was given up; the client reconnects after `delay`, sending the
    /// last event ID so the server can resume. Informational: nothing to do.
    Reconnecting {
        /// How long until the next attempt.
        delay: Duration,
        /// Consecutive attempts that have not reached `Open`, this one included.
        attempt: u32,
        /// Why the connection was given up.
        cause: Disconnect,
    },
}
