//! `sse listen` as a real process, against `sse serve` and against scripted servers.

mod harness;

use std::thread;
use std::time::{Duration, Instant};

use harness::TIMEOUT;
use harness::fake::{FakeServer, Reply};
use harness::http::{get, publish};
use harness::process::{Running, Server, sse};

fn listen(args: &[&str]) -> Running {
    let mut command = sse();
    command.arg("listen").args(args);
    Running::start(command)
}

/// Waits until the server counts `n` subscribers.
fn wait_for_subscribers(server: &Server, n: u64) {
    let deadline = Instant::now() + TIMEOUT;
    while get(server.addr, "/status", &[]).json()["subscribers"]["total"] != n {
        assert!(Instant::now() < deadline, "never {n} subscribers");
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn json_lines_then_exit_0_after_count() {
    let server = Server::start(&[]);
    let url = format!("{}/subscribe/pets", server.base());
    let mut client = listen(&["--json", "--count", "2", &url]);
    wait_for_subscribers(&server, 1);
    let first = publish(server.addr, "pets/dogs?event=bark", "woof\nwoof");
    let second = publish(server.addr, "pets", "meow \"quoted\"");
    publish(server.addr, "pets", "after the count");

    assert_eq!(client.wait().code(), Some(0));
    assert_eq!(
        client.stdout.rest(),
        [
            format!(r#"{{"type":"bark","data":"woof\nwoof","lastEventId":"{first}"}}"#),
            format!(r#"{{"type":"message","data":"meow \"quoted\"","lastEventId":"{second}"}}"#),
        ]
    );
}

#[test]
fn readable_output_has_no_colour_when_piped() {
    let server = Server::start(&[]);
    let url = format!("{}/subscribe/t", server.base());
    let mut client = listen(&["--count", "1", &url]);
    wait_for_subscribers(&server, 1);
    let id = publish(server.addr, "t?event=tick", "one\ntwo");
    assert_eq!(client.wait().code(), Some(0));
    assert_eq!(
        client.stdout.rest(),
        [
            format!("[tick] id={id}"),
            "one".into(),
            "two".into(),
            String::new()
        ]
    );
}

#[test]
fn headers_carry_the_token_and_a_refusal_exits_1() {
    let server = Server::start(&["--token", "s3cret"]);
    let url = format!("{}/subscribe/t", server.base());

    let mut refused = listen(&[&url]);
    assert_eq!(refused.wait().code(), Some(1));
    let stderr = refused.stderr.rest();
    assert_eq!(stderr.len(), 1, "{stderr:?}");
    assert!(stderr[0].contains("401"), "{stderr:?}");

    let mut client = listen(&[
        "-H",
        "X-Authorization: s3cret",
        "-H",
        "X-Other: 1",
        "--count",
        "1",
        "--json",
        &url,
    ]);
    let deadline = Instant::now() + TIMEOUT;
    while get(server.addr, "/status?token=s3cret", &[]).json()["subscribers"]["total"] != 1 {
        assert!(Instant::now() < deadline, "listen never subscribed");
        thread::sleep(Duration::from_millis(20));
    }
    publish(server.addr, "t", "for the token holder");
    assert_eq!(client.wait().code(), Some(0));
    assert!(client.stdout.rest()[0].contains("for the token holder"));
}

#[test]
fn resumes_with_last_event_id() {
    let server = Server::start(&[]);
    let ids: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|d| publish(server.addr, "news", d))
        .collect();
    let url = format!("{}/subscribe/news", server.base());
    let mut client = listen(&["--json", "--count", "2", "--last-event-id", &ids[0], &url]);
    assert_eq!(client.wait().code(), Some(0));
    let lines = client.stdout.rest();
    assert!(lines[0].contains(r#""data":"b""#), "{lines:?}");
    assert!(lines[1].contains(r#""data":"c""#), "{lines:?}");
    assert_eq!(
        get(server.addr, "/status", &[]).json()["replays"]["resumed"],
        1
    );
}

#[test]
fn reconnects_after_the_stream_ends_sending_last_event_id() {
    let fake = FakeServer::start(vec![
        Reply::stream("retry: 10\n\nid: 5\ndata: first\n\n"),
        Reply::stream("data: second\n\n").hold(),
    ]);
    let mut client = listen(&["--json", "--count", "2", &fake.url("/events")]);
    assert_eq!(client.wait().code(), Some(0));
    assert_eq!(
        client.stdout.rest(),
        [
            r#"{"type":"message","data":"first","lastEventId":"5"}"#,
            r#"{"type":"message","data":"second","lastEventId":"5"}"#,
        ]
    );
    let first = fake.next_request();
    assert_eq!(
        (first.method.as_str(), first.target.as_str()),
        ("GET", "/events")
    );
    assert_eq!(first.header("accept"), Some("text/event-stream"));
    assert_eq!(first.header("last-event-id"), None);
    assert_eq!(fake.next_request().header("last-event-id"), Some("5"));
    let stderr = client.stderr.rest();
    assert!(
        stderr
            .iter()
            .any(|l| l.contains("the server ended the stream; reconnecting in")),
        "{stderr:?}"
    );
}

#[test]
fn posts_a_body_with_data() {
    let fake = FakeServer::start(vec![Reply::stream("data: ok\n\n").hold()]);
    let mut client = listen(&[
        "--data",
        r#"{"q":1}"#,
        "-H",
        "Content-Type: application/json",
        "--count",
        "1",
        &fake.url("/rpc"),
    ]);
    assert_eq!(client.wait().code(), Some(0));
    let request = fake.next_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.body, br#"{"q":1}"#);
    assert_eq!(request.header("content-type"), Some("application/json"));

    let fake = FakeServer::start(vec![Reply::stream("data: ok\n\n").hold()]);
    let mut client = listen(&["-X", "PUT", "--data", "x", "--count", "1", &fake.url("/")]);
    assert_eq!(client.wait().code(), Some(0));
    assert_eq!(fake.next_request().method, "PUT");
}

#[test]
fn a_204_stops_with_exit_0() {
    let fake = FakeServer::start(vec![Reply::raw(
        "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n",
    )]);
    let mut client = listen(&[&fake.url("/")]);
    assert_eq!(client.wait().code(), Some(0));
    assert!(client.stderr.rest().iter().any(|l| l.contains("204")));
}

#[test]
fn invalid_responses_exit_1_with_one_line() {
    let cases = [
        (Reply::status("404 Not Found", "text/plain"), "404"),
        (Reply::status("200 OK", "text/plain"), "text/plain"),
    ];
    for (reply, expected) in cases {
        let fake = FakeServer::start(vec![reply]);
        let mut client = listen(&[&fake.url("/")]);
        assert_eq!(client.wait().code(), Some(1));
        let stderr = client.stderr.rest();
        assert_eq!(stderr.len(), 1, "{stderr:?}");
        assert!(
            stderr[0].starts_with("sse listen: ") && stderr[0].contains(expected),
            "{stderr:?}"
        );
    }
}

#[test]
fn no_reconnect_ends_with_the_stream_or_fails_to_connect() {
    let fake = FakeServer::start(vec![Reply::stream("data: only\n\n")]);
    let mut client = listen(&["--no-reconnect", "--json", &fake.url("/")]);
    assert_eq!(client.wait().code(), Some(0));
    assert_eq!(client.stdout.rest().len(), 1);

    // A port nobody listens on: bind one, then close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut client = listen(&["--no-reconnect", &format!("http://127.0.0.1:{port}/")]);
    assert_eq!(client.wait().code(), Some(1));
    let stderr = client.stderr.rest();
    assert_eq!(stderr.len(), 1, "{stderr:?}");
    assert!(stderr[0].contains("refused"), "{stderr:?}");
}

#[test]
fn idle_timeout_and_max_retries() {
    let fake = FakeServer::start(vec![
        Reply::raw("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n").hold(),
        Reply::raw("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n").hold(),
    ]);
    let mut client = listen(&[
        "--idle-timeout",
        "200ms",
        "--max-retries",
        "1",
        &fake.url("/"),
    ]);
    assert_eq!(client.wait().code(), Some(1));
    let stderr = client.stderr.rest();
    assert!(
        stderr[0].contains("idle timeout") && stderr[0].contains("reconnecting in"),
        "{stderr:?}"
    );
    let last = stderr.last().unwrap();
    assert!(
        last.contains("gave up after 1 reconnection attempts"),
        "{stderr:?}"
    );
}

#[test]
fn a_server_that_never_answers_times_out_then_retries_run_out() {
    // Accepts every connection and never says a word.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    thread::spawn(move || {
        let held: Vec<_> = listener.incoming().take(3).collect();
        thread::sleep(TIMEOUT);
        drop(held);
    });
    let mut client = listen(&["--connect-timeout", "1s", "--max-retries", "2", &url]);
    assert_eq!(client.wait().code(), Some(1));
    let stderr = client.stderr.rest();
    assert_eq!(stderr.len(), 3, "two retries, then the reason: {stderr:?}");
    for line in &stderr[..2] {
        assert!(
            line.starts_with(
                "sse listen: no response within the connect timeout of 1s; reconnecting in"
            ),
            "{stderr:?}"
        );
    }
    assert_eq!(
        stderr[2],
        "sse listen: gave up after 2 reconnection attempts; last failure: no response within the connect timeout of 1s"
    );
}

#[test]
fn bad_arguments_exit_2() {
    let mut client = listen(&["--count", "0", "http://127.0.0.1:1/"]);
    assert_eq!(client.wait().code(), Some(2));
    let mut client = listen(&["-H", "no colon here", "http://127.0.0.1:1/"]);
    assert_eq!(client.wait().code(), Some(2));
    let mut client = listen(&["ftp://example.invalid/"]);
    assert_eq!(client.wait().code(), Some(2));
}
