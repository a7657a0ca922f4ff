//! The scenario without sockets: the frames each connection yields, decoded with
//! sse-core's decoder, make up `xtask/compat/expected.txt` exactly, and the first
//! connection ends where the script says.

use std::task::{Context, Poll, Waker};

use sse_compat::record;
use sse_compat::scenario::{Connection, Scenario};
use sse_core::stream::FrameSource;
use sse_core::{Decoded, Decoder, EventId};

/// Everything the connection has ready, and whether it ended (`false`: pending).
fn drain(connection: &mut Connection) -> (Vec<u8>, bool) {
    let mut cx = Context::from_waker(Waker::noop());
    let mut bytes = Vec::new();
    loop {
        match connection.poll_chunk(&mut cx) {
            Poll::Ready(Some(Ok(chunk))) => bytes.extend_from_slice(chunk.bytes()),
            Poll::Ready(Some(Err(e))) => panic!("publish failed: {e}"),
            Poll::Ready(None) => return (bytes, true),
            Poll::Pending => return (bytes, false),
        }
    }
}

fn decode(decoder: &mut Decoder, bytes: &[u8], lines: &mut Vec<String>) {
    decoder.feed(bytes);
    while let Some(item) = decoder.next_item() {
        if let Decoded::Event(event) = item.unwrap() {
            record::push(
                lines,
                event.event_type(),
                event.data(),
                event.last_event_id().as_str(),
            );
        }
    }
}

#[test]
fn two_connections_make_the_expected_record() {
    let scenario = Scenario::new().unwrap();
    let mut decoder = Decoder::new();
    let mut lines = Vec::new();

    let mut first = scenario.connect(None).unwrap();
    let (bytes, ended) = drain(&mut first);
    assert!(ended, "the first connection must end after its events");
    decode(&mut decoder, &bytes, &mut lines);
    assert_eq!(lines.len(), 4);
    decoder.finish();
    decoder.restart();

    let last = decoder.last_event_id().clone();
    assert_eq!(last.as_str(), "compat-3");
    let mut second = scenario.connect(Some(last)).unwrap();
    let (bytes, ended) = drain(&mut second);
    assert!(!ended, "the second connection stays open after `done`");
    decode(&mut decoder, &bytes, &mut lines);

    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../xtask/compat/expected.txt"
    );
    let expected = std::fs::read_to_string(path).unwrap();
    let expected: Vec<&str> = expected.lines().collect();
    assert_eq!(lines, expected);
}

#[test]
fn a_reconnection_with_an_unknown_id_is_told_of_the_gap_then_gets_the_window() {
    let scenario = Scenario::new().unwrap();
    let mut first = scenario.connect(None).unwrap();
    assert!(drain(&mut first).1);
    // An id the hub never issued: the stream starts with an `sse-gap` event naming it,
    // then replays what the window still holds (the hub's default `earliest` policy),
    // so nothing published while the client was away is lost silently.
    let unknown = EventId::new("elsewhere-9").unwrap();
    let mut second = scenario.connect(Some(unknown)).unwrap();
    let (bytes, _) = drain(&mut second);
    let text = String::from_utf8(bytes).unwrap();
    let gap = text.find("event: sse-gap\n").expect("a gap event");
    assert!(
        text[gap..].starts_with(
            "event: sse-gap\ndata: {\"reason\":\"unknown\",\"last_event_id\":\"elsewhere-9\","
        ),
        "{text}"
    );
    let away = text
        .find("published while the client was away")
        .expect("the window is replayed");
    assert!(gap < away, "{text}");
    assert!(text.contains("Last-Event-ID: elsewhere-9"), "{text}");
}
