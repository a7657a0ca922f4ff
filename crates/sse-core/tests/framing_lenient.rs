//! The bytes of a response body dispatch exactly the events published, for a decoder
//! that follows the spec and for one that mimics popular lenient clients (the openai
//! Python SDK's `SSEDecoder` and httpx-sse): those dispatch an event at *any* blank
//! line once an id has been seen or when the block held `retry:`, even with no data.
//! The preamble, keep-alives and the gap event must not make them dispatch anything
//! extra.
// The hub and the frame stream need the `std` feature.
#![cfg(feature = "std")]

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use sse_core::hub::{Epoch, Hub, Topic, TopicFilter};
use sse_core::stream::{FrameStream, KeepAlive, StreamOptions, Timer};
use sse_core::{Decoded, Decoder, Event, EventId};

/// An event as a client sees it: type, data, last event id.
type Seen = (String, String, String);

/// The lenient rule, line by line, as those clients implement it: fields fill the
/// block; a blank line dispatches unless the block has no event type, no data, no
/// retry and no id has ever been seen; the last event id is never reset.
#[derive(Default)]
struct LenientDecoder {
    event: String,
    data: Vec<String>,
    last_event_id: String,
    retry: Option<u64>,
    out: Vec<Seen>,
}

impl LenientDecoder {
    fn decode(text: &str) -> Vec<Seen> {
        let mut decoder = LenientDecoder::default();
        // Our encoder writes `\n` line endings only.
        let mut lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines.pop(), Some(""), "the body ends with a line ending");
        for line in lines {
            decoder.line(line);
        }
        decoder.out
    }

    fn line(&mut self, line: &str) {
        if line.is_empty() {
            if self.event.is_empty()
                && self.data.is_empty()
                && self.last_event_id.is_empty()
                && self.retry.is_none()
            {
                return;
            }
            let event = if self.event.is_empty() {
                "message"
            } else {
                &self.event
            };
            self.out.push((
                event.to_owned(),
                self.data.join("\n"),
                self.last_event_id.clone(),
            ));
            self.event.clear();
            self.data.clear();
            self.retry = None;
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => self.event = value.to_owned(),
            "data" => self.data.push(value.to_owned()),
            "id" if !value.contains('\0') => self.last_event_id = value.to_owned(),
            "retry" => self.retry = value.parse().ok(),
            _ => {}
        }
    }
}

/// The spec's decoder, for a client with this last event id.
fn spec_decode(bytes: &[u8], last_event_id: Option<&str>) -> (Vec<Seen>, Option<Duration>) {
    let mut decoder = match last_event_id {
        Some(id) => Decoder::resume(EventId::new(id).unwrap()),
        None => Decoder::new(),
    };
    decoder.feed(bytes);
    let mut out = Vec::new();
    let mut retry = None;
    while let Some(item) = decoder.next_item() {
        match item.unwrap() {
            Decoded::Event(e) => out.push((
                e.event_type().to_owned(),
                e.data().to_owned(),
                e.last_event_id().as_str().to_owned(),
            )),
            Decoded::Retry(r) => retry = Some(r),
            other => panic!("unexpected {other:?}"),
        }
    }
    (out, retry)
}

/// A timer on a clock the test moves.
struct FakeTimer {
    now: Arc<Mutex<Instant>>,
    deadline: Option<Instant>,
}

impl Timer for FakeTimer {
    fn now(&self) -> Instant {
        *self.now.lock().unwrap()
    }
    fn reset(&mut self, deadline: Instant) {
        self.deadline = Some(deadline);
    }
    fn poll_expired(&mut self, _: &mut Context<'_>) -> Poll<()> {
        match self.deadline {
            Some(d) if d <= self.now() => Poll::Ready(()),
            _ => Poll::Pending,
        }
    }
}

/// Runs a body: `steps` publish events (`Some`) or let the clock run past a
/// keep-alive (`None`), and everything ready is read after each step.
fn body(
    options: StreamOptions,
    last_event_id: Option<&str>,
    steps: &[Option<&str>],
) -> (Vec<u8>, usize) {
    let hub = Hub::builder()
        .epoch(Epoch::new(1))
        .window_count(3)
        .stream_options(options)
        .build();
    // History before the client (re)connects: five events, two of them already gone.
    for data in ["old-0", "old-1", "old-2", "old-3", "old-4"] {
        hub.publish(&Topic::new("t").unwrap(), Event::from(data))
            .unwrap();
    }
    let clock = Arc::new(Mutex::new(Instant::now()));
    let timer = FakeTimer {
        now: clock.clone(),
        deadline: None,
    };
    let id = last_event_id.map(|id| EventId::new(id).unwrap());
    let sub = hub.subscribe_from(TopicFilter::all(), id.as_ref()).unwrap();
    let mut stream = FrameStream::new(sub, timer, hub.stream_options());
    let mut cx = Context::from_waker(Waker::noop());
    let mut out = Vec::new();
    let mut keep_alives = 0;
    let mut read = |stream: &mut FrameStream<_, FakeTimer>, out: &mut Vec<u8>| {
        while let Poll::Ready(Some(Ok(bytes))) = stream.poll_next(&mut cx) {
            out.extend_from_slice(&bytes);
        }
    };
    read(&mut stream, &mut out);
    for step in steps {
        match step {
            Some(data) => {
                hub.publish(&Topic::new("t").unwrap(), Event::from(*data))
                    .unwrap();
            }
            None => {
                *clock.lock().unwrap() += Duration::from_secs(2);
                keep_alives += 1;
            }
        }
        read(&mut stream, &mut out);
    }
    (out, keep_alives)
}

fn seen(event: &str, data: &str, id: &str) -> Seen {
    (event.to_owned(), data.to_owned(), id.to_owned())
}

#[test]
fn lenient_and_spec_decoders_see_exactly_the_events_published() {
    let options = StreamOptions::default()
        .keep_alive(Some(KeepAlive::new(Duration::from_secs(1))))
        .retry(Duration::from_millis(500))
        .initial_comment("sse hub");
    let steps = [None, Some("a"), None, None, Some("b"), Some("c"), None];
    let cases = [
        // A fresh client: keep-alive before the first event, and between events.
        (
            None,
            vec![
                seen("message", "a", "1-5"),
                seen("message", "b", "1-6"),
                seen("message", "c", "1-7"),
            ],
        ),
        // A client resuming inside the window.
        (
            Some("1-3"),
            vec![
                seen("message", "old-4", "1-4"),
                seen("message", "a", "1-5"),
                seen("message", "b", "1-6"),
                seen("message", "c", "1-7"),
            ],
        ),
        // A client resuming across a gap: the gap event (keeping the client's id),
        // then the window.
        (
            Some("1-0"),
            vec![
                seen(
                    "sse-gap",
                    r#"{"reason":"expired","last_event_id":"1-0","resumed_from":"1-2"}"#,
                    "1-0",
                ),
                seen("message", "old-2", "1-2"),
                seen("message", "old-3", "1-3"),
                seen("message", "old-4", "1-4"),
                seen("message", "a", "1-5"),
                seen("message", "b", "1-6"),
                seen("message", "c", "1-7"),
            ],
        ),
    ];
    for (last_event_id, expected) in cases {
        let (bytes, keep_alives) = body(options.clone(), last_event_id, &steps);
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(text.starts_with(": sse hub\nretry: 500\n"), "{text:?}");
        assert_eq!(
            text.matches(":\n").count(),
            keep_alives,
            "one keep-alive per quiet step: {text:?}"
        );
        let mut lenient = LenientDecoder::decode(text);
        let (spec, retry) = spec_decode(&bytes, last_event_id);
        assert_eq!(retry, Some(Duration::from_millis(500)));
        // The lenient client starts with no id of its own: give the gap event the id
        // the real client would hold.
        if let (Some(id), Some(first)) = (last_event_id, lenient.first_mut())
            && first.2.is_empty()
        {
            first.2 = id.to_owned();
        }
        if let (Some(id), Some(first)) = (last_event_id, spec.first().filter(|e| e.0 == "sse-gap"))
        {
            assert_eq!(first.2, id, "the gap event leaves the last event id alone");
        }
        assert_eq!(lenient, expected, "lenient: {text:?}");
        assert_eq!(spec, expected, "spec: {text:?}");
    }
}

#[test]
fn stand_alone_keep_alive_and_retry_blocks_would_fool_the_lenient_rule() {
    // What the rule does with the framing this library no longer sends: the test's
    // decoder is strict enough to catch a regression.
    let old = "retry: 500\n\nid: 1\ndata: x\n\n:\n\n";
    assert_eq!(LenientDecoder::decode(old).len(), 3);
    let (spec, _) = spec_decode(old.as_bytes(), None);
    assert_eq!(spec.len(), 1);
}
