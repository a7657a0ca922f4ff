//! [`ClientMachine`]: the EventSource connection lifecycle, time passed in.

use core::time::Duration;
use std::collections::VecDeque;
use std::time::Instant;

use crate::decode::Decoded;
use crate::event::EventId;

use super::backoff::Backoff;
use super::config::ClientConfig;
use super::outcome::{Action, Disconnect, ReadyState, StopReason, TransportError};
use super::reader::StreamReader;
use super::response::{Verdict, judge_response};

/// Where the connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// A connection is due; [`Action::Connect`] has not been polled yet. `since` is
    /// when it became due (the idle timeout counts from there).
    ConnectDue { since: Instant },
    /// The request is made; awaiting the response since `since`.
    AwaitingResponse { since: Instant },
    /// The stream is open; something last arrived at `last_activity`.
    Open { last_activity: Instant },
    /// Waiting to reconnect until `until` (`None`: beyond what `Instant` holds).
    Waiting { until: Option<Instant> },
    /// Terminal.
    Stopped,
}

/// The sans-IO `EventSource` client: which request to make when, which events to
/// deliver, when to give up.
///
/// It does no I/O and reads no clock: the adapter passes in the current time and what
/// happened on the connection (`handle_*`), then drains [`poll_action`] and sleeps
/// until [`poll_timeout`]. The first action is [`Action::Connect`]. See the
/// [module documentation](super) for the behaviour and an adapter loop.
///
/// [`poll_action`]: ClientMachine::poll_action
/// [`poll_timeout`]: ClientMachine::poll_timeout
///
/// ```
/// use std::time::Instant;
/// use sse_core::{Action, ClientConfig, ClientMachine, EventId, ReadyState};
///
/// let now = Instant::now();
/// let mut machine = ClientMachine::new(ClientConfig::default(), now, 1)
///     .with_last_event_id(EventId::new("41").unwrap());
/// let last_event_id = Some(EventId::new("41").unwrap());
/// assert_eq!(machine.poll_action(), Some(Action::Connect { last_event_id }));
///
/// machine.handle_response(now, 200, Some(b"text/event-stream"));
/// assert_eq!(machine.poll_action(), Some(Action::Open));
/// assert_eq!(machine.ready_state(), ReadyState::Open);
/// ```
#[derive(Debug)]
pub struct ClientMachine {
    config: ClientConfig,
    state: State,
    reader: StreamReader,
    /// The server's last `retry`, or the configured initial value.
    reconnection_time: Duration,
    /// Consecutive reconnection attempts without reaching `Open`.
    attempts: u32,
    backoff: Backoff,
    actions: VecDeque<Action>,
}

impl ClientMachine {
    /// A machine that connects first thing: its first action is [`Action::Connect`].
    ///
    /// `now` is the current time; `seed` seeds the jitter of reconnection delays (the
    /// same seed and inputs give the same delays; give each client its own seed, from
    /// the OS or a counter, so that clients do not reconnect in lockstep).
    pub fn new(config: ClientConfig, now: Instant, seed: u64) -> Self {
        ClientMachine {
            reader: StreamReader::new(config.limits),
            reconnection_time: config.initial_retry,
            backoff: Backoff::new(config.min_delay, config.max_delay, seed),
            config,
            state: State::ConnectDue { since: now },
            attempts: 0,
            actions: VecDeque::new(),
        }
    }

    /// Resumes from a known event id (a previous run's, say): it is sent as
    /// `Last-Event-ID` and carried by events until the stream sets another.
    pub fn with_last_event_id(mut self, id: EventId) -> Self {
        self.reader.resume_from(id);
        self
    }

    /// The `EventSource` ready state. `Connecting` covers waiting to reconnect too.
    pub fn ready_state(&self) -> ReadyState {
        match self.state {
            State::ConnectDue { .. } | State::AwaitingResponse { .. } | State::Waiting { .. } => {
                ReadyState::Connecting
            }
            State::Open { .. } => ReadyState::Open,
            State::Stopped => ReadyState::Closed,
        }
    }

    /// The last event ID: sent on reconnection when non-empty.
    pub fn last_event_id(&self) -> &EventId {
        self.reader.last_event_id()
    }

    /// The reconnection time: the server's last `retry`, or the configured
    /// [`initial_retry`](ClientConfig::initial_retry). Actual delays are derived from
    /// it (see the [module documentation](super)).
    pub fn reconnection_time(&self) -> Duration {
        self.reconnection_time
    }

    /// The response arrived: its status and `Content-Type` header (raw bytes; `None`
    /// when absent). Ignored unless a request is in flight.
    ///
    /// Redirects are the HTTP layer's business (fetch follows them, and so does
    /// [`ClientDriver`](super::ClientDriver)): report the final response.
    pub fn handle_response(&mut self, now: Instant, status: u16, content_type: Option<&[u8]>) {
        if !matches!(self.state, State::AwaitingResponse { .. }) {
            return;
        }
        match judge_response(status, content_type, self.config.reconnect_on_server_error) {
            Verdict::Open => self.open(now),
            Verdict::Retry(cause) => self.reconnect(now, cause),
            Verdict::Stop(reason) => self.stop(reason),
        }
    }

    /// Bytes of the response body arrived, in any chunking. Ignored unless the stream
    /// is open (and when empty: no bytes is no sign of life).
    pub fn handle_data(&mut self, now: Instant, bytes: &[u8]) {
        let State::Open { last_activity } = &mut self.state else {
            return;
        };
        if bytes.is_empty() {
            return;
        }
        *last_activity = now;
        let (actions, retry) = (&mut self.actions, &mut self.reconnection_time);
        let read = self
            .reader
            .read(bytes, |item| deliver(item, actions, retry));
        if let Err(error) = read {
            self.stop(StopReason::Decode(error));
        }
    }

    /// The response body ended cleanly. Reconnects after the reconnection time.
    /// Ignored unless the stream is open.
    pub fn handle_end(&mut self, now: Instant) {
        if matches!(self.state, State::Open { .. }) {
            self.reconnect(now, Disconnect::EndOfStream);
        }
    }

    /// Connecting failed, or the connection broke. Reconnects with backoff. Ignored
    /// unless a request is in flight or the stream is open.
    pub fn handle_error(&mut self, now: Instant, error: TransportError) {
        if matches!(
            self.state,
            State::AwaitingResponse { .. } | State::Open { .. }
        ) {
            self.reconnect(now, Disconnect::Transport(error));
        }
    }

    /// Acts on deadlines that `now` has reached: connects when the reconnection wait
    /// is over, gives the connection up when it has been idle too long. Call it when
    /// `now >= poll_timeout()`; calling it at other times does nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        if let State::Waiting { until: Some(until) } = self.state {
            if now >= until {
                self.state = State::ConnectDue { since: now };
            }
            return;
        }
        if let Some((deadline, cause)) = self.deadline()
            && now >= deadline
        {
            self.reconnect(now, cause);
        }
    }

    /// The application closes the source: queued events are discarded (as the
    /// browser discards events queued before `close()`) and the only action left is
    /// [`Action::Stopped`] with [`StopReason::Closed`]. Ignored once stopped.
    pub fn close(&mut self) {
        if self.state != State::Stopped {
            self.actions.clear();
            self.stop(StopReason::Closed);
        }
    }

    /// The next action, in order; `None` when there is nothing to do until the next
    /// input or deadline, and forever after [`Action::Stopped`].
    pub fn poll_action(&mut self) -> Option<Action> {
        if let Some(action) = self.actions.pop_front() {
            return Some(action);
        }
        let State::ConnectDue { since } = self.state else {
            return None;
        };
        self.state = State::AwaitingResponse { since };
        let id = self.reader.last_event_id();
        let last_event_id = (!id.is_empty()).then(|| id.clone());
        Some(Action::Connect { last_event_id })
    }

    /// The earliest instant at which [`handle_timeout`](Self::handle_timeout) has
    /// something to do: the end of the reconnection wait, or the connect or idle
    /// deadline of the current connection. `None` when there is no deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            State::Waiting { until } => until,
            _ => self.deadline().map(|(deadline, _)| deadline),
        }
    }

    /// Whether the machine has stopped for good (its `Stopped` action may still be
    /// queued).
    pub(super) fn is_stopped(&self) -> bool {
        self.state == State::Stopped
    }

    /// The configuration, for the driver (redirect limit).
    pub(super) fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The current connection's next deadline and what passing it means: the
    /// earlier of the connect timeout (until the response) and the idle timeout.
    fn deadline(&self) -> Option<(Instant, Disconnect)> {
        let (since, awaiting) = match self.state {
            State::ConnectDue { since } | State::AwaitingResponse { since } => (since, true),
            State::Open { last_activity } => (last_activity, false),
            State::Waiting { .. } | State::Stopped => return None,
        };
        let idle = self
            .config
            .idle_timeout
            .and_then(|timeout| since.checked_add(timeout))
            .map(|deadline| (deadline, Disconnect::IdleTimeout));
        let connect = self
            .config
            .connect_timeout
            .filter(|_| awaiting)
            .and_then(|timeout| Some((since.checked_add(timeout)?, timeout)))
            .map(|(deadline, timeout)| (deadline, Disconnect::ConnectTimeout { timeout }));
        match (idle, connect) {
            (Some(idle), Some(connect)) if connect.0 < idle.0 => Some(connect),
            (Some(idle), _) => Some(idle),
            (None, connect) => connect,
        }
    }

    fn open(&mut self, now: Instant) {
        self.state = State::Open { last_activity: now };
        self.attempts = 0;
        self.reader.restart();
        self.actions.push_back(Action::Open);
    }

    /// Gives the current connection up and schedules the next, or stops when the
    /// retries are exhausted.
    fn reconnect(&mut self, now: Instant, cause: Disconnect) {
        self.attempts = self.attempts.saturating_add(1);
        if let Some(max) = self.config.max_retries
            && self.attempts > max
        {
            self.stop(StopReason::RetriesExhausted {
                attempts: max,
                last: cause,
            });
            return;
        }
        let delay = match cause {
            Disconnect::EndOfStream => self.backoff.after_end(self.reconnection_time),
            _ => self
                .backoff
                .after_failure(self.reconnection_time, self.attempts),
        };
        self.state = State::Waiting {
            until: now.checked_add(delay),
        };
        self.actions.push_back(Action::Reconnecting {
            delay,
            attempt: self.attempts,
            cause,
        });
    }

    fn stop(&mut self, reason: StopReason) {
        self.state = State::Stopped;
        self.actions.push_back(Action::Stopped(reason));
    }
}

/// Queues a decoded event, or applies a `retry`.
fn deliver(item: Decoded, actions: &mut VecDeque<Action>, reconnection_time: &mut Duration) {
    match item {
        Decoded::Event(event) => actions.push_back(Action::Event(event)),
        Decoded::Retry(retry) => *reconnection_time = retry,
    }
}
