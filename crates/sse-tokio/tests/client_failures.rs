//! The tokio client against servers that fail: causes kept for the caller to match,
//! the connect timeout, and the builder's headers and seed.
#![cfg(feature = "client")]

use std::io;
use std::time::Duration;

use sse_testkit::wait::{next, within};
use sse_tokio::client::{ClientConfig, Disconnect, EventSource, SourceEvent, StopReason};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A port nobody listens on (bound, then closed).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn a_refused_connection_keeps_its_io_error() {
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let config = ClientConfig::default().max_retries(Some(0));
    let mut source = EventSource::builder(url).config(config).build().unwrap();
    let Err(StopReason::RetriesExhausted {
        last: Disconnect::Transport(error),
        ..
    }) = next("the failure", &mut source).await
    else {
        panic!("expected a transport failure");
    };
    let kind = error.find::<io::Error>().map(io::Error::kind);
    assert_eq!(kind, Some(io::ErrorKind::ConnectionRefused), "{error}");
    assert!(error.find::<hyper_util::client::legacy::Error>().is_some());
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_and_retries_run_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    // Accepts and holds every connection without a word.
    let server = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let timeout = Duration::from_millis(200);
    let config = ClientConfig::default()
        .connect_timeout(Some(timeout))
        .min_delay(Duration::from_millis(10))
        .initial_retry(Duration::from_millis(10))
        .max_retries(Some(2));
    let mut source = EventSource::builder(url).config(config).build().unwrap();
    let expected = Disconnect::ConnectTimeout { timeout };
    for attempt in 1..=2 {
        match next("a timeout", &mut source).await {
            Ok(SourceEvent::Reconnecting {
                cause, attempt: n, ..
            }) => {
                assert_eq!((cause, n), (expected.clone(), attempt));
            }
            other => panic!("expected a reconnection, got {other:?}"),
        }
    }
    assert_eq!(
        next("giving up", &mut source).await,
        Err(StopReason::RetriesExhausted {
            attempts: 2,
            last: expected
        })
    );
    server.abort();
}

#[tokio::test]
async fn builder_headers_method_and_body_are_sent() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/rpc", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.ends_with(b"{}") {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "request cut short");
            request.extend_from_slice(&buf[..n]);
        }
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\ndata: ok\n\n";
        stream.write_all(head.as_bytes()).await.unwrap();
        (String::from_utf8(request).unwrap(), stream)
    });
    let mut source = EventSource::builder(url)
        .method(http::Method::PUT)
        .header("X-Token", "abc")
        .body("{}")
        .seed(42)
        .build()
        .unwrap();
    assert_eq!(next("open", &mut source).await, Ok(SourceEvent::Open));
    let (request, _stream) = within("the request", server).await.unwrap();
    let request = request.to_ascii_lowercase();
    assert!(request.starts_with("put /rpc http/1.1\r\n"), "{request}");
    assert!(request.contains("\r\nx-token: abc\r\n"), "{request}");
    assert!(
        request.contains("\r\naccept: text/event-stream\r\n"),
        "{request}"
    );
}

#[test]
fn an_invalid_builder_header_is_a_build_error() {
    let built = EventSource::builder("http://127.0.0.1:1/")
        .header("bad name", "x")
        .build();
    assert!(built.is_err());
}

#[tokio::test]
async fn the_same_seed_gives_the_same_reconnection_delays() {
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let config = ClientConfig::default()
        .min_delay(Duration::from_millis(1))
        .initial_retry(Duration::from_millis(5))
        .max_retries(Some(3));
    let mut runs = Vec::new();
    for _ in 0..2 {
        let mut source = EventSource::builder(url.as_str())
            .config(config.clone())
            .seed(42)
            .build()
            .unwrap();
        let mut delays = Vec::new();
        while let Ok(SourceEvent::Reconnecting { delay, .. }) = next("a retry", &mut source).await {
            delays.push(delay);
        }
        runs.push(delays);
    }
    assert_eq!(runs[0].len(), 3);
    assert_eq!(runs[0], runs[1]);
}
