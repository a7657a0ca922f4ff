//! [`Hub`]: the publishing handle.

use alloc::sync::Arc;
use core::fmt;
use core::sync::atomic::Ordering;

use super::config::{Config, HubBuilder};
use super::error::{PublishError, SubscribeError};
use super::shared::{Shared, drop_handle};
use super::stats::HubStats;
use super::store::Stamp;
use super::subscription::Subscription;
use super::topic::{Topic, TopicFilter};
use crate::encode::Frame;
use crate::event::{Event, EventId};
use crate::stream::StreamOptions;

/// A broadcast hub: publish events on topics, subscribe with a topic filter and an
/// optional `Last-Event-ID`. See the [module docs](super) for the data flow.
///
/// `Hub` is a cheap handle (`Clone + Send + Sync`): clone it into every thread or task
/// that publishes. When the last handle is dropped the hub closes, ending every
/// subscription after the events already published.
pub struct Hub {
    shared: Arc<Shared>,
}

impl Hub {
    /// A hub with default settings (see [`HubBuilder`]).
    pub fn new() -> Hub {
        Hub::builder().build()
    }

    /// Settings for a new hub.
    pub fn builder() -> HubBuilder {
        HubBuilder::new()
    }

    pub(crate) fn from_config(config: Config) -> Hub {
        Hub {
            shared: Arc::new(Shared::new(config)),
        }
    }

    /// Publishes `event` on `topic` and returns the id it was given.
    ///
    /// The hub assigns every event its id (`{epoch}-{sequence}` with the default
    /// store), replacing any id the event carries: replay finds a client's place by
    /// id, which only works if ids are the hub's own and increase in publish order.
    /// The event is encoded once; every subscriber sends that same frame. Publishing
    /// never waits for subscribers, only (briefly) for another publisher.
    ///
    /// Fails if the hub is closed or the store cannot stamp the event.
    pub fn publish(&self, topic: &Topic, event: Event) -> Result<EventId, PublishError> {
        let published = self.shared.publish(topic, event);
        #[cfg(feature = "tracing")]
        if let Err(error) = &published {
            tracing::warn!(topic = topic.as_str(), %error, "publish refused");
        }
        published
    }

    /// Adds an event whose id and position were assigned elsewhere (a distributed
    /// store's reader hands each entry of the shared log to its local hub this way; see
    /// [`ReplayStore`](super::ReplayStore)). The event goes out with `stamp`'s id.
    ///
    /// Positions must increase: an entry at or before the newest one is refused with
    /// [`PublishError::OutOfOrder`] (a reader that sees an entry twice can ignore that
    /// error).
    pub fn ingest(&self, stamp: Stamp, topic: &Topic, event: Event) -> Result<(), PublishError> {
        self.shared.ingest(stamp, topic, event)
    }

    /// Records that the events up to and including `through` that this hub has not
    /// ingested are gone for good: a distributed store's shared log trimmed them before
    /// this hub read them (at start-up, the history before the oldest entry still
    /// kept; after a reconnection, whatever was trimmed meanwhile). A `Last-Event-ID`
    /// before `through` then reports [`Replay::Expired`](super::Replay::Expired), as if
    /// those events had been evicted from this hub's window, and [`ingest`](Self::ingest)
    /// accepts only positions after `through` from now on. An older `through` than an
    /// earlier one changes nothing.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use sse_core::{Event, EventId};
    /// use sse_core::hub::{
    ///     Hub, Position, Replay, ReplayStore, Stamp, StoreError, Topic, TopicFilter,
    /// };
    ///
    /// #[derive(Debug)]
    /// struct LogIds; // ids `ms-seq` assigned by a shared log
    /// impl ReplayStore for LogIds {
    ///     fn stamp(&self, _: u64) -> Result<Stamp, StoreError> {
    ///         Err(StoreError::new("publish to the log"))
    ///     }
    ///     fn parse_id(&self, id: &str) -> Option<Position> {
    ///         let (ms, seq) = id.split_once('-')?;
    ///         Some(Position::new(ms.parse().ok()?, seq.parse().ok()?))
    ///     }
    /// }
    ///
    /// let hub = Hub::builder().store(Arc::new(LogIds)).build();
    /// // The log starts at 7-0; whatever came before was trimmed.
    /// hub.mark_trimmed(Position::new(6, u64::MAX));
    /// let id = |text: &str| EventId::new(text).unwrap();
    /// let stamp = Stamp::new(Position::new(7, 0), id("7-0"));
    /// hub.ingest(stamp, &Topic::new("t").unwrap(), Event::new("x")).unwrap();
    /// let sub = hub.subscribe_from(TopicFilter::all(), Some(&id("5-0")))?;
    /// // A gap: the client missed what was trimmed; it resumes from the oldest kept.
    /// let expired = Replay::Expired { resumed_from: Some(id("7-0")), replayed: 1 };
    /// assert_eq!(sub.replay(), expired);
    /// # Ok::<(), sse_core::hub::SubscribeError>(())
    /// ```
    pub fn mark_trimmed(&self, through: super::Position) {
        self.shared.mark_trimmed(through);
    }

    /// Subscribes to the events on `filter`'s topics published from now on.
    pub fn subscribe(&self, filter: TopicFilter) -> Result<Subscription, SubscribeError> {
        self.subscribe_from(filter, None)
    }

    /// Subscribes to the events on `filter`'s topics published after `last_event_id`
    /// (the client's `Last-Event-ID`, see [`crate::subscribe::last_event_id`]), then to
    /// the live stream, with no gap or duplicate between the two. Whether the id could
    /// be honoured is reported by [`Subscription::replay`]; when it cannot (expired or
    /// unknown), the hub's [`GapPolicy`](super::GapPolicy) says where the subscription
    /// starts, and its first frame is the gap event, unless gap events are off.
    ///
    /// Fails if the hub is closed or has its maximum of subscribers.
    pub fn subscribe_from(
        &self,
        filter: TopicFilter,
        last_event_id: Option<&EventId>,
    ) -> Result<Subscription, SubscribeError> {
        let placed = self.shared.subscribe(&filter, last_event_id)?;
        Ok(Subscription::new(self.shared.clone(), filter, placed))
    }

    /// Closes the hub: publishing and subscribing fail from now on, and every
    /// subscription ends (`EndReason::Closed`) once it has delivered the events
    /// published before. Closing twice does nothing.
    pub fn close(&self) {
        self.shared.close(None);
    }

    /// Closes the hub like [`close`](Self::close), but every subscription delivers
    /// `final_event` last (to every subscriber, whatever its topics). The event is sent
    /// as given: the hub does not give it an id, since it is not in the replay window.
    /// Returns `false` (and sends nothing) if the hub was already closed.
    pub fn close_with(&self, final_event: Event) -> bool {
        self.shared.close(Some(Frame::encode(&final_event)))
    }

    /// Whether the hub is closed.
    pub fn is_closed(&self) -> bool {
        self.shared.is_closed()
    }

    /// The keep-alive, `retry:` hint and initial comment for response bodies:
    /// `FrameStream::new(subscription, timer, hub.stream_options())`.
    pub fn stream_options(&self) -> &StreamOptions {
        &self.shared.config.stream_options
    }

    /// A snapshot of counters and sizes for a status page.
    pub fn stats(&self) -> HubStats {
        self.shared.stats()
    }
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Clone for Hub {
    fn clone(&self) -> Self {
        self.shared.handles.fetch_add(1, Ordering::AcqRel);
        Hub {
            shared: self.shared.clone(),
        }
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        drop_handle(&self.shared);
    }
}

impl fmt::Debug for Hub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hub")
            .field("store", &self.shared.config.store)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}
