//! Appending events to the stream: `XADD` bounded by length, then `XTRIM` by age, in
//! one round trip, on a connection that reconnects by itself.

use core::time::Duration;
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
        let reply: Value = match self.max_age {
            None => xadd.query_async(&mut conn).await,
            Some(max_age) => {
                let mut pipe = redis::pipe();
                pipe.add_command(xadd)
                    .cmd("XTRIM")
                    .arg(&self.key)
                    .arg("MINID")
                    .arg("~")
                    .arg(oldest_kept_ms(max_age, SystemTime::now()))
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
    fn oldest_kept_is_now_minus_age_floored_at_zero() {
        let now = UNIX_EPOCH + Duration::from_millis(10_000);
        assert_eq!(oldest_kept_ms(Duration::from_secs(3), now), 7_000);
        assert_eq!(oldest_kept_ms(Duration::from_secs(30), now), 0);
        assert_eq!(oldest_kept_ms(Duration::MAX, now), 0);
    }
}
