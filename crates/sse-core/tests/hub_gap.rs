//! No silent loss, no hostages: a subscriber that falls behind the window and resumes
//! gets a gap event and everything still kept, and one that stops reading gives back its
//! place in the subscriber limit.
// The hub and the frame stream need the `std` feature.
#![cfg(feature = "std")]

use std::task::{Context, Poll, Waker};

use sse_core::hub::{
    EndReason, Epoch, Hub, Replay, SubscribeError, Subscription, Topic, TopicFilter,
};
use sse_core::{Event, EventId, Frame};

/// What a client sees of one frame.
#[derive(Debug)]
enum Seen {
    Event(u64),
    Gap {
        last_event_id: String,
        resumed_from: Option<u64>,
    },
}

fn seq(id: &str) -> u64 {
    id.strip_prefix("1-").unwrap().parse().unwrap()
}

fn seen(frame: &Frame) -> Seen {
    let text = std::str::from_utf8(frame.as_bytes()).unwrap();
    if let Some(rest) = text.strip_prefix("event: sse-gap\ndata: ") {
        let json: serde_json::Value = serde_json::from_str(rest.trim_end()).unwrap();
        assert_eq!(json["reason"], "expired", "{text}");
        return Seen::Gap {
            last_event_id: json["last_event_id"].as_str().unwrap().to_owned(),
            resumed_from: json["resumed_from"].as_str().map(seq),
        };
    }
    let id = text
        .strip_prefix("id: ")
        .unwrap()
        .split('\n')
        .next()
        .unwrap();
    Seen::Event(seq(id))
}

fn publish(hub: &Hub, n: u64) {
    for _ in 0..n {
        hub.publish(&Topic::new("t").unwrap(), Event::from("x"))
            .unwrap();
    }
}

/// A client that reads `per_round` frames per round while the hub publishes `burst`,
/// reconnecting with its last id whenever its subscription ends. Returns everything it
/// saw and how many events were published.
fn lagging_client(window: usize, burst: u64, per_round: usize, rounds: usize) -> (Vec<Seen>, u64) {
    let hub = Hub::builder()
        .epoch(Epoch::new(1))
        .window_count(window)
        .build();
    let mut cx = Context::from_waker(Waker::noop());
    let mut sub = hub.subscribe(TopicFilter::all()).unwrap();
    // The client has an id before anything can be lost (without one, no client can
    // be told what it missed).
    publish(&hub, 1);
    let first = match sub.poll_frame(&mut cx) {
        Poll::Ready(Some(frame)) => seen(&frame),
        other => panic!("{other:?}"),
    };
    let mut last = Some(EventId::new("1-0").unwrap());
    let mut seen_all = vec![first];
    let mut published = 1;
    for _ in 0..rounds {
        publish(&hub, burst);
        published += burst;
        for _ in 0..per_round {
            match sub.poll_frame(&mut cx) {
                Poll::Ready(Some(frame)) => {
                    let item = seen(&frame);
                    if let Seen::Event(n) = item {
                        last = Some(EventId::new(format!("1-{n}")).unwrap());
                    }
                    seen_all.push(item);
                }
                Poll::Ready(None) => {
                    assert!(matches!(sub.end_reason(), Some(EndReason::Lagged { .. })));
                    sub = hub
                        .subscribe_from(TopicFilter::all(), last.as_ref())
                        .unwrap();
                    assert!(
                        matches!(sub.replay(), Replay::Expired { .. }),
                        "{:?}",
                        sub.replay()
                    );
                }
                Poll::Pending => break,
            }
        }
    }
    // Then it catches up.
    loop {
        match sub.poll_frame(&mut cx) {
            Poll::Ready(Some(frame)) => seen_all.push(seen(&frame)),
            Poll::Ready(None) => {
                let last = seen_all.iter().rev().find_map(|s| match s {
                    Seen::Event(n) => Some(EventId::new(format!("1-{n}")).unwrap()),
                    Seen::Gap { .. } => None,
                });
                sub = hub
                    .subscribe_from(TopicFilter::all(), last.as_ref())
                    .unwrap();
            }
            Poll::Pending => break,
        }
    }
    (seen_all, published)
}

/// Every event is delivered exactly once, in order, or lies in a gap the client was
/// told about: after the gap's `last_event_id` and before its `resumed_from`. The gap's
/// `last_event_id` is the last event delivered before it.
fn assert_nothing_lost_silently(seen: &[Seen], published: u64) {
    let mut next = 0; // the next event the client must get or be told it missed
    let mut last_delivered: Option<u64> = None;
    let mut gaps = 0;
    for item in seen {
        match item {
            Seen::Event(n) => {
                assert_eq!(*n, next, "event {n} delivered when {next} was due");
                last_delivered = Some(*n);
                next = n + 1;
            }
            Seen::Gap {
                last_event_id,
                resumed_from,
            } => {
                gaps += 1;
                let expected = last_delivered.map(|n| format!("1-{n}")).unwrap_or_default();
                assert_eq!(last_event_id, &expected);
                let from = resumed_from.expect("the window is never empty here");
                assert!(
                    from > next,
                    "a gap that skips nothing: resumed from {from}, next {next}"
                );
                next = from;
            }
        }
    }
    assert_eq!(next, published, "the client ends with everything published");
    assert!(gaps > 0, "the test made the client lag");
}

#[test]
fn a_lagging_client_that_resumes_loses_nothing_silently() {
    for (window, burst, per_round) in [(16, 40, 10), (64, 100, 70), (1, 3, 2), (33, 50, 20)] {
        let (seen, published) = lagging_client(window, burst, per_round, 60);
        assert_nothing_lost_silently(&seen, published);
    }
}

#[test]
fn stalled_subscribers_give_back_their_places() {
    let hub = Hub::builder()
        .epoch(Epoch::new(1))
        .window_count(8)
        .max_subscribers(3)
        .build();
    let mut cx = Context::from_waker(Waker::noop());
    let mut stalled: Vec<Subscription> = (0..3)
        .map(|_| hub.subscribe(TopicFilter::all()).unwrap())
        .collect();
    publish(&hub, 2);
    for sub in &mut stalled {
        // Each reads one event, then its connection stops draining: never polled again.
        assert!(sub.poll_frame(&mut cx).is_ready());
    }
    assert_eq!(
        hub.subscribe(TopicFilter::all()).unwrap_err(),
        SubscribeError::Full { max: 3 }
    );
    // Still inside the window: nobody is behind, the hub stays full.
    publish(&hub, 5);
    assert!(hub.subscribe(TopicFilter::all()).is_err());
    // Far past the window: every stalled one is behind, and its place is free.
    publish(&hub, 100);
    let mut fresh: Vec<Subscription> = (0..3)
        .map(|_| hub.subscribe(TopicFilter::all()).unwrap())
        .collect();
    let stats = hub.stats();
    assert_eq!((stats.subscribers, stats.dropped_lagged), (3, 3));
    assert!(
        hub.subscribe(TopicFilter::all()).is_err(),
        "the new ones count"
    );
    for sub in &mut stalled {
        assert_eq!(
            sub.poll_frame(&mut cx),
            Poll::Ready(None),
            "ends when polled"
        );
        assert!(matches!(sub.end_reason(), Some(EndReason::Lagged { missed }) if missed > 0));
    }
    drop(stalled);
    assert_eq!(
        hub.stats().subscribers,
        3,
        "dropping them gives nothing back twice"
    );
    // The new ones are live and unaffected.
    publish(&hub, 1);
    for sub in &mut fresh {
        assert!(matches!(sub.poll_frame(&mut cx), Poll::Ready(Some(_))));
    }
    drop(fresh);
    assert_eq!(hub.stats().subscribers, 0);
}

#[test]
fn a_stalled_subscriber_of_a_quiet_topic_keeps_its_place() {
    let hub = Hub::builder()
        .epoch(Epoch::new(1))
        .window_count(4)
        .max_subscribers(1)
        .build();
    let mut cx = Context::from_waker(Waker::noop());
    let mut quiet = hub
        .subscribe(TopicFilter::parse_list("quiet").unwrap())
        .unwrap();
    hub.publish(&Topic::new("quiet").unwrap(), Event::from("q"))
        .unwrap();
    assert!(quiet.poll_frame(&mut cx).is_ready());
    publish(&hub, 100);
    assert!(
        hub.subscribe(TopicFilter::all()).is_err(),
        "it missed nothing of its own"
    );
    assert!(quiet.poll_frame(&mut cx).is_pending());
}

#[test]
fn subscriptions_never_polled_give_back_their_places() {
    let hub = Hub::builder()
        .epoch(Epoch::new(1))
        .window_count(4)
        .max_subscribers(2)
        .build();
    // Subscribed, then never polled at all (a connection whose first write stalls).
    let never_read: Vec<Subscription> = (0..2)
        .map(|_| hub.subscribe(TopicFilter::all()).unwrap())
        .collect();
    publish(&hub, 4);
    assert_eq!(
        hub.subscribe(TopicFilter::all()).unwrap_err(),
        SubscribeError::Full { max: 2 },
        "still within the window"
    );
    publish(&hub, 1);
    let mut cx = Context::from_waker(Waker::noop());
    let mut newcomer = hub.subscribe(TopicFilter::all()).unwrap();
    assert_eq!(hub.stats().dropped_lagged, 2);
    publish(&hub, 1);
    assert!(matches!(newcomer.poll_frame(&mut cx), Poll::Ready(Some(_))));
    drop(never_read);
    assert_eq!(hub.stats().subscribers, 1);
}
