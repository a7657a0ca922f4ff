//! No silent loss, no hostages, through `sse serve` (in memory and with `--redis`): a
//! subscriber whose connection stops draining falls behind the replay window; it gives
//! back its place at once, and when it resumes with its `Last-Event-ID` it gets one
//! `sse-gap` event and then every event still in the window, exactly once, in order.
//! `--on-gap latest` signals the gap and starts live; `sse listen` warns about a gap.

mod harness;
#[path = "../../sse-redis/tests/redis_process/mod.rs"]
mod redis_process;

use std::time::Instant;

use harness::TIMEOUT;
use harness::http::{EventStream, get, publish};
use harness::process::{Running, Server, sse};
use redis_process::RedisProcess;
use serde_json::Value;
use sse_core::MessageEvent;

/// The replay window of the lag scenario, in events.
const WINDOW: usize = 40;

/// Large events, so a stalled connection's socket buffers fill after a few MB.
fn payload(n: usize) -> String {
    format!("{n:06}:{}", "x".repeat(32 * 1024))
}

fn open(server: &Server, headers: &[(&str, &str)]) -> EventStream {
    EventStream::open(server.addr, "/subscribe/t", headers)
        .unwrap_or_else(|r| panic!("subscribe: {} {}", r.status, r.text()))
}

/// `sse serve ARGS`, shared through `redis` if given.
fn serve(redis: Option<&RedisProcess>, args: &[&str]) -> Server {
    let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    if let Some(redis) = redis {
        all.extend(["--redis".to_owned(), redis.url()]);
    }
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    Server::start(&all)
}

/// Publishes batches of events until `done` says so; returns the ids published.
/// Bounded: at most 4000 events (128 MiB) and the test timeout.
fn publish_until(server: &Server, ids: &mut Vec<String>, mut done: impl FnMut(&Server) -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    while !done(server) {
        assert!(
            ids.len() < 4000,
            "published {} events without effect",
            ids.len()
        );
        assert!(Instant::now() < deadline, "no effect within {TIMEOUT:?}");
        for _ in 0..50 {
            let n = ids.len();
            ids.push(publish(server.addr, "t", &payload(n)));
        }
    }
}

/// Waits until the server's hub holds `id` as topic `t`'s newest event (with
/// `--redis`, the reader ingests an event a little after Redis acknowledged it).
fn wait_until_newest(server: &Server, id: &str) {
    let deadline = Instant::now() + TIMEOUT;
    while get(server.addr, "/status", &[]).json()["last_event_ids"]["t"] != id {
        assert!(Instant::now() < deadline, "{id} never reached the hub");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The JSON data of a gap event, checking its type and that it has no id of its own
/// (a freshly opened stream's last event id stays empty).
fn gap_of(event: &MessageEvent) -> Value {
    assert_eq!(event.event_type(), "sse-gap", "a gap event: {event:?}");
    assert_eq!(
        event.last_event_id().as_str(),
        "",
        "the gap event has no id"
    );
    serde_json::from_str(event.data()).unwrap()
}

fn id_of(event: &MessageEvent) -> String {
    assert_ne!(event.event_type(), "sse-gap", "one gap event only");
    event.last_event_id().as_str().to_owned()
}

/// Published, delivered before the stall, delivered after the resume, lost in the gap.
#[derive(Debug)]
struct Counts {
    published: usize,
    before: usize,
    after: usize,
    lost: usize,
}

/// The lag scenario against `server` (started with `--replay-count WINDOW`).
fn lag_then_resume(server: &Server) -> Counts {
    let mut ids = vec![publish(server.addr, "t", &payload(0))];
    wait_until_newest(server, &ids[0]);
    let mut stream = open(server, &[("Last-Event-ID", "not-yet")]);
    // An unknown id first: the gap event, then the window (the one event).
    let json = gap_of(&stream.next_event().unwrap());
    assert_eq!(json["reason"], "unknown");
    assert_eq!(json["last_event_id"], "not-yet");
    assert_eq!(json["resumed_from"], ids[0].as_str());
    assert_eq!(id_of(&stream.next_event().unwrap()), ids[0]);

    // The client stops reading; the server publishes until the stalled subscriber is
    // found behind the window (`/status` looks for such subscribers).
    publish_until(server, &mut ids, |server| {
        get(server.addr, "/status", &[]).json()["lag_drops"] == 1
    });
    let status = get(server.addr, "/status", &[]).json();
    assert_eq!(
        status["subscribers"]["total"], 0,
        "its place is free: {status}"
    );

    // The client reads again: what was in flight, then the end of the stream.
    let mut delivered = vec![ids[0].clone()];
    while let Some(event) = stream.next_event() {
        delivered.push(id_of(&event));
    }
    let before = delivered.len();
    let last = delivered.last().unwrap().clone();
    let newest = ids.last().unwrap().clone();
    wait_until_newest(server, &newest);
    // It resumes with its last id: one gap event, then the window.
    let mut resumed = open(server, &[("Last-Event-ID", &last)]);
    let json = gap_of(&resumed.next_event().unwrap());
    assert_eq!(json["reason"], "expired");
    assert_eq!(json["last_event_id"], last.as_str());
    let resumed_from = json["resumed_from"].as_str().unwrap().to_owned();
    loop {
        let id = id_of(&resumed.next_event().unwrap());
        delivered.push(id.clone());
        if id == newest {
            break;
        }
    }
    // Then live, nothing in between.
    let live = publish(server.addr, "t", "live");
    assert_eq!(id_of(&resumed.next_event().unwrap()), live);
    ids.push(live.clone());
    delivered.push(live);

    // Delivered in publish order, each once; everything else lies in the gap, after
    // the client's last id and before `resumed_from`.
    let position = |id: &String| {
        ids.iter()
            .position(|p| p == id)
            .unwrap_or_else(|| panic!("{id} was never published"))
    };
    let delivered_at: Vec<usize> = delivered.iter().map(position).collect();
    assert!(
        delivered_at.windows(2).all(|w| w[0] < w[1]),
        "in order, once each"
    );
    let (gap_start, gap_end) = (position(&last), position(&resumed_from));
    assert!(gap_end > gap_start + 1, "the gap skipped something");
    for (n, id) in ids.iter().enumerate() {
        let in_gap = n > gap_start && n < gap_end;
        assert!(
            delivered.contains(id) != in_gap,
            "event {n} ({id}) lost silently or twice"
        );
    }
    assert_eq!(
        ids.len() - 1 - gap_end,
        WINDOW,
        "the whole window was replayed"
    );
    let status = get(server.addr, "/status", &[]).json();
    assert_eq!(status["gaps"], 2, "{status}");
    assert_eq!(status["replays"]["expired"], 1, "{status}");
    assert_eq!(status["replays"]["unknown"], 1, "{status}");
    Counts {
        published: ids.len(),
        before,
        after: delivered.len() - before,
        lost: gap_end - gap_start - 1,
    }
}

/// Every event published was delivered or lies in the signalled gap; after the resume
/// came the whole window and the live event.
fn assert_accounted(counts: &Counts) {
    assert_eq!(
        counts.before + counts.after + counts.lost,
        counts.published,
        "{counts:?}"
    );
    assert_eq!(counts.after, WINDOW + 1, "{counts:?}");
}

const LAG_ARGS: &[&str] = &["--replay-count", "40", "--keep-alive", "0"];

#[test]
fn a_stalled_subscriber_resumes_after_one_gap_event_and_loses_nothing_silently() {
    let server = serve(None, LAG_ARGS);
    let counts = lag_then_resume(&server);
    eprintln!("in memory: {counts:?}");
    assert_accounted(&counts);
}

#[test]
fn with_redis_a_stalled_subscriber_resumes_after_one_gap_event_and_loses_nothing_silently() {
    let Some(redis) = RedisProcess::start("cli-gap-lag") else {
        return;
    };
    let server = serve(Some(&redis), LAG_ARGS);
    let counts = lag_then_resume(&server);
    eprintln!("with --redis: {counts:?}");
    assert_accounted(&counts);
}

/// With `--replay-count 3`: 6 events published, then a client resumes from the first
/// (expired), and another with `unknown_id` (not one of the server's ids).
fn small_window_resumes(server: &Server, unknown_id: &str, latest: bool) {
    let mut ids: Vec<String> = (0..6)
        .map(|n| publish(server.addr, "t", &format!("e{n}")))
        .collect();
    let first = ids[0].clone();
    for (sent, reason) in [(first.as_str(), "expired"), (unknown_id, "unknown")] {
        wait_until_newest(server, ids.last().unwrap());
        let window = ids[ids.len() - 3..].to_vec();
        let mut stream = open(server, &[("Last-Event-ID", sent)]);
        let json = gap_of(&stream.next_event().unwrap());
        let resumed_from = if latest {
            Value::Null
        } else {
            Value::from(window[0].as_str())
        };
        let expected = serde_json::json!({
            "reason": reason,
            "last_event_id": sent,
            "resumed_from": resumed_from,
        });
        assert_eq!(json, expected);
        let live = publish(server.addr, "t", "live");
        let mut got: Vec<String> = Vec::new();
        loop {
            let id = id_of(&stream.next_event().unwrap());
            got.push(id.clone());
            if id == live {
                break;
            }
        }
        let mut expected: Vec<String> = if latest { vec![] } else { window };
        expected.push(live.clone());
        assert_eq!(got, expected, "{reason}");
        ids.push(live);
    }
    let status = get(server.addr, "/status", &[]).json();
    assert_eq!(status["gaps"], 2, "{status}");
}

#[test]
fn expired_and_unknown_ids_replay_the_window_after_the_gap_event() {
    let memory = serve(None, &["--replay-count", "3"]);
    small_window_resumes(&memory, "m0a1b2c3-7", false);
}

#[test]
fn on_gap_latest_signals_the_gap_and_starts_live() {
    let memory = serve(None, &["--replay-count", "3", "--on-gap", "latest"]);
    small_window_resumes(&memory, "m0a1b2c3-7", true);
}

#[test]
fn with_redis_expired_and_unknown_ids_are_gaps_under_either_policy() {
    let Some(redis) = RedisProcess::start("cli-gap-policies") else {
        return;
    };
    let earliest = serve(Some(&redis), &["--replay-count", "3"]);
    // Not a stream id: unknown. (A stream id from before the stream began is expired.)
    small_window_resumes(&earliest, "m0a1b2c3-7", false);
    drop(earliest);
    let latest = serve(Some(&redis), &["--replay-count", "3", "--on-gap", "latest"]);
    small_window_resumes(&latest, "not-a-stream-id", true);
}

#[test]
fn an_unknown_gap_policy_is_refused() {
    let mut command = sse();
    command.args(["serve", "--addr", "127.0.0.1:0", "--on-gap", "newest"]);
    let mut process = Running::start(command);
    assert_eq!(process.wait().code(), Some(2));
    let stderr = process.stderr.rest().join("\n");
    assert!(stderr.contains("--on-gap"), "{stderr}");
}

#[test]
fn listen_warns_about_a_gap_on_stderr_and_prints_it_with_json() {
    let server = serve(None, &["--replay-count", "2"]);
    let ids: Vec<String> = (0..4)
        .map(|n| publish(server.addr, "t", &format!("e{n}")))
        .collect();
    let url = format!("{}/subscribe/t", server.base());
    let mut command = sse();
    command.args([
        "listen",
        "--json",
        "--count",
        "2",
        "--last-event-id",
        &ids[0],
    ]);
    command.arg(&url);
    let mut client = Running::start(command);
    assert_eq!(client.wait().code(), Some(0), "the gap is not counted");
    let lines: Vec<Value> = client
        .stdout
        .rest()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["type"], "sse-gap");
    let gap: Value = serde_json::from_str(lines[0]["data"].as_str().unwrap()).unwrap();
    let expected = serde_json::json!({
        "reason": "expired",
        "last_event_id": ids[0],
        "resumed_from": ids[2],
    });
    assert_eq!(gap, expected);
    let replayed: Vec<&Value> = lines[1..].iter().map(|l| &l["lastEventId"]).collect();
    assert_eq!(replayed, [&ids[2], &ids[3]]);
    let stderr = client.stderr.rest();
    let warning = format!(
        "sse listen: warning: events were missed: the server no longer has the events \
         after `{}`; resumed from `{}`, so the events between were lost",
        ids[0], ids[2]
    );
    assert!(stderr.contains(&warning), "{stderr:?}");
}

#[test]
fn stalled_subscribers_free_their_places_for_new_ones() {
    let server = serve(
        None,
        &[
            "--replay-count",
            "20",
            "--max-subscribers",
            "3",
            "--keep-alive",
            "0",
        ],
    );
    let _stalled: Vec<EventStream> = (0..3).map(|_| open(&server, &[])).collect();
    let refused = EventStream::open(server.addr, "/subscribe/t", &[])
        .err()
        .expect("full");
    assert_eq!(refused.status, 503);
    let mut ids = Vec::new();
    let mut newcomer = None;
    publish_until(&server, &mut ids, |server| {
        newcomer = EventStream::open(server.addr, "/subscribe/t", &[]).ok();
        newcomer.is_some()
    });
    eprintln!("a new subscriber got in after {} events", ids.len());
    let mut newcomer = newcomer.unwrap();
    let id = publish(server.addr, "t", "hello");
    let event = newcomer.next_event().unwrap();
    assert_eq!(
        (event.data(), event.last_event_id().as_str()),
        ("hello", id.as_str())
    );
    let status = get(server.addr, "/status", &[]).json();
    // Each stalled one found behind the window gave back its place.
    let dropped = status["lag_drops"].as_u64().unwrap();
    assert!(dropped >= 1, "{status}");
    assert_eq!(
        status["subscribers"]["total"].as_u64().unwrap() + dropped,
        4,
        "{status}"
    );
}
