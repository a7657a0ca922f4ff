//! `poll_item`: the machine's actions as a client stream's items, with the I/O asked
//! of the adapter.

use sse_core::{ClientIo, SourceEvent};

use super::support::*;

/// What the machine asked of the adapter, in order.
#[derive(Debug, Default, PartialEq, Eq)]
struct Recorded(Vec<Io>);

#[derive(Debug, PartialEq, Eq)]
enum Io {
    Connect(Option<EventId>),
    Disconnect,
}

impl ClientIo for Recorded {
    fn connect(&mut self, last_event_id: Option<EventId>) {
        self.0.push(Io::Connect(last_event_id));
    }

    fn disconnect(&mut self) {
        self.0.push(Io::Disconnect);
    }
}

type Item = Option<Option<Result<SourceEvent, StopReason>>>;

fn message(item: Item) -> (String, String, String) {
    match item {
        Some(Some(Ok(SourceEvent::Message(event)))) => describe(&event),
        other => panic!("expected a message, got {other:?}"),
    }
}

#[test]
fn connects_then_yields_open_and_messages() {
    let clock = Clock::new();
    let mut io = Recorded::default();
    let mut machine = ClientMachine::new(ClientConfig::default(), clock.ms(0), 7);
    assert_eq!(machine.poll_item(&mut io), None);
    assert_eq!(io.0, [Io::Connect(None)]);
    machine.handle_response(clock.ms(1), 200, SSE);
    machine.handle_data(clock.ms(2), b"id: 1\ndata: a\n\nevent: t\ndata: b\n\n");
    assert_eq!(
        machine.poll_item(&mut io),
        Some(Some(Ok(SourceEvent::Open)))
    );
    assert_eq!(
        message(machine.poll_item(&mut io)),
        triple("message", "a", "1")
    );
    assert_eq!(message(machine.poll_item(&mut io)), triple("t", "b", "1"));
    assert_eq!(machine.poll_item(&mut io), None, "nothing more until input");
    assert_eq!(io.0, [Io::Connect(None)], "no other I/O asked for");
}

#[test]
fn a_reconnection_disconnects_before_it_is_yielded_and_resumes_with_the_id() {
    let clock = Clock::new();
    let mut io = Recorded::default();
    let mut machine = open(ClientConfig::default(), clock);
    machine.handle_data(clock.ms(1), b"id: 9\ndata: x\n\n");
    message(machine.poll_item(&mut io));
    machine.handle_end(clock.ms(2));
    let delay = match machine.poll_item(&mut io) {
        Some(Some(Ok(SourceEvent::Reconnecting {
            delay,
            attempt: 1,
            cause: Disconnect::EndOfStream,
        }))) => delay,
        other => panic!("expected a reconnection, got {other:?}"),
    };
    assert_eq!(io.0, [Io::Disconnect]);
    machine.handle_timeout(clock.ms(2) + delay);
    assert_eq!(machine.poll_item(&mut io), None);
    assert_eq!(io.0, [Io::Disconnect, Io::Connect(Some(id("9")))]);
}

#[test]
fn a_stop_yields_its_reason_once_then_the_end_forever() {
    let clock = Clock::new();
    let mut io = Recorded::default();
    let mut machine = connecting(ClientConfig::default(), clock);
    machine.handle_response(clock.ms(1), 204, None);
    assert_eq!(
        machine.poll_item(&mut io),
        Some(Some(Err(StopReason::NoContent)))
    );
    assert_eq!(io.0, [Io::Disconnect]);
    for _ in 0..3 {
        assert_eq!(machine.poll_item(&mut io), Some(None));
    }
    assert_eq!(io.0, [Io::Disconnect], "the end asks for nothing more");
}

#[test]
fn events_decoded_before_a_decode_error_come_first() {
    let clock = Clock::new();
    let mut io = Recorded::default();
    let config = ClientConfig::default().limits(Limits::default().max_line(16));
    let mut machine = open(config, clock);
    machine.handle_data(clock.ms(1), b"data: ok\n\ndata: far too long a line\n");
    assert_eq!(
        message(machine.poll_item(&mut io)),
        triple("message", "ok", "")
    );
    assert!(matches!(
        machine.poll_item(&mut io),
        Some(Some(Err(StopReason::Decode(_))))
    ));
    assert_eq!(machine.poll_item(&mut io), Some(None));
}

#[test]
fn closing_ends_the_stream_without_an_error() {
    let clock = Clock::new();
    let mut io = Recorded::default();
    let mut machine = open(ClientConfig::default(), clock);
    machine.handle_data(clock.ms(1), b"data: discarded\n\n");
    machine.close();
    assert_eq!(machine.poll_item(&mut io), Some(None));
    assert_eq!(io.0, [Io::Disconnect]);
    assert_eq!(machine.poll_item(&mut io), Some(None));
}
