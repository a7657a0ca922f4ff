//! Several `RedisHub`s (standing for several server processes) sharing one real Redis:
//! fan-out, resume on another process, trimming, entries written by others.

mod delivery;
mod redis_process;

use std::time::Duration;

use sse_core::hub::{PublishError, Replay, TopicFilter};
use sse_core::{Event, EventId};
use sse_redis::{RedisHub, RedisOptions};

use delivery::{Got, id, marker, next, next_text, position, read_until, take, topic, wait_read};
use redis_process::RedisProcess;

async fn connect(server: &RedisProcess, options: RedisOptions) -> RedisHub {
    RedisHub::connect(&server.url(), options)
        .await
        .expect("connect to the test server")
}

/// Publishes `n` events alternating topics `a/x` and `b`, data `{prefix}{i}`.
async fn publish_n(redis: &RedisHub, prefix: &str, n: usize) -> Vec<EventId> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let on = if i % 2 == 0 { "a/x" } else { "b" };
        let id = redis
            .publish(&topic(on), Event::new(format!("{prefix}{i}")))
            .await
            .expect("publish");
        ids.push(id);
    }
    ids
}

fn ids(got: &[Got]) -> Vec<String> {
    got.iter().map(|g| g.id.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_published_on_one_process_reaches_every_process_once_in_order() {
    let Some(server) = RedisProcess::start("fanout") else {
        return;
    };
    let a = connect(&server, RedisOptions::new()).await;
    let b = connect(&server, RedisOptions::new()).await;
    let mut on_a = a.hub().subscribe(TopicFilter::all()).unwrap();
    let mut on_b = b.hub().subscribe(TopicFilter::all()).unwrap();
    let mut only_a_on_b = b
        .hub()
        .subscribe(TopicFilter::parse_list("a").unwrap())
        .unwrap();

    let published = publish_n(&a, "e", 20).await;
    assert!(
        published
            .windows(2)
            .all(|w| position(w[0].as_str()) < position(w[1].as_str())),
        "ids increase: {published:?}"
    );
    let expected: Vec<String> = published.iter().map(|i| i.as_str().to_owned()).collect();
    for sub in [&mut on_a, &mut on_b] {
        let got = take(sub, 20).await;
        assert_eq!(ids(&got), expected);
        let data: Vec<&str> = got.iter().map(|g| g.data.as_str()).collect();
        assert_eq!(data[..3], ["e0", "e1", "e2"]);
    }
    let got = take(&mut only_a_on_b, 10).await;
    let even: Vec<String> = expected.iter().step_by(2).cloned().collect();
    assert_eq!(ids(&got), even, "topic filter: only a/x");
    // Nothing else was pending: no duplicate on either process.
    let end = marker(&a, "b").await;
    assert!(read_until(&mut on_a, &end).await.is_empty());
    assert!(read_until(&mut on_b, &end).await.is_empty());

    // Event fields travel; the id is the stream's.
    let event = Event::builder()
        .event("update")
        .data("typed")
        .id("mine")
        .build()
        .unwrap();
    let sent = b.publish(&topic("a/x"), event).await.unwrap();
    let got = next(&mut on_a).await;
    assert_eq!(got.id, sent.as_str());
    assert_eq!(got.kind.as_deref(), Some("update"));
    assert_eq!(got.data, "typed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_hub_refuses_publishes_that_would_bypass_redis() {
    let Some(server) = RedisProcess::start("bypass") else {
        return;
    };
    let redis = connect(&server, RedisOptions::new()).await;
    let err = redis
        .hub()
        .publish(&topic("t"), Event::new("x"))
        .unwrap_err();
    assert!(matches!(err, PublishError::Store(_)));
    assert!(err.to_string().contains("RedisHub::publish"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_resumes_on_another_process_without_gap_or_duplicate() {
    let Some(server) = RedisProcess::start("resume") else {
        return;
    };
    let a = connect(&server, RedisOptions::new()).await;
    let b = connect(&server, RedisOptions::new()).await;
    let filter = || TopicFilter::parse_list("a").unwrap();
    let mut on_a = a.hub().subscribe(filter()).unwrap();
    let first = publish_n(&a, "first", 6).await;
    let seen = take(&mut on_a, 3).await; // a/x events: first0, first2, first4
    assert_eq!(seen.last().unwrap().id, first[4].as_str());
    drop(on_a); // the connection to A breaks

    let missed = publish_n(&b, "missed", 6).await; // published while away, on B
    wait_read(&b, missed.last().unwrap()).await;
    let last_seen = id(&seen.last().unwrap().id);
    let mut on_b = b.hub().subscribe_from(filter(), Some(&last_seen)).unwrap();
    assert_eq!(on_b.replay(), Replay::Resumed { missed: 3 });
    let got = take(&mut on_b, 3).await;
    let expected: Vec<String> = missed.iter().step_by(2).map(|i| i.to_string()).collect();
    assert_eq!(ids(&got), expected);
    // Then live, and nothing in between.
    let live = a.publish(&topic("a/y"), Event::new("live")).await.unwrap();
    let got = next(&mut on_b).await;
    assert_eq!(
        (got.id.as_str(), got.data.as_str()),
        (live.as_str(), "live")
    );

    // A process started later loads what the stream keeps and resumes the same way.
    let c = connect(&server, RedisOptions::new()).await;
    let mut on_c = c.hub().subscribe_from(filter(), Some(&last_seen)).unwrap();
    assert_eq!(on_c.replay(), Replay::Resumed { missed: 4 });
    let got = take(&mut on_c, 4).await;
    assert_eq!(got.last().unwrap().id, live.as_str());
    let end = marker(&c, "a").await;
    assert!(read_until(&mut on_c, &end).await.is_empty());
    // Not a stream id: a gap, resumed from the oldest event kept on its topics.
    let mut unknown = c
        .hub()
        .subscribe_from(filter(), Some(&id("m0a1b2-3")))
        .unwrap();
    let kept: Vec<String> = (first.iter().step_by(2))
        .chain(missed.iter().step_by(2))
        .chain([&live, &end])
        .map(|i| i.to_string())
        .collect();
    assert_eq!(
        unknown.replay(),
        Replay::Unknown {
            resumed_from: Some(first[0].clone()),
            replayed: kept.len(),
        }
    );
    // The gap event first (no id: the client keeps its own), then the events kept.
    let gap = format!(
        "event: sse-gap\ndata: {{\"reason\":\"unknown\",\"last_event_id\":\"m0a1b2-3\",\
         \"resumed_from\":\"{}\"}}\n\n",
        first[0]
    );
    assert_eq!(next_text(&mut unknown).await, gap);
    assert_eq!(ids(&take(&mut unknown, kept.len()).await), kept);
}

/// What each process answers for a `Last-Event-ID`, for each of `ids`.
fn replays(redis: &RedisHub, ids: &[EventId]) -> Vec<Replay> {
    ids.iter()
        .map(|i| {
            redis
                .hub()
                .subscribe_from(TopicFilter::all(), Some(i))
                .unwrap()
                .replay()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_trimmed_by_length_is_expired_on_every_process() {
    let Some(server) = RedisProcess::start("trim-len") else {
        return;
    };
    let options = || RedisOptions::new().max_len(5);
    let a = connect(&server, options()).await;
    let published = publish_n(&a, "e", 20).await;
    wait_read(&a, published.last().unwrap()).await;
    let answers = replays(&a, &published);
    // The window keeps the newest 5 (15..20): resuming after 14 or later works; from
    // before, the gap is reported and the resume starts at 15.
    let expired = Replay::Expired {
        resumed_from: Some(published[15].clone()),
        replayed: 5,
    };
    let mut expected = vec![expired; 14];
    expected.extend((0..6).rev().map(|missed| Replay::Resumed { missed }));
    assert_eq!(answers, expected);
    // A process started now answers the same (Redis keeps at least as much).
    let late = connect(&server, options()).await;
    assert_eq!(replays(&late, &published), expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_trimmed_by_age_is_expired_on_every_process() {
    let Some(server) = RedisProcess::start("trim-age") else {
        return;
    };
    // Long enough that the new events cannot age out before the checks end, even on a
    // loaded machine.
    let age = Duration::from_secs(3);
    let options = || RedisOptions::new().max_age(Some(age));
    let a = connect(&server, options()).await;
    let old = publish_n(&a, "old", 3).await;
    tokio::time::sleep(age + Duration::from_secs(1)).await; // the old ones are too old
    let new = publish_n(&a, "new", 2).await;
    wait_read(&a, new.last().unwrap()).await;
    let all: Vec<EventId> = old.iter().chain(&new).cloned().collect();
    let expired = Replay::Expired {
        resumed_from: Some(new[0].clone()),
        replayed: 2,
    };
    let expected = [
        expired.clone(),
        expired,
        Replay::Resumed { missed: 2 },
        Replay::Resumed { missed: 1 },
        Replay::Resumed { missed: 0 },
    ];
    assert_eq!(replays(&a, &all), expected);
    let late = connect(&server, options()).await;
    assert_eq!(replays(&late, &all), expected);

    // Every entry trimmed: the stream is empty, and still knows its last id.
    let client = redis::Client::open(server.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let _: i64 = redis::cmd("XTRIM")
        .arg(RedisOptions::DEFAULT_STREAM_KEY)
        .arg("MAXLEN")
        .arg(0)
        .query_async(&mut conn)
        .await
        .unwrap();
    let empty = connect(&server, options()).await;
    let nothing_kept = Replay::Expired {
        resumed_from: None,
        replayed: 0,
    };
    let mut expected = vec![nothing_kept; 4];
    expected.push(Replay::Resumed { missed: 0 });
    assert_eq!(replays(&empty, &all), expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_written_by_others_are_skipped_and_counted() {
    let Some(server) = RedisProcess::start("foreign") else {
        return;
    };
    let a = connect(&server, RedisOptions::new()).await;
    let mut sub = a.hub().subscribe(TopicFilter::all()).unwrap();
    let client = redis::Client::open(server.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let foreign: String = redis::cmd("XADD")
        .arg(RedisOptions::DEFAULT_STREAM_KEY)
        .arg("*")
        .arg("not")
        .arg("ours")
        .query_async(&mut conn)
        .await
        .unwrap();
    let after = a.publish(&topic("t"), Event::new("after")).await.unwrap();
    let got = next(&mut sub).await;
    assert_eq!(got.id, after.as_str());
    let status = a.reader_status();
    assert_eq!(status.skipped, 1);
    // Skipping is recorded with the entry and why; the reader stays connected.
    assert!(status.connected);
    let error = status.last_error.unwrap();
    assert_eq!(error.during, "ingesting an entry");
    assert_eq!(error.message, format!("entry {foreign}: no topic"));
}
