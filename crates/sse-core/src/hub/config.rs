//! Building a hub: window limits, subscriber limit, store, clock and stream options.

use alloc::sync::Arc;
use core::fmt;
use core::time::Duration;
use std::sync::Mutex;
use std::time::Instant;

use super::Hub;
use super::gap::{GAP_EVENT_TYPE, GapPolicy};
use super::store::{Epoch, MemoryStore, ReplayStore};
use super::window::Limits;
use crate::event::EventType;
use crate::stream::StreamOptions;

/// Where the hub reads the time (to stamp entries and trim the window by age). The
/// hub never sleeps or sets timers: it only reads the clock when something is published
/// or someone subscribes.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> Instant;
}

/// The real clock: [`Instant::now`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that moves only when told (for tests of age trimming).
///
/// ```
/// use std::time::Duration;
/// use sse_core::hub::{Clock, ManualClock};
///
/// let clock = ManualClock::new();
/// let start = clock.now();
/// clock.advance(Duration::from_secs(5));
/// assert_eq!(clock.now() - start, Duration::from_secs(5));
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<Instant>>);

impl ManualClock {
    /// A clock that reads the current instant until advanced.
    pub fn new() -> ManualClock {
        ManualClock(Arc::new(Mutex::new(Instant::now())))
    }

    /// Moves the clock forward (every clone sees it).
    pub fn advance(&self, by: Duration) {
        let mut now = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += by;
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Everything a hub is built with.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) limits: Limits,
    pub(crate) max_subscribers: Option<usize>,
    pub(crate) store: Arc<dyn ReplayStore>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) stream_options: StreamOptions,
    pub(crate) gap_policy: GapPolicy,
    /// The gap event's type; `None`: no gap event.
    pub(crate) gap_event: Option<EventType>,
}

/// Settings of a [`Hub`]; start with [`Hub::builder`].
///
/// ```
/// use std::time::Duration;
/// use sse_core::hub::{Epoch, Hub};
/// use sse_core::stream::StreamOptions;
///
/// let hub = Hub::builder()
///     .window_count(4096)
///     .window_age(Duration::from_secs(60))
///     .max_subscribers(10_000)
///     .epoch(Epoch::new(1))
///     .stream_options(StreamOptions::default().retry(Duration::from_secs(3)))
///     .build();
/// assert_eq!(hub.stream_options().retry_hint(), Some(Duration::from_secs(3)));
/// ```
#[derive(Debug, Clone)]
#[must_use = "call build() to get the hub"]
pub struct HubBuilder {
    config: Config,
}

impl HubBuilder {
    /// Events kept for replay by default.
    pub const DEFAULT_WINDOW_COUNT: usize = 1024;
    /// Bytes of frames kept for replay by default (64 MiB).
    pub const DEFAULT_WINDOW_BYTES: usize = 64 << 20;
    /// Age of the oldest event kept by default.
    pub const DEFAULT_WINDOW_AGE: Duration = Duration::from_secs(5 * 60);

    pub(crate) fn new() -> HubBuilder {
        HubBuilder {
            config: Config {
                limits: Limits {
                    count: Self::DEFAULT_WINDOW_COUNT,
                    bytes: Self::DEFAULT_WINDOW_BYTES,
                    age: Self::DEFAULT_WINDOW_AGE,
                },
                max_subscribers: None,
                store: Arc::new(MemoryStore::default()),
                clock: Arc::new(SystemClock),
                stream_options: StreamOptions::default(),
                gap_policy: GapPolicy::default(),
                gap_event: EventType::new(GAP_EVENT_TYPE).ok(),
            },
        }
    }

    /// Most events the window keeps (at least 1; 0 is raised to 1). A subscriber more
    /// than this many events behind on its topics is ended with `EndReason::Lagged`.
    pub fn window_count(mut self, count: usize) -> Self {
        self.config.limits.count = count.max(1);
        self
    }

    /// Most bytes of encoded frames the window keeps (the newest event is kept even if
    /// larger).
    pub fn window_bytes(mut self, bytes: usize) -> Self {
        self.config.limits.bytes = bytes;
        self
    }

    /// Oldest event the window keeps. Trimming happens when something is published or
    /// someone subscribes, as read from the [`clock`](Self::clock).
    pub fn window_age(mut self, age: Duration) -> Self {
        self.config.limits.age = age;
        self
    }

    /// Most subscribers at once; more get `SubscribeError::Full`.
    pub fn max_subscribers(mut self, max: usize) -> Self {
        self.config.max_subscribers = Some(max);
        self
    }

    /// Uses [`MemoryStore`] with this epoch (the default epoch is [`Epoch::now`]).
    pub fn epoch(self, epoch: Epoch) -> Self {
        self.store(Arc::new(MemoryStore::new(epoch)))
    }

    /// Uses this store for ids (see [`ReplayStore`]).
    pub fn store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.config.store = store;
        self
    }

    /// Reads time from this clock (default: [`SystemClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.config.clock = clock;
        self
    }

    /// Keep-alive, `retry:` hint and initial comment of every response body built with
    /// [`Hub::stream_options`].
    pub fn stream_options(mut self, options: StreamOptions) -> Self {
        self.config.stream_options = options;
        self
    }

    /// Where a subscription starts when its `Last-Event-ID` is expired or unknown
    /// (default [`GapPolicy::Earliest`]: every event still in the window). See the
    /// [`gap` docs](super#gaps).
    pub fn on_gap(mut self, policy: GapPolicy) -> Self {
        self.config.gap_policy = policy;
        self
    }

    /// The type of the event that starts a subscription resumed across a gap (default
    /// `sse-gap`, [`GAP_EVENT_TYPE`](super::GAP_EVENT_TYPE)); `None` sends no gap event
    /// ([`Subscription::replay`](super::Subscription::replay) still reports the gap).
    pub fn gap_event(mut self, event_type: Option<EventType>) -> Self {
        self.config.gap_event = event_type;
        self
    }

    /// The hub.
    pub fn build(self) -> Hub {
        Hub::from_config(self.config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_clamped() {
        let b = HubBuilder::new().window_count(0);
        assert_eq!(b.config.limits.count, 1);
        let b = HubBuilder::new().max_subscribers(3).window_bytes(10);
        assert_eq!(
            (b.config.max_subscribers, b.config.limits.bytes),
            (Some(3), 10)
        );
        assert_eq!(b.config.gap_policy, GapPolicy::Earliest);
        assert_eq!(
            b.config.gap_event.as_ref().map(EventType::as_str),
            Some("sse-gap")
        );
        let b = b.on_gap(GapPolicy::Latest).gap_event(None);
        assert_eq!(
            (b.config.gap_policy, b.config.gap_event),
            (GapPolicy::Latest, None)
        );
    }

    #[test]
    fn manual_clock_clones_share_time() {
        let a = ManualClock::new();
        let b = a.clone();
        let t0 = b.now();
        a.advance(Duration::from_millis(3));
        assert_eq!(b.now() - t0, Duration::from_millis(3));
        assert!(SystemClock.now() >= t0 - Duration::from_secs(1));
    }
}
