//! The reader: loads what the stream keeps into the local hub at start-up, then follows
//! the stream with blocking reads on its own connection, reconnecting with backoff and
//! resuming after the last entry it read.

use core::fmt;
use core::time::Duration;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, RedisError, Value};
use sse_core::hub::{Hub, PublishError, Stamp};

use crate::entry::{RawEntry, ReplyError, bytes_of, parse_range, parse_read};
use crate::id::StreamId;
use crate::options::RedisOptions;
use crate::status::ReaderState;

/// A read that failed: Redis reported an error (or was lost), or answered nonsense.
#[derive(Debug)]
pub(crate) enum ReadError {
    Redis(RedisError),
    Reply(ReplyError),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Redis(e) => fmt::Display::fmt(e, f),
            ReadError::Reply(e) => write!(f, "unexpected reply from Redis: {e}"),
        }
    }
}

impl From<RedisError> for ReadError {
    fn from(e: RedisError) -> Self {
        ReadError::Redis(e)
    }
}

impl From<ReplyError> for ReadError {
    fn from(e: ReplyError) -> Self {
        ReadError::Reply(e)
    }
}

/// What the reader was doing when an error came (see [`ReaderError::during`](crate::ReaderError::during)).
const READING: &str = "reading the stream";
const RECONNECTING: &str = "reconnecting";
const CATCHING_UP: &str = "catching up after reconnecting";
const INGESTING: &str = "ingesting an entry";

/// How the reader reads and retries.
#[derive(Debug, Clone)]
struct Settings {
    key: String,
    max_len: usize,
    block: Duration,
    batch: usize,
    connection: AsyncConnectionConfig,
    backoff_min: Duration,
    backoff_max: Duration,
}

/// Follows one stream into one hub.
#[derive(Debug)]
pub(crate) struct Reader {
    client: redis::Client,
    hub: Hub,
    settings: Settings,
    /// The newest entry ingested (or the point before the stream's first entry).
    last: Option<StreamId>,
    state: Arc<ReaderState>,
}

impl Reader {
    pub(crate) fn new(client: redis::Client, options: &RedisOptions, hub: Hub) -> Reader {
        // A blocking read legitimately takes `block`; only silence beyond that (plus
        // the usual response time) means the connection is dead.
        let connection = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(options.connect_timeout))
            .set_response_timeout(Some(options.block + options.response_timeout));
        Reader {
            client,
            hub,
            settings: Settings {
                key: options.stream_key.clone(),
                max_len: options.max_len,
                block: options.block,
                batch: options.read_batch,
                connection,
                backoff_min: options.backoff_min,
                backoff_max: options.backoff_max,
            },
            last: None,
            state: Arc::default(),
        }
    }

    pub(crate) fn state(&self) -> Arc<ReaderState> {
        self.state.clone()
    }

    /// A new dedicated connection.
    pub(crate) async fn open(&self) -> Result<MultiplexedConnection, RedisError> {
        self.client
            .get_multiplexed_async_connection_with_config(&self.settings.connection)
            .await
    }

    /// At start-up: ingests the newest `max_len` entries (the window's worth), and marks
    /// what came before them as trimmed, so the window answers a `Last-Event-ID` as the
    /// stream would.
    pub(crate) async fn load(&mut self, conn: &mut MultiplexedConnection) -> Result<(), ReadError> {
        // One more than the window holds: the window evicts it at once, which records
        // exactly where its history starts (as a window that had lived through it).
        let count = self.settings.max_len.saturating_add(1);
        let reply: Value = redis::cmd("XREVRANGE")
            .arg(&self.settings.key)
            .arg("+")
            .arg("-")
            .arg("COUNT")
            .arg(count)
            .query_async(conn)
            .await?;
        let mut entries = parse_range(reply)?;
        entries.reverse();
        if entries.len() < count {
            // The whole stream: whatever came before its first entry is gone.
            let trimmed = match entries.first() {
                Some(first) => first.id.predecessor(),
                None => self.last_generated_id(conn).await?,
            };
            if let Some(trimmed) = trimmed.filter(|&t| t > StreamId::ZERO) {
                self.hub.mark_trimmed(trimmed.position());
                self.advance_to(trimmed);
            }
        }
        self.ingest(entries);
        self.state.set_connected(true);
        Ok(())
    }

    /// After reconnecting: if entries after the last one read were trimmed while the
    /// reader was away, no resume may cross that gap.
    async fn catch_up(&mut self, conn: &mut MultiplexedConnection) -> Result<(), ReadError> {
        let Some(last) = self.last else {
            return Ok(());
        };
        let reply: Value = redis::cmd("XRANGE")
            .arg(&self.settings.key)
            .arg("-")
            .arg("+")
            .arg("COUNT")
            .arg(1)
            .query_async(conn)
            .await?;
        let trimmed = match parse_range(reply)?.first() {
            Some(first) => first.id.predecessor(),
            None => self.last_generated_id(conn).await?,
        };
        if let Some(trimmed) = trimmed.filter(|&t| t > last) {
            self.state.gap();
            self.hub.mark_trimmed(trimmed.position());
            self.advance_to(trimmed);
        }
        Ok(())
    }

    /// The stream's `last-generated-id` (kept even when every entry was trimmed), or
    /// `None` if there is no stream.
    async fn last_generated_id(
        &self,
        conn: &mut MultiplexedConnection,
    ) -> Result<Option<StreamId>, ReadError> {
        let exists: i64 = redis::cmd("EXISTS")
            .arg(&self.settings.key)
            .query_async(conn)
            .await?;
        if exists == 0 {
            return Ok(None);
        }
        let reply: Value = redis::cmd("XINFO")
            .arg("STREAM")
            .arg(&self.settings.key)
            .query_async(conn)
            .await?;
        let pairs: Vec<(Value, Value)> = match reply {
            Value::Map(map) => map,
            Value::Array(flat) => {
                let mut items = flat.into_iter();
                core::iter::from_fn(|| Some((items.next()?, items.next()?))).collect()
            }
            _ => return Err(ReplyError("XINFO STREAM is neither a map nor an array").into()),
        };
        let id = pairs
            .into_iter()
            .find(|(name, _)| bytes_of(name.clone()).as_deref() == Some(b"last-generated-id"))
            .and_then(|(_, value)| bytes_of(value))
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|text| StreamId::parse(&text))
            .ok_or(ReplyError("XINFO STREAM has no last-generated-id"))?;
        Ok(Some(id))
    }

    /// Follows the stream until the hub closes (or the task is aborted).
    pub(crate) async fn run(mut self, mut conn: MultiplexedConnection) {
        loop {
            match self.read_once(&mut conn).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(error) => {
                    self.state.set_connected(false);
                    self.state.failed(READING, &error);
                    #[cfg(feature = "tracing")]
                    tracing::warn!(
                        key = %self.settings.key,
                        %error,
                        "Redis stream read failed: reconnecting"
                    );
                    match self.reconnect().await {
                        Some(fresh) => conn = fresh,
                        None => return,
                    }
                }
            }
        }
    }

    /// One blocking read; `Ok(false)` once the hub is closed.
    async fn read_once(&mut self, conn: &mut MultiplexedConnection) -> Result<bool, ReadError> {
        let from = self.last.unwrap_or(StreamId::ZERO);
        let block_ms = u64::try_from(self.settings.block.as_millis()).unwrap_or(u64::MAX);
        let reply: Value = redis::cmd("XREAD")
            .arg("COUNT")
            .arg(self.settings.batch)
            .arg("BLOCK")
            .arg(block_ms)
            .arg("STREAMS")
            .arg(&self.settings.key)
            .arg(from.to_string())
            .query_async(conn)
            .await?;
        let entries = parse_read(reply)?;
        Ok(self.ingest(entries) && !self.hub.is_closed())
    }

    /// Waits (with growing, jittered delays) until a new connection is up and caught
    /// up; `None` if the hub closed meanwhile. Each failed attempt is recorded.
    async fn reconnect(&mut self) -> Option<MultiplexedConnection> {
        let mut delay = self.settings.backoff_min;
        let mut wait = jitter(delay);
        #[cfg(feature = "tracing")]
        let mut attempts: u32 = 0;
        loop {
            tokio::time::sleep(wait).await;
            if self.hub.is_closed() {
                return None;
            }
            #[cfg(feature = "tracing")]
            {
                attempts = attempts.saturating_add(1);
            }
            let (during, error) = match self.open().await {
                Err(error) => (RECONNECTING, ReadError::Redis(error)),
                Ok(mut conn) => match self.catch_up(&mut conn).await {
                    Err(error) => (CATCHING_UP, error),
                    Ok(()) => {
                        self.state.reconnected();
                        #[cfg(feature = "tracing")]
                        tracing::info!(
                            key = %self.settings.key,
                            attempts,
                            "Redis stream reader reconnected: reading on"
                        );
                        return Some(conn);
                    }
                },
            };
            delay = delay.saturating_mul(2).min(self.settings.backoff_max);
            wait = jitter(delay);
            self.state.failed(during, &error);
            #[cfg(feature = "tracing")]
            tracing::warn!(
                key = %self.settings.key,
                %error,
                attempts,
                retry_in_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "Redis stream reader failed {during}: trying again"
            );
        }
    }

    /// Hands entries newer than the last one to the hub; `false` once the hub is
    /// closed.
    fn ingest(&mut self, entries: Vec<RawEntry>) -> bool {
        let mut open = true;
        let now = SystemTime::now();
        for entry in entries {
            if self.last.is_some_and(|last| entry.id <= last) {
                continue; // read twice around a reconnection
            }
            self.last = Some(entry.id);
            let (topic, event) = match entry.decode() {
                Ok(decoded) => decoded,
                Err(error) => {
                    self.skip(entry.id, &error);
                    continue;
                }
            };
            let Some(id) = entry.id.event_id() else {
                self.skip(entry.id, &"its id is not an event id");
                continue;
            };
            let stamp = Stamp::new(entry.id.position(), id).with_age(age(entry.id, now));
            match self.hub.ingest(stamp, &topic, event) {
                Ok(()) => {}
                Err(PublishError::Closed) => {
                    open = false;
                    break;
                }
                Err(error) => self.skip(entry.id, &error),
            }
        }
        if let Some(last) = self.last {
            self.state.set_last(last);
        }
        open
    }

    /// Counts and records an entry not handed to the hub, and why.
    fn skip(&self, id: StreamId, error: &dyn fmt::Display) {
        self.state.skipped();
        self.state
            .failed(INGESTING, &format_args!("entry {id}: {error}"));
        #[cfg(feature = "tracing")]
        tracing::warn!(
            key = %self.settings.key,
            entry = %id,
            %error,
            "Redis stream reader skips an entry: reading on"
        );
    }

    fn advance_to(&mut self, id: StreamId) {
        if self.last.is_none_or(|last| last < id) {
            self.last = Some(id);
            self.state.set_last(id);
        }
    }
}

/// How long ago Redis added the entry (its id's milliseconds), by this machine's clock.
fn age(id: StreamId, now: SystemTime) -> Duration {
    let added = UNIX_EPOCH + Duration::from_millis(id.ms());
    now.duration_since(added).unwrap_or(Duration::ZERO)
}

/// Half to all of `delay`, at random.
fn jitter(delay: Duration) -> Duration {
    delay.mul_f64(0.5 + fastrand::f64() / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_half_to_all() {
        for _ in 0..1000 {
            let d = jitter(Duration::from_millis(100));
            assert!(d >= Duration::from_millis(50) && d <= Duration::from_millis(100));
        }
    }

    #[test]
    fn age_is_measured_from_the_id_time() {
        let now = UNIX_EPOCH + Duration::from_millis(10_000);
        assert_eq!(age(StreamId::new(7_000, 3), now), Duration::from_secs(3));
        assert_eq!(age(StreamId::new(12_000, 0), now), Duration::ZERO);
    }
}
