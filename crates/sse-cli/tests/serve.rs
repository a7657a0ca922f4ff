//! `sse serve` as a real process on a free loopback port, driven with raw HTTP.

mod harness;

use std::thread;
use std::time::{Duration, Instant};

use harness::TIMEOUT;
use harness::http::{EventStream, get, publish, request};
use harness::process::{Server, sse};

fn open(server: &Server, target: &str) -> EventStream {
    EventStream::open(server.addr, target, &[])
        .unwrap_or_else(|r| panic!("GET {target}: {} {}", r.status, r.text()))
}

/// Polls `/status` until `check` accepts it (bounded by the timeout).
fn wait_for_status(server: &Server, what: &str, check: impl Fn(&serde_json::Value) -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let status = get(server.addr, "/status", &[]).json();
        if check(&status) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "status never showed {what}: {status}"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn prints_the_url_and_serves_the_demo_page() {
    let server = Server::start(&[]);
    assert!(server.addr.ip().is_loopback());
    assert_ne!(server.addr.port(), 0);
    let page = get(server.addr, "/", &[]);
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text();
    assert!(html.contains("new EventSource("));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external resources"
    );
}

#[test]
fn publish_reaches_subscribers_of_the_topic_and_its_parents_only() {
    let server = Server::start(&[]);
    let mut pets = open(&server, "/subscribe/pets");
    let mut dogs = open(&server, "/subscribe/pets/dogs");
    let mut puppies = open(&server, "/subscribe/pets/dogs/puppies");
    let mut petstore = open(&server, "/subscribe/petstore");
    let mut several = open(&server, "/subscribe?topics=cats,pets/dogs");
    assert_eq!(pets.header("content-type"), Some("text/event-stream"));
    assert_eq!(pets.header("cache-control"), Some("no-cache"));

    let id = publish(server.addr, "pets/dogs?event=bark", "woof\r\nwoof");
    // Markers on the other topics: every subscriber reads until its last marker, so
    // anything it should not have received would show up before it.
    publish(server.addr, "pets/dogs/puppies", "end-puppies");
    publish(server.addr, "petstore", "end-petstore");
    publish(server.addr, "cats", "end-cats");

    let first = pets.next_event().unwrap();
    assert_eq!(
        (
            first.event_type(),
            first.data(),
            first.last_event_id().as_str()
        ),
        ("bark", "woof\nwoof", id.as_str())
    );
    assert_eq!(pets.data(1), ["end-puppies"]);
    assert_eq!(dogs.data(2), ["woof\nwoof", "end-puppies"]);
    assert_eq!(puppies.data(1), ["end-puppies"]);
    assert_eq!(petstore.data(1), ["end-petstore"]);
    assert_eq!(several.data(3), ["woof\nwoof", "end-puppies", "end-cats"]);
}

#[test]
fn tokens_guard_subscribe_publish_and_status() {
    let server = Server::start(&["--token", "sub-secret", "--publish-token", "pub-secret"]);
    let addr = server.addr;

    for headers in [
        &[][..],
        &[("X-Authorization", "wrong")][..],
        &[("X-Authorization", "pub-secret")][..],
    ] {
        let refused = EventStream::open(addr, "/subscribe/t", headers)
            .err()
            .expect("refused");
        assert_eq!(refused.status, 401);
        assert!(refused.json()["error"].as_str().unwrap().contains("token"));
        assert_ne!(refused.header("content-type"), Some("text/event-stream"));
    }
    assert_eq!(
        EventStream::open(addr, "/subscribe/t?token=sub-secre", &[])
            .err()
            .unwrap()
            .status,
        401
    );
    assert_eq!(get(addr, "/status", &[]).status, 401);

    let mut by_header =
        EventStream::open(addr, "/subscribe/t", &[("X-Authorization", "sub-secret")])
            .expect("header token accepted");
    let mut by_query = EventStream::open(addr, "/subscribe/t?token=sub-secret", &[])
        .expect("query token accepted");

    for (target, headers) in [
        ("/publish/t", &[][..]),
        ("/publish/t", &[("X-Authorization", "sub-secret")][..]),
        ("/publish/t?token=pub-secre", &[][..]),
    ] {
        let refused = request(addr, "POST", target, headers, b"nope");
        assert_eq!(refused.status, 401, "{target} {headers:?}");
        assert!(refused.json()["error"].is_string());
    }
    let ok = request(
        addr,
        "POST",
        "/publish/t",
        &[("X-Authorization", "pub-secret")],
        b"one",
    );
    assert_eq!(ok.status, 200, "{}", ok.text());
    let ok = request(addr, "POST", "/publish/t?token=pub-secret", &[], b"two");
    assert_eq!(ok.status, 200, "{}", ok.text());

    // Only the two authorized events were published.
    assert_eq!(by_header.data(2), ["one", "two"]);
    assert_eq!(by_query.data(2), ["one", "two"]);
    let status = get(addr, "/status?token=sub-secret", &[]).json();
    assert_eq!(status["events"]["published"], 2);
}

#[test]
fn refuses_to_start_on_a_network_address_without_a_publish_token() {
    let output = sse()
        .args(["serve", "--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--publish-token"), "{stderr}");
    assert!(
        output.stdout.is_empty(),
        "it must not have started listening"
    );
}

#[test]
fn bad_publishes_get_400_json_and_publish_nothing() {
    let server = Server::start(&["--max-event", "1KiB"]);
    let addr = server.addr;
    let mut stream = open(&server, "/subscribe/t");

    let cases: [(&str, &[u8], &str); 5] = [
        ("/publish/t", b"ok \xff\xfe", "UTF-8"),
        ("/publish/t?event=a%0Ab", b"x", "line feed"),
        ("/publish/t?event=a%0Db", b"x", "carriage return"),
        ("/publish/t", &[b'x'; 1025], "--max-event"),
        ("/publish/a//b", b"x", "empty segment"),
    ];
    for (target, body, expected) in cases {
        let response = request(addr, "POST", target, &[], body);
        assert_eq!(response.status, 400, "{target}: {}", response.text());
        assert!(
            response
                .header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
        let error = response.json()["error"].as_str().unwrap().to_owned();
        assert!(error.contains(expected), "{target}: {error}");
    }
    // A type counts towards the limit too: 1020 bytes + a 5-byte type is over 1 KiB.
    let response = request(addr, "POST", "/publish/t?event=abcde", &[], &[b'y'; 1020]);
    assert_eq!(response.status, 400);
    // An oversize body without Content-Length (chunked) is refused as well.
    let mut chunked = Vec::new();
    chunked.extend_from_slice(b"600\r\n");
    chunked.extend_from_slice(&[b'z'; 0x600]);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    let response = request(
        addr,
        "POST",
        "/publish/t",
        &[("Transfer-Encoding", "chunked")],
        &chunked,
    );
    assert_eq!(response.status, 400, "{}", response.text());

    assert_eq!(get(addr, "/status", &[]).json()["events"]["published"], 0);
    // Exactly at the limit is fine, and it is the first thing the subscriber sees.
    let exact = "e".repeat(1024);
    publish(addr, "t", &exact);
    assert_eq!(stream.data(1), [exact]);
    assert_eq!(get(addr, "/status", &[]).json()["events"]["published"], 1);
}

#[test]
fn resumes_from_last_event_id_header_and_query() {
    let server = Server::start(&[]);
    let addr = server.addr;
    let ids: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|d| publish(addr, "news", d))
        .collect();
    publish(addr, "other", "not news");

    let mut header =
        EventStream::open(addr, "/subscribe/news", &[("Last-Event-ID", &ids[0])]).unwrap();
    assert_eq!(header.data(2), ["b", "c"]);
    let mut query = open(&server, &format!("/subscribe/news?lastEventId={}", ids[1]));
    let event = query.next_event().unwrap();
    assert_eq!(
        (event.data(), event.last_event_id().as_str()),
        ("c", ids[2].as_str())
    );

    // Both then continue live.
    publish(addr, "news", "d");
    assert_eq!(header.data(1), ["d"]);
    assert_eq!(query.data(1), ["d"]);

    let status = get(addr, "/status", &[]).json();
    assert_eq!(status["replays"]["resumed"], 2);
    assert_eq!(status["replays"]["unknown"], 0);
}

#[test]
fn status_figures_match_what_happened() {
    let server = Server::start(&[]);
    let addr = server.addr;
    let fresh = get(addr, "/status", &[]).json();
    assert_eq!(fresh["subscribers"]["total"], 0);
    assert_eq!(fresh["events"]["published"], 0);
    assert!(fresh["uptime_seconds"].is_u64());

    let _a = open(&server, "/subscribe/pets");
    let _b = open(&server, "/subscribe/pets");
    let _c = open(&server, "/subscribe?topics=news,pets/dogs");
    let _all = open(&server, "/subscribe?topics=*");
    let _unknown = open(&server, "/subscribe/pets?lastEventId=not-an-id");
    let id = publish(addr, "pets/dogs", "woof");
    publish(addr, "news", "extra");

    let status = get(addr, "/status", &[("Accept", "application/json")]).json();
    assert_eq!(status["subscribers"]["total"], 5);
    assert_eq!(status["subscribers"]["all_topics"], 1);
    assert_eq!(status["subscribers"]["by_topic"]["pets"], 3);
    assert_eq!(status["subscribers"]["by_topic"]["news"], 1);
    assert_eq!(status["subscribers"]["by_topic"]["pets/dogs"], 1);
    assert_eq!(status["events"]["published"], 2);
    // Each event is encoded once: `id: ID\ndata: DATA\n\n`.
    let frame_len = |id: &str, data: &str| format!("id: {id}\ndata: {data}\n\n").len();
    let news_id = status["last_event_ids"]["news"].as_str().unwrap();
    let bytes = frame_len(&id, "woof") + frame_len(news_id, "extra");
    assert_eq!(status["events"]["bytes"], bytes);
    assert_eq!(status["window"]["events"], 2);
    assert_eq!(status["last_event_ids"]["pets/dogs"], id.as_str());
    assert_eq!(status["replays"]["unknown"], 1);
    assert_eq!(status["lag_drops"], 0);

    let html = get(addr, "/status", &[("Accept", "text/html,*/*;q=0.8")]);
    assert!(
        html.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(html.text().contains("<td>pets/dogs</td><td>1</td>"));
}

#[test]
fn subscribers_past_the_maximum_get_503() {
    let server = Server::start(&["--max-subscribers", "2", "--keep-alive", "100ms"]);
    let first = open(&server, "/subscribe/a");
    let _second = open(&server, "/subscribe/b");
    let refused = EventStream::open(server.addr, "/subscribe/a", &[])
        .err()
        .expect("refused");
    assert_eq!(refused.status, 503);
    assert!(
        refused.json()["error"]
            .as_str()
            .unwrap()
            .contains("maximum of 2")
    );

    // A subscriber leaving makes room (the server notices at its next keep-alive).
    drop(first);
    wait_for_status(&server, "one subscriber", |s| {
        s["subscribers"]["total"] == 1
    });
    let _third = open(&server, "/subscribe/c");
}

#[test]
fn cors_headers_only_for_allowed_origins() {
    let server = Server::start(&["--allow-origin", "http://app.example"]);
    let addr = server.addr;
    let stream =
        EventStream::open(addr, "/subscribe/t", &[("Origin", "http://app.example")]).unwrap();
    assert_eq!(
        stream.header("access-control-allow-origin"),
        Some("http://app.example")
    );
    let other =
        EventStream::open(addr, "/subscribe/t", &[("Origin", "http://evil.example")]).unwrap();
    assert_eq!(other.header("access-control-allow-origin"), None);

    let preflight = request(
        addr,
        "OPTIONS",
        "/publish/t",
        &[
            ("Origin", "http://app.example"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "x-authorization, content-type",
            ),
        ],
        b"",
    );
    assert!(
        preflight.status == 200 || preflight.status == 204,
        "{}",
        preflight.status
    );
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("http://app.example")
    );
    assert!(
        preflight
            .header("access-control-allow-methods")
            .unwrap()
            .contains("POST")
    );
    let allowed = preflight
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("x-authorization") && allowed.contains("content-type"));
    let published = request(
        addr,
        "POST",
        "/publish/t",
        &[("Origin", "http://app.example")],
        b"x",
    );
    assert_eq!(published.status, 200);
    assert_eq!(
        published.header("access-control-allow-origin"),
        Some("http://app.example")
    );

    let any = Server::start(&["--allow-origin", "*"]);
    let stream =
        EventStream::open(any.addr, "/subscribe/t", &[("Origin", "http://x.example")]).unwrap();
    assert_eq!(stream.header("access-control-allow-origin"), Some("*"));

    let none = Server::start(&[]);
    let stream = EventStream::open(
        none.addr,
        "/subscribe/t",
        &[("Origin", "http://app.example")],
    )
    .unwrap();
    assert_eq!(stream.header("access-control-allow-origin"), None);
}

#[test]
fn sigint_and_sigterm_end_streams_cleanly_and_exit_0() {
    for signal in ["INT", "TERM"] {
        let mut server = Server::start(&[]);
        let mut stream = open(&server, "/subscribe/t");
        publish(server.addr, "t", "before");
        assert_eq!(stream.data(1), ["before"]);
        server.process.signal(signal);
        // The stream ends with the chunked terminator, not a broken connection.
        assert!(stream.next_event().is_none());
        let status = server.process.wait();
        assert_eq!(status.code(), Some(0), "after SIG{signal}");
    }
}

#[test]
fn an_address_in_use_fails_with_exit_1_and_a_hint() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = sse().args(["serve", "--addr", &addr]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot listen on") && stderr.contains("--addr"),
        "{stderr}"
    );
}
