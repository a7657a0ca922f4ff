//! With the `tracing` feature, the hub logs what it decides about subscribers: a span
//! per subscription (its topics and how it started), a lag drop, a resume across a
//! gap, a refusal at the subscriber limit, and a refused publish.
#![cfg(feature = "tracing")]

mod trace_recorder;

use sse_core::Event;
use sse_core::hub::{Hub, Topic, TopicFilter};
use trace_recorder::Recorder;

#[test]
fn subscriptions_gaps_lag_refusals_and_refused_publishes_are_logged() {
    let recorder = Recorder::leaked();
    tracing::subscriber::with_default(recorder, || {
        let hub = Hub::builder().window_count(2).max_subscribers(1).build();
        let topic = Topic::new("news").unwrap();
        let first = hub.publish(&topic, Event::new("1")).unwrap();
        for n in 2..=4 {
            hub.publish(&topic, Event::new(n.to_string())).unwrap();
        }
        // `first` has left the window of 2: a resume across a gap.
        let mut late = hub
            .subscribe_from(
                TopicFilter::from_topics([topic.clone()]).unwrap(),
                Some(&first),
            )
            .unwrap();
        // The hub is full.
        assert!(hub.subscribe(TopicFilter::all()).is_err());
        // `late` never reads while the window moves on: it is dropped for lag.
        for n in 5..=8 {
            hub.publish(&topic, Event::new(n.to_string())).unwrap();
        }
        while late.try_next_frame().is_ok() {}
        hub.close();
        assert!(hub.publish(&topic, Event::new("late")).is_err());
    });
    let lines = recorder.lines();
    let has = |prefix: &str| recorder.has(prefix);
    assert!(
        has("span subscriber topics=news replay=Expired"),
        "{lines:?}"
    );
    assert!(
        has("subscriber resumed across a gap reason=Expired"),
        "{lines:?}"
    );
    assert!(
        has("subscriber refused: the hub has its maximum of subscribers max=1"),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("fell behind")),
        "a lag drop: {lines:?}"
    );
    assert!(has("publish refused topic=\"news\""), "{lines:?}");
}
