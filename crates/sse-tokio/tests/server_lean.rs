//! The server helper's lean writer (`ServerOptions::lean_streams`), over raw loopback
//! sockets: what goes on the wire, what still goes to hyper, and that a lean stream
//! keeps the connection's guarantees (client leaves → subscription freed, write
//! timeout, graceful shutdown).
#![cfg(all(feature = "server", feature = "axum"))]

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use sse_core::Event;
use sse_core::hub::{Hub, Topic};
use sse_testkit::http1::chunked::{ChunkedDecoder, Progress};
use sse_testkit::http1::head::{Head, parse_head};
use sse_tokio::server::{Server, ServerOptions, ServerStats};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::time::timeout;

/// Every wait of these tests is bounded by this.
const WAIT: Duration = Duration::from_secs(10);

struct Running {
    addr: SocketAddr,
    hub: Hub,
    stats: ServerStats,
    stop: Option<oneshot::Sender<()>>,
    served: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// `/events` (the hub's endpoint), `/plain` (text), `/echo` (POST) under `options`.
async fn start(options: ServerOptions) -> Running {
    let hub = Hub::builder().window_count(10_000).build();
    let app = Router::new()
        .route("/events", sse_tokio::axum::hub_endpoint(hub.clone()))
        .route("/plain", get(|| async { "plain text" }))
        .route("/echo", post(|body: String| async move { body }));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::from_listener(listener).options(options);
    let stats = server.stats();
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(server.serve_with_shutdown(app, async {
        let _ = stopped.await;
    }));
    Running {
        addr,
        hub,
        stats,
        stop: Some(stop),
        served,
    }
}

fn topic() -> Topic {
    Topic::new("t").unwrap()
}

/// Reads until a whole response head is in; returns it and the bytes after it.
async fn read_head(socket: &mut TcpStream) -> (Head, Vec<u8>) {
    let mut bytes = Vec::new();
    loop {
        if let Some((head, len)) = parse_head(&bytes).unwrap() {
            return (head, bytes.split_off(len));
        }
        let mut buf = [0; 4096];
        let n = timeout(WAIT, socket.read(&mut buf)).await.unwrap().unwrap();
        assert!(n > 0, "closed before a response head");
        bytes.extend_from_slice(&buf[..n]);
    }
}

/// Reads the chunked body until `done` says the text so far is enough, or it ends.
async fn read_body(
    socket: &mut TcpStream,
    mut rest: Vec<u8>,
    done: impl Fn(&str) -> bool,
) -> (String, Progress) {
    let mut decoder = ChunkedDecoder::new();
    let mut body = Vec::new();
    loop {
        let progress = decoder
            .feed(&rest, |data| body.extend_from_slice(data))
            .unwrap();
        let text = String::from_utf8_lossy(&body).into_owned();
        if progress == Progress::Ended || done(&text) {
            return (text, progress);
        }
        let mut buf = [0; 4096];
        let n = timeout(WAIT, socket.read(&mut buf)).await.unwrap().unwrap();
        assert!(n > 0, "closed mid-body: {text:?}");
        rest = buf[..n].to_vec();
    }
}

async fn subscribe(addr: SocketAddr) -> (TcpStream, Head, Vec<u8>) {
    let mut socket = TcpStream::connect(addr).await.unwrap();
    socket
        .write_all(b"GET /events?topics=t HTTP/1.1\r\nhost: test\r\n\r\n")
        .await
        .unwrap();
    let (head, rest) = read_head(&mut socket).await;
    (socket, head, rest)
}

async fn until(what: &str, check: impl Fn() -> bool) {
    timeout(WAIT, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting until {what}"));
}

#[tokio::test]
async fn an_event_stream_is_written_chunked_and_ends_with_the_hub() {
    let mut running = start(ServerOptions::default()).await;
    let (mut socket, head, rest) = subscribe(running.addr).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some("text/event-stream"));
    assert_eq!(head.header("cache-control"), Some("no-cache"));
    assert_eq!(head.header("transfer-encoding"), Some("chunked"));
    assert_eq!(head.header("connection"), Some("close"));
    assert!(head.header("date").is_some());
    until("subscribed", || running.hub.stats().subscribers == 1).await;
    for n in 0..3 {
        let data = format!("line {n}\r\nsecond");
        running.hub.publish(&topic(), Event::new(data)).unwrap();
    }
    let (text, _) = read_body(&mut socket, rest, |text| {
        text.matches("second\n").count() == 3
    })
    .await;
    assert!(text.contains("data: line 0\ndata: second\n"), "{text:?}");
    assert!(text.contains("data: line 2\ndata: second\n"), "{text:?}");
    // Shutdown closes the hub: the stream ends with the last chunk, then the server
    // returns (the lean task held the connection open until then).
    let _ = running.stop.take().unwrap().send(());
    running.hub.close();
    let (_, progress) = read_body(&mut socket, Vec::new(), |_| false).await;
    assert_eq!(progress, Progress::Ended);
    let mut after = [0; 16];
    let n = timeout(WAIT, socket.read(&mut after))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n, 0, "the connection closes after the stream");
    timeout(WAIT, running.served)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn other_first_requests_go_to_hyper_and_the_connection_is_kept_alive() {
    let running = start(ServerOptions::default()).await;
    let mut socket = TcpStream::connect(running.addr).await.unwrap();
    // A plain GET answered before hyper sees it, then a POST on the same connection.
    socket
        .write_all(b"GET /plain HTTP/1.1\r\nhost: test\r\n\r\n")
        .await
        .unwrap();
    let (head, rest) = read_head(&mut socket).await;
    assert_eq!(head.status, 200);
    assert_ne!(head.header("connection"), Some("close"));
    assert_eq!(head.header("content-length"), Some("10"));
    assert_eq!(&rest[..], b"plain text");
    socket
        .write_all(b"POST /echo HTTP/1.1\r\nhost: test\r\ncontent-length: 5\r\n\r\nhello")
        .await
        .unwrap();
    let (head, rest) = read_head(&mut socket).await;
    assert_eq!(head.status, 200);
    assert_eq!(&rest[..], b"hello");
    // A first request that is not a plain GET goes to hyper whole.
    let mut socket = TcpStream::connect(running.addr).await.unwrap();
    socket
        .write_all(b"POST /echo HTTP/1.1\r\nhost: test\r\ncontent-length: 3\r\n\r\nabc")
        .await
        .unwrap();
    let (head, rest) = read_head(&mut socket).await;
    assert_eq!(head.status, 200);
    assert_eq!(&rest[..], b"abc");
    // An event stream as the second request of a connection is hyper's (chunked,
    // no `connection: close`).
    let mut socket = TcpStream::connect(running.addr).await.unwrap();
    socket
        .write_all(b"GET /plain HTTP/1.1\r\nhost: test\r\n\r\nGET /events?topics=t HTTP/1.1\r\nhost: test\r\n\r\n")
        .await
        .unwrap();
    let (first, rest) = read_head(&mut socket).await;
    assert_eq!(first.status, 200);
    let mut pending = rest;
    let second = loop {
        if let Some(after) = pending.get(10..)
            && let Some((head, _)) = parse_head(after).unwrap()
        {
            break head;
        }
        let mut buf = [0; 4096];
        let n = timeout(WAIT, socket.read(&mut buf)).await.unwrap().unwrap();
        assert!(n > 0);
        pending.extend_from_slice(&buf[..n]);
    };
    assert_eq!(second.header("content-type"), Some("text/event-stream"));
    assert_eq!(second.header("connection"), None);
}

#[tokio::test]
async fn a_client_that_leaves_frees_its_subscription() {
    let running = start(ServerOptions::default()).await;
    let (socket, head, _) = subscribe(running.addr).await;
    assert_eq!(head.status, 200);
    until("subscribed", || running.hub.stats().subscribers == 1).await;
    drop(socket);
    until("unsubscribed", || running.hub.stats().subscribers == 0).await;
}

#[tokio::test]
async fn a_client_that_stops_reading_is_closed_by_the_write_timeout() {
    let options = ServerOptions::default().write_timeout(Some(Duration::from_millis(300)));
    let running = start(options).await;
    let (socket, head, _) = subscribe(running.addr).await;
    assert_eq!(head.status, 200);
    until("subscribed", || running.hub.stats().subscribers == 1).await;
    // Never read: publish until the socket buffers are full (bounded in count).
    let data = "x".repeat(64 << 10);
    for _ in 0..2_000 {
        if running.stats.timed_out() > 0 {
            break;
        }
        let _ = running.hub.publish(&topic(), Event::new(data.clone()));
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    until("timed out", || running.stats.timed_out() == 1).await;
    until("unsubscribed", || running.hub.stats().subscribers == 0).await;
    drop(socket);
}

#[tokio::test]
async fn with_lean_streams_off_hyper_writes_the_stream() {
    let running = start(ServerOptions::default().lean_streams(false)).await;
    let (_socket, head, _) = subscribe(running.addr).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some("text/event-stream"));
    assert_eq!(head.header("connection"), None);
}

#[tokio::test]
async fn a_silent_connection_is_still_closed_by_the_head_timeout() {
    let options = ServerOptions::default().header_timeout(Some(Duration::from_millis(200)));
    let running = start(options).await;
    let mut socket = TcpStream::connect(running.addr).await.unwrap();
    socket.write_all(b"GET /events HTTP/1.1\r\n").await.unwrap();
    let mut buf = [0; 64];
    let n = timeout(WAIT, socket.read(&mut buf))
        .await
        .unwrap()
        .unwrap_or(0);
    assert_eq!(n, 0, "closed without an answer");
    until("counted", || running.stats.timed_out() == 1).await;
}
