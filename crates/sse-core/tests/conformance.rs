//! The shared conformance cases (`../shared/conformance/cases.json`, next to the
//! repository) run through the decoder: the given chunks, every single split point
//! and one byte at a time must all give exactly the expected events, reconnection
//! time and last event ID.
//!
//! `SSE_SHARED_DIR` overrides where `shared/` is (for a checkout that does not sit
//! next to it, such as a git worktree elsewhere).

use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;
use sse_core::{Decoded, Decoder};

const CASES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance/cases.json"
);

fn cases_path() -> String {
    match std::env::var("SSE_SHARED_DIR") {
        Ok(dir) => format!("{dir}/conformance/cases.json"),
        Err(_) => CASES.to_owned(),
    }
}

/// What a decoder made of a whole stream.
#[derive(Debug, PartialEq)]
struct Outcome {
    /// `(type, data, lastEventId)` of each dispatched event.
    events: Vec<(String, String, String)>,
    retry: Option<Duration>,
    final_last_event_id: String,
}

struct Case {
    name: String,
    chunks: Vec<Vec<u8>>,
    expected: Outcome,
}

fn load_cases() -> Vec<Case> {
    let path = cases_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the conformance cases at {path}: {e} (the shared/ directory must \
             sit next to the repository, or SSE_SHARED_DIR must name it)"
        )
    });
    let root: Value = serde_json::from_str(&text).expect("cases.json is not valid JSON");
    let cases = root["cases"]
        .as_array()
        .expect("cases.json has no `cases` array");
    cases.iter().map(parse_case).collect()
}

fn parse_case(case: &Value) -> Case {
    let name = case["name"].as_str().expect("case without name").to_owned();
    let chunks = if let Some(chunks) = case["chunks"].as_array() {
        chunks
            .iter()
            .map(|c| {
                c.as_str()
                    .expect("chunk is not a string")
                    .as_bytes()
                    .to_vec()
            })
            .collect()
    } else {
        let chunks = case["chunks_b64"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: neither chunks nor chunks_b64"));
        chunks
            .iter()
            .map(|c| {
                base64::engine::general_purpose::STANDARD
                    .decode(c.as_str().expect("chunk is not a string"))
                    .unwrap_or_else(|e| panic!("{name}: bad base64: {e}"))
            })
            .collect()
    };
    let field = |event: &Value, key: &str| {
        event[key]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: expected event without {key}"))
            .to_owned()
    };
    let events = case["expected"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: no expected array"))
        .iter()
        .map(|e| (field(e, "type"), field(e, "data"), field(e, "lastEventId")))
        .collect();
    let expected = Outcome {
        events,
        retry: expected_retry(&name, &case["retry"]),
        final_last_event_id: case["final_last_event_id"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no final_last_event_id"))
            .to_owned(),
    };
    Case {
        name,
        chunks,
        expected,
    }
}

/// The reconnection time a case expects, with the decoder's documented rule for
/// values it cannot represent: beyond `u64::MAX` ms it saturates to `u64::MAX` ms.
/// (serde_json reads integers beyond `u64` as `f64`, which is enough to tell.)
fn expected_retry(name: &str, retry: &Value) -> Option<Duration> {
    if retry.is_null() {
        return None;
    }
    if let Some(ms) = retry.as_u64() {
        return Some(Duration::from_millis(ms));
    }
    match retry.as_f64() {
        Some(ms) if ms >= 18_446_744_073_709_551_615.0 => Some(Duration::from_millis(u64::MAX)),
        _ => panic!("{name}: retry {retry} is neither null nor a non-negative integer"),
    }
}

fn run(chunks: &[&[u8]], owned: bool) -> Outcome {
    let mut decoder = Decoder::new();
    for chunk in chunks {
        if owned {
            decoder.feed_bytes(bytes::Bytes::copy_from_slice(chunk));
        } else {
            decoder.feed(chunk);
        }
    }
    decoder.finish();
    let mut events = Vec::new();
    let mut last_retry = None;
    while let Some(item) = decoder.next_item() {
        match item.expect("default limits are never reached by the cases") {
            Decoded::Event(e) => events.push((
                e.event_type().to_owned(),
                e.data().to_owned(),
                e.last_event_id().as_str().to_owned(),
            )),
            Decoded::Retry(retry) => last_retry = Some(retry),
            other => panic!("unexpected item {other:?}"),
        }
    }
    assert_eq!(last_retry, decoder.retry(), "last Retry item vs retry()");
    Outcome {
        events,
        retry: decoder.retry(),
        final_last_event_id: decoder.last_event_id().as_str().to_owned(),
    }
}

/// Runs `chunks` through `feed` and through `feed_bytes`; both must match.
fn check(case: &Case, how: &str, chunks: &[&[u8]]) {
    for owned in [false, true] {
        check_fed(case, how, chunks, owned);
    }
}

fn check_fed(case: &Case, how: &str, chunks: &[&[u8]], owned: bool) {
    let got = run(chunks, owned);
    let how = if owned {
        format!("{how} (feed_bytes)")
    } else {
        how.to_owned()
    };
    if got != case.expected {
        let shown: Vec<String> = chunks
            .iter()
            .map(|c| c.escape_ascii().to_string())
            .collect();
        panic!(
            "case `{}` fed {how} {shown:?}:\n     got {got:?}\nexpected {:?}",
            case.name, case.expected
        );
    }
}

#[test]
fn every_case_with_its_own_chunks() {
    for case in load_cases() {
        let chunks: Vec<&[u8]> = case.chunks.iter().map(Vec::as_slice).collect();
        check(&case, "in its chunks", &chunks);
    }
}

#[test]
fn every_case_split_at_every_point() {
    for case in load_cases() {
        let stream = case.chunks.concat();
        for at in 0..=stream.len() {
            let (a, b) = stream.split_at(at);
            check(&case, &format!("split at {at}"), &[a, b]);
        }
    }
}

#[test]
fn every_case_one_byte_at_a_time() {
    for case in load_cases() {
        let stream = case.chunks.concat();
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        check(&case, "one byte at a time", &bytes);
    }
}

#[test]
fn the_case_file_is_not_trivial() {
    let cases = load_cases();
    assert!(cases.len() >= 50, "only {} cases", cases.len());
    assert!(cases.iter().any(|c| c.expected.retry.is_some()));
    assert!(
        cases
            .iter()
            .any(|c| !c.expected.final_last_event_id.is_empty())
    );
}
