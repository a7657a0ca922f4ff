//! [`RedisOptions`]: the stream, its bounds, the hub's other settings, and the timing
//! of Redis I/O.

use core::time::Duration;

use sse_core::hub::{Hub, HubBuilder};

/// Settings of a [`RedisHub`](crate::RedisHub).
///
/// The stream's bounds are the local window's: `max_len` events (the window's count)
/// and, if set, `max_age` (the window's age). Every other hub setting (subscriber
/// limit, window bytes, stream options, clock) comes from [`hub`](Self::hub).
///
/// ```
/// use std::time::Duration;
/// use sse_core::hub::Hub;
/// use sse_redis::RedisOptions;
///
/// let options = RedisOptions::new()
///     .stream_key("chat:events")
///     .max_len(10_000)
///     .max_age(Some(Duration::from_secs(600)))
///     .hub(Hub::builder().max_subscribers(50_000));
/// assert_eq!(options.stream_key_str(), "chat:events");
/// assert_eq!(options.max_len_value(), 10_000);
/// ```
#[derive(Debug, Clone)]
#[must_use = "pass the options to RedisHub::connect"]
pub struct RedisOptions {
    pub(crate) stream_key: String,
    pub(crate) max_len: usize,
    pub(crate) max_age: Option<Duration>,
    pub(crate) hub: HubBuilder,
    pub(crate) connect_timeout: Duration,
    pub(crate) response_timeout: Duration,
    pub(crate) block: Duration,
    pub(crate) read_batch: usize,
    pub(crate) backoff_min: Duration,
    pub(crate) backoff_max: Duration,
}

impl RedisOptions {
    /// The stream key used by default.
    pub const DEFAULT_STREAM_KEY: &'static str = "sse:events";

    /// Defaults: stream `sse:events`, the hub's default window (1024 events, 5
    /// minutes), 2 s to connect and for Redis to answer, reads blocking 5 s at a time,
    /// reconnection backoff from 50 ms to 5 s.
    pub fn new() -> RedisOptions {
        RedisOptions {
            stream_key: Self::DEFAULT_STREAM_KEY.to_owned(),
            max_len: HubBuilder::DEFAULT_WINDOW_COUNT,
            max_age: Some(HubBuilder::DEFAULT_WINDOW_AGE),
            hub: Hub::builder(),
            connect_timeout: Duration::from_secs(2),
            response_timeout: Duration::from_secs(2),
            block: Duration::from_secs(5),
            read_batch: 512,
            backoff_min: Duration::from_millis(50),
            backoff_max: Duration::from_secs(5),
        }
    }

    /// The stream's key. Every process of one deployment uses the same.
    pub fn stream_key(mut self, key: impl Into<String>) -> Self {
        self.stream_key = key.into();
        self
    }

    /// Most events kept, in the stream (`XADD … MAXLEN ~ n`, which keeps at least `n`)
    /// and in each process's window (exactly `n`); at least 1.
    pub fn max_len(mut self, max_len: usize) -> Self {
        self.max_len = max_len.max(1);
        self
    }

    /// Oldest event kept, by the time Redis added it (`XTRIM … MINID ~` with a publish,
    /// at most once a second per process, and the window's age); `None` bounds by
    /// length only.
    pub fn max_age(mut self, max_age: Option<Duration>) -> Self {
        self.max_age = max_age;
        self
    }

    /// The hub's other settings. Its window count, window age and store are replaced
    /// by this crate's (`max_len`, `max_age`, ids from the stream). Its window bytes
    /// bound (64 MiB by default) still caps memory: if it evicts before the stream's
    /// bounds do, a resume from those ids is `Expired` on this process though Redis
    /// still has them (never a gap; set it high enough for `max_len` of your events).
    pub fn hub(mut self, builder: HubBuilder) -> Self {
        self.hub = builder;
        self
    }

    /// How long a connection attempt may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long Redis may take to answer a command (a publish fails after that).
    pub fn response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = timeout;
        self
    }

    /// How long each blocking read waits for entries before asking again (at least
    /// 1 ms). A dead connection that sends nothing is noticed after this plus the
    /// response timeout.
    pub fn block(mut self, block: Duration) -> Self {
        self.block = block.max(Duration::from_millis(1));
        self
    }

    /// Most entries per read (at least 1).
    pub fn read_batch(mut self, count: usize) -> Self {
        self.read_batch = count.max(1);
        self
    }

    /// The reader's reconnection delays: from `min`, doubling up to `max`, each with
    /// random jitter (half to all of it), so that many processes do not reconnect in
    /// step.
    pub fn backoff(mut self, min: Duration, max: Duration) -> Self {
        self.backoff_min = min;
        self.backoff_max = max.max(min);
        self
    }

    /// The stream key.
    pub fn stream_key_str(&self) -> &str {
        &self.stream_key
    }

    /// The length bound.
    pub fn max_len_value(&self) -> usize {
        self.max_len
    }

    /// The age bound.
    pub fn max_age_value(&self) -> Option<Duration> {
        self.max_age
    }
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_clamped() {
        let options = RedisOptions::new()
            .max_len(0)
            .read_batch(0)
            .block(Duration::ZERO)
            .backoff(Duration::from_secs(2), Duration::from_secs(1));
        assert_eq!(options.max_len_value(), 1);
        assert_eq!(options.read_batch, 1);
        assert_eq!(options.block, Duration::from_millis(1));
        assert_eq!(options.backoff_max, Duration::from_secs(2));
        assert_eq!(
            RedisOptions::default().max_age_value(),
            Some(HubBuilder::DEFAULT_WINDOW_AGE)
        );
    }
}
