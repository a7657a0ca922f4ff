//! The futures-io client behaves as the tokio one (both are sse-core's
//! `ClientDriver`): redirects, the work cap per poll, the connect timeout, causes
//! kept, and the builder's headers, method, body and seed. On async-std and smol.

mod support;

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use sse_async_std::client::{EventSource, SourceEvent, TooManyRedirects};
use sse_core::{ClientConfig, Disconnect, StopReason};
use support::{BOUND, Runtime};
use trillium::{Conn, KnownHeaderName, Status};

fn quick() -> ClientConfig {
    ClientConfig::default()
        .initial_retry(Duration::from_millis(5))
        .min_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(20))
}

/// Method, `last-event-id` and `authorization` of each request to `/events`.
type Log = Arc<Mutex<Vec<(String, Option<String>, Option<String>)>>>;

fn redirect(conn: Conn, status: Status, to: &'static str) -> Conn {
    conn.with_status(status)
        .with_response_header(KnownHeaderName::Location, to)
        .halt()
}

/// `/old/place` 307 → `../events`, `/submit` 303 → `/events`, `/loop` 302 → itself;
/// `/events` answers one event with id `r1`, then ends.
fn app(log: Log) -> impl trillium::Handler {
    move |conn: Conn| {
        let log = log.clone();
        async move {
            match conn.path() {
                "/old/place" => redirect(conn, Status::TemporaryRedirect, "../events"),
                "/submit" => redirect(conn, Status::SeeOther, "/events"),
                "/loop" => redirect(conn, Status::Found, "/loop"),
                "/events" => {
                    let header = |name| conn.request_headers().get_str(name).map(str::to_owned);
                    log.lock().unwrap().push((
                        conn.method().to_string(),
                        header(KnownHeaderName::LastEventId),
                        header(KnownHeaderName::Authorization),
                    ));
                    conn.with_response_header(KnownHeaderName::ContentType, "text/event-stream")
                        .ok("id: r1\ndata: arrived\n\n")
                }
                _ => conn.with_status(Status::NotFound).halt(),
            }
        }
    }
}

#[test]
fn a_relative_307_is_followed_and_so_is_each_reconnection() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let log = Log::default();
            let server = runtime.serve(app(log.clone())).await;
            let mut source = EventSource::builder(runtime.client(), &server.url("/old/place"))
                .config(quick())
                .header("authorization", "Bearer same-origin")
                .build()
                .unwrap();
            let mut messages = 0;
            while messages < 2 {
                match source.next_item().await {
                    Some(Ok(SourceEvent::Message(event))) => {
                        assert_eq!(event.data(), "arrived");
                        messages += 1;
                    }
                    Some(Ok(SourceEvent::Open)) => {}
                    Some(Ok(SourceEvent::Reconnecting { cause, .. })) => {
                        assert_eq!(cause, Disconnect::EndOfStream)
                    }
                    other => panic!("unexpected {other:?}"),
                }
            }
            let log = log.lock().unwrap().clone();
            let auth = Some("Bearer same-origin".to_owned());
            assert_eq!(log[0], ("GET".into(), None, auth.clone()));
            assert_eq!(log[1], ("GET".into(), Some("r1".into()), auth));
        });
    }
}

#[test]
fn a_303_after_post_becomes_a_get() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let log = Log::default();
            let server = runtime.serve(app(log.clone())).await;
            let mut source = EventSource::builder(runtime.client(), &server.url("/submit"))
                .method(trillium_client::Method::Post)
                .body("payload")
                .build()
                .unwrap();
            assert_eq!(source.next_item().await, Some(Ok(SourceEvent::Open)));
            assert_eq!(log.lock().unwrap()[0].0, "GET");
        });
    }
}

#[test]
fn a_redirect_loop_is_a_transport_failure() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let server = runtime.serve(app(Log::default())).await;
            let config = ClientConfig::default()
                .max_retries(Some(0))
                .max_redirects(3);
            let mut source = EventSource::builder(runtime.client(), &server.url("/loop"))
                .config(config)
                .build()
                .unwrap();
            match source.next_item().await {
                Some(Err(StopReason::RetriesExhausted {
                    last: Disconnect::Transport(error),
                    ..
                })) => {
                    let limit = error.find::<TooManyRedirects>().map(|e| e.limit);
                    assert_eq!(limit, Some(3), "{error}");
                }
                other => panic!("expected a redirect-loop failure, got {other:?}"),
            }
        });
    }
}

/// A port nobody listens on (bound, then closed).
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn a_refused_connection_keeps_its_io_error() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let url = format!("http://127.0.0.1:{}/", closed_port());
            let mut source = EventSource::builder(runtime.client(), &url)
                .config(ClientConfig::default().max_retries(Some(0)))
                .build()
                .unwrap();
            let Some(Err(StopReason::RetriesExhausted {
                last: Disconnect::Transport(error),
                ..
            })) = source.next_item().await
            else {
                panic!("expected a transport failure");
            };
            let kind = error.find::<io::Error>().map(io::Error::kind);
            assert_eq!(kind, Some(io::ErrorKind::ConnectionRefused), "{error}");
        });
    }
}

/// Accepts connections and holds them without a word, until dropped.
struct Silent {
    url: String,
    stop: Arc<AtomicBool>,
}

impl Silent {
    fn start() -> Silent {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        thread::spawn(move || {
            let mut held = Vec::new();
            let deadline = Instant::now() + BOUND;
            while !flag.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => held.push(stream),
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Silent { url, stop }
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

#[test]
fn a_server_that_never_answers_times_out_and_retries_run_out() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let server = Silent::start();
            let timeout = Duration::from_millis(200);
            let config = quick().connect_timeout(Some(timeout)).max_retries(Some(2));
            let mut source = EventSource::builder(runtime.client(), &server.url)
                .config(config)
                .build()
                .unwrap();
            let expected = Disconnect::ConnectTimeout { timeout };
            for attempt in 1..=2 {
                match source.next_item().await {
                    Some(Ok(SourceEvent::Reconnecting {
                        cause, attempt: n, ..
                    })) => assert_eq!((cause, n), (expected.clone(), attempt)),
                    other => panic!("expected a reconnection, got {other:?}"),
                }
            }
            assert_eq!(
                source.next_item().await,
                Some(Err(StopReason::RetriesExhausted {
                    attempts: 2,
                    last: expected
                }))
            );
        });
    }
}

/// Reads one request (head and a body of `body_len` bytes), returns it as text.
fn read_request(stream: &mut TcpStream, body_len: usize) -> String {
    stream.set_read_timeout(Some(BOUND)).unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n")
            && raw.len() >= end + 4 + body_len
        {
            return String::from_utf8(raw).unwrap();
        }
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "request cut short");
        raw.extend_from_slice(&buf[..n]);
    }
}

/// A server for one connection: hands back the request, answers the event-stream
/// head, then `then` writes on.
fn one_connection(
    body_len: usize,
    then: impl FnOnce(&mut TcpStream) + Send + 'static,
) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/rpc", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let _ = tx.send(read_request(&mut stream, body_len));
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n";
        stream.write_all(head.as_bytes()).unwrap();
        then(&mut stream);
    });
    (url, rx)
}

#[test]
fn builder_headers_method_and_body_are_sent() {
    for runtime in Runtime::ALL {
        let (url, request) = one_connection(2, |stream| {
            let _ = stream.write_all(b"data: ok\n\n");
            thread::sleep(Duration::from_millis(200));
        });
        runtime.block_on(async move {
            let mut source = EventSource::builder(runtime.client(), &url)
                .method(trillium_client::Method::Put)
                .header("X-Token", "abc")
                .body("{}")
                .seed(42)
                .build()
                .unwrap();
            assert_eq!(source.next_item().await, Some(Ok(SourceEvent::Open)));
        });
        let request = request.recv_timeout(BOUND).unwrap().to_ascii_lowercase();
        assert!(request.starts_with("put /rpc http/1.1\r\n"), "{request}");
        assert!(request.contains("\r\nx-token: abc\r\n"), "{request}");
        assert!(
            request.contains("\r\naccept: text/event-stream\r\n"),
            "{request}"
        );
        assert!(request.ends_with("\r\n\r\n{}"), "{request}");
    }
}

#[test]
fn the_same_seed_gives_the_same_reconnection_delays() {
    for runtime in Runtime::ALL {
        runtime.block_on(async move {
            let url = format!("http://127.0.0.1:{}/", closed_port());
            let config = ClientConfig::default()
                .min_delay(Duration::from_millis(1))
                .initial_retry(Duration::from_millis(5))
                .max_retries(Some(3));
            let mut runs = Vec::new();
            for _ in 0..2 {
                let mut source = EventSource::builder(runtime.client(), &url)
                    .config(config.clone())
                    .seed(42)
                    .build()
                    .unwrap();
                let mut delays = Vec::new();
                while let Some(Ok(SourceEvent::Reconnecting { delay, .. })) =
                    source.next_item().await
                {
                    delays.push(delay);
                }
                runs.push(delays);
            }
            assert_eq!(runs[0].len(), 3);
            assert_eq!(runs[0], runs[1]);
        });
    }
}

/// A server that sends only comments, as fast as it can: without a cap on the work
/// per poll, the client would never return `Pending` and a single-threaded executor
/// would never run anything else. A ticker task on the same thread must still run.
#[test]
fn a_stream_of_comments_does_not_starve_other_tasks() {
    for runtime in Runtime::ALL {
        let stop = Arc::new(AtomicBool::new(false));
        let flood = stop.clone();
        let (url, _request) = one_connection(0, move |stream| {
            let comments = b": tick\n".repeat(8 * 1024);
            let deadline = Instant::now() + BOUND;
            while !flood.load(Ordering::SeqCst) && Instant::now() < deadline {
                if stream.write_all(&comments).is_err() {
                    return;
                }
            }
        });
        // The executor runs on its own thread, so that a starved one is noticed
        // from outside (its own timers could not fire).
        let (done, finished) = mpsc::channel();
        thread::spawn(move || {
            let outcome = runtime.block_on(async move {
                let mut source = EventSource::builder(runtime.client(), &url)
                    .build()
                    .unwrap();
                assert_eq!(source.next_item().await, Some(Ok(SourceEvent::Open)));
                let client = async move {
                    let item = source.next_item().await;
                    panic!("only comments were sent, got {item:?}");
                };
                let ticker = async {
                    for _ in 0..3 {
                        async_io::Timer::after(Duration::from_millis(20)).await;
                    }
                    "ticked"
                };
                futures_lite::future::or(client, ticker).await
            });
            let _ = done.send(outcome);
        });
        let outcome = finished.recv_timeout(BOUND);
        stop.store(true, Ordering::SeqCst);
        assert_eq!(
            outcome,
            Ok("ticked"),
            "the ticker was starved on {runtime:?}"
        );
    }
}
