//! Events, `retry` and the last event ID across reconnections.

use super::support::*;

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

    // A first failure draws from [125, 250] ms; the floor lifts it to exactly 250.
    let (_, now) = wait_for_connect(&mut machine, delay, clock.ms(2));
    machine.handle_response(now, 200, SSE);
    assert_eq!(drain(&mut machine), [Action::Open]);
    machine.handle_error(now, refused());
    let (delay, attempt, _) = reconnecting(&mut machine);
    assert_eq!((delay, attempt), (ms(250), 1));

    // Backoff grows from the floor: attempt n draws from [250 × 2^(n-2), 250 × 2^(n-1)] ms.
    let mut now = wait_for_connect(&mut machine, delay, now).1;
    for cap in [500, 1000, 2000] {
        machine.handle_error(now, refused());
        let (delay, _, _) = reconnecting(&mut machine);
        assert!(ms(cap / 2) <= delay && delay <= ms(cap), "{delay:?}");
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
            assert_eq!(
                reason.to_string(),
                "stream rejected: event stream line longer than the limit of 64 bytes"
            );
            assert!(std::error::Error::source(reason).is_some());
        }
        other => panic!("expected a decode stop, got {other:?}"),
    }
    assert_eq!(machine.ready_state(), ReadyState::Closed);
    assert_eq!(machine.poll_action(), None);
}

#[test]
fn an_event_cut_by_the_disconnect_is_dropped_with_its_id() {
    let clock = Clock::new();
    let mut machine = open(ClientConfig::default(), clock);
    machine.handle_data(clock.ms(1), b"id: 1\ndata: kept\n\nid: 2\ndata: cu");
    assert_eq!(
        events(&drain(&mut machine)),
        [triple("message", "kept", "1")]
    );
    machine.handle_error(clock.ms(2), refused());
    let (delay, _, _) = reconnecting(&mut machine);
    assert_eq!(machine.last_event_id(), &id("1"));

    // The next stream starts clean: nothing of the cut line or its id survives.
    let (connect, at) = wait_for_connect(&mut machine, delay, clock.ms(2));
    assert_eq!(connect, connect_with(Some("1")));
    machine.handle_response(at, 200, SSE);
    machine.handle_data(at, b"t\n\ndata: fresh\n\n");
    let actions = drain(&mut machine);
    assert_eq!(actions.first(), Some(&Action::Open));
    assert_eq!(events(&actions), [triple("message", "fresh", "1")]);
}
