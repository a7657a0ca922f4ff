//! Properties of the decoder: it inverts the encoder, it does not care how the input
//! is split into feeds, and no input or limit makes it panic or hold unbounded memory.

use std::time::Duration;

use bytes::BytesMut;
use proptest::prelude::*;
use sse_core::{
    DataEncoder, DecodeError, Decoded, Decoder, Event, EventId, EventType, Frame, Limits,
};

/// A decoded item, as comparable plain values.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    /// `(type, data, last event ID)`.
    Event(String, String, String),
    Retry(Duration),
    Error(DecodeError),
}

fn item(decoded: Result<Decoded, DecodeError>) -> Item {
    match decoded {
        Ok(Decoded::Event(e)) => Item::Event(
            e.event_type().to_owned(),
            e.data().to_owned(),
            e.last_event_id().as_str().to_owned(),
        ),
        Ok(Decoded::Retry(retry)) => Item::Retry(retry),
        Ok(other) => panic!("unknown item {other:?}"),
        Err(error) => Item::Error(error),
    }
}

fn drain(decoder: &mut Decoder) -> Vec<Item> {
    std::iter::from_fn(|| decoder.next_item())
        .map(item)
        .collect()
}

/// Feeds `chunks`, ends the stream; returns the items, the last event ID and retry.
fn decode_chunks(limits: Limits, chunks: &[&[u8]]) -> (Vec<Item>, String, Option<Duration>) {
    decode_with(limits, chunks, false)
}

/// [`decode_chunks`], with `feed_bytes` when `owned`.
fn decode_with(
    limits: Limits,
    chunks: &[&[u8]],
    owned: bool,
) -> (Vec<Item>, String, Option<Duration>) {
    let mut decoder = Decoder::with_limits(limits);
    for chunk in chunks {
        if owned {
            decoder.feed_bytes(bytes::Bytes::copy_from_slice(chunk));
        } else {
            decoder.feed(chunk);
        }
    }
    decoder.finish();
    let items = drain(&mut decoder);
    let id = decoder.last_event_id().as_str().to_owned();
    (items, id, decoder.retry())
}

/// Text that may hold any line ending, leading spaces, NUL and non-ASCII.
fn data_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\r".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just(" ".to_owned()),
        Just("\0".to_owned()),
        Just(":".to_owned()),
        Just("é😀".to_owned()),
        Just("\u{FEFF}".to_owned()),
        "[a-z ]{0,6}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

fn id_text() -> impl Strategy<Value = String> {
    any::<String>().prop_map(|s| s.replace(['\r', '\n', '\0'], ""))
}

fn type_text() -> impl Strategy<Value = String> {
    any::<String>().prop_map(|s| s.replace(['\r', '\n'], ""))
}

/// An event with data, and optionally id, type, retry and comments.
fn event() -> impl Strategy<Value = Event> {
    (
        data_text(),
        proptest::option::of(id_text()),
        proptest::option::of(type_text()),
        proptest::option::of(any::<u64>()),
        prop::collection::vec(data_text(), 0..3),
    )
        .prop_map(|(data, id, ty, retry, comments)| {
            let mut event = Event::new(data);
            if let Some(id) = id {
                event = event.with_id(EventId::new(id).unwrap());
            }
            if let Some(ty) = ty {
                event = event.with_type(EventType::new(ty).unwrap());
            }
            if let Some(ms) = retry {
                event = event.with_retry(Duration::from_millis(ms));
            }
            for comment in comments {
                event = event.with_comment(comment);
            }
            event
        })
}

/// Every line break as `\n`, the way a parser joins data lines.
fn normalized(data: &[u8]) -> String {
    let text = std::str::from_utf8(data).unwrap();
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The items a decoder must give for `events` encoded back to back.
fn expected_items(events: &[Event]) -> Vec<Item> {
    let mut last_id = String::new();
    let mut items = Vec::new();
    for event in events {
        if let Some(retry) = event.retry() {
            items.push(Item::Retry(retry));
        }
        if let Some(id) = event.id() {
            last_id = id.as_str().to_owned();
        }
        let data = normalized(event.data().unwrap());
        let ty = match event.event_type().map(|t| t.as_str()) {
            None | Some("") => "message",
            Some(ty) => ty,
        };
        items.push(Item::Event(ty.to_owned(), data, last_id.clone()));
    }
    items
}

/// Split points (sorted, within `0..=len`) from arbitrary numbers.
fn cut(input: &[u8], mut points: Vec<usize>) -> Vec<&[u8]> {
    for p in &mut points {
        *p %= input.len() + 1;
    }
    points.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for p in points {
        chunks.push(&input[start..p]);
        start = p;
    }
    chunks.push(&input[start..]);
    chunks
}

/// Input shaped like an event stream: field names, separators, line endings,
/// BOMs, digits, invalid UTF-8 and arbitrary bytes, in any order.
fn sse_ish() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"data".to_vec()),
        Just(b"data: ".to_vec()),
        Just(b"event:".to_vec()),
        Just(b"id: ".to_vec()),
        Just(b"retry: ".to_vec()),
        Just(b":".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n\n".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xEF\xBB".to_vec()),
        Just(b"\xF0\x9F\x98".to_vec()),
        Just(b"\0".to_vec()),
        "[0-9]{1,25}".prop_map(String::into_bytes),
        "[a-z]{1,8}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..8),
    ];
    prop::collection::vec(token, 0..60).prop_map(|tokens| tokens.concat())
}

fn small_limits() -> impl Strategy<Value = Limits> {
    (0usize..40, 0usize..60)
        .prop_map(|(line, event)| Limits::default().max_line(line).max_event(event))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn encoded_events_decode_to_themselves(events in prop::collection::vec(event(), 1..5)) {
        let mut stream = Vec::new();
        for event in &events {
            stream.extend_from_slice(Frame::encode(event).as_bytes());
        }
        let (items, _, _) = decode_chunks(Limits::default(), &[&stream]);
        prop_assert_eq!(items, expected_items(&events));
    }

    #[test]
    fn data_encoder_output_decodes_like_the_whole_event(
        mut event in event(),
        data_cuts in prop::collection::vec(any::<usize>(), 0..6),
        feed_cuts in prop::collection::vec(any::<usize>(), 0..6),
    ) {
        let data = event.take_data().unwrap();
        let mut out = BytesMut::new();
        let mut encoder = DataEncoder::begin(&event, &mut out);
        for chunk in cut(&data, data_cuts) {
            encoder.push(chunk, &mut out);
        }
        encoder.finish(&mut out);
        let (items, _, _) = decode_chunks(Limits::default(), &cut(&out, feed_cuts));
        prop_assert_eq!(items, expected_items(&[event.with_data(data)]));
    }

    #[test]
    fn any_split_gives_the_same_items(
        input in sse_ish(),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
        limited in any::<bool>(),
        limits in small_limits(),
    ) {
        let limits = if limited { limits } else { Limits::default() };
        let whole = decode_chunks(limits, &[&input]);
        let split = decode_chunks(limits, &cut(&input, cuts.clone()));
        prop_assert_eq!(&split, &whole);
        let owned = decode_with(limits, &cut(&input, cuts), true);
        prop_assert_eq!(owned, whole);
    }

    #[test]
    fn long_lines_in_owned_reads_decode_as_fed_whole(
        lines in prop::collection::vec((0usize..3, 0usize..20_000, any::<u8>()), 1..6),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
        limited in any::<bool>(),
    ) {
        // Lines long enough that pieces of owned reads are kept as slices, some with
        // non-ASCII or invalid bytes; the same items either way.
        let mut input = Vec::new();
        for (kind, len, byte) in lines {
            input.extend_from_slice([&b"data: "[..], b"event: ", b""][kind]);
            input.extend(std::iter::repeat_n(if byte < 200 { b'x' } else { byte }, len));
            if byte % 7 == 0 {
                input.extend_from_slice("é€".as_bytes());
            }
            input.extend_from_slice(if byte % 3 == 0 { b"\r\n\n" } else { b"\n" });
        }
        let limits = if limited { Limits::default().max_line(12_000).max_event(30_000) } else { Limits::default() };
        let whole = decode_chunks(limits, &[&input]);
        prop_assert_eq!(&decode_with(limits, &cut(&input, cuts.clone()), true), &whole);
        prop_assert_eq!(&decode_with(limits, &cut(&input, cuts), false), &whole);
    }

    #[test]
    fn arbitrary_bytes_and_tiny_limits_stay_bounded(
        input in prop::collection::vec(any::<u8>(), 0..2048),
        cuts in prop::collection::vec(any::<usize>(), 0..16),
        limits in small_limits(),
    ) {
        let mut decoder = Decoder::with_limits(limits);
        // What is held is input bytes, whatever U+FFFD replacements would cost.
        let bound = limits.event_limit() + limits.line_limit() + 4;
        for (n, chunk) in cut(&input, cuts).into_iter().enumerate() {
            if n % 2 == 0 {
                decoder.feed(chunk);
            } else {
                decoder.feed_bytes(bytes::Bytes::copy_from_slice(chunk));
            }
            prop_assert!(decoder.buffered_len() <= bound, "{} > {bound}", decoder.buffered_len());
            while let Some(item) = decoder.next_item() {
                match item {
                    Ok(Decoded::Event(event)) => {
                        // Lossy decoding turns each invalid byte into at most 3 bytes.
                        let size = event.data().len() + event.event_type().len();
                        prop_assert!(size <= 3 * limits.event_limit() + "message".len());
                    }
                    Ok(_) => {}
                    Err(DecodeError::LineTooLong { limit }) => prop_assert_eq!(limit, limits.line_limit()),
                    Err(DecodeError::EventTooLarge { limit }) => prop_assert_eq!(limit, limits.event_limit()),
                    Err(other) => prop_assert!(false, "unknown error {other:?}"),
                }
            }
        }
        decoder.finish();
        prop_assert_eq!(decoder.buffered_len(), 0);
    }
}
