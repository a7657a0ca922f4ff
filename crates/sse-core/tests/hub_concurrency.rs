//! Many publishers and subscribers on std threads: exact delivery per topic filter,
//! replay joined to live delivery while publishing runs, lag with flat memory,
//! and clean-up. Subscribers run on a tiny executor whose waker unparks the thread.
// The hub and the client state machine need the `std` feature.
#![cfg(feature = "std")]

use std::collections::BTreeMap;
use std::sync::{Arc, Barrier, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use sse_core::hub::{EndReason, Epoch, Hub, Replay, Subscription, Topic, TopicFilter};
use sse_core::{Event, EventId, Frame};

const TOPICS: [&str; 5] = ["head", "block", "block/full", "attestation", "chain/reorg"];

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Blocks the current thread until the subscription yields (a one-future executor).
struct Reader {
    waker: Waker,
}

impl Reader {
    fn new() -> Reader {
        Reader {
            waker: Waker::from(Arc::new(Unpark(thread::current()))),
        }
    }

    fn next(&self, sub: &mut Subscription) -> Option<Frame> {
        let mut cx = Context::from_waker(&self.waker);
        loop {
            match sub.poll_frame(&mut cx) {
                Poll::Ready(frame) => return frame,
                Poll::Pending => thread::park(),
            }
        }
    }
}

/// What a frame carries: its sequence number (from the id) and its data.
fn parse(frame: &Frame) -> (Option<u64>, String) {
    let text = std::str::from_utf8(frame.as_bytes()).unwrap();
    let mut seq = None;
    let mut data = String::new();
    for line in text.lines() {
        if let Some(id) = line.strip_prefix("id: ") {
            seq = Some(id.split_once('-').unwrap().1.parse().unwrap());
        } else if let Some(d) = line.strip_prefix("data: ") {
            data = d.to_owned();
        }
    }
    (seq, data)
}

/// Every published event: sequence → (topic, data).
type Log = BTreeMap<u64, (Topic, String)>;

fn seq_of(id: &EventId) -> u64 {
    id.as_str().split_once('-').unwrap().1.parse().unwrap()
}

/// Publishes `count` events from publisher `p`, round-robin over the topics, yielding
/// now and then so publishers and subscribers interleave; returns what it published.
fn publish_some(hub: &Hub, p: usize, count: usize) -> Vec<(u64, (Topic, String))> {
    let mut log = Vec::with_capacity(count);
    for n in 0..count {
        let topic = Topic::new(TOPICS[(n + p) % TOPICS.len()]).unwrap();
        let data = format!("{topic}|{p}|{n}");
        let id = hub.publish(&topic, Event::from(data.as_str())).unwrap();
        log.push((seq_of(&id), (topic, data)));
        if n % 64 == 0 {
            thread::yield_now();
        }
    }
    log
}

/// Runs [`PUBLISHERS`] publishers at once on threads of `s`, [`PER_PUBLISHER`] events
/// each, and returns everything they published once all are done.
fn publish_concurrently<'scope, 'env>(
    s: &'scope thread::Scope<'scope, 'env>,
    hub: &'env Hub,
) -> Log {
    let publishers: Vec<_> = (0..PUBLISHERS)
        .map(|p| s.spawn(move || publish_some(hub, p, PER_PUBLISHER)))
        .collect();
    publishers
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect()
}

/// The events of `log` that `filter` receives, after sequence `after` if given.
fn expected(log: &Log, filter: &TopicFilter, after: Option<u64>) -> Vec<(u64, String)> {
    log.iter()
        .filter(|(seq, (topic, _))| filter.matches(topic) && after.is_none_or(|a| **seq > a))
        .map(|(seq, (_, data))| (*seq, data.clone()))
        .collect()
}

/// Reads until the end: the stamped events, and the data of an unstamped final frame.
fn read_all(reader: &Reader, sub: &mut Subscription) -> (Vec<(u64, String)>, Option<String>) {
    let mut got = Vec::new();
    let mut last = None;
    while let Some(frame) = reader.next(sub) {
        match parse(&frame) {
            (Some(seq), data) => got.push((seq, data)),
            (None, data) => last = Some(data),
        }
    }
    (got, last)
}

const FILTERS: [&str; 7] = [
    "*",
    "head",
    "block",
    "block/full,head",
    "chain",
    "attestation,chain/reorg",
    "nothing",
];

const PUBLISHERS: usize = 4;
const PER_PUBLISHER: usize = 2_000;

fn big_window_hub() -> Hub {
    Hub::builder()
        .epoch(Epoch::new(1))
        .window_count(PUBLISHERS * PER_PUBLISHER)
        .build()
}

#[test]
fn every_subscriber_gets_exactly_its_topics_in_order() {
    let hub = big_window_hub();
    thread::scope(|s| {
        let readers: Vec<_> = FILTERS
            .iter()
            .map(|list| {
                let filter = TopicFilter::parse_list(list).unwrap();
                let mut sub = hub.subscribe(filter.clone()).unwrap();
                s.spawn(move || {
                    let (got, last) = read_all(&Reader::new(), &mut sub);
                    (filter, got, last, sub.end_reason())
                })
            })
            .collect();
        let log = publish_concurrently(s, &hub);
        assert_eq!(log.len(), PUBLISHERS * PER_PUBLISHER, "ids are unique");
        assert!(hub.close_with(Event::from("bye")));
        for reader in readers {
            let (filter, got, last, end) = reader.join().unwrap();
            assert_eq!(got, expected(&log, &filter, None), "filter {filter}");
            assert_eq!(last.as_deref(), Some("bye"), "filter {filter}");
            assert_eq!(end, Some(EndReason::Closed));
        }
    });
    let stats = hub.stats();
    assert_eq!(stats.subscribers, 0);
    assert_eq!(stats.events_published as usize, PUBLISHERS * PER_PUBLISHER);
}

/// Waits on the barrier when dropped.
struct ArriveOnDrop<'a>(&'a Barrier);

impl Drop for ArriveOnDrop<'_> {
    fn drop(&mut self) {
        self.0.wait();
    }
}

#[test]
fn resuming_mid_publish_joins_replay_to_live_without_gap_or_duplicate() {
    let hub = big_window_hub();
    let joins = [
        (1, "block"),
        (150, "*"),
        (900, "head,chain"),
        (2_500, "attestation"),
        (5_000, "block/full"),
    ];
    // The hub closes only once every joiner has resubscribed.
    let resubscribed = Barrier::new(joins.len() + 1);
    thread::scope(|s| {
        let joiners: Vec<_> = joins
            .iter()
            .map(|&(after_frames, list)| {
                let mut first = hub.subscribe(TopicFilter::all()).unwrap();
                let (hub, resubscribed) = (&hub, &resubscribed);
                s.spawn(move || {
                    // Arrives at the barrier even if this thread panics first, so the
                    // test fails instead of hanging.
                    let arrived = ArriveOnDrop(resubscribed);
                    let reader = Reader::new();
                    let mut last_id = None;
                    for _ in 0..after_frames {
                        let frame = reader.next(&mut first).unwrap();
                        let seq = parse(&frame).0.unwrap();
                        last_id = Some(EventId::new(format!("1-{seq}")).unwrap());
                    }
                    drop(first);
                    let filter = TopicFilter::parse_list(list).unwrap();
                    let mut sub = hub
                        .subscribe_from(filter.clone(), last_id.as_ref())
                        .unwrap();
                    drop(arrived);
                    assert!(matches!(sub.replay(), Replay::Resumed { .. }));
                    let resume = seq_of(last_id.as_ref().unwrap());
                    (filter, resume, read_all(&reader, &mut sub).0)
                })
            })
            .collect();
        let log = publish_concurrently(s, &hub);
        resubscribed.wait();
        hub.close();
        for joiner in joiners {
            let (filter, resume, got) = joiner.join().unwrap();
            assert_eq!(
                got,
                expected(&log, &filter, Some(resume)),
                "filter {filter} resumed after {resume}"
            );
        }
    });
}

#[test]
fn a_stalled_subscriber_is_ended_and_memory_stays_flat() {
    const EVENTS: usize = 100_000;
    const WINDOW: usize = 1024;
    let hub = Hub::builder()
        .epoch(Epoch::new(1))
        .window_count(WINDOW)
        .build();
    let mut stalled = hub.subscribe(TopicFilter::all()).unwrap();
    let mut quiet: Vec<Subscription> = (0..100)
        .map(|_| {
            hub.subscribe(TopicFilter::parse_list("quiet").unwrap())
                .unwrap()
        })
        .collect();
    let reader = Reader::new();
    let mut cx = Context::from_waker(&reader.waker);
    for sub in &mut quiet {
        assert!(sub.poll_frame(&mut cx).is_pending());
    }
    let frame_len = Event::from("e|99999").with_id(EventId::new("1-99999").unwrap());
    let max_frame = Frame::encode(&frame_len).len();
    let max_window_bytes = Mutex::new(0usize);
    thread::scope(|s| {
        let mut active = hub.subscribe(TopicFilter::all()).unwrap();
        let keeping_up = s.spawn(move || {
            let (got, _) = read_all(&Reader::new(), &mut active);
            (got, active.end_reason())
        });
        let publisher = s.spawn(|| {
            let topic = Topic::new("e").unwrap();
            for n in 0..EVENTS {
                hub.publish(&topic, Event::from(format!("e|{n}"))).unwrap();
                if n % 1000 == 0 {
                    let stats = hub.stats();
                    assert!(stats.window_len <= WINDOW);
                    let mut max = max_window_bytes.lock().unwrap();
                    *max = (*max).max(stats.window_bytes);
                }
            }
        });
        publisher.join().unwrap();
        hub.close();
        let (got, end) = keeping_up.join().unwrap();
        // Whether the active reader kept up depends on scheduling; what it got is a
        // gap-free run from the start either way.
        let seqs: Vec<u64> = got.iter().map(|(seq, _)| *seq).collect();
        let run: Vec<u64> = (0..seqs.len() as u64).collect();
        assert_eq!(seqs, run);
        match end {
            Some(EndReason::Closed) => assert_eq!(got.len(), EVENTS),
            Some(EndReason::Lagged { .. }) => assert!(got.len() < EVENTS),
            None => panic!("the reader stopped before the end"),
        }
    });
    assert!(*max_window_bytes.lock().unwrap() <= WINDOW * max_frame);
    assert_eq!(hub.stats().window_len, WINDOW);
    assert_eq!(
        stalled.try_next_frame().unwrap_err(),
        sse_core::hub::TryFrameError::Ended(EndReason::Lagged {
            missed: (EVENTS - WINDOW) as u64
        })
    );
    for sub in &mut quiet {
        assert_eq!(
            sub.try_next_frame().unwrap_err(),
            sse_core::hub::TryFrameError::Ended(EndReason::Closed),
            "quiet subscribers missed nothing: they end only with the hub"
        );
    }
    assert!(hub.stats().dropped_lagged >= 1);
}

#[test]
fn subscribing_and_dropping_from_many_threads_returns_stats_to_zero() {
    let hub = big_window_hub();
    thread::scope(|s| {
        let publisher = s.spawn(|| publish_some(&hub, 0, 3_000));
        for t in 0..6 {
            let hub = &hub;
            s.spawn(move || {
                let reader = Reader::new();
                let mut cx = Context::from_waker(&reader.waker);
                for i in 0..300 {
                    let list = FILTERS[(t + i) % FILTERS.len()];
                    let mut sub = hub
                        .subscribe(TopicFilter::parse_list(list).unwrap())
                        .unwrap();
                    let _ = sub.poll_frame(&mut cx);
                    if i % 3 == 0 {
                        let mut keep = hub.subscribe(TopicFilter::all()).unwrap();
                        let _ = keep.poll_frame(&mut cx);
                    }
                }
            });
        }
        publisher.join().unwrap();
    });
    let stats = hub.stats();
    assert_eq!(stats.subscribers, 0);
    assert_eq!(stats.subscribers_all, 0);
    assert!(stats.subscribers_by_topic.is_empty());
}
