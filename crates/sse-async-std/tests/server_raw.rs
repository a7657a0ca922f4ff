//! The server's bytes on the wire, read with a plain TCP socket.

mod support;

use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt, stream};
use sse_async_std::{EventFrames, SseConnExt};
use sse_core::Event;
use sse_core::stream::StreamOptions;
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
                    let id = conn
                        .last_event_id()
                        .map(|id| id.to_string())
                        .unwrap_or_default();
                    let events = stream::iter([Event::new(format!("from {id}")), Event::new("b")]);
                    let options = StreamOptions::default().retry(Duration::from_millis(1500));
                    conn.with_sse(EventFrames::new(events), &options)
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
