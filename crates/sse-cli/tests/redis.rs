//! Two `sse serve --redis` processes sharing one real Redis: a publish on one reaches
//! subscribers of the other, and a client resumes on the other with `Last-Event-ID`.

mod harness;
#[path = "../../sse-redis/tests/redis_process/mod.rs"]
mod redis_process;

use std::process::Command;

use harness::http::{EventStream, get, publish, request};
use harness::process::{Running, Server, parse_listening_line, sse};
use redis_process::{RedisProcess, free_port};

fn serve_with(server: &RedisProcess) -> Server {
    Server::start(&["--redis", &server.url()])
}

fn open(server: &Server, target: &str, headers: &[(&str, &str)]) -> EventStream {
    EventStream::open(server.addr, target, headers)
        .unwrap_or_else(|r| panic!("GET {target}: {} {}", r.status, r.text()))
}

#[test]
fn a_publish_on_one_server_reaches_the_other_and_a_client_resumes_there() {
    let Some(redis) = RedisProcess::start("cli-two-servers") else {
        return;
    };
    let a = serve_with(&redis);
    let b = serve_with(&redis);
    let mut on_b = open(&b, "/subscribe/news", &[]);
    let mut on_a = open(&a, "/subscribe/news", &[]);

    let first = publish(a.addr, "news", "one");
    let event = on_b.next_event().unwrap();
    assert_eq!(
        (event.data(), event.last_event_id().as_str()),
        ("one", first.as_str())
    );
    assert_eq!(on_a.next_event().unwrap().data(), "one");
    drop(on_a); // the client loses A

    // Published while it is away, on either server.
    let two = publish(b.addr, "news", "two");
    let three = publish(a.addr, "news", "three");
    assert_eq!(on_b.data(2), ["two", "three"], "B's own subscriber");

    // It reconnects to B with its Last-Event-ID: exactly what it missed, then live.
    let mut resumed = open(&b, "/subscribe/news", &[("Last-Event-ID", first.as_str())]);
    let got: Vec<String> = (0..2)
        .map(|_| {
            resumed
                .next_event()
                .unwrap()
                .last_event_id()
                .as_str()
                .to_owned()
        })
        .collect();
    assert_eq!(got, [two, three]);
    let four = publish(a.addr, "news", "four");
    let live = resumed.next_event().unwrap();
    assert_eq!(
        (live.data(), live.last_event_id().as_str()),
        ("four", four.as_str())
    );
}

#[test]
fn an_unreachable_redis_stops_serve_with_a_clear_error() {
    let port = free_port();
    let mut command: Command = sse();
    command.args(["serve", "--addr", "127.0.0.1:0", "--redis"]);
    command.arg(format!("redis://127.0.0.1:{port}/"));
    let mut process = Running::start(command);
    let status = process.wait();
    assert_eq!(status.code(), Some(1));
    let stderr = process.stderr.rest().join("\n");
    assert!(
        stderr.contains(&format!("cannot connect to Redis at 127.0.0.1:{port}")),
        "{stderr}"
    );
    assert!(process.stdout.rest().is_empty(), "announced nothing");
}

#[test]
fn a_publish_redis_does_not_acknowledge_is_a_503_and_streams_stay_open() {
    let Some(mut redis) = RedisProcess::start("cli-outage") else {
        return;
    };
    let server = Server::start(&["--redis", &redis.url(), "--keep-alive", "0"]);
    let mut stream = open(&server, "/subscribe/t", &[]);
    publish(server.addr, "t", "before");
    assert_eq!(stream.data(1), ["before"]);

    redis.kill();
    let refused = request(server.addr, "POST", "/publish/t", &[], b"during");
    assert_eq!(refused.status, 503, "{}", refused.text());
    let error = refused.json()["error"].as_str().unwrap().to_owned();
    assert!(
        error.starts_with("Redis did not acknowledge the event"),
        "{error}"
    );

    redis.restart();
    // The same stream goes on once Redis is back (a publish may fail while the server
    // reconnects: bounded retries).
    let deadline = std::time::Instant::now() + harness::TIMEOUT;
    loop {
        let answer = request(server.addr, "POST", "/publish/t", &[], b"after");
        if answer.status == 200 {
            break;
        }
        assert_eq!(answer.status, 503, "{}", answer.text());
        assert!(
            std::time::Instant::now() < deadline,
            "Redis never came back"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let rest: Vec<String> =
        std::iter::from_fn(|| Some(stream.next_event().unwrap().data().to_owned()))
            .take_while(|data| data != "after")
            .collect();
    assert!(
        rest.iter().all(|d| d == "after" || d == "during"),
        "{rest:?}"
    );
}

/// `sse serve --redis` logging warnings (whatever `RUST_LOG` the tests run with).
fn serve_logging_with(server: &RedisProcess) -> Server {
    let mut command = sse();
    command.env("RUST_LOG", "warn").args([
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--redis",
        &server.url(),
    ]);
    let process = Running::start(command);
    let line = process.stdout.next().expect("sse serve printed nothing");
    let addr = parse_listening_line(&line);
    Server { process, addr }
}

/// `/status`'s `redis` object once `condition` holds for it (bounded).
fn redis_status_when(
    server: &Server,
    condition: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = std::time::Instant::now() + harness::TIMEOUT;
    loop {
        let status = get(server.addr, "/status", &[]);
        assert_eq!(status.status, 200, "{}", status.text());
        let redis = status.json()["redis"].clone();
        if condition(&redis) {
            return redis;
        }
        assert!(std::time::Instant::now() < deadline, "last seen: {redis}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn status_reports_the_redis_readers_last_error_and_serve_logs_it() {
    let Some(mut redis) = RedisProcess::start("cli-last-error") else {
        return;
    };
    let server = serve_logging_with(&redis);
    let up = redis_status_when(&server, |r| r["connected"] == true);
    assert!(up.get("last_error").is_none(), "no error yet: {up}");
    assert_eq!(up["reconnects"], 0);

    let killed_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    redis.kill();
    let down = redis_status_when(&server, |r| r["last_error"]["during"] == "reconnecting");
    assert_eq!(down["connected"], false, "{down}");
    let error = &down["last_error"];
    let message = error["message"].as_str().unwrap();
    assert!(
        message.to_lowercase().contains("connection refused"),
        "{error}"
    );
    let at = u128::from(error["at_unix_ms"].as_u64().unwrap());
    assert!(at >= killed_ms, "{error} is after the kill at {killed_ms}");

    // The warning names the failure and what the reader does next.
    let lost = std::iter::from_fn(|| server.process.stderr.next())
        .find(|line| line.contains("Redis stream read failed"))
        .expect("the lost connection is logged");
    assert!(
        lost.contains("WARN") && lost.contains("reconnecting"),
        "{lost}"
    );
    assert!(lost.contains("error="), "{lost}");

    redis.restart();
    let back = redis_status_when(&server, |r| r["connected"] == true);
    assert!(back["reconnects"].as_u64().unwrap() >= 1, "{back}");
    assert!(back["last_error"]["message"].is_string(), "kept: {back}");
}
