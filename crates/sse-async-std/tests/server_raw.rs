//! The server's bytes on the wire, read with a plain TCP socket.

mod support;

use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt, stream};
use sse_async_std::{LastEventId, Sse, SseConnExt};
use sse_core::Event;
use sse_testkit::http1::chunked::{ChunkedDecoder, Progress};
use sse_testkit::http1::head::{BodyFraming, parse_head};
use support::Runtime;
use trillium::Conn;

async fn raw_get(addr: std::net::SocketAddr, head: &str) -> String {
    let mut socket = async_net::TcpStream::connect(addr).await.unwrap();
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut text = String::new();
    socket.read_to_string(&mut text).await.unwrap();
    text
}

#[test]
fn response_has_sse_headers_retry_hint_and_frames() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let server = runtime
                .serve(|conn: Conn| async move {
                    let id = LastEventId::from_conn(&conn)
                        .unwrap()
                        .0
                        .map(|id| id.to_string())
                        .unwrap_or_default();
                    let events = stream::iter([Event::new(format!("from {id}")), Event::new("b")]);
                    conn.with_sse(Sse::from_stream(events).retry(Duration::from_millis(1500)))
                })
                .await;
            let text = raw_get(
                server.addr,
                "GET /s HTTP/1.1\r\nhost: x\r\nlast-event-id: 41\r\nconnection: close\r\n\r\n",
            )
            .await;
            let lower = text.to_ascii_lowercase();
            assert!(lower.starts_with("http/1.1 200"), "{text}");
            assert!(
                lower.contains("content-type: text/event-stream\r\n"),
                "{text}"
            );
            assert!(lower.contains("cache-control: no-cache\r\n"), "{text}");
            assert!(lower.contains("x-accel-buffering: no\r\n"), "{text}");
            assert!(!lower.contains("content-length"), "{text}");
            assert!(text.contains("retry: 1500\n"), "{text}");
            assert!(text.contains("data: from 41\n\n"), "{text}");
            assert!(text.contains("data: b\n\n"), "{text}");
        });
    }
}

/// With `http_config()`'s buffers (sized for one 8 KiB body write and a few headers),
/// events larger than a body write and a request with more headers than the maps
/// start with still go through whole and in order.
#[test]
fn large_events_and_many_headers_fit_the_tuned_buffers() {
    let datas: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|fill| fill.repeat(20 * 1024))
        .collect();
    for runtime in Runtime::ALL {
        let datas = datas.clone();
        runtime.block_on(async move {
            let sent = datas.clone();
            let server = runtime
                .serve(move |conn: Conn| {
                    let events = stream::iter(sent.clone().into_iter().map(Event::new));
                    async move { conn.with_sse(Sse::from_stream(events)) }
                })
                .await;
            let extra: String = (0..20).map(|n| format!("x-extra-{n}: {n}\r\n")).collect();
            let head = format!("GET /s HTTP/1.1\r\nhost: x\r\n{extra}connection: close\r\n\r\n");
            let text = raw_get(server.addr, &head).await;
            let (head, len) = parse_head(text.as_bytes())
                .expect("an HTTP/1.1 response")
                .expect("a complete response head");
            assert_eq!(head.framing, BodyFraming::Chunked);
            let mut decoder = ChunkedDecoder::new();
            let mut body = Vec::new();
            let progress = decoder
                .feed(&text.as_bytes()[len..], |d| body.extend_from_slice(d))
                .expect("chunk framing");
            assert_eq!(progress, Progress::Ended, "the body was cut short");
            let expected: String = datas.iter().map(|d| format!("data: {d}\n\n")).collect();
            assert_eq!(body.len(), expected.len());
            assert!(
                body == expected.as_bytes(),
                "the events differ from what was sent"
            );
        });
    }
}
