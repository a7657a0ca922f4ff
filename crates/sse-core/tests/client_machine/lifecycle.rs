//! Idle timeouts, closing, ignored inputs, and the reasons' messages.

use super::support::*;

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
    assert_eq!(refused().get_ref().to_string(), "connection refused");
}

#[test]
fn connect_timeout_bounds_the_wait_for_the_response_only() {
    let clock = Clock::new();
    let config = ClientConfig::default().connect_timeout(Some(ms(5_000)));
    let mut machine = connecting(config.clone(), clock);
    assert_eq!(machine.poll_timeout(), Some(clock.ms(5_000)));
    machine.handle_timeout(clock.ms(4_999));
    assert_eq!(drain(&mut machine), [], "not yet");
    machine.handle_timeout(clock.ms(5_000));
    let actions = drain(&mut machine);
    let [
        Action::Reconnecting {
            attempt: 1, cause, ..
        },
    ] = &actions[..]
    else {
        panic!("expected a reconnection, got {actions:?}");
    };
    assert_eq!(*cause, Disconnect::ConnectTimeout { timeout: ms(5_000) });

    // Once open, the connect timeout no longer applies.
    let mut machine = open(config, clock);
    assert_eq!(machine.poll_timeout(), None);
    machine.handle_timeout(clock.ms(60_000));
    assert_eq!(drain(&mut machine), []);
}

#[test]
fn the_earlier_of_connect_and_idle_timeouts_fires() {
    let clock = Clock::new();
    let both = |connect: u64, idle: u64| {
        ClientConfig::default()
            .connect_timeout(Some(ms(connect)))
            .idle_timeout(Some(ms(idle)))
    };
    let mut machine = connecting(both(2_000, 9_000), clock);
    assert_eq!(machine.poll_timeout(), Some(clock.ms(2_000)));
    machine.handle_timeout(clock.ms(2_000));
    assert!(matches!(
        &drain(&mut machine)[..],
        [Action::Reconnecting {
            cause: Disconnect::ConnectTimeout { .. },
            ..
        }]
    ));

    let mut machine = connecting(both(9_000, 2_000), clock);
    assert_eq!(machine.poll_timeout(), Some(clock.ms(2_000)));
    machine.handle_timeout(clock.ms(2_000));
    assert!(matches!(
        &drain(&mut machine)[..],
        [Action::Reconnecting {
            cause: Disconnect::IdleTimeout,
            ..
        }]
    ));

    let none = ClientConfig::default().connect_timeout(None);
    assert_eq!(connecting(none, clock).poll_timeout(), None);
}

#[test]
fn connect_timeouts_count_as_failures_until_retries_run_out() {
    let clock = Clock::new();
    let config = ClientConfig::default()
        .connect_timeout(Some(ms(1_000)))
        .max_retries(Some(1));
    let mut machine = connecting(config, clock);
    machine.handle_timeout(clock.ms(1_000));
    let delay = match &drain(&mut machine)[..] {
        [Action::Reconnecting { delay, .. }] => *delay,
        other => panic!("{other:?}"),
    };
    let reconnect_at = clock.ms(1_000) + delay;
    machine.handle_timeout(reconnect_at);
    assert_eq!(drain(&mut machine), [connect_with(None)]);
    assert_eq!(machine.poll_timeout(), Some(reconnect_at + ms(1_000)));
    machine.handle_timeout(reconnect_at + ms(1_000));
    let timeout = Disconnect::ConnectTimeout { timeout: ms(1_000) };
    assert_eq!(
        drain(&mut machine),
        [Action::Stopped(StopReason::RetriesExhausted {
            attempts: 1,
            last: timeout
        })]
    );
}

#[test]
fn transport_errors_keep_their_cause() {
    use std::io;
    let io = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
    let error = TransportError::new(io);
    let found = error.find::<io::Error>().map(io::Error::kind);
    assert_eq!(found, Some(io::ErrorKind::ConnectionRefused));
    let source = std::error::Error::source(&error).unwrap();
    assert_eq!(source.to_string(), "refused");
    let disconnect = Disconnect::Transport(error.clone());
    let clone = disconnect.clone();
    assert_eq!(disconnect, clone, "clones share the cause");
    assert!(error.find::<std::fmt::Error>().is_none());
}
