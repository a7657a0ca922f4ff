//! Fake time and shorthands for driving the machine.

pub use std::time::{Duration, Instant};

pub use sse_core::{
    Action, ClientConfig, ClientMachine, Disconnect, EventId, Limits, MessageEvent, ReadyState,
    StopReason, TransportError,
};

pub const SSE: Option<&[u8]> = Some(b"text/event-stream");

/// Fake time: a base instant and offsets from it.
#[derive(Clone, Copy)]
pub struct Clock(Instant);

impl Clock {
    pub fn new() -> Self {
        Clock(Instant::now())
    }
    pub fn ms(self, offset: u64) -> Instant {
        self.0 + Duration::from_millis(offset)
    }
}

pub fn ms(value: u64) -> Duration {
    Duration::from_millis(value)
}

pub fn id(value: &str) -> EventId {
    EventId::new(value).unwrap()
}

pub fn drain(machine: &mut ClientMachine) -> Vec<Action> {
    std::iter::from_fn(|| machine.poll_action()).collect()
}

pub fn connect_with(last_event_id: Option<&str>) -> Action {
    Action::Connect {
        last_event_id: last_event_id.map(id),
    }
}

/// A machine whose first `Connect` has been polled (the request is in flight).
pub fn connecting(config: ClientConfig, clock: Clock) -> ClientMachine {
    let mut machine = ClientMachine::new(config, clock.ms(0), 7);
    assert_eq!(drain(&mut machine), [connect_with(None)]);
    machine
}

/// A machine whose first connection is open.
pub fn open(config: ClientConfig, clock: Clock) -> ClientMachine {
    let mut machine = connecting(config, clock);
    machine.handle_response(clock.ms(0), 200, SSE);
    assert_eq!(drain(&mut machine), [Action::Open]);
    machine
}

pub fn events(actions: &[Action]) -> Vec<(String, String, String)> {
    actions
        .iter()
        .filter_map(|action| match action {
            Action::Event(event) => Some(describe(event)),
            _ => None,
        })
        .collect()
}

pub fn describe(event: &MessageEvent) -> (String, String, String) {
    (
        event.event_type().to_owned(),
        event.data().to_owned(),
        event.last_event_id().to_string(),
    )
}

pub fn triple(kind: &str, data: &str, last_event_id: &str) -> (String, String, String) {
    (kind.to_owned(), data.to_owned(), last_event_id.to_owned())
}

/// The single `Reconnecting` action expected now: its delay, attempt and cause.
pub fn reconnecting(machine: &mut ClientMachine) -> (Duration, u32, Disconnect) {
    match drain(machine).as_slice() {
        [
            Action::Reconnecting {
                delay,
                attempt,
                cause,
            },
        ] => (*delay, *attempt, cause.clone()),
        other => panic!("expected one Reconnecting, got {other:?}"),
    }
}

pub fn stopped(machine: &mut ClientMachine) -> StopReason {
    let reason = match drain(machine).as_slice() {
        [Action::Stopped(reason)] => reason.clone(),
        other => panic!("expected one Stopped, got {other:?}"),
    };
    assert_eq!(machine.ready_state(), ReadyState::Closed);
    assert_eq!(machine.poll_timeout(), None);
    reason
}

pub fn refused() -> TransportError {
    TransportError::new("connection refused")
}

/// Waits out the pending reconnection delay (checking nothing happens just before it)
/// and returns the `Connect` that follows, plus the instant it came at.
pub fn wait_for_connect(
    machine: &mut ClientMachine,
    delay: Duration,
    since: Instant,
) -> (Action, Instant) {
    let deadline = machine.poll_timeout().expect("a reconnection deadline");
    assert_eq!(deadline, since + delay);
    machine.handle_timeout(deadline - Duration::from_nanos(1));
    assert_eq!(machine.poll_action(), None);
    assert_eq!(machine.ready_state(), ReadyState::Connecting);
    machine.handle_timeout(deadline);
    let connect = machine.poll_action().expect("a Connect after the delay");
    assert_eq!(machine.poll_action(), None);
    (connect, deadline)
}
