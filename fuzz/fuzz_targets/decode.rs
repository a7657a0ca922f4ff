//! Feeds the input to the decoder whole and cut in two (at a point the fuzzer picks),
//! with small limits the fuzzer picks too, through `feed` and through `feed_bytes`:
//! all must give the same items and end state, nothing may panic, and the memory held
//! stays within the documented bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sse_core::{DecodeError, Decoded, Decoder, Limits};

/// Decodes `pieces` in order, checking the memory bound after each feed.
fn run(
    limits: Limits,
    pieces: &[&[u8]],
    owned: bool,
) -> (
    Vec<Result<Decoded, DecodeError>>,
    String,
    Option<std::time::Duration>,
) {
    let bound = limits.event_limit() + limits.line_limit() + 4;
    let mut decoder = Decoder::with_limits(limits);
    let mut items = Vec::new();
    for piece in pieces {
        if owned {
            decoder.feed_bytes(bytes::Bytes::copy_from_slice(piece));
        } else {
            decoder.feed(piece);
        }
        assert!(
            decoder.buffered_len() <= bound,
            "{} > {bound}",
            decoder.buffered_len()
        );
        items.extend(std::iter::from_fn(|| decoder.next_item()));
    }
    decoder.finish();
    items.extend(std::iter::from_fn(|| decoder.next_item()));
    assert_eq!(decoder.buffered_len(), 0);
    (
        items,
        decoder.last_event_id().as_str().to_owned(),
        decoder.retry(),
    )
}

fuzz_target!(|input: &[u8]| {
    let [line, event, cut_hi, cut_lo, stream @ ..] = input else {
        return;
    };
    let limits = Limits::default()
        .max_line(usize::from(*line))
        .max_event(usize::from(*event));
    let cut = usize::from(u16::from_be_bytes([*cut_hi, *cut_lo])) % (stream.len() + 1);
    let (head, tail) = stream.split_at(cut);

    let whole = run(limits, &[stream], false);
    let split = run(limits, &[head, tail], false);
    assert_eq!(whole, split, "cut at {cut}");
    let owned = run(limits, &[head, tail], true);
    assert_eq!(whole, owned, "cut at {cut}, feed_bytes");

    // Generous limits: the same invariance without the error paths.
    let whole = run(Limits::default(), &[stream], false);
    let split = run(Limits::default(), &[head, tail], false);
    assert_eq!(whole, split, "cut at {cut}, default limits");
    let owned = run(Limits::default(), &[head, tail], true);
    assert_eq!(whole, owned, "cut at {cut}, default limits, feed_bytes");
});
