//! Memory, measured with an allocator that counts live bytes: flat while a stalled
//! subscriber falls 100 000 events behind, and small per subscriber.
//!
//! Both measurements run in sequence from the binary's only `#[test]`, so no other
//! test allocates meanwhile.
// The hub and the client state machine need the `std` feature.
#![cfg(feature = "std")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::task::{Context, Waker};

use sse_core::Event;
use sse_core::hub::{EndReason, Epoch, Hub, Subscription, Topic, TopicFilter, TryFrameError};

/// The system allocator, counting bytes currently allocated.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::SeqCst);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::SeqCst);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::SeqCst);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::SeqCst)
}

fn publish_n(hub: &Hub, topic: &Topic, n: usize) {
    for i in 0..n {
        hub.publish(topic, Event::from(format!("event number {i:>6}")))
            .unwrap();
    }
}

fn memory_is_flat_while_a_subscriber_stalls() {
    const WINDOW: usize = 1024;
    let hub = Hub::builder()
        .epoch(Epoch::new(1))
        .window_count(WINDOW)
        .build();
    let topic = Topic::new("busy").unwrap();
    let mut stalled = hub.subscribe(TopicFilter::all()).unwrap();
    let mut parked: Vec<Subscription> = (0..100)
        .map(|_| {
            hub.subscribe(TopicFilter::parse_list("quiet").unwrap())
                .unwrap()
        })
        .collect();
    let mut cx = Context::from_waker(Waker::noop());
    for sub in &mut parked {
        assert!(sub.poll_frame(&mut cx).is_pending());
    }
    // Fill the window (and the per-topic id map) once.
    publish_n(&hub, &topic, 2 * WINDOW);
    let after_fill = live();
    publish_n(&hub, &topic, 100_000);
    let after_100k = live();
    let growth = after_100k - after_fill;
    // Frames have the same length, so the window's bytes are the same; allow a little
    // for allocator-size differences of the ids' text.
    assert!(
        growth.abs() < 4096,
        "live bytes grew by {growth} over 100 000 events"
    );
    assert_eq!(
        stalled.try_next_frame().unwrap_err(),
        TryFrameError::Ended(EndReason::Lagged {
            missed: (2 * WINDOW + 100_000 - WINDOW) as u64
        })
    );
    assert_eq!(hub.stats().window_len, WINDOW);
}

/// Heap bytes per subscriber: registry slot, topic lists; and once it has read, its
/// batch buffer.
fn memory_per_subscriber_is_small() {
    const N: usize = 10_000;
    let hub = Hub::builder().epoch(Epoch::new(1)).build();
    let head = TopicFilter::parse_list("head").unwrap();
    // Warm the topic map entry so it is not counted per subscriber.
    let _warm = hub.subscribe(head.clone()).unwrap();
    let before = live();
    let mut subs: Vec<Subscription> = Vec::with_capacity(N);
    let vec_bytes = live() - before;
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..N {
        let mut sub = hub.subscribe(head.clone()).unwrap();
        assert!(sub.poll_frame(&mut cx).is_pending());
        subs.push(sub);
    }
    let parked = (live() - before - vec_bytes) as usize / N;
    let size = std::mem::size_of::<Subscription>();
    println!("subscription: {size} bytes inline + {parked} bytes heap (parked, idle)");
    assert!(parked < 512, "{parked} heap bytes per parked subscriber");

    hub.publish(&Topic::new("head").unwrap(), Event::from("x"))
        .unwrap();
    for sub in &mut subs {
        assert!(sub.poll_frame(&mut cx).is_ready());
    }
    let active = (live() - before - vec_bytes) as usize / N;
    println!("subscription: {size} bytes inline + {active} bytes heap (after reading)");
    assert!(
        active < parked + 32 * 40,
        "{active} heap bytes per active subscriber"
    );
    drop(subs);
    // What stays is the registry's capacity at its peak (a slot table and list
    // capacity, reused by later subscribers), not the subscribers.
    let residual = live() - before;
    println!("after dropping {N}: {residual} bytes of registry capacity");
    assert!(residual < (N * 128) as isize, "{residual} bytes left");
    let mut again: Vec<Subscription> = Vec::with_capacity(N);
    let before_again = live();
    again.extend((0..N).map(|_| hub.subscribe(head.clone()).unwrap()));
    // Only each subscriber's small per-entry index and its progress tracker (a cursor
    // and a state, shared with the hub so a stalled subscriber's place can be given
    // back) are new.
    let reused = live() - before_again;
    drop(again);
    assert!(
        reused < (N * 48) as isize,
        "slots are reused: {reused} new bytes for {N} subscribers"
    );
}

#[test]
fn memory() {
    memory_is_flat_while_a_subscriber_stalls();
    memory_per_subscriber_is_small();
}
