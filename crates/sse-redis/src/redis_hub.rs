//! [`RedisHub`]: a local hub fed by a Redis stream, and the publisher that appends to
//! it.

use core::fmt;
use core::time::Duration;
use std::sync::Arc;

use sse_core::hub::{Hub, Topic};
use sse_core::{Event, EventId};
use tokio::task::JoinHandle;

use crate::error::Error;
use crate::id::StreamIds;
use crate::options::RedisOptions;
use crate::publisher::Publisher;
use crate::reader::{ReadError, Reader};
use crate::status::{ReaderState, ReaderStatus};

/// One process's view of a hub shared through a Redis stream: a local [`Hub`] that
/// adapters serve, fed by a reader task that follows the stream, and
/// [`publish`](Self::publish), which appends to the stream.
///
/// Needs a Tokio runtime (the reader is a Tokio task). Dropping it (or
/// [`close`](Self::close)) stops the reader and closes the local hub, so its
/// subscribers end cleanly and their clients reconnect (to another process, say).
///
/// ```no_run
/// use sse_core::Event;
/// use sse_core::hub::{Topic, TopicFilter};
/// use sse_redis::{RedisHub, RedisOptions};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let redis = RedisHub::connect("redis://127.0.0.1:6379/", RedisOptions::new()).await?;
/// // Serve `redis.hub()` with any adapter, exactly like an in-memory hub:
/// let hub = redis.hub().clone();
/// let sub = hub.subscribe_from(TopicFilter::all(), None)?;
///
/// // Publish from any process sharing the stream:
/// let id = redis.publish(&Topic::new("news")?, Event::new("hello")).await?;
/// println!("appended as {id}");
/// # drop(sub);
/// # Ok(())
/// # }
/// ```
pub struct RedisHub {
    hub: Hub,
    publisher: Publisher,
    state: Arc<ReaderState>,
    reader: JoinHandle<()>,
}

impl RedisHub {
    /// Connects to Redis at `url` (`redis://[:password@]host:port/db`), loads what the
    /// stream keeps into a new local hub, and starts following the stream.
    ///
    /// Returns once the local window holds the stream's retained events, so a
    /// `Last-Event-ID` is answered at once. Fails with [`Error::Connect`] if Redis
    /// cannot be reached (after `connect_timeout`), [`Error::Stream`] if the key holds
    /// something else than a stream, [`Error::Url`] for a bad URL.
    pub async fn connect(url: &str, options: RedisOptions) -> Result<RedisHub, Error> {
        let client = redis::Client::open(url).map_err(Error::Url)?;
        let address = client.get_connection_info().addr().to_string();
        let connect_error = |source| Error::Connect {
            address: address.clone(),
            source,
        };
        let hub = options
            .hub
            .clone()
            .window_count(options.max_len)
            .window_age(options.max_age.unwrap_or(Duration::MAX))
            .store(Arc::new(StreamIds))
            .build();
        let mut reader = Reader::new(client.clone(), &options, hub.clone());
        let mut conn = reader.open().await.map_err(connect_error)?;
        reader.load(&mut conn).await.map_err(|e| match e {
            ReadError::Redis(source) => Error::Stream {
                key: options.stream_key.clone(),
                source,
            },
            ReadError::Reply(e) => Error::Reply(e.0),
        })?;
        let publisher = Publisher::connect(client, &options)
            .await
            .map_err(connect_error)?;
        let state = reader.state();
        let reader = tokio::spawn(reader.run(conn));
        Ok(RedisHub {
            hub,
            publisher,
            state,
            reader,
        })
    }

    /// The local hub: serve it with any adapter (`hub.subscribe_from(filter,
    /// last_event_id)`), clone it freely. Its ids are the stream's entry ids. Its
    /// [`Hub::publish`] fails (`PublishError::Store`): publish with
    /// [`RedisHub::publish`], so that every process gets the event.
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// Appends `event` on `topic` to the stream (trimming it to the bounds) and returns
    /// its id, the entry id Redis gave it, once Redis acknowledged it. Every process's
    /// reader, this one's included, then delivers it to its local subscribers.
    ///
    /// Any id the event carries is ignored. Fails with [`Error::Publish`] if Redis does
    /// not acknowledge within the response timeout (it is lost, or restarting; while
    /// the connection is being re-established, after at most three connection
    /// attempts): the event was not published. Nothing is queued or retried behind the caller's back;
    /// the connection is re-established in the background after such an error, so a
    /// later publish succeeds once Redis is back (the first one after an outage may
    /// still fail on the broken connection).
    pub async fn publish(&self, topic: &Topic, event: Event) -> Result<EventId, Error> {
        if self.hub.is_closed() {
            return Err(Error::Closed);
        }
        let id = self.publisher.append(topic, &event).await?;
        id.event_id()
            .ok_or(Error::Reply("XADD returned an id that is not an event id"))
    }

    /// What the reader is doing: connected or not, the last id it read, reconnections,
    /// gaps and skipped entries.
    pub fn reader_status(&self) -> ReaderStatus {
        self.state.snapshot()
    }

    /// Stops the reader and closes the local hub (its subscribers end after the events
    /// they have). Publishing fails from now on. Closing twice does nothing.
    pub fn close(&self) {
        self.reader.abort();
        self.hub.close();
    }
}

impl Drop for RedisHub {
    fn drop(&mut self) {
        self.close();
    }
}

impl fmt::Debug for RedisHub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisHub")
            .field("hub", &self.hub)
            .field("publisher", &self.publisher)
            .field("reader", &self.state.snapshot())
            .finish()
    }
}
