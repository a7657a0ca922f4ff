//! The `EventSource` client as a sans-IO state machine (WHATWG HTML §9.2).
//!
//! [`ClientMachine`] decides; the adapter (tokio, async-std, actix, ...) does the
//! HTTP and the sleeping. Time comes in as `Instant` arguments and randomness as a
//! seed, in the style of `quinn-proto`: the adapter feeds what happened with the
//! `handle_*` methods, performs every [`Action`] from
//! [`poll_action`](ClientMachine::poll_action), and calls
//! [`handle_timeout`](ClientMachine::handle_timeout) once
//! [`poll_timeout`](ClientMachine::poll_timeout) has passed. Nothing here blocks,
//! allocates per byte, or panics on any input.
//!
//! # Behaviour
//! - **Connecting.** The first action is [`Action::Connect`]: make a GET request with
//!   `Accept: text/event-stream`, `Cache-Control: no-cache` and, when the last event
//!   ID is non-empty, `Last-Event-ID`.
//! - **The response.** Status 200 with a content type whose essence (before any `;`
//!   parameters, trimmed, ASCII case-insensitive) is `text/event-stream` opens the
//!   stream ([`Action::Open`]). Status 204 stops the machine
//!   ([`StopReason::NoContent`]); a 200 of another content type stops it
//!   ([`StopReason::BadContentType`]). Any other status stops it too, as the spec says
//!   ([`StopReason::BadStatus`]); with
//!   [`reconnect_on_server_error`](ClientConfig::reconnect_on_server_error), 5xx and
//!   429 are retried with backoff instead.
//! - **The stream.** Bytes go through the [`Decoder`](crate::Decoder): events come out
//!   as [`Action::Event`] in order, and `retry` fields change the
//!   [reconnection time](ClientMachine::reconnection_time). A stream that breaks the
//!   decoder's [`Limits`](crate::Limits) stops the machine ([`StopReason::Decode`])
//!   after the events decoded before the offending part: such a peer would break them
//!   again on every reconnection, so the caller should raise the limits instead.
//! - **Reconnecting.** [`Action::Reconnecting`] says to drop the connection; a
//!   `Connect` follows after its `delay`. Events already delivered stay delivered, and
//!   the last event ID carries over to the next connection.
//!   - When an open stream ends cleanly, the delay is the reconnection time plus up to
//!     a quarter more (jitter, so that clients dropped together by a server restart
//!     do not return together).
//!   - After a failure (connect or I/O error, idle timeout, retried server error) the
//!     `n`-th consecutive failure waits `min(max_delay, max(reconnection time,
//!     min_delay) × 2^(n-1))`, drawn uniformly from the upper half of that.
//!   - No delay is below [`min_delay`](ClientConfig::min_delay) (a `retry: 0` or a
//!     network that fails at once never makes a hot loop) or above
//!     [`max_delay`](ClientConfig::max_delay).
//!   - Reaching `Open` resets the count. [`max_retries`](ClientConfig::max_retries)
//!     caps consecutive attempts that never reach `Open`
//!     ([`StopReason::RetriesExhausted`]).
//! - **Idle timeout.** With [`idle_timeout`](ClientConfig::idle_timeout), a connection
//!   with no sign of life (no response while awaiting one, no bytes, not even a
//!   keep-alive comment, while open) for that long is given up
//!   ([`Disconnect::IdleTimeout`]) and counts as a failure.
//! - **Closing.** [`close`](ClientMachine::close) discards queued events and stops.
//! - **Robustness.** An input that does not fit the state (bytes while waiting to
//!   reconnect, a response while open, anything after stopping) is ignored. After
//!   [`Action::Stopped`], [`poll_action`](ClientMachine::poll_action) returns `None`
//!   forever. The adapter must not feed inputs from a connection it was told to drop.
//!
//! - **Connect timeout.** [`connect_timeout`](ClientConfig::connect_timeout)
//!   (default 30 s) bounds the wait for the response head; on expiry the attempt
//!   fails ([`Disconnect::ConnectTimeout`]) and is retried with backoff like any
//!   failure.
//!
//! # Client streams
//! An adapter whose client is a `Stream` (as the tokio and futures-io ones are) does
//! not drive the machine itself: [`ClientDriver`] is the whole drive loop (the
//! request of every attempt, redirects, a work cap per poll, deadlines, `tracing`),
//! turning what the adapter's [`ClientIo`] reports into the stream's items
//! ([`SourceEvent`], or the [`StopReason`] it ended with). The adapter supplies only
//! sending a [`ClientRequest`], reading the response, a timer and a clock.
//!
//! # The adapter loop
//! A real adapter races socket readiness against a sleep until `poll_timeout()` and
//! reads its runtime's clock; here a scripted network stands in for both.
//!
//! ```
//! use std::collections::VecDeque;
//! use std::time::Instant;
//! use sse_core::{Action, ClientConfig, ClientMachine, TransportError};
//!
//! /// What the pretend network does with each request.
//! enum Reply {
//!     Refused,
//!     Stream(&'static [u8]),
//! }
//! let mut network = VecDeque::from([
//!     Reply::Refused,
//!     Reply::Stream(b"retry: 1000\nid: 1\ndata: first\n\n"),
//!     Reply::Stream(b"id: 2\ndata: second\n\n"),
//! ]);
//!
//! let mut now = Instant::now();
//! let mut machine = ClientMachine::new(ClientConfig::default(), now, 0x5eed);
//! let mut delivered = Vec::new();
//! let mut resumed_from = Vec::new();
//! 'run: loop {
//!     // Do everything the machine asks, in order.
//!     while let Some(action) = machine.poll_action() {
//!         match action {
//!             Action::Connect { last_event_id } => {
//!                 // Send the request (with `Last-Event-ID` when `Some`), then report
//!                 // what happens to it.
//!                 resumed_from.push(last_event_id.map(|id| id.to_string()));
//!                 match network.pop_front() {
//!                     Some(Reply::Refused) => {
//!                         machine.handle_error(now, TransportError::new("connection refused"))
//!                     }
//!                     Some(Reply::Stream(body)) => {
//!                         machine.handle_response(now, 200, Some(b"text/event-stream"));
//!                         machine.handle_data(now, body);
//!                         machine.handle_end(now);
//!                     }
//!                     None => machine.close(),
//!                 }
//!             }
//!             Action::Open => {}
//!             Action::Event(event) => delivered.push(event.data().to_owned()),
//!             Action::Reconnecting { delay, cause, .. } => {
//!                 // Drop the connection; the machine says when to come back.
//!                 println!("{cause}; reconnecting in {delay:?}");
//!             }
//!             Action::Stopped(reason) => {
//!                 println!("stopped: {reason}");
//!                 break 'run;
//!             }
//!             _ => {}
//!         }
//!     }
//!     // Sleep until the next deadline, then let the machine act on it.
//!     let Some(deadline) = machine.poll_timeout() else { break };
//!     now = deadline;
//!     machine.handle_timeout(now);
//! }
//! assert_eq!(delivered, ["first", "second"]);
//! let ids = [None, None, Some("1".to_owned()), Some("2".to_owned())];
//! assert_eq!(resumed_from, ids);
//! ```

mod backoff;
mod config;
mod driver;
mod machine;
mod options;
mod outcome;
mod reader;
mod redirect;
mod request;
mod response;
mod source_event;
#[cfg(feature = "tracing")]
mod trace;

pub use config::ClientConfig;
pub use driver::{ClientDriver, ClientIo, Item, Progress, ResponseHead, STEPS_PER_POLL};
pub use machine::ClientMachine;
pub use options::SourceOptions;
pub use outcome::{Action, Disconnect, ReadyState, StopReason, TransportError};
pub use redirect::TooManyRedirects;
pub use request::{ClientRequest, RequestError};
pub use source_event::SourceEvent;
