//! `sse serve`'s connection limits as a real process on loopback: head, body and
//! write timeouts, slowloris connections and the connection cap. Every wait is bounded;
//! timings are only ever generous upper bounds for liveness.

mod harness;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use harness::TIMEOUT;
use harness::http::{EventStream, get, publish};
use harness::process::Server;

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, TIMEOUT).expect("connect");
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    stream
}

/// Whether the server closes `stream` within `within` (whatever it sends first).
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(_) => return true,
        }
    }
}

/// Subscribers in `/status`.
fn subscribers(server: &Server) -> u64 {
    get(server.addr, "/status", &[]).json()["subscribers"]["total"]
        .as_u64()
        .expect("subscribers.total")
}

#[test]
fn silent_and_half_sent_heads_are_closed_by_the_header_timeout() {
    let server = Server::start(&["--header-timeout", "1s"]);
    let mut silent = connect(server.addr);
    let mut half = connect(server.addr);
    half.write_all(b"GET /status HTTP/1.1\r\nHost: loc")
        .unwrap();
    assert!(
        closed_within(&mut silent, Duration::from_secs(10)),
        "a connection that sent nothing stayed open"
    );
    assert!(
        closed_within(&mut half, Duration::from_secs(10)),
        "a half-sent head stayed open"
    );
    // A connection that completes its head in time is served.
    assert_eq!(get(server.addr, "/status", &[]).status, 200);
    // Both closures are counted in /metrics.
    let metrics = get(server.addr, "/metrics", &[]).text();
    assert!(
        metrics.contains("sse_connections_timed_out_total 2\n"),
        "{metrics}"
    );
}

#[test]
fn a_publish_body_that_never_arrives_is_closed_by_the_body_timeout() {
    let server = Server::start(&["--body-timeout", "1s"]);
    let mut stream = connect(server.addr);
    stream
        .write_all(b"POST /publish/t HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nabc")
        .unwrap();
    assert!(
        closed_within(&mut stream, Duration::from_secs(10)),
        "a short body kept its connection open"
    );
    assert_eq!(subscribers(&server), 0);
}

#[test]
fn a_normal_client_keeps_working_under_200_slowloris_connections() {
    let server = Server::start(&["--header-timeout", "3s"]);
    let head = b"GET /status HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa\r\n";
    let mut slow: Vec<TcpStream> = (0..200).map(|_| connect(server.addr)).collect();
    let dribbling = {
        let mut sockets: Vec<TcpStream> = slow.iter().map(|s| s.try_clone().unwrap()).collect();
        thread::spawn(move || {
            // One header byte per connection every 100 ms, for at most 2 s.
            for byte in head.iter().take(20) {
                for socket in &mut sockets {
                    let _ = socket.write_all(&[*byte]);
                }
                thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let mut stream = EventStream::open(server.addr, "/subscribe/news", &[])
        .unwrap_or_else(|r| panic!("subscribe: {}", r.status));
    let id = publish(server.addr, "news", "still here");
    let event = stream.next_event().expect("an event");
    assert_eq!(event.data(), "still here");
    assert_eq!(event.last_event_id().as_str(), id);
    assert_eq!(get(server.addr, "/status", &[]).status, 200);
    dribbling.join().unwrap();
    // None of them finished a head: the header timeout closes every one.
    for socket in &mut slow {
        assert!(
            closed_within(socket, Duration::from_secs(15)),
            "a slowloris connection stayed open"
        );
    }
}

/// A subscriber that never reads: small receive buffer, request sent, nothing read.
fn stalled_subscriber(addr: SocketAddr, topic: &str) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket
        .connect_timeout(&addr.into(), TIMEOUT)
        .expect("connect");
    let mut stream: TcpStream = socket.into();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    write!(
        stream,
        "GET /subscribe/{topic} HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    stream
}

#[test]
fn stalled_subscribers_are_closed_by_the_write_timeout_and_free_their_slots() {
    let server = Server::start(&[
        "--max-subscribers",
        "3",
        "--write-timeout",
        "1s",
        "--replay-count",
        "10",
        "--keep-alive",
        "0",
        "--idle-timeout",
        "2s",
    ]);
    let stalled: Vec<TcpStream> = (0..3)
        .map(|_| stalled_subscriber(server.addr, "t"))
        .collect();
    let deadline = Instant::now() + TIMEOUT;
    while subscribers(&server) < 3 {
        assert!(
            Instant::now() < deadline,
            "the stalled subscribers never subscribed"
        );
        thread::sleep(Duration::from_millis(20));
    }
    let refused = EventStream::open(server.addr, "/subscribe/t", &[])
        .err()
        .expect("the hub is full");
    assert_eq!(refused.status, 503);
    // Far more than a loopback socket buffers: each stalled connection fills up.
    let data = "x".repeat(60 << 10);
    for _ in 0..160 {
        publish(server.addr, "t", &data);
    }
    // The stalled connections cannot write; the write timeout closes them and their
    // slots come free.
    let deadline = Instant::now() + Duration::from_secs(15);
    while subscribers(&server) > 0 {
        assert!(
            Instant::now() < deadline,
            "stalled subscribers still hold {} slots",
            subscribers(&server)
        );
        thread::sleep(Duration::from_millis(50));
    }
    let mut fresh = EventStream::open(server.addr, "/subscribe/t", &[])
        .unwrap_or_else(|r| panic!("a new subscriber got {}", r.status));
    publish(server.addr, "t", "fresh");
    assert_eq!(fresh.next_event().expect("an event").data(), "fresh");
    // And the connections themselves are gone: one whose bytes cannot be written is
    // closed by the write timeout; one whose response ended (the rest fitted in the
    // socket buffers) is idle and closed by the idle timeout. What they hold drains,
    // then the end.
    for mut socket in stalled {
        assert!(
            closed_within(&mut socket, Duration::from_secs(15)),
            "a stalled connection was left open"
        );
    }
}

#[test]
fn connections_past_the_cap_are_refused_at_once() {
    let server = Server::start(&["--max-connections", "3"]);
    let held: Vec<TcpStream> = (0..3).map(|_| connect(server.addr)).collect();
    // The cap counts accepted connections: give the server a moment to take all three.
    thread::sleep(Duration::from_millis(200));
    let mut extra = connect(server.addr);
    let _ = extra.write_all(b"GET /status HTTP/1.1\r\nHost: localhost\r\n\r\n");
    extra
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = Vec::new();
    let closed = loop {
        let mut buf = [0u8; 1024];
        match extra.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                break false;
            }
            Err(_) => break true,
        }
    };
    assert!(closed, "a connection past the cap was kept waiting");
    if !answer.is_empty() {
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 503 "), "{text}");
    }
    // Once the held connections close, new ones are served again.
    drop(held);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let mut stream = connect(server.addr);
        let _ = stream
            .write_all(b"GET /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut text = String::new();
        let _ = stream.read_to_string(&mut text);
        if text.starts_with("HTTP/1.1 200 ") {
            break;
        }
        assert!(Instant::now() < deadline, "never served again: {text}");
        thread::sleep(Duration::from_millis(50));
    }
}
