//! The client state machine, driven through every transition with fake instants (one
//! real base `Instant` plus offsets): no sockets, no sleeping.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use sse_core::{
    Action, ClientConfig, ClientMachine, Disconnect, EventId, Limits, MessageEvent, ReadyState,
    StopReason, TransportError,
};

const SSE: Option<&[u8]> = Some(b"text/event-stream");

/// Fake time: a base instant and offsets from it.
#[derive(Clone, Copy)]
struct Clock(Instant);

impl Clock {
    fn new() -> Self {
        Clock(Instant::now())
    }
    fn ms(self, offset: u64) -> Instant {
        self.0 + Duration::from_millis(offset)
    }
}

fn ms(value: u64) -> Duration {
    Duration::from_millis(value)
}

fn id(value: &str) -> EventId {
    EventId::new(value).unwrap()
}

fn drain(machine: &mut ClientMachine) -> Vec<Action> {
    std::iter::from_fn(|| machine.poll_action()).collect()
}

fn connect_with(last_event_id: Option<&str>) -> Action {
    Action::Connect {
        last_event_id: last_event_id.map(id),
    }
}

/// A machine whose first `Connect` has been polled (the request is in flight).
fn connecting(config: ClientConfig, clock: Clock) -> ClientMachine {
    let mut machine = ClientMachine::new(config, clock.ms(0), 7);
    assert_eq!(drain(&mut machine), [connect_with(None)]);
    machine
}

/// A machine whose first connection is open.
fn open(config: ClientConfig, clock: Clock) -> ClientMachine {
    let mut machine = connecting(config, clock);
    machine.handle_response(clock.ms(0), 200, SSE);
    assert_eq!(drain(&mut machine), [Action::Open]);
    machine
}

fn events(actions: &[Action]) -> Vec<(String, String, String)> {
    actions
        .iter()
        .filter_map(|action| match action {
            Action::Event(event) => Some(describe(event)),
            _ => None,
        })
        .collect()
}

fn describe(event: &MessageEvent) -> (String, String, String) {
    (
        event.event_type().to_owned(),
        event.data().to_owned(),
        event.last_event_id().to_string(),
    )
}

fn triple(kind: &str, data: &str, last_event_id: &str) -> (String, String, String) {
    (kind.to_owned(), data.to_owned(), last_event_id.to_owned())
}

/// The single `Reconnecting` action expected now: its delay, attempt and cause.
fn reconnecting(machine: &mut ClientMachine) -> (Duration, u32, Disconnect) {
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

fn stopped(machine: &mut ClientMachine) -> StopReason {
    let reason = match drain(machine).as_slice() {
        [Action::Stopped(reason)] => reason.clone(),
        other => panic!("expected one Stopped, got {other:?}"),
    };
    assert_eq!(machine.ready_state(), ReadyState::Closed);
    assert_eq!(machine.poll_timeout(), None);
    reason
}

fn refused() -> TransportError {
    TransportError::new("connection refused")
}

/// Waits out the pending reconnection delay (checking nothing happens just before it)
/// and returns the `Connect` that follows, plus the instant it came at.
fn wait_for_connect(
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

#[test]
fn first_action_is_connect_without_last_event_id() {
    let clock = Clock::new();
    let mut machine = ClientMachine::new(ClientConfig::default(), clock.ms(0), 1);
    assert_eq!(machine.ready_state(), ReadyState::Connecting);
    assert_eq!(machine.poll_action(), Some(connect_with(None)));
    assert_eq!(machine.poll_action(), None);
    assert_eq!(
        machine.poll_timeout(),
        None,
        "no deadline without idle timeout"
    );
    assert_eq!(
        machine.reconnection_time(),
        ClientConfig::DEFAULT_INITIAL_RETRY
    );
    assert!(machine.last_event_id().is_empty());
}

#[test]
fn resuming_sends_the_known_last_event_id() {
    let clock = Clock::new();
    let mut machine =
        ClientMachine::new(ClientConfig::default(), clock.ms(0), 1).with_last_event_id(id("41"));
    assert_eq!(machine.last_event_id(), &id("41"));
    assert_eq!(drain(&mut machine), [connect_with(Some("41"))]);
}

#[test]
fn opens_on_200_event_stream_with_parameters() {
    let clock = Clock::new();
    for content_type in [
        &b"text/event-stream; charset=utf-8"[..],
        b"Text/Event-Stream",
        b" text/event-stream ;charset=utf-8",
    ] {
        let mut machine = connecting(ClientConfig::default(), clock);
        machine.handle_response(clock.ms(5), 200, Some(content_type));
        assert_eq!(drain(&mut machine), [Action::Open], "{content_type:?}");
        assert_eq!(machine.ready_state(), ReadyState::Open);
        assert_eq!(machine.poll_timeout(), None);
    }
}

#[test]
fn no_content_stops_for_good() {
    let clock = Clock::new();
    let mut machine = connecting(ClientConfig::default(), clock);
    machine.handle_response(clock.ms(1), 204, None);
    assert_eq!(stopped(&mut machine), StopReason::NoContent);
    assert!(StopReason::NoContent.to_string().contains("204 No Content"));
    // Terminal: nothing revives it.
    machine.handle_timeout(clock.ms(3_600_000));
    machine.handle_error(clock.ms(3_600_000), refused());
    assert_eq!(machine.poll_action(), None);
}

#[test]
fn server_error_stops_by_default() {
    let clock = Clock::new();
    let mut machine = connecting(ClientConfig::default(), clock);
    machine.handle_response(clock.ms(1), 500, Some(b"text/event-stream"));
    let reason = stopped(&mut machine);
    assert_eq!(reason, StopReason::BadStatus { status: 500 });
    assert_eq!(
        reason.to_string(),
        "server answered 500 Internal Server Error, expected 200"
    );
    let unknown = StopReason::BadStatus { status: 599 };
    assert_eq!(unknown.to_string(), "server answered 599, expected 200");
}

#[test]
fn server_errors_and_429_are_retried_when_configured() {
    let clock = Clock::new();
    let config = ClientConfig::default().reconnect_on_server_error(true);
    for status in [500, 503, 429] {
        let mut machine = connecting(config.clone(), clock);
        machine.handle_response(clock.ms(1), status, Some(b"text/html"));
        let (delay, attempt, cause) = reconnecting(&mut machine);
        assert_eq!(cause, Disconnect::ServerError { status });
        assert_eq!(attempt, 1);
        assert!(delay >= ms(1500) && delay <= ms(3000), "{delay:?}");
        let (connect, _) = wait_for_connect(&mut machine, delay, clock.ms(1));
        assert_eq!(connect, connect_with(None));
    }
    // Other statuses still stop.
    let mut machine = connecting(config, clock);
    machine.handle_response(clock.ms(1), 404, None);
    assert_eq!(stopped(&mut machine), StopReason::BadStatus { status: 404 });
}

#[test]
fn wrong_content_type_stops_and_names_it() {
    let clock = Clock::new();
    let mut machine = connecting(ClientConfig::default(), clock);
    machine.handle_response(clock.ms(1), 200, Some(b"text/html; charset=utf-8"));
    let reason = stopped(&mut machine);
    assert_eq!(
        reason,
        StopReason::BadContentType {
            content_type: Some("text/html; charset=utf-8".to_owned())
        }
    );
    assert_eq!(
        reason.to_string(),
        "content type is text/html; charset=utf-8, expected text/event-stream"
    );

    let mut machine = connecting(ClientConfig::default(), clock);
    machine.handle_response(clock.ms(1), 200, None);
    let reason = stopped(&mut machine);
    assert_eq!(reason, StopReason::BadContentType { content_type: None });
    assert_eq!(
        reason.to_string(),
        "response has no content type, expected text/event-stream"
    );
}

#[test]
fn events_are_dispatched_in_order_with_the_last_event_id() {
    let clock = Clock::new();
    let mut machine = open(ClientConfig::default(), clock);
    machine.handle_data(clock.ms(1), b"id: 7\nevent: tick\ndata: a\n\ndata: b\n");
    machine.handle_data(clock.ms(2), b"\n: keep-alive\n\nid: 8\n\n");
    let actions = drain(&mut machine);
    assert_eq!(
        events(&actions),
        [triple("tick", "a", "7"), triple("message", "b", "7")]
    );
    assert_eq!(actions.len(), 2, "only events: {actions:?}");
    // An id-only block moves the last event ID without dispatching anything.
    assert_eq!(machine.last_event_id(), &id("8"));
}

#[test]
fn end_of_stream_reconnects_after_the_retry_with_last_event_id() {
    let clock = Clock::new();
    let mut machine = open(ClientConfig::default(), clock);
    machine.handle_data(clock.ms(1), b"retry: 5000\nid: 7\ndata: a\n\n");
    assert_eq!(events(&drain(&mut machine)), [triple("message", "a", "7")]);
    assert_eq!(machine.reconnection_time(), ms(5000));

    machine.handle_end(clock.ms(10));
    let (delay, attempt, cause) = reconnecting(&mut machine);
    assert_eq!((attempt, cause), (1, Disconnect::EndOfStream));
    assert!(ms(5000) <= delay && delay <= ms(6250), "{delay:?}");
    assert_eq!(machine.ready_state(), ReadyState::Connecting);

    let (connect, at) = wait_for_connect(&mut machine, delay, clock.ms(10));
    assert_eq!(connect, connect_with(Some("7")));
    // The next stream continues from there; events without an id keep the old one.
    machine.handle_response(at, 200, SSE);
    machine.handle_data(at, b"data: b\n\n");
    let actions = drain(&mut machine);
    assert_eq!(actions.first(), Some(&Action::Open));
    assert_eq!(events(&actions), [triple("message", "b", "7")]);
}

#[test]
fn end_of_stream_without_retry_waits_the_initial_retry() {
    let clock = Clock::new();
    let config = ClientConfig::default().initial_retry(ms(2000));
    let mut machine = open(config, clock);
    machine.handle_end(clock.ms(100));
    let (delay, attempt, cause) = reconnecting(&mut machine);
    assert_eq!((attempt, cause), (1, Disconnect::EndOfStream));
    assert!(ms(2000) <= delay && delay <= ms(2500), "{delay:?}");
    let (connect, _) = wait_for_connect(&mut machine, delay, clock.ms(100));
    assert_eq!(connect, connect_with(None));
}

#[test]
fn resumed_id_is_carried_by_events_until_the_server_resets_it() {
    let clock = Clock::new();
    let mut machine =
        ClientMachine::new(ClientConfig::default(), clock.ms(0), 3).with_last_event_id(id("41"));
    assert_eq!(drain(&mut machine), [connect_with(Some("41"))]);
    machine.handle_response(clock.ms(1), 200, SSE);
    machine.handle_data(clock.ms(2), b"data: x\n\nid\n\n");
    let actions = drain(&mut machine);
    assert_eq!(events(&actions), [triple("message", "x", "41")]);
    // `id` with an empty value resets it: the next request carries no header.
    assert!(machine.last_event_id().is_empty());
    machine.handle_end(clock.ms(3));
    let (delay, _, _) = reconnecting(&mut machine);
    let (connect, _) = wait_for_connect(&mut machine, delay, clock.ms(3));
    assert_eq!(connect, connect_with(None));
}

#[test]
fn server_retry_zero_never_goes_below_the_floor() {
    let clock = Clock::new();
    let config = ClientConfig::default().min_delay(ms(250));
    let mut machine = open(config, clock);
    machine.handle_data(clock.ms(1), b"retry: 0\n\n");
    assert_eq!(machine.reconnection_time(), Duration::ZERO);
    machine.handle_end(clock.ms(2));
    let (delay, _, _) = reconnecting(&mut machine);
    assert!(ms(250) <= delay && delay <= ms(312) + ms(1), "{delay:?}");

    // Failures right after are floored too.
    let (_, mut now) = wait_for_connect(&mut machine, delay, clock.ms(2));
    for _ in 0..3 {
        machine.handle_error(now, refused());
        let (delay, _, _) = reconnecting(&mut machine);
        assert!(delay >= ms(250), "{delay:?}");
        now = wait_for_connect(&mut machine, delay, now).1;
    }
}

#[test]
fn server_retry_above_the_ceiling_is_capped() {
    let clock = Clock::new();
    let mut machine = open(ClientConfig::default().max_delay(ms(60_000)), clock);
    machine.handle_data(clock.ms(1), b"retry: 3600000\n\n");
    assert_eq!(machine.reconnection_time(), ms(3_600_000));
    machine.handle_end(clock.ms(2));
    let (delay, _, _) = reconnecting(&mut machine);
    assert_eq!(delay, ms(60_000));
}

#[test]
fn failures_back_off_exponentially_up_to_the_cap_and_reset_on_open() {
    let clock = Clock::new();
    let config = ClientConfig::default()
        .initial_retry(ms(1000))
        .max_delay(ms(10_000));
    let mut machine = connecting(config, clock);
    let mut now = clock.ms(0);
    let caps = [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000];
    for (attempt, cap) in (1..).zip(caps) {
        machine.handle_error(now, refused());
        let (delay, reported, cause) = reconnecting(&mut machine);
        assert_eq!(reported, attempt);
        assert_eq!(cause, Disconnect::Transport(refused()));
        assert!(
            ms(cap / 2) <= delay && delay <= ms(cap),
            "attempt {attempt}: {delay:?} outside [{}, {cap}] ms",
            cap / 2
        );
        let (connect, at) = wait_for_connect(&mut machine, delay, now);
        assert_eq!(connect, connect_with(None));
        now = at;
    }

    // Reaching Open resets the count: the next failure is attempt 1 again.
    machine.handle_response(now, 200, SSE);
    assert_eq!(drain(&mut machine), [Action::Open]);
    machine.handle_error(now, refused());
    let (delay, attempt, _) = reconnecting(&mut machine);
    assert_eq!(attempt, 1);
    assert!(ms(500) <= delay && delay <= ms(1000), "{delay:?}");
}

#[test]
fn a_failure_after_end_of_stream_is_the_second_attempt() {
    let clock = Clock::new();
    let config = ClientConfig::default().initial_retry(ms(1000));
    let mut machine = open(config, clock);
    machine.handle_end(clock.ms(0));
    let (delay, attempt, _) = reconnecting(&mut machine);
    assert_eq!(attempt, 1);
    let (_, now) = wait_for_connect(&mut machine, delay, clock.ms(0));
    machine.handle_error(now, refused());
    let (delay, attempt, _) = reconnecting(&mut machine);
    assert_eq!(attempt, 2);
    assert!(ms(1000) <= delay && delay <= ms(2000), "{delay:?}");
}

#[test]
fn retries_are_exhausted_after_max_retries_consecutive_failures() {
    let clock = Clock::new();
    let config = ClientConfig::default().max_retries(Some(2));
    let mut machine = connecting(config, clock);
    let mut now = clock.ms(0);
    for attempt in 1..=2 {
        machine.handle_error(now, refused());
        let (delay, reported, _) = reconnecting(&mut machine);
        assert_eq!(reported, attempt);
        now = wait_for_connect(&mut machine, delay, now).1;
    }
    machine.handle_error(now, refused());
    let reason = stopped(&mut machine);
    assert_eq!(
        reason,
        StopReason::RetriesExhausted {
            attempts: 2,
            last: Disconnect::Transport(refused())
        }
    );
    assert_eq!(
        reason.to_string(),
        "gave up after 2 reconnection attempts; last failure: transport error: connection refused"
    );
    assert!(std::error::Error::source(&reason).is_some());
}

#[test]
fn zero_max_retries_never_reconnects() {
    let clock = Clock::new();
    let config = ClientConfig::default().max_retries(Some(0));
    let mut machine = open(config, clock);
    machine.handle_end(clock.ms(1));
    assert_eq!(
        stopped(&mut machine),
        StopReason::RetriesExhausted {
            attempts: 0,
            last: Disconnect::EndOfStream
        }
    );
}

#[test]
fn max_retries_counts_only_consecutive_failures() {
    let clock = Clock::new();
    let config = ClientConfig::default().max_retries(Some(1));
    let mut machine = connecting(config, clock);
    let mut now = clock.ms(0);
    // Each failure is followed by a successful open: never two in a row.
    for _ in 0..5 {
        machine.handle_error(now, refused());
        let (delay, attempt, _) = reconnecting(&mut machine);
        assert_eq!(attempt, 1);
        now = wait_for_connect(&mut machine, delay, now).1;
        machine.handle_response(now, 200, SSE);
        assert_eq!(drain(&mut machine), [Action::Open]);
    }
    // Two in a row exhaust a budget of one retry.
    machine.handle_error(now, refused());
    let (delay, _, _) = reconnecting(&mut machine);
    now = wait_for_connect(&mut machine, delay, now).1;
    machine.handle_error(now, refused());
    assert!(matches!(
        stopped(&mut machine),
        StopReason::RetriesExhausted { attempts: 1, .. }
    ));
}

#[test]
fn idle_timeout_while_waiting_for_the_response() {
    let clock = Clock::new();
    let config = ClientConfig::default().idle_timeout(Some(ms(10_000)));
    let mut machine = connecting(config, clock);
    assert_eq!(machine.poll_timeout(), Some(clock.ms(10_000)));
    machine.handle_timeout(clock.ms(9_999));
    assert_eq!(machine.poll_action(), None);
    machine.handle_timeout(clock.ms(10_000));
    let (delay, attempt, cause) = reconnecting(&mut machine);
    assert_eq!((attempt, cause), (1, Disconnect::IdleTimeout));
    // The next attempt's deadline counts from its own start.
    let (_, at) = wait_for_connect(&mut machine, delay, clock.ms(10_000));
    assert_eq!(machine.poll_timeout(), Some(at + ms(10_000)));
}

#[test]
fn idle_timeout_while_open_counts_every_byte() {
    let clock = Clock::new();
    let config = ClientConfig::default().idle_timeout(Some(ms(10_000)));
    let mut machine = connecting(config, clock);
    machine.handle_response(clock.ms(1000), 200, SSE);
    assert_eq!(drain(&mut machine), [Action::Open]);
    assert_eq!(machine.poll_timeout(), Some(clock.ms(11_000)));
    // A keep-alive comment is a sign of life, though it dispatches nothing.
    machine.handle_data(clock.ms(5000), b":\n\n");
    assert_eq!(machine.poll_action(), None);
    assert_eq!(machine.poll_timeout(), Some(clock.ms(15_000)));
    machine.handle_timeout(clock.ms(11_000));
    assert_eq!(machine.poll_action(), None, "the old deadline moved");
    machine.handle_timeout(clock.ms(15_000));
    let (_, attempt, cause) = reconnecting(&mut machine);
    assert_eq!((attempt, cause), (1, Disconnect::IdleTimeout));
}

#[test]
fn close_discards_queued_events_and_stops() {
    let clock = Clock::new();
    let mut machine = open(ClientConfig::default(), clock);
    machine.handle_data(clock.ms(1), b"data: never seen\n\n");
    machine.close();
    assert_eq!(stopped(&mut machine), StopReason::Closed);
    machine.close();
    machine.handle_data(clock.ms(2), b"data: x\n\n");
    machine.handle_end(clock.ms(3));
    assert_eq!(machine.poll_action(), None);
    assert_eq!(StopReason::Closed.to_string(), "closed by the application");
}

#[test]
fn close_while_waiting_cancels_the_reconnection() {
    let clock = Clock::new();
    let mut machine = connecting(ClientConfig::default(), clock);
    machine.handle_error(clock.ms(1), refused());
    let _ = reconnecting(&mut machine);
    machine.close();
    assert_eq!(stopped(&mut machine), StopReason::Closed);
    machine.handle_timeout(clock.ms(3_600_000));
    assert_eq!(machine.poll_action(), None);
}

#[test]
fn inputs_that_do_not_fit_the_state_are_ignored() {
    let clock = Clock::new();
    let mut machine = ClientMachine::new(ClientConfig::default(), clock.ms(0), 9);
    // Before the Connect is even taken: no request exists to answer.
    machine.handle_response(clock.ms(0), 200, SSE);
    machine.handle_error(clock.ms(0), refused());
    machine.handle_end(clock.ms(0));
    assert_eq!(drain(&mut machine), [connect_with(None)]);

    // Awaiting the response: body bytes and a body end make no sense yet.
    machine.handle_data(clock.ms(1), b"data: early\n\n");
    machine.handle_end(clock.ms(1));
    machine.handle_timeout(clock.ms(1));
    assert_eq!(machine.poll_action(), None);
    assert_eq!(machine.ready_state(), ReadyState::Connecting);

    // Open: a second response is ignored.
    machine.handle_response(clock.ms(2), 200, SSE);
    assert_eq!(drain(&mut machine), [Action::Open]);
    machine.handle_response(clock.ms(3), 500, None);
    assert_eq!(machine.poll_action(), None);
    assert_eq!(machine.ready_state(), ReadyState::Open);

    // Waiting to reconnect: leftovers of the dropped connection are ignored.
    machine.handle_error(clock.ms(4), refused());
    let (delay, _, _) = reconnecting(&mut machine);
    machine.handle_data(clock.ms(5), b"data: late\n\n");
    machine.handle_end(clock.ms(5));
    machine.handle_error(clock.ms(5), refused());
    machine.handle_response(clock.ms(5), 200, SSE);
    machine.handle_timeout(clock.ms(5));
    assert_eq!(machine.poll_action(), None);
    assert_eq!(machine.poll_timeout(), Some(clock.ms(4) + delay));
}

#[test]
fn decode_error_stops_after_the_events_before_it() {
    let clock = Clock::new();
    let config = ClientConfig::default().limits(Limits::default().max_line(64));
    let mut machine = open(config, clock);
    let long = format!("data: {}\n\n", "x".repeat(200));
    machine.handle_data(clock.ms(1), format!("data: before\n\n{long}").as_bytes());
    let actions = drain(&mut machine);
    assert_eq!(events(&actions), [triple("message", "before", "")]);
    match actions.last() {
        Some(Action::Stopped(reason @ StopReason::Decode(_))) => {
            assert!(!reason.to_string().is_empty());
        }
        other => panic!("expected a decode stop, got {other:?}"),
    }
    assert_eq!(machine.ready_state(), ReadyState::Closed);
    assert_eq!(machine.poll_action(), None);
}

#[test]
fn same_seed_gives_same_delays_and_seeds_differ() {
    fn delays(seed: u64) -> Vec<Duration> {
        let clock = Clock::new();
        let mut machine = ClientMachine::new(ClientConfig::default(), clock.ms(0), seed);
        let mut now = clock.ms(0);
        let mut delays = Vec::new();
        for _ in 0..6 {
            assert!(matches!(
                machine.poll_action(),
                Some(Action::Connect { .. })
            ));
            machine.handle_error(now, refused());
            let (delay, _, _) = reconnecting(&mut machine);
            delays.push(delay);
            now += delay;
            machine.handle_timeout(now);
        }
        delays
    }
    assert_eq!(delays(42), delays(42));
    assert_ne!(delays(42), delays(43));
}

#[test]
fn machine_and_reasons_can_move_across_threads() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<ClientMachine>();
    assert_send_sync::<Action>();
    assert_send_sync::<StopReason>();
    assert_send_sync::<ClientConfig>();
}

#[test]
fn reasons_describe_what_went_wrong() {
    let cases = [
        (Disconnect::EndOfStream, "the server ended the stream"),
        (
            Disconnect::Transport(refused()),
            "transport error: connection refused",
        ),
        (
            Disconnect::IdleTimeout,
            "nothing received within the idle timeout",
        ),
        (
            Disconnect::ServerError { status: 503 },
            "server answered 503 Service Unavailable",
        ),
    ];
    for (cause, message) in cases {
        assert_eq!(cause.to_string(), message);
    }
    assert_eq!(refused().description(), "connection refused");
}

// ---- property: no input sequence breaks the machine's promises ----

#[derive(Debug, Clone)]
enum Input {
    Response(u16, Option<&'static [u8]>),
    Data(Vec<u8>),
    End,
    Error,
    /// Advance the clock by this many ms, then `handle_timeout`.
    Tick(u64),
    /// Jump to the machine's deadline, then `handle_timeout`.
    Deadline,
    Close,
    /// Poll one action only (leave the rest queued).
    PollOne,
}

fn input() -> impl Strategy<Value = Input> {
    let status = prop::sample::select(vec![200u16, 200, 200, 204, 301, 404, 429, 500, 503]);
    let content_type = prop::sample::select(vec![
        Some(&b"text/event-stream"[..]),
        Some(b"text/event-stream;charset=utf-8"),
        Some(b"text/html"),
        None,
    ]);
    let chunk = prop::sample::select(vec![
        &b"data: x\n"[..],
        b"\n",
        b"retry: 0\n",
        b"retry: 99999999\n",
        b"retry: 10\n",
        b"id: 5\n",
        b"id\n",
        b":\n",
        b"\r",
        b"event: e\n",
        b"data: a very long line indeed that breaks small limits\n",
        b"\xEF\xBB\xBF",
        b"data: \xFF\xFE\n",
    ]);
    prop_oneof![
        3 => (status, content_type).prop_map(|(s, c)| Input::Response(s, c)),
        4 => prop::collection::vec(chunk, 0..5).prop_map(|parts| Input::Data(parts.concat())),
        1 => Just(Input::End),
        2 => Just(Input::Error),
        2 => (0u64..120_000).prop_map(Input::Tick),
        2 => Just(Input::Deadline),
        1 => Just(Input::PollOne),
        1 => prop::sample::select(vec![Input::Close, Input::End]),
    ]
}

/// A configuration, and the delay floor and ceiling it sets.
fn config() -> impl Strategy<Value = (ClientConfig, Duration, Duration)> {
    (
        0u64..5_000,
        0u64..2_000,
        0u64..100_000,
        prop::option::of(0u32..4),
        prop::option::of(1u64..30_000),
        any::<bool>(),
        prop::option::of(8usize..64),
    )
        .prop_map(|(initial, min, max, retries, idle, server, line)| {
            let limits = line.map_or(Limits::default(), |l| Limits::default().max_line(l));
            let config = ClientConfig::default()
                .initial_retry(ms(initial))
                .min_delay(ms(min))
                .max_delay(ms(max))
                .max_retries(retries)
                .idle_timeout(idle.map(ms))
                .reconnect_on_server_error(server)
                .limits(limits);
            (config, ms(min), ms(max).max(ms(min)))
        })
}

/// What the adapter believes, checked against what the machine says.
struct Observer {
    min_delay: Duration,
    max_delay: Duration,
    open: bool,
    stopped: bool,
}

impl Observer {
    fn see(&mut self, machine: &ClientMachine, action: &Action) {
        assert!(!self.stopped, "an action after Stopped: {action:?}");
        match action {
            Action::Connect { last_event_id } => {
                assert!(!self.open, "Connect while open");
                assert_eq!(machine.ready_state(), ReadyState::Connecting);
                assert_ne!(last_event_id.as_ref().map(|id| id.is_empty()), Some(true));
            }
            Action::Open => self.open = true,
            Action::Event(_) => assert!(self.open, "an event outside an open stream"),
            Action::Reconnecting { delay, attempt, .. } => {
                assert!(*delay >= self.min_delay, "{delay:?} below the floor");
                assert!(*delay <= self.max_delay, "{delay:?} above the ceiling");
                assert!(*attempt >= 1);
                self.open = false;
            }
            Action::Stopped(_) => {
                self.stopped = true;
                self.open = false;
            }
            _ => {}
        }
    }

    fn drain(&mut self, machine: &mut ClientMachine) {
        while let Some(action) = machine.poll_action() {
            self.see(machine, &action);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_inputs_keep_the_promises(
        (config, min_delay, max_delay) in config(),
        seed in any::<u64>(),
        inputs in prop::collection::vec(input(), 0..60),
    ) {
        let clock = Clock::new();
        let mut now = clock.ms(0);
        let mut observer = Observer {
            min_delay,
            max_delay,
            open: false,
            stopped: false,
        };
        let mut machine = ClientMachine::new(config, now, seed);
        for input in inputs {
            match input {
                Input::Response(status, content_type) => {
                    machine.handle_response(now, status, content_type)
                }
                Input::Data(bytes) => machine.handle_data(now, &bytes),
                Input::End => machine.handle_end(now),
                Input::Error => machine.handle_error(now, refused()),
                Input::Tick(offset) => {
                    now += ms(offset);
                    machine.handle_timeout(now);
                }
                Input::Deadline => {
                    if let Some(deadline) = machine.poll_timeout() {
                        now = now.max(deadline);
                    }
                    machine.handle_timeout(now);
                }
                Input::Close => machine.close(),
                Input::PollOne => {
                    if let Some(action) = machine.poll_action() {
                        observer.see(&machine, &action);
                    }
                    continue;
                }
            }
            observer.drain(&mut machine);
        }
        observer.drain(&mut machine);
        if observer.stopped {
            prop_assert_eq!(machine.ready_state(), ReadyState::Closed);
            prop_assert_eq!(machine.poll_timeout(), None);
        }
    }
}
