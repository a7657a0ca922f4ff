//! The broadcast hub: cost of a publish with many subscribers, and delivery throughput
//! next to `tokio::sync::broadcast` carrying pre-encoded `Bytes`.
//!
//! `cargo bench -p sse-benches --bench hub`
//!
//! - `publish/idle/N`: one publish (stamp, encode, append, trim) with N subscribers
//!   parked on *another* topic: the cost must not depend on N.
//! - `publish/wake/N`: one publish that wakes N parked subscribers of its topic
//!   (they are parked again, untimed, before each publish).
//! - `delivery/*/S`: publish 256 events, then S subscribers read all of them by
//!   polling with a no-op waker, each moving its frames into an output queue as a
//!   response body does (a loop that only `black_box`es each value measures mostly how
//!   the result type is copied right after the clone, which flatters whichever side
//!   happens to need no copy). Throughput is events × subscribers. `hub` stamps and
//!   encodes each event in the timed loop (from events built beforehand);
//!   `tokio_broadcast` sends bytes encoded beforehand.
//! - `delivery_threads/*/1000`: as `delivery`, read by two threads at once.
//! - `delivery_filtered/*/S`: 4 topics, each subscriber wants one. The hub skips the
//!   other topics' frames while copying a batch; a broadcast receiver has to receive
//!   and discard them. Throughput counts the frames delivered.

use std::hint::black_box;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sse_core::hub::{Epoch, Hub, Subscription, Topic, TopicFilter};
use sse_core::{Event, Frame};
use tokio::sync::broadcast;

const EVENTS: usize = 256;

fn event(n: usize) -> Event {
    Event::new(format!(
        "{{\"slot\":\"{n}\",\"block\":\"0x9a2f45c1e0b7d3a8\",\"epoch_transition\":false}}"
    ))
}

/// The events of one round, built once (publishing consumes a clone: the data bytes
/// are shared, so the timed loop measures the hub, not building events).
fn events() -> Vec<Event> {
    (0..EVENTS).map(event).collect()
}

fn hub(window: usize) -> Hub {
    Hub::builder()
        .epoch(Epoch::new(1))
        .window_count(window)
        .build()
}

fn subscribe_parked(hub: &Hub, filter: &TopicFilter, n: usize) -> Vec<Subscription> {
    let mut cx = Context::from_waker(Waker::noop());
    (0..n)
        .map(|_| {
            let mut sub = hub.subscribe(filter.clone()).unwrap();
            assert!(sub.poll_frame(&mut cx).is_pending());
            sub
        })
        .collect()
}

/// Reads everything ready into `sink`, as a response body queues frames for the
/// socket; returns how many frames, and empties the sink.
fn drain(sub: &mut Subscription, cx: &mut Context<'_>, sink: &mut Vec<Bytes>) -> usize {
    while let Poll::Ready(Some(frame)) = sub.poll_frame(cx) {
        sink.push(frame.into_bytes());
    }
    empty(sink)
}

/// Reads everything a broadcast receiver has into `sink`; returns how many.
fn drain_broadcast<T>(
    rx: &mut broadcast::Receiver<T>,
    sink: &mut Vec<Bytes>,
    keep: impl Fn(T) -> Option<Bytes>,
) -> usize
where
    T: Clone,
{
    while let Ok(message) = rx.try_recv() {
        sink.extend(keep(message));
    }
    empty(sink)
}

fn empty(sink: &mut Vec<Bytes>) -> usize {
    let n = sink.len();
    black_box(&sink);
    sink.clear();
    n
}

fn publish(c: &mut Criterion) {
    let mut group = c.benchmark_group("publish");
    let head = Topic::new("head").unwrap();
    let other = TopicFilter::parse_list("other").unwrap();
    let on_head = TopicFilter::from(head.clone());
    let events = events();
    for n in [0usize, 1, 1_000, 100_000] {
        let hub = hub(1024);
        let idle = subscribe_parked(&hub, &other, n);
        group.bench_function(BenchmarkId::new("idle", n), |b| {
            let mut i = 0;
            b.iter(|| {
                i += 1;
                hub.publish(&head, events[i % EVENTS].clone()).unwrap()
            })
        });
        drop(idle);

        let mut parked = subscribe_parked(&hub, &on_head, n);
        group.bench_function(BenchmarkId::new("wake", n), |b| {
            let mut cx = Context::from_waker(Waker::noop());
            let mut sink = Vec::with_capacity(EVENTS);
            let mut i = 0;
            b.iter_custom(|iters| {
                let mut timed = Duration::ZERO;
                for _ in 0..iters {
                    for sub in &mut parked {
                        drain(sub, &mut cx, &mut sink);
                    }
                    i += 1;
                    let ev = events[i % EVENTS].clone();
                    let start = Instant::now();
                    black_box(hub.publish(&head, ev).unwrap());
                    timed += start.elapsed();
                }
                timed
            })
        });
    }
    group.finish();
}

fn delivery(c: &mut Criterion) {
    let mut group = c.benchmark_group("delivery");
    let topic = Topic::new("emoji").unwrap();
    let encoded: Vec<Bytes> = (0..EVENTS)
        .map(|i| Frame::encode(&event(i)).into_bytes())
        .collect();
    for subscribers in [1usize, 100, 1_000] {
        group.throughput(Throughput::Elements((EVENTS * subscribers) as u64));

        let hub = hub(EVENTS);
        let mut subs = subscribe_parked(&hub, &TopicFilter::all(), subscribers);
        let events = events();
        group.bench_function(BenchmarkId::new("hub", subscribers), |b| {
            let mut cx = Context::from_waker(Waker::noop());
            let mut sink = Vec::with_capacity(EVENTS);
            b.iter(|| {
                for event in &events {
                    hub.publish(&topic, event.clone()).unwrap();
                }
                let got: usize = subs.iter_mut().map(|s| drain(s, &mut cx, &mut sink)).sum();
                assert_eq!(got, EVENTS * subscribers);
            })
        });
        drop(subs);

        let (tx, _) = broadcast::channel::<Bytes>(EVENTS);
        let mut rxs: Vec<_> = (0..subscribers).map(|_| tx.subscribe()).collect();
        group.bench_function(BenchmarkId::new("tokio_broadcast", subscribers), |b| {
            let mut sink = Vec::with_capacity(EVENTS);
            b.iter(|| {
                for bytes in &encoded {
                    tx.send(bytes.clone()).unwrap();
                }
                let got: usize = rxs
                    .iter_mut()
                    .map(|rx| drain_broadcast(rx, &mut sink, Some))
                    .sum();
                assert_eq!(got, EVENTS * subscribers);
            })
        });
    }
    group.finish();
}

fn delivery_filtered(c: &mut Criterion) {
    const TOPICS: [&str; 4] = ["head", "block", "attestation", "finalized_checkpoint"];
    let mut group = c.benchmark_group("delivery_filtered");
    let topics: Vec<Topic> = TOPICS.iter().map(|t| Topic::new(t).unwrap()).collect();
    let encoded: Vec<(usize, Bytes)> = (0..EVENTS)
        .map(|i| (i % 4, Frame::encode(&event(i)).into_bytes()))
        .collect();
    for subscribers in [100usize, 1_000] {
        let delivered = EVENTS / 4 * subscribers;
        group.throughput(Throughput::Elements(delivered as u64));

        let hub = hub(EVENTS);
        let mut subs: Vec<Subscription> = (0..subscribers)
            .flat_map(|s| subscribe_parked(&hub, &TopicFilter::from(topics[s % 4].clone()), 1))
            .collect();
        let events = events();
        group.bench_function(BenchmarkId::new("hub", subscribers), |b| {
            let mut cx = Context::from_waker(Waker::noop());
            let mut sink = Vec::with_capacity(EVENTS);
            b.iter(|| {
                for (i, event) in events.iter().enumerate() {
                    hub.publish(&topics[i % 4], event.clone()).unwrap();
                }
                let got: usize = subs.iter_mut().map(|s| drain(s, &mut cx, &mut sink)).sum();
                assert_eq!(got, delivered);
            })
        });
        drop(subs);

        let (tx, _) = broadcast::channel::<(usize, Bytes)>(EVENTS);
        let mut rxs: Vec<_> = (0..subscribers).map(|s| (s % 4, tx.subscribe())).collect();
        group.bench_function(BenchmarkId::new("tokio_broadcast", subscribers), |b| {
            let mut sink = Vec::with_capacity(EVENTS);
            b.iter(|| {
                for message in &encoded {
                    tx.send(message.clone()).unwrap();
                }
                let got: usize = rxs
                    .iter_mut()
                    .map(|(wants, rx)| {
                        let wants = *wants;
                        drain_broadcast(rx, &mut sink, |(topic, bytes)| {
                            (topic == wants).then_some(bytes)
                        })
                    })
                    .sum();
                assert_eq!(got, delivered);
            })
        });
    }
    group.finish();
}

/// The same as `delivery`, but the subscribers are read by two threads at once (half
/// each), as on a two-worker runtime: this is where the window's lock and the shared
/// reference counts meet contention.
fn delivery_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("delivery_threads");
    let topic = Topic::new("emoji").unwrap();
    let encoded: Vec<Bytes> = (0..EVENTS)
        .map(|i| Frame::encode(&event(i)).into_bytes())
        .collect();
    let subscribers = 1_000;
    group.throughput(Throughput::Elements((EVENTS * subscribers) as u64));

    let hub = hub(EVENTS);
    let mut halves: Vec<Vec<Subscription>> = (0..2)
        .map(|_| subscribe_parked(&hub, &TopicFilter::all(), subscribers / 2))
        .collect();
    let events = events();
    group.bench_function(BenchmarkId::new("hub", subscribers), |b| {
        b.iter(|| {
            for event in &events {
                hub.publish(&topic, event.clone()).unwrap();
            }
            std::thread::scope(|s| {
                for half in &mut halves {
                    s.spawn(move || {
                        let mut cx = Context::from_waker(Waker::noop());
                        let mut sink = Vec::with_capacity(EVENTS);
                        let got: usize = half
                            .iter_mut()
                            .map(|sub| drain(sub, &mut cx, &mut sink))
                            .sum();
                        assert_eq!(got, EVENTS * half.len());
                    });
                }
            });
        })
    });
    drop(halves);

    let (tx, _) = broadcast::channel::<Bytes>(EVENTS);
    let mut halves: Vec<Vec<_>> = (0..2)
        .map(|_| (0..subscribers / 2).map(|_| tx.subscribe()).collect())
        .collect();
    group.bench_function(BenchmarkId::new("tokio_broadcast", subscribers), |b| {
        b.iter(|| {
            for bytes in &encoded {
                tx.send(bytes.clone()).unwrap();
            }
            std::thread::scope(|s| {
                for half in &mut halves {
                    s.spawn(move || {
                        let mut sink = Vec::with_capacity(EVENTS);
                        let got: usize = half
                            .iter_mut()
                            .map(|rx| drain_broadcast(rx, &mut sink, Some))
                            .sum();
                        assert_eq!(got, EVENTS * half.len());
                    });
                }
            });
        })
    });
    group.finish();
}

fn report_sizes(_: &mut Criterion) {
    println!(
        "size_of::<Subscription>() = {} bytes (heap per subscriber: see the hub_memory test)",
        std::mem::size_of::<Subscription>()
    );
}

criterion_group!(
    benches,
    report_sizes,
    publish,
    delivery,
    delivery_filtered,
    delivery_threads
);
criterion_main!(benches);
