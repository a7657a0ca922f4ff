//! What a client that is a stream of items yields ([`SourceEvent`]), and the step
//! that turns the machine's actions into those items
//! ([`ClientMachine::poll_item`]), so that an adapter keeps only its I/O
//! ([`ClientIo`]).

use core::time::Duration;

use crate::decode::MessageEvent;
use crate::event::EventId;

use super::machine::ClientMachine;
use super::outcome::{Action, Disconnect, StopReason};

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

/// The I/O half of a client stream: what [`ClientMachine::poll_item`] asks the
/// adapter to do. Everything else (the response, the bytes, the end or failure of
/// the connection, the deadlines) the adapter feeds to the machine as usual.
pub trait ClientIo {
    /// Makes the request now, dropping any previous connection: `Accept:
    /// text/event-stream`, `Cache-Control: no-cache`
    /// ([`http::REQUEST_HEADERS`](crate::http::REQUEST_HEADERS)), and `Last-Event-ID`
    /// with `last_event_id` when it is `Some` (see [`Action::Connect`]).
    fn connect(&mut self, last_event_id: Option<EventId>);

    /// Drops the current connection, if any.
    fn disconnect(&mut self);
}

impl ClientMachine {
    /// One step of a client that is a stream of [`SourceEvent`]s: performs the queued
    /// actions (connecting and disconnecting through `io`) until one is an item for
    /// the stream, and returns what the stream's `poll_next` returns:
    ///
    /// - `Some(Some(Ok(event)))`: yield `event` (after `Reconnecting`, `io` has
    ///   already dropped the connection);
    /// - `Some(Some(Err(reason)))`: the machine stopped for good; yield `reason`, the
    ///   stream ends after it;
    /// - `Some(None)`: the stream has ended (closed by the application, or its stop
    ///   reason was yielded), and from now on every call says so;
    /// - `None`: nothing to yield now: make progress on the connection (feeding what
    ///   happens to the `handle_*` methods) or sleep until
    ///   [`poll_timeout`](Self::poll_timeout), then call again.
    ///
    /// ```
    /// use std::time::Instant;
    /// use sse_core::{ClientConfig, ClientIo, ClientMachine, EventId, SourceEvent};
    ///
    /// /// Records what the machine asks for instead of doing HTTP.
    /// #[derive(Default)]
    /// struct Requests(Vec<Option<EventId>>);
    ///
    /// impl ClientIo for Requests {
    ///     fn connect(&mut self, last_event_id: Option<EventId>) {
    ///         self.0.push(last_event_id);
    ///     }
    ///     fn disconnect(&mut self) {}
    /// }
    ///
    /// let now = Instant::now();
    /// let mut io = Requests::default();
    /// let mut machine = ClientMachine::new(ClientConfig::default(), now, 1);
    /// assert_eq!(machine.poll_item(&mut io), None, "connecting: nothing to yield yet");
    /// assert_eq!(io.0, [None]);
    ///
    /// machine.handle_response(now, 200, Some(b"text/event-stream"));
    /// machine.handle_data(now, b"id: 1\ndata: hello\n\n");
    /// assert_eq!(machine.poll_item(&mut io), Some(Some(Ok(SourceEvent::Open))));
    /// let Some(Some(Ok(SourceEvent::Message(event)))) = machine.poll_item(&mut io) else {
    ///     panic!("expected the message");
    /// };
    /// assert_eq!(event.data(), "hello");
    ///
    /// machine.close();
    /// assert_eq!(machine.poll_item(&mut io), Some(None), "closed: the stream ends");
    /// ```
    pub fn poll_item(
        &mut self,
        io: &mut impl ClientIo,
    ) -> Option<Option<Result<SourceEvent, StopReason>>> {
        while let Some(action) = self.poll_action() {
            match action {
                Action::Connect { last_event_id } => io.connect(last_event_id),
                Action::Open => return Some(Some(Ok(SourceEvent::Open))),
                Action::Event(event) => return Some(Some(Ok(SourceEvent::Message(event)))),
                Action::Reconnecting {
                    delay,
                    attempt,
                    cause,
                } => {
                    io.disconnect();
                    let event = SourceEvent::Reconnecting {
                        delay,
                        attempt,
                        cause,
                    };
                    return Some(Some(Ok(event)));
                }
                Action::Stopped(reason) => {
                    io.disconnect();
                    return Some(match reason {
                        StopReason::Closed => None,
                        reason => Some(Err(reason)),
                    });
                }
            }
        }
        self.is_stopped().then_some(None)
    }
}
