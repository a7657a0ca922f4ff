//! Property: whatever the interleaving of publishing, subscribing (fresh, from a
//! published id, from a bad id), polling and dropping, every subscriber receives
//! exactly the events of its topics after its starting point, in order, with no gap
//! and no duplicate; it reports the replay outcome a simple model predicts; and it ends
//! with `Lagged` only when the next event it needs has left the window. A subscriber
//! whose id cannot be honoured gets the gap event first, then every event of its topics
//! still in the window (after its id, for an expired one).
// The hub and the client state machine need the `std` feature.
#![cfg(feature = "std")]

use std::task::{Context, Poll, Waker};

use proptest::prelude::*;
use sse_core::hub::{EndReason, Epoch, Hub, Replay, Subscription, Topic, TopicFilter};
use sse_core::{Event, EventId};

const TOPICS: [&str; 4] = ["a", "a/b", "c", "ab"];
const FILTERS: [&str; 4] = ["*", "a", "a/b,c", "ab"];

#[derive(Debug, Clone)]
enum From {
    Fresh,
    /// The id of published event `k % published` (fresh if none yet).
    Published(usize),
    Garbage,
    Future,
}

#[derive(Debug, Clone)]
enum Op {
    Publish(usize),
    Subscribe(usize, From),
    Poll(usize, usize),
    Drop(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let from = prop_oneof![
        Just(From::Fresh),
        any::<usize>().prop_map(From::Published),
        Just(From::Garbage),
        Just(From::Future),
    ];
    prop_oneof![
        4 => (0..TOPICS.len()).prop_map(Op::Publish),
        2 => (0..FILTERS.len(), from).prop_map(|(f, from)| Op::Subscribe(f, from)),
        4 => (any::<usize>(), 1..6usize).prop_map(|(s, n)| Op::Poll(s, n)),
        1 => any::<usize>().prop_map(Op::Drop),
    ]
}

/// A live subscription and what the model expects of it.
struct Subscriber {
    sub: Subscription,
    filter: TopicFilter,
    /// Index of the first published event it may still receive.
    next: usize,
    /// The gap event's data, still to come first.
    gap: Option<String>,
}

struct Model {
    hub: Hub,
    window: usize,
    /// Topic of every published event; the index is its sequence number.
    published: Vec<Topic>,
    subs: Vec<Subscriber>,
}

impl Model {
    fn first_retained(&self) -> usize {
        self.published.len().saturating_sub(self.window)
    }

    fn next_matching(&self, filter: &TopicFilter, from: usize) -> Option<usize> {
        (from..self.published.len()).find(|&i| filter.matches(&self.published[i]))
    }

    fn publish(&mut self, t: usize) {
        let topic = Topic::new(TOPICS[t]).unwrap();
        let id = self
            .hub
            .publish(&topic, Event::from(format!("{t}")))
            .unwrap();
        assert_eq!(id.as_str(), format!("1-{}", self.published.len()));
        self.published.push(topic);
    }

    /// Where a subscription across a gap starts (from index `from` on), its
    /// `Replay`, and its gap event's data.
    fn across_gap(
        &self,
        filter: &TopicFilter,
        reason: &str,
        sent: &str,
        from: usize,
    ) -> (Replay, usize, String) {
        let from = from.max(self.first_retained());
        let first = self.next_matching(filter, from);
        let resumed_from = first.map(|i| EventId::new(format!("1-{i}")).unwrap());
        let replayed = (from..self.published.len())
            .filter(|&i| filter.matches(&self.published[i]))
            .count();
        let json = match &resumed_from {
            Some(id) => format!("\"{}\"", id.as_str()),
            None => "null".to_owned(),
        };
        let data =
            format!(r#"{{"reason":"{reason}","last_event_id":"{sent}","resumed_from":{json}}}"#);
        let replay = if reason == "expired" {
            Replay::Expired {
                resumed_from,
                replayed,
            }
        } else {
            Replay::Unknown {
                resumed_from,
                replayed,
            }
        };
        (replay, first.unwrap_or(self.published.len()), data)
    }

    fn subscribe(&mut self, f: usize, from: &From) {
        let filter = TopicFilter::parse_list(FILTERS[f]).unwrap();
        let total = self.published.len();
        let (id, expected_replay, next, gap) = match *from {
            From::Fresh => (None, Replay::Fresh, total, None),
            From::Published(_) if total == 0 => (None, Replay::Fresh, total, None),
            From::Published(k) => {
                let k = k % total;
                let id = format!("1-{k}");
                // The newest evicted event is `first_retained - 1`; resuming from
                // before it would skip it.
                if k + 1 < self.first_retained() {
                    let (replay, next, gap) = self.across_gap(&filter, "expired", &id, k + 1);
                    (Some(id), replay, next, Some(gap))
                } else {
                    let missed = (k + 1..total)
                        .filter(|&i| filter.matches(&self.published[i]))
                        .count();
                    (Some(id), Replay::Resumed { missed }, k + 1, None)
                }
            }
            From::Garbage | From::Future => {
                let id = match from {
                    From::Garbage => "x-1".to_owned(),
                    _ => format!("1-{}", total + 3),
                };
                let (replay, next, gap) = self.across_gap(&filter, "unknown", &id, 0);
                (Some(id), replay, next, Some(gap))
            }
        };
        let id = id.map(|id| EventId::new(id).unwrap());
        let sub = self
            .hub
            .subscribe_from(filter.clone(), id.as_ref())
            .unwrap();
        assert_eq!(
            sub.replay(),
            expected_replay,
            "{from:?} with {total} published"
        );
        self.subs.push(Subscriber {
            sub,
            filter,
            next,
            gap,
        });
    }

    fn poll(&mut self, s: usize, times: usize) {
        if self.subs.is_empty() {
            return;
        }
        let s = s % self.subs.len();
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..times {
            let polled = self.subs[s].sub.poll_frame(&mut cx);
            let filter = self.subs[s].filter.clone();
            let expected = self.next_matching(&filter, self.subs[s].next);
            match polled {
                Poll::Ready(Some(frame)) => {
                    let text = std::str::from_utf8(frame.as_bytes()).unwrap();
                    if let Some(gap) = self.subs[s].gap.take() {
                        assert_eq!(text, format!("event: sse-gap\ndata: {gap}\n\n"));
                        continue;
                    }
                    let seq: usize = text
                        .strip_prefix("id: 1-")
                        .and_then(|rest| rest.split('\n').next())
                        .unwrap()
                        .parse()
                        .unwrap();
                    assert_eq!(Some(seq), expected, "filter {filter}");
                    self.subs[s].next = seq + 1;
                }
                Poll::Ready(None) => {
                    let lost = expected.expect("ended with nothing to lose");
                    assert!(lost < self.first_retained(), "ended but {lost} is retained");
                    assert!(matches!(
                        self.subs[s].sub.end_reason(),
                        Some(EndReason::Lagged { .. })
                    ));
                    self.subs.remove(s);
                    return;
                }
                Poll::Pending => {
                    assert_eq!(expected, None, "pending with an event to deliver");
                    return;
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn delivery_matches_the_model(
        window in prop_oneof![1..10usize, Just(10_000usize)],
        ops in prop::collection::vec(op(), 1..120),
    ) {
        let hub = Hub::builder()
            .epoch(Epoch::new(1))
            .window_count(window)
            .build();
        let mut model = Model { hub, window, published: Vec::new(), subs: Vec::new() };
        for op in &ops {
            match op {
                Op::Publish(t) => model.publish(*t),
                Op::Subscribe(f, from) => model.subscribe(*f, from),
                Op::Poll(s, n) => model.poll(*s, *n),
                Op::Drop(s) => {
                    if !model.subs.is_empty() {
                        let s = s % model.subs.len();
                        model.subs.remove(s);
                    }
                }
            }
        }
        // Finally every subscriber drains to the end of what was published.
        while !model.subs.is_empty() {
            let last = model.subs.len() - 1;
            let before = model.subs.len();
            model.poll(last, model.published.len() + 2);
            if model.subs.len() == before {
                model.subs.pop();
            }
        }
        prop_assert_eq!(model.hub.stats().subscribers, 0);
    }
}
