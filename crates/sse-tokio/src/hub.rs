//! Hub-backed bodies: a response that streams a [`Subscription`] of sse-core's
//! [`Hub`], with the hub's keep-alive and `retry:` hint.
//!
//! ```
//! use sse_tokio::SseBody;
//! use sse_tokio::sse_core::hub::{Hub, Topic, TopicFilter};
//! use sse_tokio::sse_core::Event;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let hub = Hub::new();
//! // In a handler: the request's topics and Last-Event-ID pick the subscription.
//! let filter = sse_tokio::topic_filter(Some("topics=news"))?.unwrap_or_else(TopicFilter::all);
//! let body = SseBody::subscribe(&hub, filter, None)?;
//! hub.publish(&Topic::new("news")?, Event::new("hello"))?;
//! # drop(body);
//! # Ok(()) }
//! ```

use sse_core::EventId;
use sse_core::hub::{Hub, SubscribeError, Subscription, TopicFilter};

use crate::SseBody;

impl SseBody<Subscription> {
    /// A body of `subscription`, with `hub`'s stream options (keep-alive, `retry:`,
    /// initial comment). When the client goes away, the server drops the body and
    /// with it the subscription: the hub forgets the subscriber at once.
    pub fn from_subscription(subscription: Subscription, hub: &Hub) -> Self {
        SseBody::new(subscription, hub.stream_options())
    }

    /// Subscribes to `filter` on `hub`, resuming after `last_event_id` (the
    /// request's, see [`last_event_id`](crate::last_event_id)) from the hub's replay
    /// window, and makes the body. How the resumption went is
    /// `body.source().replay()`.
    ///
    /// Fails if the hub is closed or full (answer 503 then).
    pub fn subscribe(
        hub: &Hub,
        filter: TopicFilter,
        last_event_id: Option<&EventId>,
    ) -> Result<Self, SubscribeError> {
        let subscription = hub.subscribe_from(filter, last_event_id)?;
        Ok(SseBody::from_subscription(subscription, hub))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures_util::StreamExt;
    use sse_core::Event;
    use sse_core::hub::{Replay, Topic};
    use sse_core::stream::{KeepAlive, StreamOptions};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn subscription_body_replays_then_streams_then_frees() {
        let options = StreamOptions::default()
            .keep_alive(Some(KeepAlive::new(Duration::from_secs(5))))
            .retry(Duration::from_secs(1));
        let hub = Hub::builder().stream_options(options).build();
        let topic = Topic::new("t").unwrap();
        let first = hub.publish(&topic, Event::new("1")).unwrap();
        hub.publish(&topic, Event::new("2")).unwrap();
        let mut body = SseBody::subscribe(&hub, TopicFilter::all(), Some(&first)).unwrap();
        assert_eq!(body.source().replay(), Replay::Resumed { missed: 1 });
        assert_eq!(hub.stats().subscribers, 1);
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"retry: 1000\n");
        let replayed = body.next().await.unwrap().unwrap();
        assert!(replayed.ends_with(b"data: 2\n\n"), "{replayed:?}");
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b":\n");
        hub.publish(&topic, Event::new("3")).unwrap();
        assert!(
            body.next()
                .await
                .unwrap()
                .unwrap()
                .ends_with(b"data: 3\n\n")
        );
        drop(body);
        assert_eq!(hub.stats().subscribers, 0);
    }
}
