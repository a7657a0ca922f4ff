//! The decoding adapters (`ReaderEvents`, `BodyEvents`, the codec) against the shared
//! conformance cases, fed chunk by chunk through real async I/O.
//!
//! The cases are read from `../shared/` next to the repository; `SSE_SHARED_DIR`
//! overrides where `shared/` is (for a checkout elsewhere, such as a git worktree).

use std::io;
use std::path::PathBuf;

use base64::Engine;
use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::StreamBody;
use serde_json::Value;
use sse_tokio::sse_core::{DecodeError, Limits};
use sse_tokio::{BodyEvents, EventStreamError, EventsExt, MessageEvent, ReaderEvents};
use tokio::io::AsyncWriteExt;

/// The conformance cases, from `../shared/` next to the workspace root.
fn cases() -> Vec<Value> {
    let shared = match std::env::var_os("SSE_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    let path = shared.join("conformance/cases.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the shared conformance cases are missing at {} ({e}); the shared/ \
             directory must sit next to the repository, or SSE_SHARED_DIR must name it",
            path.display()
        )
    });
    let all: Value = serde_json::from_str(&text).unwrap();
    all["cases"].as_array().unwrap().clone()
}

/// A case's stream as its chunks of bytes.
fn chunks(case: &Value) -> Vec<Vec<u8>> {
    if let Some(b64) = case.get("chunks_b64") {
        let engine = base64::engine::general_purpose::STANDARD;
        return b64
            .as_array()
            .unwrap()
            .iter()
            .map(|c| engine.decode(c.as_str().unwrap()).unwrap())
            .collect();
    }
    case["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().as_bytes().to_vec())
        .collect()
}

fn as_json(event: &MessageEvent) -> Value {
    serde_json::json!({
        "type": event.event_type(),
        "data": event.data(),
        "lastEventId": event.last_event_id().as_str(),
    })
}

fn expected(case: &Value) -> Vec<Value> {
    case["expected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| serde_json::json!({"type": e["type"], "data": e["data"], "lastEventId": e["lastEventId"]}))
        .collect()
}

#[tokio::test]
async fn reader_events_pass_every_conformance_case_through_a_pipe() {
    for case in cases() {
        let (mut writer, reader) = tokio::io::duplex(64);
        let pieces = chunks(&case);
        let feeder = tokio::spawn(async move {
            for piece in pieces {
                writer.write_all(&piece).await.unwrap();
                writer.flush().await.unwrap();
                tokio::task::yield_now().await;
            }
        });
        let mut events = ReaderEvents::new(reader);
        let mut got = Vec::new();
        while let Some(event) = events.next().await {
            got.push(as_json(&event.unwrap()));
        }
        feeder.await.unwrap();
        assert_eq!(got, expected(&case), "case {}", case["name"]);
        assert_eq!(
            events.last_event_id().as_str(),
            case["final_last_event_id"].as_str().unwrap(),
            "case {}",
            case["name"]
        );
        let retry = events.retry().map(|r| r.as_millis());
        match &case["retry"] {
            Value::Null => assert_eq!(retry, None, "case {}", case["name"]),
            // Values past u64 are sse-core's to represent (its conformance test
            // checks them); the adapter only passes on what the decoder says.
            expected => {
                if let Some(ms) = expected.as_u64() {
                    assert_eq!(retry, Some(u128::from(ms)), "case {}", case["name"]);
                }
            }
        }
    }
}

#[tokio::test]
async fn body_events_pass_every_conformance_case_frame_by_frame() {
    for case in cases() {
        let frames = chunks(&case)
            .into_iter()
            .map(|c| Ok::<_, std::io::Error>(http_body::Frame::data(Bytes::from(c))));
        let body = StreamBody::new(futures_util::stream::iter(frames));
        let got: Vec<Value> = BodyEvents::new(body)
            .map(|event| as_json(&event.unwrap()))
            .collect()
            .await;
        assert_eq!(got, expected(&case), "case {}", case["name"]);
    }
}

#[tokio::test]
async fn a_body_error_ends_the_stream_after_the_events_before_it() {
    let frames = vec![
        Ok(http_body::Frame::data(Bytes::from_static(
            b"data: one\n\ndata: cut",
        ))),
        Err(std::io::Error::other("connection reset")),
    ];
    let body = StreamBody::new(futures_util::stream::iter(frames));
    let items: Vec<_> = BodyEvents::new(body).collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().data(), "one");
    match &items[1] {
        Err(EventStreamError::Read(e)) => assert_eq!(e.to_string(), "connection reset"),
        other => panic!("expected the read error, got {other:?}"),
    }
}

#[tokio::test]
async fn limits_bound_the_reader_decoder() {
    let line = vec![b'x'; 10_000];
    let mut input = b"data: ".to_vec();
    input.extend_from_slice(&line);
    let limits = Limits::default().max_line(1024);
    let items: Vec<_> = ReaderEvents::with_limits(&input[..], limits)
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(matches!(
        items[0],
        Err(EventStreamError::Decode(DecodeError::LineTooLong { .. }))
    ));
}

#[tokio::test]
async fn a_decode_error_is_yielded_then_ends_the_stream() {
    let input = &b"data: a\n\ndata: far too long a line\n\ndata: b\n\n"[..];
    let limits = Limits::default().max_line(12);
    let from_reader: Vec<_> = ReaderEvents::with_limits(input, limits).collect().await;
    let chunks = input.chunks(5).map(Ok::<_, std::convert::Infallible>);
    let from_chunks: Vec<_> = futures_util::stream::iter(chunks)
        .events_with_limits(limits)
        .collect()
        .await;
    for items in [
        from_reader
            .iter()
            .map(|item| item.as_ref().map_err(|e| e.to_string()))
            .collect::<Vec<_>>(),
        from_chunks
            .iter()
            .map(|item| item.as_ref().map_err(|e| e.to_string()))
            .collect(),
    ] {
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(items[0].as_ref().map(|event| event.data()), Ok("a"));
        assert_eq!(
            items[1].as_ref().map(|event| event.data()),
            Err(
                &"invalid event stream: event stream line longer than the limit of 12 bytes"
                    .to_owned()
            )
        );
    }
}

#[tokio::test]
async fn events_of_a_chunk_stream_keep_the_transport_error_as_source() {
    use std::error::Error as _;

    let chunks = vec![
        Ok(bytes::Bytes::from_static(b"id: 1\ndata: x\n\nda")),
        Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset")),
        Ok(bytes::Bytes::from_static(b"ta: never\n\n")),
    ];
    let mut events = futures_util::stream::iter(chunks).events();
    let first = events.next().await.unwrap().unwrap();
    assert_eq!((first.data(), first.last_event_id().as_str()), ("x", "1"));
    let error = events.next().await.unwrap().unwrap_err();
    let source = error
        .source()
        .and_then(|s| s.downcast_ref::<io::Error>())
        .unwrap();
    assert_eq!(source.kind(), io::ErrorKind::ConnectionReset);
    assert!(events.next().await.is_none());
    assert_eq!(events.last_event_id().as_str(), "1");
}

#[cfg(feature = "codec")]
mod codec {
    use futures_util::{SinkExt, StreamExt};
    use sse_tokio::codec::SseCodec;
    use sse_tokio::{Event, EventId, EventType, Frame};
    use tokio_util::codec::{FramedRead, FramedWrite};

    #[tokio::test]
    async fn events_round_trip_through_framed_write_and_read() {
        let (client, server) = tokio::io::duplex(16);
        let writer = tokio::spawn(async move {
            let mut sink = FramedWrite::new(server, SseCodec::new());
            for n in 0..50 {
                let event = Event::new(format!("line a {n}\r\nline b"))
                    .with_id(EventId::new(n.to_string()).unwrap())
                    .with_type(EventType::new("tick").unwrap());
                sink.send(event).await.unwrap();
                sink.send(Frame::keep_alive()).await.unwrap();
            }
        });
        let mut reader = FramedRead::new(client, SseCodec::new());
        for n in 0..50 {
            let event = reader.next().await.unwrap().unwrap();
            assert_eq!(event.event_type(), "tick");
            assert_eq!(event.data(), format!("line a {n}\nline b"));
            assert_eq!(event.last_event_id().as_str(), n.to_string());
        }
        assert!(reader.next().await.is_none());
        writer.await.unwrap();
    }

    #[tokio::test]
    async fn an_unfinished_last_event_is_dropped_at_eof() {
        let input: &[u8] = b"data: whole\n\ndata: cut";
        let events: Vec<_> = FramedRead::new(input, SseCodec::new()).collect().await;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].as_ref().unwrap().data(), "whole");
    }
}
