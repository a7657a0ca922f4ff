//! The seam a store fed by a shared log (Redis Streams) uses: `Hub::ingest` with aged
//! stamps, and `Hub::mark_trimmed` for history the hub never held.
// The hub and the client state machine need the `std` feature.
#![cfg(feature = "std")]

use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use sse_core::hub::{
    Hub, ManualClock, Position, Replay, ReplayStore, Stamp, StoreError, Topic, TopicFilter,
};
use sse_core::{Event, EventId};

/// Ids `ms-seq` assigned by a log.
#[derive(Debug)]
struct LogIds;

impl ReplayStore for LogIds {
    fn stamp(&self, _: u64) -> Result<Stamp, StoreError> {
        Err(StoreError::new("ids are assigned by the shared log"))
    }

    fn parse_id(&self, id: &str) -> Option<Position> {
        let (ms, seq) = id.split_once('-')?;
        Some(Position::new(ms.parse().ok()?, seq.parse().ok()?))
    }
}

fn stamp(ms: u64, seq: u64) -> Stamp {
    Stamp::new(
        Position::new(ms, seq),
        EventId::new(format!("{ms}-{seq}")).unwrap(),
    )
}

fn id(text: &str) -> EventId {
    EventId::new(text).unwrap()
}

fn topic() -> Topic {
    Topic::new("t").unwrap()
}

fn data(sub: &mut sse_core::hub::Subscription) -> Vec<String> {
    let mut cx = Context::from_waker(Waker::noop());
    let mut out = Vec::new();
    while let Poll::Ready(Some(frame)) = sub.poll_frame(&mut cx) {
        let text = String::from_utf8(frame.as_bytes().to_vec()).unwrap();
        let line = text.lines().find(|l| l.starts_with("data: ")).unwrap();
        out.push(line["data: ".len()..].to_owned());
    }
    out
}

#[test]
fn aged_stamps_leave_the_window_when_they_reach_its_age_not_later() {
    let clock = ManualClock::new();
    let hub = Hub::builder()
        .store(Arc::new(LogIds))
        .clock(Arc::new(clock.clone()))
        .window_age(Duration::from_secs(60))
        .build();
    // Read back at start-up: published 50 s and 10 s ago.
    hub.ingest(
        stamp(1, 0).with_age(Duration::from_secs(50)),
        &topic(),
        Event::from("old"),
    )
    .unwrap();
    hub.ingest(
        stamp(2, 0).with_age(Duration::from_secs(10)),
        &topic(),
        Event::from("new"),
    )
    .unwrap();
    let resumed = hub
        .subscribe_from(TopicFilter::all(), Some(&id("0-0")))
        .unwrap();
    assert_eq!(resumed.replay(), Replay::Resumed { missed: 2 });
    // 20 s on, the first is 70 s old, the second 30 s: only the first goes.
    clock.advance(Duration::from_secs(20));
    let from_start = hub
        .subscribe_from(TopicFilter::all(), Some(&id("0-0")))
        .unwrap();
    assert!(matches!(
        from_start.replay(),
        Replay::Expired { replayed: 1, .. }
    ));
    let mut from_first = hub
        .subscribe_from(TopicFilter::all(), Some(&id("1-0")))
        .unwrap();
    assert_eq!(from_first.replay(), Replay::Resumed { missed: 1 });
    assert_eq!(data(&mut from_first), ["new"]);
}

#[test]
fn marked_trimmed_history_is_expired_and_later_entries_resume() {
    let hub = Hub::builder().store(Arc::new(LogIds)).build();
    // Before anything: every id is unknown.
    let before = hub
        .subscribe_from(TopicFilter::all(), Some(&id("3-0")))
        .unwrap();
    let nothing = Replay::Unknown {
        resumed_from: None,
        replayed: 0,
    };
    assert_eq!(before.replay(), nothing);
    // The log kept entries from 5-0 on.
    hub.mark_trimmed(Position::new(4, u64::MAX));
    hub.ingest(stamp(5, 0), &topic(), Event::from("a")).unwrap();
    hub.ingest(stamp(6, 0), &topic(), Event::from("b")).unwrap();
    let trimmed = hub
        .subscribe_from(TopicFilter::all(), Some(&id("3-0")))
        .unwrap();
    let from_a = Replay::Expired {
        resumed_from: Some(id("5-0")),
        replayed: 2,
    };
    assert_eq!(trimmed.replay(), from_a);
    let mut kept = hub
        .subscribe_from(TopicFilter::all(), Some(&id("5-0")))
        .unwrap();
    assert_eq!(kept.replay(), Replay::Resumed { missed: 1 });
    assert_eq!(data(&mut kept), ["b"]);

    // A gap: entries up to 9 were trimmed before this hub read them.
    let mut live = hub.subscribe(TopicFilter::all()).unwrap();
    hub.mark_trimmed(Position::new(9, 0));
    let err = hub
        .ingest(stamp(8, 0), &topic(), Event::from("too old"))
        .unwrap_err();
    assert!(
        err.to_string().contains("not after the newest 9-0"),
        "{err}"
    );
    hub.ingest(stamp(10, 0), &topic(), Event::from("c"))
        .unwrap();
    let mut across = hub
        .subscribe_from(TopicFilter::all(), Some(&id("6-0")))
        .unwrap();
    let after_gap = Replay::Expired {
        resumed_from: Some(id("10-0")),
        replayed: 1,
    };
    assert_eq!(across.replay(), after_gap, "no resume across a gap");
    // The gap event, then what follows the gap: nothing from before it again.
    assert_eq!(
        data(&mut across),
        [
            r#"{"reason":"expired","last_event_id":"6-0","resumed_from":"10-0"}"#,
            "c"
        ]
    );
    let mut after = hub
        .subscribe_from(TopicFilter::all(), Some(&id("9-0")))
        .unwrap();
    assert_eq!(after.replay(), Replay::Resumed { missed: 1 });
    assert_eq!(data(&mut after), ["c"]);
    assert_eq!(data(&mut live), ["c"]);
}
