//! Appending events to the stream: `XADD` bounded by length, then (now and then)
//! `XTRIM` by age in the same round trip, on a connection that reconnects by itself.
//!
//! Trimming by age is approximate (`MINID ~` drops whole nodes of entries), so doing it
//! on every publish buys nothing: it is sent at most once per [`trim_interval`] by each
//! process. Redis then keeps a little more than the age bound, never less, so every
//! process's window (which ages entries exactly) still holds a subset of the stream.

use core::sync::atomic::{AtomicU64, Ordering};
use core::time::Duration;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{RedisError, Value};
use sse_core::Event;
use sse_core::hub::Topic;

use crate::entry::{bytes_of, write_fields};
use crate::error::Error;
use crate::id::StreamId;
use crate::options::RedisOptions;

/// Retries of a reconnection the publishing connection makes before a publish waiting
/// for it fails (the next publish starts another).
const RECONNECT_RETRIES: usize = 2;

/// The publishing side of a `RedisHub`.
#[derive(Clone)]
pub(crate) struct Publisher {
    conn: ConnectionManager,
    key: String,
    max_len: usize,
    max_age: Option<Duration>,
    trims: Arc<TrimSchedule>,
}

impl core::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Publisher")
            .field("key", &self.key)
            .field("max_len", &self.max_len)
            .field("max_age", &self.max_age)
            .finish_non_exhaustive()
    }
}

impl Publisher {
    pub(crate) async fn connect(
        client: redis::Client,
        options: &RedisOptions,
    ) -> Result<Publisher, RedisError> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(options.connect_timeout))
            .set_response_timeout(Some(options.response_timeout))
            .set_number_of_retries(RECONNECT_RETRIES)
            .set_min_delay(options.backoff_min)
            .set_max_delay(options.backoff_max);
        let conn = ConnectionManager::new_with_config(client, config).await?;
        Ok(Publisher {
            conn,
            key: options.stream_key.clone(),
            max_len: options.max_len,
            max_age: options.max_age,
            trims: Arc::default(),
        })
    }

    /// Appends the event; returns its entry id once Redis acknowledged it.
    pub(crate) async fn append(&self, topic: &Topic, event: &Event) -> Result<StreamId, Error> {
        let mut xadd = redis::cmd("XADD");
        xadd.arg(&self.key)
            .arg("MAXLEN")
            .arg("~")
            .arg(self.max_len)
            .arg("*");
        write_fields(&mut xadd, topic, event);
        let mut conn = self.conn.clone();
        let now = SystemTime::now();
        let trim_now = |&age: &Duration| self.trims.due(trim_interval(age), now);
        let reply: Value = match self.max_age.filter(trim_now) {
            None => xadd.query_async(&mut conn).await,
            Some(max_age) => {
                let mut pipe = redis::pipe();
                pipe.add_command(xadd)
                    .cmd("XTRIM")
                    .arg(&self.key)
                    .arg("MINID")
                    .arg("~")
                    .arg(oldest_kept_ms(max_age, now))
                    .ignore();
                pipe.query_async::<Vec<Value>>(&mut conn)
                    .await
                    .map(|replies| replies.into_iter().next().unwrap_or(Value::Nil))
            }
        }
        .map_err(Error::Publish)?;
        bytes_of(reply)
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|text| StreamId::parse(&text))
            .ok_or(Error::Reply("XADD did not return an entry id"))
    }
}

/// When this process last trimmed by age, shared by its concurrent publishes.
#[derive(Debug, Default)]
struct TrimSchedule {
    /// Unix milliseconds of the last trim (0: never).
    last_ms: AtomicU64,
}

impl TrimSchedule {
    /// Whether a trim is due at `now`, `interval` after the last one; if so, this
    /// caller takes the turn (one of several concurrent callers does).
    fn due(&self, interval: Duration, now: SystemTime) -> bool {
        let now_ms = unix_ms(now);
        let interval = u64::try_from(interval.as_millis()).unwrap_or(u64::MAX);
        let last = self.last_ms.load(Ordering::Relaxed);
        now_ms.saturating_sub(last) >= interval
            && self
                .last_ms
                .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}

/// How often a process trims by age: a 64th of the age bound, at most once a second.
pub(crate) fn trim_interval(max_age: Duration) -> Duration {
    (max_age / 64).min(Duration::from_secs(1))
}

fn unix_ms(at: SystemTime) -> u64 {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

/// The smallest entry time (Unix milliseconds) still within `max_age` at `now`.
fn oldest_kept_ms(max_age: Duration, now: SystemTime) -> u64 {
    let now = now.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    let oldest = now.saturating_sub(max_age);
    u64::try_from(oldest.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_by_age_are_spaced_out() {
        assert_eq!(
            trim_interval(Duration::from_secs(300)),
            Duration::from_secs(1)
        );
        assert_eq!(
            trim_interval(Duration::from_millis(640)),
            Duration::from_millis(10)
        );
        assert_eq!(trim_interval(Duration::ZERO), Duration::ZERO);

        let schedule = TrimSchedule::default();
        let at = |ms| UNIX_EPOCH + Duration::from_millis(ms);
        let second = Duration::from_secs(1);
        assert!(schedule.due(second, at(10_000)), "the first publish trims");
        assert!(
            !schedule.due(second, at(10_000)),
            "a concurrent one does not"
        );
        assert!(!schedule.due(second, at(10_999)));
        assert!(schedule.due(second, at(11_000)));
        assert!(!schedule.due(second, at(5_000)), "a clock going back waits");
    }

    #[test]
    fn oldest_kept_is_now_minus_age_floored_at_zero() {
        let now = UNIX_EPOCH + Duration::from_millis(10_000);
        assert_eq!(oldest_kept_ms(Duration::from_secs(3), now), 7_000);
        assert_eq!(oldest_kept_ms(Duration::from_secs(30), now), 0);
        assert_eq!(oldest_kept_ms(Duration::MAX, now), 0);
    }
}
