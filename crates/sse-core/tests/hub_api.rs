//! Behaviour of the hub through its public API, one thread.
// The hub and the client state machine need the `std` feature.
#![cfg(feature = "std")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use sse_core::hub::{
    EndReason, Epoch, GapPolicy, Hub, ManualClock, Position, PublishError, Replay, ReplayStore,
    Stamp, StoreError, SubscribeError, Subscription, Topic, TopicFilter, TryFrameError,
};
use sse_core::stream::{FrameStream, KeepAlive, StreamOptions, Timer};
use sse_core::{Event, EventId, Frame};

fn topic(text: &str) -> Topic {
    Topic::new(text).unwrap()
}

fn filter(list: &str) -> TopicFilter {
    TopicFilter::parse_list(list).unwrap()
}

fn hub() -> Hub {
    Hub::builder().epoch(Epoch::new(36 * 36)).build()
}

/// Everything ready now, as frames.
fn drain(sub: &mut Subscription) -> Vec<Frame> {
    let mut cx = Context::from_waker(Waker::noop());
    let mut frames = Vec::new();
    while let Poll::Ready(Some(frame)) = sub.poll_frame(&mut cx) {
        frames.push(frame);
    }
    frames
}

/// The `data` line of each frame.
fn data(frames: &[Frame]) -> Vec<String> {
    frames
        .iter()
        .map(|f| {
            let text = std::str::from_utf8(f.as_bytes()).unwrap();
            let line = text.lines().find(|l| l.starts_with("data: ")).unwrap();
            line["data: ".len()..].to_owned()
        })
        .collect()
}

fn publish(hub: &Hub, on: &str, text: &str) -> EventId {
    hub.publish(&topic(on), Event::from(text)).unwrap()
}

#[test]
fn topics_match_by_segments() {
    let hub = hub();
    let mut pets = hub.subscribe(filter("/pets")).unwrap();
    let mut dogs = hub.subscribe(filter("pets/dogs")).unwrap();
    let mut store = hub.subscribe(filter("petstore")).unwrap();
    let mut all = hub.subscribe(TopicFilter::all()).unwrap();
    let mut two = hub.subscribe(filter("petstore,pets/cats")).unwrap();
    publish(&hub, "pets/dogs", "d");
    publish(&hub, "pets/cats", "c");
    publish(&hub, "petstore", "s");
    publish(&hub, "pets", "p");
    publish(&hub, "other", "o");
    assert_eq!(data(&drain(&mut pets)), ["d", "c", "p"]);
    assert_eq!(data(&drain(&mut dogs)), ["d"]);
    assert_eq!(data(&drain(&mut store)), ["s"]);
    assert_eq!(data(&drain(&mut all)), ["d", "c", "s", "p", "o"]);
    assert_eq!(data(&drain(&mut two)), ["c", "s"]);
}

#[test]
fn ids_are_assigned_in_order_and_replace_the_publishers() {
    let hub = hub();
    let mut sub = hub.subscribe(TopicFilter::all()).unwrap();
    let own = Event::new("x").with_id(EventId::new("mine").unwrap());
    let first = hub.publish(&topic("t"), own).unwrap();
    let second = publish(&hub, "t", "y");
    assert_eq!((first.as_str(), second.as_str()), ("100-0", "100-1"));
    let frames = drain(&mut sub);
    assert_eq!(frames[0].as_bytes(), &b"id: 100-0\ndata: x\n\n"[..]);
    assert_eq!(frames[1].as_bytes(), &b"id: 100-1\ndata: y\n\n"[..]);
}

#[test]
fn every_subscriber_gets_the_same_bytes() {
    let hub = hub();
    let mut subs: Vec<_> = (0..3)
        .map(|_| hub.subscribe(TopicFilter::all()).unwrap())
        .collect();
    publish(&hub, "t", "shared");
    let frames: Vec<Frame> = subs.iter_mut().flat_map(drain).collect();
    assert_eq!(frames.len(), 3);
    let ptr = frames[0].as_bytes().as_ptr();
    assert!(frames.iter().all(|f| f.as_bytes().as_ptr() == ptr));
    assert_eq!(hub.stats().bytes_encoded, frames[0].len() as u64);
}

#[test]
fn resume_gets_the_missed_events_of_its_topics_then_live() {
    let hub = hub();
    let a1 = publish(&hub, "a", "a1");
    publish(&hub, "b", "b1");
    publish(&hub, "a/x", "a2");
    let mut sub = hub.subscribe_from(filter("a"), Some(&a1)).unwrap();
    assert_eq!(sub.replay(), Replay::Resumed { missed: 1 });
    publish(&hub, "a", "a3");
    assert_eq!(data(&drain(&mut sub)), ["a2", "a3"]);

    let last = publish(&hub, "b", "b2");
    let mut caught_up = hub.subscribe_from(filter("a"), Some(&last)).unwrap();
    assert_eq!(caught_up.replay(), Replay::Resumed { missed: 0 });
    assert!(drain(&mut caught_up).is_empty());
    assert_eq!(hub.stats().replays_resumed, 2);
}

/// The gap event's JSON data, as the hub writes it.
fn gap_data(reason: &str, sent: &str, resumed_from: Option<&EventId>) -> String {
    let from = resumed_from.map_or("null".to_owned(), |id| format!("\"{}\"", id.as_str()));
    format!(r#"{{"reason":"{reason}","last_event_id":"{sent}","resumed_from":{from}}}"#)
}

/// Asserts that `frame` is the gap event with this data.
fn assert_gap(frame: &Frame, data: &str) {
    let text = std::str::from_utf8(frame.as_bytes()).unwrap();
    assert_eq!(text, format!("event: sse-gap\ndata: {data}\n\n"));
}

#[test]
fn unknown_ids_start_live_with_the_latest_policy() {
    let hub = Hub::builder()
        .epoch(Epoch::new(36 * 36))
        .on_gap(GapPolicy::Latest)
        .build();
    publish(&hub, "t", "old");
    let other_epoch = Hub::builder()
        .epoch(Epoch::new(5))
        .build()
        .publish(&topic("t"), Event::from("x"))
        .unwrap();
    for id in [
        other_epoch.as_str(),
        "garbage",
        "100-99",
        "100-",
        "",
        "100-00",
    ] {
        let id = EventId::new(id).unwrap();
        let mut sub = hub.subscribe_from(TopicFilter::all(), Some(&id)).unwrap();
        let replay = Replay::Unknown {
            resumed_from: None,
            replayed: 0,
        };
        assert_eq!(sub.replay(), replay, "{id:?}");
        publish(&hub, "t", "live");
        let frames = drain(&mut sub);
        assert_gap(&frames[0], &gap_data("unknown", id.as_str(), None));
        assert_eq!(data(&frames[1..]), ["live"]);
    }
    let stats = hub.stats();
    assert_eq!((stats.replays_unknown, stats.gaps_signalled), (6, 6));
    let fresh = hub.subscribe(TopicFilter::all()).unwrap();
    assert_eq!(fresh.replay(), Replay::Fresh);
}

#[test]
fn unknown_ids_replay_the_window_after_the_gap_event() {
    // The window keeps events 1 to 4: `b`'s 1 leaves it first, which `a` does not miss.
    let hub = Hub::builder().epoch(Epoch::new(1)).window_count(4).build();
    let ids: Vec<_> = (0..5)
        .map(|i| publish(&hub, if i % 2 == 0 { "a" } else { "b" }, &i.to_string()))
        .collect();
    let sent = EventId::new("not \"ours\"").unwrap();
    let mut sub = hub.subscribe_from(filter("a"), Some(&sent)).unwrap();
    let replay = Replay::Unknown {
        resumed_from: Some(ids[2].clone()),
        replayed: 2,
    };
    assert_eq!(sub.replay(), replay);
    assert!(sub.replay().is_gap());
    assert_eq!(sub.replay().resumed_from(), Some(&ids[2]));
    publish(&hub, "a", "live");
    let frames = drain(&mut sub);
    let sent_json = r#"not \"ours\""#;
    assert_gap(&frames[0], &gap_data("unknown", sent_json, Some(&ids[2])));
    assert_eq!(data(&frames[1..]), ["2", "4", "live"]);
    // Nothing in the window for its topics: resumed from nothing, then live.
    let mut quiet = hub.subscribe_from(filter("c"), Some(&sent)).unwrap();
    publish(&hub, "c", "c1");
    let frames = drain(&mut quiet);
    assert_gap(&frames[0], &gap_data("unknown", sent_json, None));
    assert_eq!(data(&frames[1..]), ["c1"]);
}

#[test]
fn gap_events_can_be_renamed_or_turned_off() {
    let renamed = Hub::builder()
        .epoch(Epoch::new(1))
        .gap_event(Some(sse_core::EventType::new("resync").unwrap()))
        .build();
    let id = publish(&renamed, "t", "x");
    let sent = EventId::new("junk").unwrap();
    let mut sub = renamed
        .subscribe_from(TopicFilter::all(), Some(&sent))
        .unwrap();
    let frames = drain(&mut sub);
    let text = std::str::from_utf8(frames[0].as_bytes()).unwrap();
    assert!(text.starts_with("event: resync\ndata: {"), "{text}");
    assert_eq!(data(&frames[1..]), ["x"]);

    let silent = Hub::builder().epoch(Epoch::new(1)).gap_event(None).build();
    publish(&silent, "t", "x");
    let mut sub = silent
        .subscribe_from(TopicFilter::all(), Some(&sent))
        .unwrap();
    let replay = Replay::Unknown {
        resumed_from: Some(id),
        replayed: 1,
    };
    assert_eq!(sub.replay(), replay, "still reported to the application");
    assert_eq!(data(&drain(&mut sub)), ["x"]);
    assert_eq!(silent.stats().gaps_signalled, 0);
}

#[test]
fn ids_older_than_the_window_are_expired() {
    let hub = Hub::builder().epoch(Epoch::new(1)).window_count(3).build();
    let ids: Vec<_> = (0..6).map(|i| publish(&hub, "t", &i.to_string())).collect();
    let mut sub = hub
        .subscribe_from(TopicFilter::all(), Some(&ids[1]))
        .unwrap();
    let replay = Replay::Expired {
        resumed_from: Some(ids[3].clone()),
        replayed: 3,
    };
    assert_eq!(sub.replay(), replay);
    let frames = drain(&mut sub);
    assert_gap(
        &frames[0],
        &gap_data("expired", ids[1].as_str(), Some(&ids[3])),
    );
    assert_eq!(data(&frames[1..]), ["3", "4", "5"], "the whole window");
    // The newest evicted id is still a clean resume: everything after it is kept.
    let mut edge = hub
        .subscribe_from(TopicFilter::all(), Some(&ids[2]))
        .unwrap();
    assert_eq!(edge.replay(), Replay::Resumed { missed: 3 });
    assert_eq!(data(&drain(&mut edge)), ["3", "4", "5"]);
    assert_eq!(hub.stats().replays_expired, 1);
}

#[test]
fn window_trims_by_age_on_publish_and_on_subscribe() {
    let clock = ManualClock::new();
    let hub = Hub::builder()
        .epoch(Epoch::new(1))
        .clock(Arc::new(clock.clone()))
        .window_age(Duration::from_secs(60))
        .build();
    let old = publish(&hub, "t", "old");
    clock.advance(Duration::from_secs(30));
    publish(&hub, "t", "newer");
    clock.advance(Duration::from_secs(31));
    // Subscribing trims: `old` is 61 s old.
    let sub = hub.subscribe_from(TopicFilter::all(), Some(&old)).unwrap();
    assert_eq!(sub.replay(), Replay::Resumed { missed: 1 });
    assert_eq!(hub.stats().window_len, 1);
    clock.advance(Duration::from_secs(30));
    publish(&hub, "t", "newest");
    assert_eq!(hub.stats().window_len, 1, "publishing trims too");
    let sub = hub.subscribe_from(TopicFilter::all(), Some(&old)).unwrap();
    assert!(
        matches!(sub.replay(), Replay::Expired { replayed: 1, .. }),
        "{:?}",
        sub.replay()
    );
}

#[test]
fn a_subscriber_that_falls_behind_ends_with_lagged() {
    let hub = Hub::builder().epoch(Epoch::new(1)).window_count(4).build();
    let mut slow = hub.subscribe(TopicFilter::all()).unwrap();
    let ids: Vec<_> = (0..3).map(|i| publish(&hub, "t", &i.to_string())).collect();
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(data(&[next(&mut slow, &mut cx)]), ["0"]);
    for i in 3..100 {
        publish(&hub, "t", &i.to_string());
    }
    // It is reading the window's first segment (events 0 to 31): it finishes that
    // segment, then finds that events 32 to 95 are gone.
    let expected: Vec<String> = (1..32).map(|i| i.to_string()).collect();
    assert_eq!(data(&drain(&mut slow)), expected);
    assert_eq!(slow.end_reason(), Some(EndReason::Lagged { missed: 64 }));
    let stats = hub.stats();
    assert_eq!((stats.dropped_lagged, stats.subscribers), (1, 0));
    // The client comes back with its last id and is told it missed events.
    let mut back = hub
        .subscribe_from(TopicFilter::all(), Some(&ids[1]))
        .unwrap();
    let first_kept = EventId::new("1-96").unwrap();
    let replay = Replay::Expired {
        resumed_from: Some(first_kept.clone()),
        replayed: 4,
    };
    assert_eq!(back.replay(), replay);
    let frames = drain(&mut back);
    assert_gap(&frames[0], &gap_data("expired", "1-1", Some(&first_kept)));
    assert_eq!(data(&frames[1..]), ["96", "97", "98", "99"]);
}

fn next(sub: &mut Subscription, cx: &mut Context<'_>) -> Frame {
    match sub.poll_frame(cx) {
        Poll::Ready(Some(frame)) => frame,
        other => panic!("expected a frame, got {other:?}"),
    }
}

#[test]
fn a_quiet_topic_is_not_lagged_by_busy_ones() {
    let hub = Hub::builder().epoch(Epoch::new(1)).window_count(8).build();
    let mut quiet = hub.subscribe(filter("finalized")).unwrap();
    let mut busy = hub.subscribe(filter("attestation")).unwrap();
    assert!(drain(&mut quiet).is_empty());
    for i in 0..100 {
        publish(&hub, "attestation", &i.to_string());
    }
    publish(&hub, "finalized", "f");
    assert_eq!(data(&drain(&mut quiet)), ["f"]);
    assert_eq!(quiet.end_reason(), None);
    assert!(drain(&mut busy).is_empty());
    assert!(matches!(busy.end_reason(), Some(EndReason::Lagged { .. })));
}

#[test]
fn close_delivers_what_was_published_then_ends() {
    let hub = hub();
    let mut a = hub.subscribe(filter("a")).unwrap();
    let mut b = hub.subscribe(filter("b")).unwrap();
    publish(&hub, "a", "1");
    assert!(hub.close_with(Event::builder().event("bye").data("").build().unwrap()));
    assert!(
        !hub.close_with(Event::from("again")),
        "second close is a no-op"
    );
    let a_frames = drain(&mut a);
    assert_eq!(a_frames.len(), 2);
    assert_eq!(a_frames[1].as_bytes(), &b"event: bye\ndata: \n\n"[..]);
    assert_eq!(a.end_reason(), Some(EndReason::Closed));
    assert_eq!(
        data(&drain(&mut b)),
        [""],
        "the final event goes to every topic"
    );
    assert_eq!(b.end_reason(), Some(EndReason::Closed));
    assert!(matches!(
        hub.publish(&topic("a"), Event::from("late")),
        Err(PublishError::Closed)
    ));
    assert_eq!(
        hub.subscribe(TopicFilter::all()).unwrap_err(),
        SubscribeError::Closed
    );
    let stats = hub.stats();
    assert!(stats.closed);
    assert_eq!(stats.subscribers, 0);
}

#[test]
fn close_without_final_event_and_try_next_frame() {
    let hub = hub();
    let mut sub = hub.subscribe(TopicFilter::all()).unwrap();
    assert_eq!(sub.try_next_frame(), Err(TryFrameError::Empty));
    publish(&hub, "t", "x");
    assert_eq!(data(&[sub.try_next_frame().unwrap()]), ["x"]);
    hub.close();
    assert_eq!(
        sub.try_next_frame(),
        Err(TryFrameError::Ended(EndReason::Closed))
    );
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(sub.poll_frame(&mut cx), Poll::Ready(None));
}

#[test]
fn dropping_the_last_handle_closes() {
    let hub = hub();
    let other = hub.clone();
    let mut sub = hub.subscribe(TopicFilter::all()).unwrap();
    publish(&hub, "t", "x");
    drop(hub);
    assert!(!other.is_closed());
    drop(other);
    assert_eq!(data(&drain(&mut sub)), ["x"]);
    assert_eq!(sub.end_reason(), Some(EndReason::Closed));
}

#[test]
fn max_subscribers_is_enforced_and_freed_on_drop() {
    let hub = Hub::builder().max_subscribers(2).build();
    let a = hub.subscribe(TopicFilter::all()).unwrap();
    let _b = hub.subscribe(TopicFilter::all()).unwrap();
    assert_eq!(
        hub.subscribe(TopicFilter::all()).unwrap_err(),
        SubscribeError::Full { max: 2 }
    );
    drop(a);
    assert!(hub.subscribe(TopicFilter::all()).is_ok());
}

#[test]
fn stats_count_and_return_to_zero() {
    let hub = hub();
    let subs = vec![
        hub.subscribe(filter("head,block")).unwrap(),
        hub.subscribe(filter("head")).unwrap(),
        hub.subscribe(TopicFilter::all()).unwrap(),
    ];
    publish(&hub, "head", "1");
    let last_head = publish(&hub, "head", "2");
    let last_block = publish(&hub, "block", "3");
    let stats = hub.stats();
    assert_eq!(stats.subscribers, 3);
    assert_eq!(stats.subscribers_all, 1);
    assert_eq!(
        stats.subscribers_by_topic,
        [(topic("block"), 1), (topic("head"), 2)]
    );
    assert_eq!(stats.events_published, 3);
    assert_eq!(stats.window_len, 3);
    assert_eq!(stats.window_bytes as u64, stats.bytes_encoded);
    assert_eq!(
        stats.last_event_ids,
        [(topic("block"), last_block), (topic("head"), last_head)]
    );
    drop(subs);
    let stats = hub.stats();
    assert_eq!(stats.subscribers, 0);
    assert_eq!(stats.subscribers_all, 0);
    assert!(stats.subscribers_by_topic.is_empty());
}

#[test]
fn deliveries_and_refusals_are_counted() {
    let hub = Hub::builder().max_subscribers(2).build();
    let mut head = hub.subscribe(filter("head")).unwrap();
    let mut all = hub.subscribe(TopicFilter::all()).unwrap();
    assert!(hub.subscribe(TopicFilter::all()).is_err());
    assert!(hub.subscribe(filter("head")).is_err());
    for n in 0..5 {
        publish(&hub, "head", &n.to_string());
    }
    publish(&hub, "block", "b");
    assert_eq!(drain(&mut head).len(), 5);
    assert_eq!(drain(&mut all).len(), 6);
    let stats = hub.stats();
    assert_eq!(
        stats.deliveries, 11,
        "each subscriber's frames, flushed on parking"
    );
    assert_eq!(stats.subscribers_refused, 2);
    // Frames taken but not yet flushed (no park) are counted when the subscription ends.
    publish(&hub, "head", "last");
    let mut cx = Context::from_waker(Waker::noop());
    assert!(head.poll_frame(&mut cx).is_ready());
    drop(head);
    assert_eq!(hub.stats().deliveries, 12);
}

struct CountWakes(AtomicUsize);

impl Wake for CountWakes {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn parked_subscribers_are_woken_once_and_only_for_their_topics() {
    let hub = hub();
    let count = Arc::new(CountWakes(AtomicUsize::new(0)));
    let waker = Waker::from(count.clone());
    let mut cx = Context::from_waker(&waker);
    let mut sub = hub.subscribe(filter("head")).unwrap();
    assert!(sub.poll_frame(&mut cx).is_pending());
    publish(&hub, "block", "x");
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
    publish(&hub, "head", "1");
    publish(&hub, "head", "2");
    assert_eq!(
        count.0.load(Ordering::SeqCst),
        1,
        "woken once until it parks"
    );
    assert_eq!(data(&drain(&mut sub)), ["1", "2"]);
    assert!(sub.poll_frame(&mut cx).is_pending());
    hub.close();
    assert_eq!(
        count.0.load(Ordering::SeqCst),
        2,
        "close wakes parked subscribers"
    );
}

#[test]
fn long_runs_across_segments_arrive_in_order() {
    let hub = Hub::new();
    let mut sub = hub.subscribe(filter("even")).unwrap();
    for i in 0..100 {
        let on = if i % 2 == 0 { "even" } else { "odd" };
        publish(&hub, on, &i.to_string());
    }
    let expected: Vec<String> = (0..100).step_by(2).map(|i| i.to_string()).collect();
    assert_eq!(data(&drain(&mut sub)), expected);
}

/// A timer that never fires (keep-alive is tested in `stream`).
struct Never(Instant);

impl Timer for Never {
    fn now(&self) -> Instant {
        self.0
    }
    fn reset(&mut self, _: Instant) {}
    fn poll_expired(&mut self, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

#[test]
fn a_subscription_is_the_source_of_a_frame_stream() {
    let options = StreamOptions::default()
        .keep_alive(Some(KeepAlive::new(Duration::from_secs(15))))
        .retry(Duration::from_secs(2));
    let hub = Hub::builder()
        .epoch(Epoch::new(1))
        .stream_options(options)
        .build();
    let sub = hub.subscribe(TopicFilter::all()).unwrap();
    let mut body = FrameStream::new(sub, Never(Instant::now()), hub.stream_options());
    publish(&hub, "t", "x");
    hub.close();
    let mut cx = Context::from_waker(Waker::noop());
    let mut out = Vec::new();
    while let Poll::Ready(Some(Ok(bytes))) = body.poll_next(&mut cx) {
        out.extend_from_slice(&bytes);
    }
    assert_eq!(out, b"retry: 2000\nid: 1-0\ndata: x\n\n");
    assert!(body.is_finished());
}

/// A store shaped like the planned Redis one: ids `ms-seq` come from elsewhere.
#[derive(Debug)]
struct ExternalIds;

impl ReplayStore for ExternalIds {
    fn stamp(&self, _: u64) -> Result<Stamp, StoreError> {
        Err(StoreError::new("ids are assigned by the shared log"))
    }

    fn parse_id(&self, id: &str) -> Option<Position> {
        let (ms, seq) = id.split_once('-')?;
        Some(Position::new(ms.parse().ok()?, seq.parse().ok()?))
    }
}

fn external(ms: u64, seq: u64) -> Stamp {
    Stamp::new(
        Position::new(ms, seq),
        EventId::new(format!("{ms}-{seq}")).unwrap(),
    )
}

#[test]
fn a_store_with_external_ids_is_fed_by_ingest() {
    let hub = Hub::builder().store(Arc::new(ExternalIds)).build();
    assert!(matches!(
        hub.publish(&topic("t"), Event::from("x")),
        Err(PublishError::Store(_))
    ));
    let mut sub = hub.subscribe(TopicFilter::all()).unwrap();
    hub.ingest(external(1700, 0), &topic("t"), Event::from("a"))
        .unwrap();
    hub.ingest(external(1700, 1), &topic("t"), Event::from("b"))
        .unwrap();
    let err = hub
        .ingest(external(1700, 1), &topic("t"), Event::from("dup"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "event position 1700-1 is not after the newest 1700-1"
    );
    hub.ingest(external(1701, 0), &topic("t"), Event::from("c"))
        .unwrap();
    let frames = drain(&mut sub);
    assert_eq!(frames[0].as_bytes(), &b"id: 1700-0\ndata: a\n\n"[..]);
    assert_eq!(data(&frames), ["a", "b", "c"]);
    let resumed = hub
        .subscribe_from(TopicFilter::all(), Some(&EventId::new("1700-0").unwrap()))
        .unwrap();
    assert_eq!(resumed.replay(), Replay::Resumed { missed: 2 });
}

#[test]
fn handles_cross_threads() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Hub>();
    send_sync::<Subscription>();
    let hub = hub();
    let mut sub = hub.subscribe(TopicFilter::all()).unwrap();
    let publisher = hub.clone();
    std::thread::spawn(move || publish(&publisher, "t", "from another thread"))
        .join()
        .unwrap();
    let reader = std::thread::spawn(move || data(&drain(&mut sub)));
    assert_eq!(reader.join().unwrap(), ["from another thread"]);
}
