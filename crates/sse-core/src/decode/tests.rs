//! One test (or a few) per rule of the decoder.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::time::Duration;

use super::*;

type Item = Result<Decoded, DecodeError>;

fn drain(decoder: &mut Decoder) -> Vec<Item> {
    core::iter::from_fn(|| decoder.next_item()).collect()
}

/// Feeds `chunks` one by one, then ends the stream.
fn decode_chunks(decoder: &mut Decoder, chunks: &[&[u8]]) -> Vec<Item> {
    for chunk in chunks {
        decoder.feed(chunk);
    }
    decoder.finish();
    drain(decoder)
}

fn decode(input: &[u8]) -> Vec<Item> {
    decode_chunks(&mut Decoder::new(), &[input])
}

/// Decodes `input` whole, at every split point and byte by byte, checks that all
/// agree, and returns the items.
fn decode_every_way(limits: Limits, input: &[u8]) -> Vec<Item> {
    let whole = decode_chunks(&mut Decoder::with_limits(limits), &[input]);
    for at in 0..=input.len() {
        let (a, b) = input.split_at(at);
        let split = decode_chunks(&mut Decoder::with_limits(limits), &[a, b]);
        assert_eq!(split, whole, "split at {at} of {input:?}");
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    let by_byte = decode_chunks(&mut Decoder::with_limits(limits), &bytes);
    assert_eq!(by_byte, whole, "byte by byte: {input:?}");
    whole
}

fn event(ty: &str, data: &str, id: &str) -> Item {
    Ok(Decoded::Event(MessageEvent {
        event_type: (!ty.is_empty()).then(|| crate::EventType::new(ty).unwrap()),
        data: data.into(),
        last_event_id: EventId::new(id).unwrap(),
    }))
}

fn msg(data: &str) -> Item {
    event("", data, "")
}

fn retry(ms: u64) -> Item {
    Ok(Decoded::Retry(Duration::from_millis(ms)))
}

fn too_long(limit: usize) -> Item {
    Err(DecodeError::LineTooLong { limit })
}

fn too_large(limit: usize) -> Item {
    Err(DecodeError::EventTooLarge { limit })
}

#[test]
fn bom_is_stripped_once_at_stream_start_even_split() {
    let items = decode_every_way(Limits::default(), b"\xEF\xBB\xBFdata: x\n\n");
    assert_eq!(items, [msg("x")]);
    let mut decoder = Decoder::new();
    assert_eq!(
        decode_chunks(
            &mut decoder,
            &[b"\xEF", b"", b"\xBB", b"\xBF", b"data: y\n\n"]
        ),
        [msg("y")]
    );
}

#[test]
fn second_or_partial_bom_is_content() {
    // The second BOM is part of the first field name, which is then unknown.
    let items = decode_every_way(
        Limits::default(),
        b"\xEF\xBB\xBF\xEF\xBB\xBFdata: 1\n\ndata: 2\n\n",
    );
    assert_eq!(items, [msg("2")]);
    // A BOM prefix that is not completed is an invalid byte sequence (U+FFFD).
    let items = decode_every_way(
        Limits::default(),
        b"\xEF\xBBdata: 1\n\nevent: \xEF\xBB\ndata: 2\n\n",
    );
    assert_eq!(items, [event("\u{FFFD}", "2", "")]);
    // No BOM at all is fine, as is a stream of only a BOM.
    assert_eq!(decode(b"data: 1\n\n"), [msg("1")]);
    assert_eq!(decode(b"\xEF\xBB\xBF"), []);
    assert_eq!(decode(b"\xEF\xBB\xBF\n"), []);
}

#[test]
fn every_line_ending_works_and_cr_lf_split_across_feeds_is_one() {
    let items = decode_every_way(
        Limits::default(),
        b"data: a\r\ndata: b\ndata: c\rdata: d\r\n\r\ndata: e\r\rdata: f\n\n",
    );
    assert_eq!(items, [msg("a\nb\nc\nd"), msg("e"), msg("f")]);
    // CR then LF in the next feed: one ending, not a blank line.
    let mut decoder = Decoder::new();
    assert_eq!(
        decode_chunks(
            &mut decoder,
            &[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]
        ),
        [msg("a\nb")]
    );
}

#[test]
fn a_line_is_processed_as_soon_as_its_cr_arrives() {
    let mut decoder = Decoder::new();
    decoder.feed(b"data: x\r\r");
    assert_eq!(decoder.next_item(), Some(msg("x")));
    decoder.feed(b"\n");
    decoder.feed(b"retry: 5\r");
    assert_eq!(decoder.next_item(), Some(retry(5)));
}

#[test]
fn blank_line_dispatches_only_with_data_but_always_sets_last_event_id() {
    let mut decoder = Decoder::new();
    decoder.feed(b"id: 1\nevent: t\n\n");
    assert_eq!(drain(&mut decoder), []);
    assert_eq!(decoder.last_event_id().as_str(), "1");
    // The type buffer was reset by that dispatch too.
    decoder.feed(b"data: x\n\n");
    assert_eq!(drain(&mut decoder), [event("", "x", "1")]);
}

#[test]
fn data_lines_join_with_lf_and_one_trailing_lf_is_dropped() {
    let items = decode_every_way(
        Limits::default(),
        b"data\n\ndata\ndata\n\ndata: a\ndata:\n\n",
    );
    assert_eq!(items, [msg(""), msg("\n"), msg("a\n")]);
}

#[test]
fn event_type_defaults_to_message_and_resets_after_dispatch() {
    let items = decode_every_way(
        Limits::default(),
        b"event: a\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\nevent: x\nevent: b\ndata: 4\n\n",
    );
    assert_eq!(
        items,
        [event("a", "1", ""), msg("2"), msg("3"), event("b", "4", "")]
    );
    let Ok(Decoded::Event(e)) = &items[1] else {
        panic!()
    };
    assert_eq!(e.event_type(), "message");
}

#[test]
fn field_name_is_up_to_first_colon_and_value_loses_one_space() {
    let items = decode_every_way(
        Limits::default(),
        b"data:a\ndata: b\ndata:  c\ndata: d:e: f\ndata\ndata : no\nDATA: no\n: comment\n:\n\n",
    );
    assert_eq!(items, [msg("a\nb\n c\nd:e: f\n")]);
}

#[test]
fn id_persists_resets_on_empty_and_ignores_nul() {
    let items = decode_every_way(
        Limits::default(),
        b"id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 2\nid: x\0y\ndata: d\n\nid:\0\ndata: e\n\n",
    );
    assert_eq!(
        items,
        [
            event("", "a", "1"),
            event("", "b", "1"),
            event("", "c", ""),
            event("", "d", "2"),
            event("", "e", "2"),
        ]
    );
    let mut decoder = Decoder::new();
    decoder.feed(b"id: 7\n\nid: \xC3\n\n");
    assert_eq!(decoder.last_event_id().as_str(), "\u{FFFD}");
}

#[test]
fn retry_is_queued_in_stream_order_and_kept() {
    let mut decoder = Decoder::new();
    let items = decode_chunks(
        &mut decoder,
        &[b"data: a\nretry: 10\n\nretry: x\nretry:  5\nretry\nretry: 1e3\nretry: 007\n"],
    );
    assert_eq!(items, [retry(10), msg("a"), retry(7)]);
    assert_eq!(decoder.retry(), Some(Duration::from_millis(7)));
}

#[test]
fn retry_beyond_u64_milliseconds_saturates() {
    let items = decode(b"retry: 123456789012345678901234567890\n");
    assert_eq!(items, [retry(u64::MAX)]);
}

#[test]
fn invalid_utf8_becomes_replacement_and_split_chars_survive() {
    let items = decode_every_way(
        Limits::default(),
        "data: é€😀\nevent: ü\nid: ñ\n\n".as_bytes(),
    );
    assert_eq!(items, [event("ü", "é€😀", "ñ")]);
    let items = decode_every_way(
        Limits::default(),
        b"data: \xFF\xFEx\xE2\x82\ndata: \xF0\x9F\n\n",
    );
    assert_eq!(items, [msg("\u{FFFD}\u{FFFD}x\u{FFFD}\n\u{FFFD}")]);
}

#[test]
fn finish_discards_the_unfinished_event_and_its_id_but_keeps_queued_items() {
    let mut decoder = Decoder::new();
    decoder.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c");
    decoder.finish();
    assert_eq!(decoder.last_event_id().as_str(), "2");
    assert_eq!(
        drain(&mut decoder),
        [event("", "a", "1"), event("", "b", "2")]
    );
    let mut decoder = Decoder::new();
    decoder.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b\n");
    decoder.finish();
    assert_eq!(decoder.last_event_id().as_str(), "1");
    assert_eq!(drain(&mut decoder), [event("", "a", "1")]);
}

#[test]
fn restart_keeps_last_event_id_and_retry_and_expects_a_bom() {
    let mut decoder = Decoder::new();
    decoder.feed(b"retry: 9\nid: 5\n\ndata: queued\n\nid: 6\ndata: lost");
    decoder.restart();
    assert_eq!(decoder.queued(), 0);
    assert_eq!(decoder.last_event_id().as_str(), "5");
    assert_eq!(decoder.retry(), Some(Duration::from_millis(9)));
    // The unfinished line is gone (not joined with the new stream), a BOM is
    // stripped again, and an event without `id` carries the kept ID.
    decoder.feed(b"\xEF\xBB\xBFdata: new\n\n");
    assert_eq!(drain(&mut decoder), [event("", "new", "5")]);
    decoder.feed(b"\r");
    decoder.restart();
    decoder.feed(b"\ndata: x\n\n");
    assert_eq!(drain(&mut decoder), [event("", "x", "5")]);
}

#[test]
fn resume_starts_from_a_stored_id() {
    let mut decoder = Decoder::resume(EventId::new("41").unwrap());
    assert_eq!(decoder.last_event_id().as_str(), "41");
    decoder.feed(b"data: a\n\nid: 42\ndata: b\n\n");
    assert_eq!(
        drain(&mut decoder),
        [event("", "a", "41"), event("", "b", "42")]
    );
}

#[test]
fn line_too_long_is_reported_and_the_rest_of_its_event_skipped() {
    let limits = Limits::default().max_line(8);
    let items = decode_every_way(
        limits,
        b"data: a\ndata: 123456789\ndata: b\nid: 9\n\ndata: 12\n\n",
    );
    assert_eq!(items, [too_long(8), msg("12")]);
    // A line of exactly the limit is fine; blank lines always are.
    let items = decode_every_way(limits, b"data: 12\r\n\r\n");
    assert_eq!(items, [msg("12")]);
}

#[test]
fn long_comment_is_reported_and_skipped_alone() {
    let limits = Limits::default().max_line(4);
    let items = decode_every_way(limits, b"data\n: a long comment\nid:\n\n");
    assert_eq!(items, [too_long(4), msg("")]);
}

#[test]
fn event_too_large_discards_event_and_its_id_until_blank_line() {
    let limits = Limits::default().max_event(5);
    let items = decode_every_way(
        limits,
        b"id: 1\ndata: ab\n\nid: 2\ndata: ab\ndata: cd\ndata: e\nretry: 1\n\ndata: ok\n\n",
    );
    assert_eq!(
        items,
        [event("", "ab", "1"), too_large(5), event("", "ok", "1")]
    );
    // The type counts too; replacing it shrinks the event again.
    let items = decode_every_way(limits, b"event: abc\nevent: a\ndata: 1234\n\n");
    assert_eq!(items, [event("a", "1234", "")]);
    let items = decode_every_way(limits, b"event: abcdef\ndata: 1\n\ndata: 2\n\n");
    assert_eq!(items, [too_large(5), msg("2")]);
}

#[test]
fn zero_limits_still_pass_blank_lines() {
    let limits = Limits::default().max_line(0).max_event(0);
    let items = decode_every_way(limits, b"\n\ndata: x\n\n:\n\ndata\n\n");
    assert_eq!(items, [too_long(0), too_long(0), too_long(0)]);
    let items = decode_every_way(Limits::default().max_event(0), b"data\n\ndata: x\n\n");
    assert_eq!(items, [msg(""), too_large(0)]);
}

#[test]
fn huge_lines_are_not_buffered() {
    let limits = Limits::default().max_line(1024).max_event(1024);
    let mut decoder = Decoder::with_limits(limits);
    decoder.feed(b": ");
    for _ in 0..1000 {
        decoder.feed(&[b'c'; 4096]);
        assert!(decoder.line.capacity() <= 1024 + 4096);
    }
    decoder.feed(b"\ndata: ");
    for _ in 0..1000 {
        decoder.feed(&[b'd'; 4096]);
        assert!(decoder.line.capacity() <= 1024 + 4096);
        assert!(decoder.block.size() <= 2 * 1024 + 4096);
    }
    decoder.feed(b"\n\ndata: fine\n\n");
    assert_eq!(
        drain(&mut decoder),
        [too_long(1024), too_long(1024), msg("fine")]
    );
}

#[test]
fn a_long_data_line_split_over_many_feeds_is_exact() {
    let value: String = (0..20_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let input = format!("event: big\ndata: {value}\ndata:  tail \n\n");
    let mut decoder = Decoder::new();
    let chunks: Vec<&[u8]> = input.as_bytes().chunks(777).collect();
    let items = decode_chunks(&mut decoder, &chunks);
    assert_eq!(items, [event("big", &format!("{value}\n tail "), "")]);
}

#[test]
fn data_line_cut_right_after_the_colon_strips_the_space_in_the_next_feed() {
    let mut decoder = Decoder::new();
    assert_eq!(
        decode_chunks(&mut decoder, &[b"data:", b" ", b" x\n", b"data:", b"y\n\n"]),
        [msg(" x\ny")]
    );
}

#[test]
fn debug_shows_state_not_content() {
    let mut decoder = Decoder::new();
    decoder.feed(b"data: secret");
    let shown = format!("{decoder:?}");
    assert!(shown.contains("unfinished_line_len: 12"), "{shown}");
    assert!(!shown.contains("secret"));
}

#[test]
fn errors_display_their_limit() {
    assert_eq!(
        format!("{}", DecodeError::LineTooLong { limit: 3 }),
        "event stream line longer than the limit of 3 bytes"
    );
    assert_eq!(
        format!("{}", DecodeError::EventTooLarge { limit: 4 }),
        "event larger than the limit of 4 bytes"
    );
    assert_eq!(vec![Limits::default().line_limit()], [16 << 20]);
}

#[test]
fn decoder_and_items_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Decoder>();
    send_sync::<Decoded>();
    send_sync::<DecodeError>();
    send_sync::<Limits>();
}

#[test]
fn finish_and_restart_end_the_skipping_of_a_dropped_event() {
    let limits = Limits::default().max_event(3);
    let mut decoder = Decoder::with_limits(limits);
    decoder.feed(b"data: too large\ndata: x\n");
    decoder.restart();
    decoder.feed(b"data: ok\n\n");
    assert_eq!(drain(&mut decoder), [msg("ok")]);

    decoder.feed(b"id: 5\ndata: too large\n");
    decoder.finish();
    decoder.restart();
    decoder.feed(b"data: ok\n\n");
    assert_eq!(drain(&mut decoder), [msg("ok")]);
}

#[test]
fn lines_of_a_dropped_event_report_nothing_more() {
    let limits = Limits::default().max_line(10).max_event(4);
    let items = decode_every_way(
        limits,
        b"data: 12345\ndata: a very long line indeed\nretry: 5\n\ndata: 1\n\n",
    );
    assert_eq!(items, [too_long(10), msg("1")]);
    let items = decode_every_way(limits, b"data: 1234\ndata: 5\ndata: far too long\n\n");
    assert_eq!(items, [too_large(4)]);
}

/// [`decode_every_way`], with each piece given to `feed_bytes` (the zero-copy
/// path) as well as to `feed`: both must give the same items.
fn decode_every_way_shared(limits: Limits, input: &[u8]) -> Vec<Item> {
    let whole = decode_every_way(limits, input);
    let input = Bytes::copy_from_slice(input);
    for at in 0..=input.len() {
        let mut decoder = Decoder::with_limits(limits);
        decoder.feed_bytes(input.slice(..at));
        decoder.feed_bytes(input.slice(at..));
        decoder.finish();
        assert_eq!(drain(&mut decoder), whole, "split at {at} of {input:?}");
    }
    whole
}

#[test]
fn data_lines_in_one_read_take_every_value_form() {
    // Data lines whole in a read are recognised on their bytes: every form of the
    // name and the colon, and the names that only look like `data`.
    let items = decode_every_way_shared(
        Limits::default(),
        b"data\ndata:\ndata:x\ndata: y\ndata:  z\ndatax: no\ndata : no\nDATA: no\n:data\n\n",
    );
    assert_eq!(items, [msg("\n\nx\ny\n z")]);
    let items = decode_every_way_shared(Limits::default(), b"data: \xC3\xA9\xE2\x82\xAC\n\n");
    assert_eq!(items, [msg("é€")]);
}

#[test]
fn an_event_cut_at_its_blank_line_is_dispatched_when_the_blank_line_arrives() {
    for ending in ["\n", "\r", "\r\n"] {
        let first = format!("id: 1{ending}data: a{ending}");
        let mut decoder = Decoder::new();
        decoder.feed_bytes(Bytes::from(first));
        assert_eq!(decoder.next_item(), None, "{ending:?}");
        decoder.feed_bytes(Bytes::from(format!("{ending}data: b{ending}{ending}")));
        assert_eq!(
            drain(&mut decoder),
            [event("", "a", "1"), event("", "b", "1")],
            "{ending:?}"
        );
    }
}

#[test]
fn a_cr_ending_one_read_and_an_lf_starting_the_next_are_one_line_ending() {
    // The CR ends the data line (or the blank line) at once; the LF that follows in
    // the next read must not count as a blank line.
    let mut decoder = Decoder::new();
    decoder.feed_bytes(Bytes::from_static(b"data: a\r"));
    decoder.feed_bytes(Bytes::from_static(b"\ndata: b\r\n\r"));
    assert_eq!(drain(&mut decoder), [msg("a\nb")]);
    decoder.feed_bytes(Bytes::from_static(b"\ndata: c\r\n\r\n"));
    assert_eq!(drain(&mut decoder), [msg("c")]);
    let items = decode_every_way_shared(
        Limits::default(),
        b"data: a\r\ndata: b\r\n\r\nid: 2\r\rdata: c\r\r\n",
    );
    assert_eq!(items, [msg("a\nb"), event("", "c", "2")]);
}

#[test]
fn limits_on_lines_whole_in_one_read() {
    let limits = Limits::default().max_line(10).max_event(6);
    // Line limit: a data line of 11 bytes drops its event; the next one is fine.
    let items = decode_every_way_shared(limits, b"data: 12345\ndata: x\n\ndata: ok\n\n");
    assert_eq!(items, [too_long(10), msg("ok")]);
    // Event limit, counted over the data lines joined with `\n`: 3 + 1 + 3 > 6.
    let items = decode_every_way_shared(limits, b"data: abc\ndata: def\nid: 5\n\ndata: g\n\n");
    assert_eq!(items, [too_large(6), msg("g")]);
    // Exactly at the event limit: 3 + 1 + 2.
    let items = decode_every_way_shared(limits, b"data: abc\ndata: de\n\n");
    assert_eq!(items, [msg("abc\nde")]);
}

#[test]
fn data_whole_in_a_read_is_a_slice_of_it() {
    let read = Bytes::from_static(b"id: 7\ndata: first\n\ndata: a\ndata: b\n\n");
    let mut decoder = Decoder::new();
    decoder.feed_bytes(read.clone());
    let items = drain(&mut decoder);
    assert_eq!(items, [event("", "first", "7"), event("", "a\nb", "7")]);
    let Some(Ok(Decoded::Event(first))) = items.first() else {
        panic!("{items:?}")
    };
    assert_eq!(first.text().as_bytes().as_ptr(), read[12..].as_ptr());
}

#[test]
fn a_data_line_over_many_reads_turning_invalid_keeps_every_byte() {
    // Valid pieces (one cutting `é` in two) are gathered as text; an invalid byte in
    // a later piece sends the line back to its input bytes, decoded at dispatch.
    let pieces: [&[u8]; 5] = [b"data: ab\xC3", b"\xA9cd", b"e\xFFf", b"\xE2\x82", b"\n\n"];
    let mut decoder = Decoder::new();
    for piece in pieces {
        decoder.feed_bytes(Bytes::from_static(piece));
    }
    assert_eq!(drain(&mut decoder), [msg("abécde\u{FFFD}f\u{FFFD}")]);
    // A line ending on a cut character is invalid too.
    let mut decoder = Decoder::new();
    for piece in [&b"data: x\xF0\x9F"[..], b"\x98", b"\n\n"] {
        decoder.feed(piece);
    }
    assert_eq!(drain(&mut decoder), [msg("x\u{FFFD}")]);
}
