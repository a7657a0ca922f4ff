//! Decoding from `AsyncRead` and encoding to `AsyncWrite`, on async-std and smol.

mod support;

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use futures_io::{AsyncRead, AsyncWrite};
use futures_lite::{AsyncReadExt, StreamExt, future, stream};
use serde_json::Value;
use sse_async_std::{
    EventStreamError, ReaderEvents, SseBody, WriteError, write_event, write_event_from_reader,
    write_stream,
};
use sse_core::hub::{Hub, Topic, TopicFilter};
use sse_core::source::EventStream;
use sse_core::stream::{KeepAlive, StreamOptions};
use sse_core::{Event, EventId, Frame};
use support::{Runtime, eventually};

/// Hands out its bytes a few at a time, returning `Pending` (after waking itself)
/// between pieces, then an optional error.
struct Trickle {
    bytes: Vec<u8>,
    at: usize,
    step: usize,
    pending_next: bool,
    error_at_end: Option<io::ErrorKind>,
}

impl Trickle {
    fn new(bytes: &[u8], step: usize) -> Self {
        Trickle {
            bytes: bytes.to_vec(),
            at: 0,
            step,
            pending_next: false,
            error_at_end: None,
        }
    }
}

impl AsyncRead for Trickle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        if self.pending_next {
            self.pending_next = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.pending_next = true;
        let rest = &self.bytes[self.at..];
        if rest.is_empty() {
            return Poll::Ready(match self.error_at_end.take() {
                Some(kind) => Err(io::Error::new(kind, "link down")),
                None => Ok(0),
            });
        }
        let n = rest.len().min(self.step).min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Poll::Ready(Ok(n))
    }
}

fn shared_cases() -> Vec<Value> {
    let path = match std::env::var("SSE_SHARED_DIR") {
        Ok(dir) => format!("{dir}/conformance/cases.json"),
        Err(_) => concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/conformance/cases.json"
        )
        .to_owned(),
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the conformance cases at {path}: {e} (shared/ must sit next to the \
             repository, or SSE_SHARED_DIR must name it)"
        )
    });
    let root: Value = serde_json::from_str(&text).expect("cases.json is JSON");
    root["cases"].as_array().expect("a cases array").clone()
}

fn case_bytes(case: &Value) -> Vec<u8> {
    if let Some(chunks) = case["chunks"].as_array() {
        chunks
            .iter()
            .flat_map(|c| c.as_str().unwrap().bytes())
            .collect()
    } else {
        let chunks = case["chunks_b64"].as_array().expect("chunks or chunks_b64");
        chunks
            .iter()
            .flat_map(|c| {
                base64::engine::general_purpose::STANDARD
                    .decode(c.as_str().unwrap())
                    .unwrap()
            })
            .collect()
    }
}

#[test]
fn shared_conformance_cases_decode_through_a_trickling_reader() {
    let cases = shared_cases();
    assert!(!cases.is_empty());
    for runtime in Runtime::ALL {
        for case in &cases {
            let name = case["name"].as_str().unwrap().to_owned();
            let bytes = case_bytes(case);
            for step in [1, 3, 4096] {
                runtime.block_on(async {
                    let mut reader = ReaderEvents::new(Trickle::new(&bytes, step));
                    let mut events = Vec::new();
                    while let Some(item) = reader.next().await {
                        let event = item.unwrap();
                        events.push(serde_json::json!({
                            "type": event.event_type(),
                            "data": event.data(),
                            "lastEventId": event.last_event_id().as_str(),
                        }));
                    }
                    assert_eq!(Value::from(events), case["expected"], "{name}, step {step}");
                    let retry = reader.retry().map(|r| r.as_millis());
                    match case["retry"].as_u64() {
                        Some(ms) => assert_eq!(retry, Some(u128::from(ms)), "{name}"),
                        None if case["retry"].is_null() => assert_eq!(retry, None, "{name}"),
                        None => {} // beyond u64: the decoder documents what it does
                    }
                    assert_eq!(
                        reader.last_event_id().as_str(),
                        case["final_last_event_id"].as_str().unwrap(),
                        "{name}"
                    );
                });
            }
        }
    }
}

#[test]
fn a_decode_error_is_yielded_then_ends_the_stream() {
    for runtime in Runtime::ALL {
        runtime.block_on(async {
            let input = &b"data: a\n\ndata: far too long a line\n\ndata: b\n\n"[..];
            let limits = sse_core::Limits::default().max_line(12);
            let items: Vec<_> = ReaderEvents::with_limits(input, limits).collect().await;
            assert_eq!(items.len(), 2, "{items:?}");
            assert_eq!(items[0].as_ref().unwrap().data(), "a");
            assert!(matches!(
                items[1],
                Err(EventStreamError::Decode(
                    sse_core::DecodeError::LineTooLong { limit: 12 }
                ))
            ));
        });
    }
}

#[test]
fn read_errors_end_the_stream_after_the_events_before_them() {
    for runtime in Runtime::ALL {
        runtime.block_on(async {
            let mut trickle = Trickle::new(b"data: a\n\ndata: cut", 5);
            trickle.error_at_end = Some(io::ErrorKind::ConnectionReset);
            let mut reader = ReaderEvents::new(trickle);
            assert_eq!(reader.next().await.unwrap().unwrap().data(), "a");
            match reader.next().await {
                Some(Err(EventStreamError::Read(e))) => {
                    assert_eq!(e.kind(), io::ErrorKind::ConnectionReset);
                }
                other => panic!("{other:?}"),
            }
            assert!(reader.next().await.is_none());
        });
    }
}

/// A writer whose bytes the test can look at while it is in use.
#[derive(Clone, Default)]
struct SharedWriter(Arc<Mutex<Vec<u8>>>);

impl SharedWriter {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl AsyncWrite for SharedWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// An `AsyncRead` fed through a channel: the test decides when each piece exists.
struct ChannelReader {
    pieces: Pin<Box<smol::channel::Receiver<Vec<u8>>>>,
    current: Vec<u8>,
}

impl AsyncRead for ChannelReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        while self.current.is_empty() {
            match self.pieces.as_mut().poll_next(cx) {
                Poll::Ready(Some(piece)) => self.current = piece,
                Poll::Ready(None) => return Poll::Ready(Ok(0)),
                Poll::Pending => return Poll::Pending,
            }
        }
        let n = self.current.len().min(buf.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current.drain(..n);
        Poll::Ready(Ok(n))
    }
}

#[test]
fn reader_streamed_event_is_written_piece_by_piece_and_matches_whole_encoding() {
    for runtime in Runtime::ALL {
        runtime.block_on(async {
            let (send, pieces) = smol::channel::unbounded();
            let reader = ChannelReader {
                pieces: Box::pin(pieces),
                current: Vec::new(),
            };
            let head = Event::builder().event("doc").id("9").build().unwrap();
            let writer = SharedWriter::default();
            let mut sink = writer.clone();
            let writing = write_event_from_reader(&mut sink, head.clone(), reader);
            let driving = async {
                send.send(b"first part\r".to_vec()).await.unwrap();
                // The first piece is on the wire before the second exists.
                eventually("first piece written", || {
                    writer.text().contains("data: first part\n")
                })
                .await;
                send.send(b"\nsecond\rthird".to_vec()).await.unwrap();
                drop(send);
            };
            let (written, ()) = future::zip(writing, driving).await;
            written.unwrap();
            let whole = head.with_data("first part\r\nsecond\rthird");
            assert_eq!(
                writer.text().as_bytes(),
                &Frame::encode(&whole).as_bytes()[..]
            );
        });
    }
}

#[test]
fn hub_subscription_is_written_until_the_hub_closes() {
    for runtime in Runtime::ALL {
        runtime.block_on(async {
            let hub = Hub::new();
            let subscription = hub.subscribe(TopicFilter::all()).unwrap();
            let topic = Topic::new("t").unwrap();
            let ids: Vec<EventId> = (0..3)
                .map(|n| hub.publish(&topic, Event::new(n.to_string())).unwrap())
                .collect();
            hub.close();
            let options = StreamOptions::default().retry(Duration::from_secs(2));
            let mut out = Vec::new();
            write_stream(&mut out, subscription, &options)
                .await
                .unwrap();
            // The retry: hint joins the first event's block (no block that dispatches nothing).
            let expected: String = std::iter::once("retry: 2000\n".to_owned())
                .chain(
                    ids.iter()
                        .enumerate()
                        .map(|(n, id)| format!("id: {id}\ndata: {n}\n\n")),
                )
                .collect();
            assert_eq!(String::from_utf8(out).unwrap(), expected);
        });
    }
}

#[test]
fn idle_stream_gets_keep_alives_between_events() {
    for runtime in Runtime::ALL {
        runtime.block_on(async {
            let (send, events) = smol::channel::unbounded::<Event>();
            let writer = SharedWriter::default();
            let mut sink = writer.clone();
            let options = StreamOptions::default().keep_alive(Some(
                KeepAlive::new(Duration::from_millis(5)).comment("ping"),
            ));
            let writing = write_stream(&mut sink, EventStream::new(Box::pin(events)), &options);
            let driving = async {
                send.send(Event::new("a")).await.unwrap();
                eventually("a keep-alive after the event", || {
                    writer.text().contains("data: a\n\n: ping\n")
                })
                .await;
                send.send(Event::new("b")).await.unwrap();
                drop(send);
            };
            let (written, ()) = future::zip(writing, driving).await;
            written.unwrap();
            let text = writer.text();
            // A keep-alive is a lone comment line, never followed by a blank line.
            assert!(text.starts_with("data: a\n\n: ping\n"), "{text}");
            assert!(!text.contains(": ping\n\n"), "{text}");
            assert!(text.ends_with("data: b\n\n"), "{text}");
            assert_eq!(text.replace(": ping\n", ""), "data: a\n\ndata: b\n\n");
        });
    }
}

#[test]
fn source_errors_are_reported_after_what_came_before() {
    for runtime in Runtime::ALL {
        runtime.block_on(async {
            let items = vec![
                Ok(Event::new("kept")),
                Err(io::Error::other("upstream gone")),
            ];
            let mut out = Vec::new();
            let error = write_stream(
                &mut out,
                EventStream::new(stream::iter(items)),
                &StreamOptions::default(),
            )
            .await
            .unwrap_err();
            assert!(matches!(&error, WriteError::Source(e) if e.to_string() == "upstream gone"));
            assert_eq!(out, b"data: kept\n\n");

            let items = vec![
                Ok(Event::new("kept")),
                Err(io::Error::other("upstream gone")),
            ];
            let mut body = SseBody::new(
                EventStream::new(stream::iter(items)),
                &StreamOptions::default(),
            );
            let mut buf = [0u8; 64];
            let n = body.read(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"data: kept\n\n");
            let error = body.read(&mut buf).await.unwrap_err();
            assert_eq!(error.to_string(), "upstream gone");
        });
    }
}

#[test]
fn write_errors_stop_the_stream() {
    struct Broken;
    impl AsyncWrite for Broken {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &[u8],
        ) -> Poll<io::Result<usize>> {
            Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }
    for runtime in Runtime::ALL {
        runtime.block_on(async {
            let error = write_event(&mut Broken, &Event::new("x"))
                .await
                .unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
            let never_ending = EventStream::new(stream::repeat(Event::new("y")));
            let error = write_stream(&mut Broken, never_ending, &StreamOptions::default())
                .await
                .unwrap_err();
            assert!(matches!(error, WriteError::Io(e) if e.kind() == io::ErrorKind::BrokenPipe));
        });
    }
}

#[test]
fn body_reads_in_small_buffers_lose_and_reorder_nothing() {
    for runtime in Runtime::ALL {
        runtime.block_on(async {
            let events: Vec<Event> = (0..20)
                .map(|n| Event::new(format!("event number {n}\nsecond line")))
                .collect();
            // The comment joins the first event's block.
            let expected: Vec<u8> = std::iter::once(&b": hello\n"[..])
                .chain(
                    events
                        .iter()
                        .map(|e| Frame::encode(e).as_bytes().clone())
                        .collect::<Vec<_>>()
                        .iter()
                        .map(|b| &b[..]),
                )
                .flatten()
                .copied()
                .collect();
            let options = StreamOptions::default().initial_comment("hello");
            let mut body = SseBody::new(EventStream::new(stream::iter(events)), &options);
            let mut out = Vec::new();
            let mut buf = [0u8; 7];
            loop {
                let n = body.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&buf[..n]);
            }
            assert_eq!(out, expected);
        });
    }
}
