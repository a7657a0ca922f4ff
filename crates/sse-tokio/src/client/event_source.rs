//! [`EventSource`]: the reconnecting client as a `Stream`.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use sse_core::client::{ClientDriver, SourceOptions};
use sse_core::{EventId, ReadyState, SourceEvent, StopReason};

use super::connection::Http;
use super::request::{IntoSseRequest, client_request};
use super::{BuildError, HttpClient};

/// An `EventSource` client on hyper: a `Stream` of [`SourceEvent`]s that reconnects
/// by itself. Its `poll_next` is sse-core's [`ClientDriver`] (the drive loop,
/// redirects, the work cap per poll, timeouts) over hyper; the futures-io client in
/// `sse-async-std` is the same driver over trillium, with the same builder, items and
/// errors.
///
/// - Every attempt sends the same request (method, headers, body) plus
///   `Accept: text/event-stream`, `Cache-Control: no-cache` and, once an event had an
///   id, `Last-Event-ID`.
/// - Redirects (301, 302, 303, 307, 308) are followed as a browser does, up to
///   [`ClientConfig::max_redirects`](sse_core::ClientConfig::max_redirects) per attempt (20 by default): see
///   [`ClientDriver`'s rules](ClientDriver#redirects).
/// - Each attempt must get its response head within
///   [`ClientConfig::connect_timeout`](sse_core::ClientConfig::connect_timeout) (30 s by default), or it is retried like a
///   failed connection.
/// - Reconnection follows the server's `retry:` time, with exponential backoff and
///   jitter after failures, up to [`ClientConfig::max_retries`](sse_core::ClientConfig::max_retries); with
///   [`ClientConfig::idle_timeout`](sse_core::ClientConfig::idle_timeout) a connection silent for that long (no bytes, not
///   even a keep-alive comment) is replaced.
/// - It stops for good on 204 No Content, on a status other than 200 (5xx and 429
///   are retried instead with [`ClientConfig::reconnect_on_server_error`](sse_core::ClientConfig::reconnect_on_server_error)), on a 200
///   that is not `text/event-stream`, and on input that breaks the decoder's limits:
///   the stream then yields `Err(`[`StopReason`]`)`, saying what was wrong, and ends.
/// - [`close`](Self::close) (or dropping it) ends it; the stream then ends without an
///   error.
///
/// ```no_run
/// use futures_util::StreamExt;
/// use sse_tokio::client::{EventSource, SourceEvent};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let mut events = EventSource::new("http://127.0.0.1:3000/events")?;
/// while let Some(item) = events.next().await {
///     match item? {
///         SourceEvent::Open => println!("open"),
///         SourceEvent::Message(event) => println!("{}: {}", event.event_type(), event.data()),
///         SourceEvent::Reconnecting { delay, cause, .. } => println!("{cause}; retry in {delay:?}"),
///         _ => {}
///     }
/// }
/// # Ok(()) }
/// ```
pub struct EventSource {
    driver: ClientDriver,
    http: Http,
}

impl fmt::Debug for EventSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSource")
            .field("url", &self.driver.request().url().as_str())
            .field("ready_state", &self.ready_state())
            .field("last_event_id", self.last_event_id())
            .finish_non_exhaustive()
    }
}

impl EventSource {
    /// An event source for `target` (a URL, or a whole request) with the default
    /// [`ClientConfig`](sse_core::ClientConfig) and its own [`HttpClient`].
    pub fn new(target: impl IntoSseRequest) -> Result<Self, BuildError> {
        EventSource::builder(target).build()
    }

    /// A builder, to set the config, share an [`HttpClient`], or resume from an id.
    pub fn builder(target: impl IntoSseRequest) -> EventSourceBuilder {
        EventSourceBuilder {
            request: target.into_sse_request(),
            client: None,
            options: SourceOptions::default(),
        }
    }

    /// `CONNECTING`, `OPEN` or `CLOSED`, as the browser's `readyState`.
    pub fn ready_state(&self) -> ReadyState {
        self.driver.machine().ready_state()
    }

    /// The last event id, which the next connection sends as `Last-Event-ID`.
    pub fn last_event_id(&self) -> &EventId {
        self.driver.machine().last_event_id()
    }

    /// The reconnection time now in force (the server's last `retry:`, or the
    /// configured initial one).
    pub fn reconnection_time(&self) -> Duration {
        self.driver.machine().reconnection_time()
    }

    /// Closes the connection and stops: events not yet polled are discarded, and the
    /// stream ends (without an error).
    pub fn close(&mut self) {
        self.driver.close(&mut self.http);
        self.http.stop_timer();
    }
}

impl Stream for EventSource {
    type Item = Result<SourceEvent, StopReason>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        this.driver.poll_next(&mut this.http, cx)
    }
}

/// Settings of an [`EventSource`]; made by [`EventSource::builder`].
#[derive(Debug)]
#[must_use = "call build() to get the event source"]
pub struct EventSourceBuilder {
    request: Result<http::Request<bytes::Bytes>, BuildError>,
    client: Option<HttpClient>,
    /// Everything but the request and the HTTP client, as on every runtime.
    options: SourceOptions,
}

impl EventSourceBuilder {
    sse_core::source_builder_setters!();

    /// Sends requests through `client` (sharing its connection pool) instead of a
    /// client of its own.
    pub fn client(mut self, client: HttpClient) -> Self {
        self.client = Some(client);
        self
    }

    /// The request method (default: the request's, `GET` for a URL).
    pub fn method(mut self, method: http::Method) -> Self {
        self.options = self.options.method(method.as_str());
        self
    }

    /// The event source. It connects when first polled. Fails on a URL this client
    /// cannot request, or an invalid method or header.
    pub fn build(self) -> Result<EventSource, BuildError> {
        let request = client_request(self.request?)?;
        let now = tokio::time::Instant::now().into_std();
        let driver = self.options.driver(request, now, || fastrand::u64(..))?;
        let client = match self.client {
            Some(client) => client,
            None => HttpClient::new()?,
        };
        Ok(EventSource {
            driver,
            http: Http::new(client),
        })
    }
}
