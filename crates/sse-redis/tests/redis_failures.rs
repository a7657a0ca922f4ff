//! What happens when Redis is not there: at start-up, and lost (then restarted) while
//! processes publish and subscribers listen.

mod delivery;
mod link;
mod redis_process;

use std::time::{Duration, SystemTime};

use sse_core::Event;
use sse_core::hub::{Replay, TopicFilter};
use sse_redis::{Error, RedisHub, RedisOptions};

use delivery::{Got, PATIENCE, id, marker, read_until, take, topic, wait_read};
use link::Link;
use redis_process::{RedisProcess, free_port};

/// Short timeouts and backoff, so an outage is noticed and left quickly.
fn quick() -> RedisOptions {
    RedisOptions::new()
        .connect_timeout(Duration::from_millis(500))
        .response_timeout(Duration::from_millis(500))
        .block(Duration::from_millis(500))
        .backoff(Duration::from_millis(20), Duration::from_millis(200))
}

#[tokio::test]
async fn an_unreachable_redis_at_start_is_a_clear_error() {
    // Needs no server: nothing listens on the port.
    let port = free_port();
    let url = format!("redis://127.0.0.1:{port}/");
    let err = RedisHub::connect(&url, quick()).await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("cannot connect to Redis at 127.0.0.1:{port}: ")),
        "{text}"
    );

    let err = RedisHub::connect("http://example.invalid/", quick())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Url(_)), "{err:?}");
    assert!(err.to_string().starts_with("invalid Redis URL"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_is_not_a_stream_is_a_clear_error() {
    let Some(server) = RedisProcess::start("wrongtype") else {
        return;
    };
    let client = redis::Client::open(server.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let () = redis::cmd("SET")
        .arg("not-a-stream")
        .arg("x")
        .query_async(&mut conn)
        .await
        .unwrap();
    let err = RedisHub::connect(&server.url(), quick().stream_key("not-a-stream"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Stream { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("cannot read the Redis stream `not-a-stream`: "),
        "{err}"
    );
}

/// Publishes `data` until Redis acknowledges it (it may be restarting), recording each
/// refused attempt. Bounded by [`PATIENCE`].
async fn publish_retrying(redis: &RedisHub, data: &str, refused: &mut Vec<String>) -> String {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        match redis
            .publish(&topic("t"), Event::new(data.to_owned()))
            .await
        {
            Ok(id) => return id.to_string(),
            Err(Error::Publish(_)) => refused.push(data.to_owned()),
            Err(other) => panic!("unexpected error: {other}"),
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "Redis never acknowledged {data}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn wait_for(mut condition: impl FnMut() -> bool, what: &str) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !condition() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_restart_loses_no_acknowledged_event_and_keeps_subscribers() {
    let Some(mut server) = RedisProcess::start("restart") else {
        return;
    };
    let a = RedisHub::connect(&server.url(), quick()).await.unwrap();
    let b = RedisHub::connect(&server.url(), quick()).await.unwrap();
    let mut on_a = a.hub().subscribe(TopicFilter::all()).unwrap();
    let mut on_b = b.hub().subscribe(TopicFilter::all()).unwrap();
    let mut acknowledged = Vec::new();
    let mut refused = Vec::new();
    for i in 0..10 {
        let publisher = if i % 2 == 0 { &a } else { &b };
        acknowledged.push(publish_retrying(publisher, &format!("before{i}"), &mut refused).await);
    }
    assert!(refused.is_empty(), "Redis was up: {refused:?}");
    let before = take(&mut on_b, 10).await;

    server.kill();
    // Publishing fails while Redis is gone: nothing is queued behind the caller's back.
    let err = a
        .publish(&topic("t"), Event::new("during"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Publish(_)), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("Redis did not acknowledge the event"),
        "{err}"
    );
    wait_for(|| !b.reader_status().connected, "B's reader notices").await;

    server.restart();
    for i in 0..10 {
        let publisher = if i % 2 == 0 { &b } else { &a };
        acknowledged.push(publish_retrying(publisher, &format!("after{i}"), &mut refused).await);
    }
    wait_for(|| a.reader_status().connected, "A's reader reconnects").await;
    wait_for(|| b.reader_status().connected, "B's reader reconnects").await;

    // The subscribers stayed; each gets every acknowledged event, in order, once.
    let end = marker(&a, "t").await;
    let mut on_a_all = read_until(&mut on_a, &end).await;
    let mut on_b_all = before;
    on_b_all.extend(read_until(&mut on_b, &end).await);
    for got in [&mut on_a_all, &mut on_b_all] {
        // A refused publish may still have been appended (the connection broke after
        // Redis took it): that is the only thing allowed besides the acknowledged.
        got.retain(|g| {
            let extra = !acknowledged.contains(&g.id);
            assert!(
                !extra || g.data == "during" || refused.contains(&g.data),
                "never published: {g:?}"
            );
            !extra
        });
        let ids: Vec<&str> = got.iter().map(|g: &Got| g.id.as_str()).collect();
        assert_eq!(ids, acknowledged);
    }
    assert!(a.reader_status().reconnects >= 1);
    assert!(b.reader_status().reconnects >= 1);
    assert_eq!(b.reader_status().gaps, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_cut_off_longer_than_the_stream_keeps_records_the_gap() {
    let Some(server) = RedisProcess::start("gap") else {
        return;
    };
    let link = Link::new(server.port()).await;
    let options = || quick().max_len(5).max_age(None);
    let a = RedisHub::connect(&link.url(), options()).await.unwrap(); // through the link
    let b = RedisHub::connect(&server.url(), options()).await.unwrap();
    let mut on_a = a.hub().subscribe(TopicFilter::all()).unwrap();
    let mut seen = Vec::new();
    for i in 0..3 {
        seen.push(
            b.publish(&topic("t"), Event::new(format!("seen{i}")))
                .await
                .unwrap(),
        );
    }
    assert_eq!(
        take(&mut on_a, 3).await.last().unwrap().id,
        seen[2].as_str()
    );

    link.cut();
    let err = a
        .publish(&topic("t"), Event::new("cut off"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Publish(_)), "{err:?}");
    wait_for(|| !a.reader_status().connected, "A's reader notices").await;
    // B goes on; Redis trims whole nodes of 100 entries, so 300 drop what A never read.
    let mut away = Vec::new();
    for i in 0..300 {
        away.push(
            b.publish(&topic("t"), Event::new(format!("away{i}")))
                .await
                .unwrap(),
        );
    }
    let last = away[299].clone();
    link.restore();
    wait_read(&a, &last).await;
    let status = a.reader_status();
    assert_eq!((status.gaps, status.connected), (1, true), "{status:?}");

    // No resume crosses the gap silently, on A as on B: it is reported, and the resume
    // starts with the oldest event the window keeps; after it, resumes work on A.
    for redis in [&a, &b] {
        let across = redis
            .hub()
            .subscribe_from(TopicFilter::all(), Some(&seen[2]))
            .unwrap();
        let expired = Replay::Expired {
            resumed_from: Some(away[295].clone()),
            replayed: 5,
        };
        assert_eq!(across.replay(), expired);
    }
    let recent = id(&format!("{}", last)); // the newest: nothing missed
    let resumed = a
        .hub()
        .subscribe_from(TopicFilter::all(), Some(&recent))
        .unwrap();
    assert_eq!(resumed.replay(), Replay::Resumed { missed: 0 });
    // A publishes again once its link is back (a publish on the connection broken by
    // the cut may fail first).
    let mut fresh = a.hub().subscribe(TopicFilter::all()).unwrap();
    let back = publish_retrying(&a, "back", &mut Vec::new()).await;
    let got = read_until(&mut fresh, &id(&back)).await;
    assert!(got.iter().all(|g| g.data == "back"), "{got:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_redis_is_the_readers_last_error_until_a_newer_one() {
    let Some(mut server) = RedisProcess::start("last-error") else {
        return;
    };
    let a = RedisHub::connect(&server.url(), quick()).await.unwrap();
    let status = a.reader_status();
    assert_eq!((status.connected, status.last_error), (true, None));

    let killed = SystemTime::now();
    server.kill();
    // The blocked read fails first; then each reconnection attempt is refused.
    wait_for(
        || {
            a.reader_status()
                .last_error
                .is_some_and(|e| e.during == "reconnecting")
        },
        "A's reader records a refused reconnection",
    )
    .await;
    let status = a.reader_status();
    assert!(!status.connected, "{status:?}");
    let error = status.last_error.unwrap();
    assert!(
        error.message.to_lowercase().contains("connection refused"),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        format!("reconnecting: {}", error.message)
    );
    assert!(error.at >= killed, "{error:?} happened after the kill");

    // Once it is back the reader says so, and keeps the error it recovered from.
    server.restart();
    wait_for(|| a.reader_status().connected, "A's reader reconnects").await;
    let status = a.reader_status();
    assert!(status.reconnects >= 1, "{status:?}");
    let kept = status.last_error.unwrap();
    assert!(kept.at >= error.at, "{kept:?}");
    assert!(
        matches!(
            kept.during,
            "reconnecting" | "catching up after reconnecting"
        ),
        "{kept:?}"
    );
}
