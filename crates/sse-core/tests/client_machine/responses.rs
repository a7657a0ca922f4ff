//! The first request and how responses are judged.

use super::support::*;

#[test]
fn first_action_is_connect_without_last_event_id() {
    let clock = Clock::new();
    let mut machine = ClientMachine::new(ClientConfig::default(), clock.ms(0), 1);
    assert_eq!(machine.ready_state(), ReadyState::Connecting);
    assert_eq!(machine.poll_action(), Some(connect_with(None)));
    assert_eq!(machine.poll_action(), None);
    assert_eq!(
        machine.poll_timeout(),
        Some(clock.ms(0) + ClientConfig::DEFAULT_CONNECT_TIMEOUT),
        "the default connect timeout bounds the wait for the response"
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
