//! Two `sse serve --redis` processes sharing one real Redis: a publish on one reaches
//! subscribers of the other, and a client resumes on the other with `Last-Event-ID`.

mod harness;
#[path = "../../sse-redis/tests/redis_process/mod.rs"]
mod redis_process;

use std::process::Command;

use harness::http::{EventStream, publish, request};
use harness::process::{Running, Server, sse};
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
