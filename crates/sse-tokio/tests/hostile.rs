//! Servers nobody should write: raw sockets that break the protocol.
#![cfg(feature = "client")]

use std::time::Duration;

use futures_util::StreamExt;
use sse_testkit::wait::{next, within};
use sse_tokio::client::{ClientConfig, Disconnect, EventSource, SourceEvent, StopReason};
use sse_tokio::sse_core::{DecodeError, Limits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n";

/// Accepts one connection, reads the request head, writes `HEAD` and then `chunk`
/// until `max_bytes` are written or the client goes away. Returns the bytes written.
async fn endless_line_server(
    chunk: &'static [u8],
    max_bytes: usize,
) -> (String, tokio::task::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        read_head(&mut socket).await;
        socket.write_all(HEAD).await.unwrap();
        socket.write_all(b"data: ").await.unwrap();
        let mut written = 0;
        while written < max_bytes {
            if socket.write_all(chunk).await.is_err() {
                break;
            }
            written += chunk.len();
        }
        written
    });
    (url, task)
}

/// A loopback port nothing listens on (bound, then released).
async fn unused_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

async fn read_head(socket: &mut TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = socket.read(&mut byte).await.unwrap();
        assert!(n > 0, "client closed before sending its request");
        head.extend_from_slice(&byte[..n]);
    }
}

#[tokio::test]
async fn a_line_without_end_is_a_typed_error_with_the_default_limits() {
    static CHUNK: [u8; 64 * 1024] = [b'x'; 64 * 1024];
    // Four times the default line limit: the client must stop long before.
    let cap = 4 * Limits::DEFAULT_MAX_LINE;
    let (url, server) = endless_line_server(&CHUNK, cap).await;
    let mut source = EventSource::new(url).unwrap();
    assert_eq!(next("open", &mut source).await, Ok(SourceEvent::Open));
    match next("the decode error", &mut source).await {
        Err(StopReason::Decode(DecodeError::LineTooLong { limit, .. })) => {
            assert_eq!(limit, Limits::DEFAULT_MAX_LINE);
        }
        other => panic!("expected a line-length error, got {other:?}"),
    }
    assert!(within("end", source.next()).await.is_none());
    drop(source);
    let written = within("the server to notice", server).await.unwrap();
    assert!(
        written < cap,
        "the client kept reading to the end ({written} bytes)"
    );
}

#[tokio::test]
async fn configured_limits_apply_to_whole_events_too() {
    // Short data lines without end of event: no line is long, the event is.
    let (url, _server) = endless_line_server(b"zzzzzzzzzzzzzzzzzzzzzzzz\ndata: ", 1 << 20).await;
    let limits = Limits::default().max_event(16 * 1024).max_line(4 * 1024);
    let config = ClientConfig::default().limits(limits);
    let mut source = EventSource::builder(url).config(config).build().unwrap();
    assert_eq!(next("open", &mut source).await, Ok(SourceEvent::Open));
    match next("the decode error", &mut source).await {
        Err(StopReason::Decode(DecodeError::EventTooLarge { limit, .. })) => {
            assert_eq!(limit, 16 * 1024)
        }
        other => panic!("expected an event-size error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_silent_server_trips_the_idle_timeout_and_the_client_reconnects() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut sockets = Vec::new();
        // Two connections: both get the head, then silence.
        for _ in 0..2 {
            let (mut socket, _) = listener.accept().await.unwrap();
            read_head(&mut socket).await;
            socket.write_all(HEAD).await.unwrap();
            sockets.push(socket);
        }
        sockets
    });
    let config = ClientConfig::default()
        .idle_timeout(Some(Duration::from_millis(100)))
        .min_delay(Duration::from_millis(10))
        .initial_retry(Duration::from_millis(10));
    let mut source = EventSource::builder(url).config(config).build().unwrap();
    assert_eq!(next("open", &mut source).await, Ok(SourceEvent::Open));
    match next("the idle timeout", &mut source).await {
        Ok(SourceEvent::Reconnecting { cause, .. }) => assert_eq!(cause, Disconnect::IdleTimeout),
        other => panic!("expected an idle timeout, got {other:?}"),
    }
    assert_eq!(next("open again", &mut source).await, Ok(SourceEvent::Open));
    within("the second connection", server).await.unwrap();
}

#[tokio::test]
async fn connection_refused_is_retried_up_to_max_retries() {
    let port = unused_port().await;
    let config = ClientConfig::default()
        .max_retries(Some(3))
        .min_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(20));
    let mut source = EventSource::builder(format!("http://127.0.0.1:{port}/"))
        .config(config)
        .build()
        .unwrap();
    let mut reconnections = 0;
    loop {
        match next("retries", &mut source).await {
            Ok(SourceEvent::Reconnecting {
                cause: Disconnect::Transport(error),
                ..
            }) => {
                assert!(!error.get_ref().to_string().is_empty());
                reconnections += 1;
            }
            Err(StopReason::RetriesExhausted { attempts, last }) => {
                assert_eq!(attempts, 3);
                assert!(matches!(last, Disconnect::Transport(_)));
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(reconnections, 3);
}

#[cfg(feature = "rustls")]
#[tokio::test]
async fn https_goes_through_rustls_and_a_refused_connection_is_a_transport_error() {
    let port = unused_port().await;
    let config = ClientConfig::default().max_retries(Some(0));
    let mut source = EventSource::builder(format!("https://127.0.0.1:{port}/"))
        .config(config)
        .build()
        .unwrap();
    match next("the failure", &mut source).await {
        Err(StopReason::RetriesExhausted {
            last: Disconnect::Transport(error),
            ..
        }) => {
            assert!(!error.get_ref().to_string().is_empty());
        }
        other => panic!("expected a transport failure, got {other:?}"),
    }
}

#[cfg(feature = "rustls")]
#[tokio::test]
async fn a_plain_http_server_behind_an_https_url_fails_the_handshake() {
    // The server answers the TLS ClientHello with plain HTTP: rustls must reject it.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "https://127.0.0.1:{}/",
        listener.local_addr().unwrap().port()
    );
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
    });
    let config = ClientConfig::default().max_retries(Some(0));
    let mut source = EventSource::builder(url).config(config).build().unwrap();
    assert!(matches!(
        next("the failure", &mut source).await,
        Err(StopReason::RetriesExhausted {
            last: Disconnect::Transport(_),
            ..
        })
    ));
}
