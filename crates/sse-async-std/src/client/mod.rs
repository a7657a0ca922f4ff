//! The `EventSource` client: reconnection with backoff, `Last-Event-ID` resume, idle
//! timeout, typed errors, `204` handling — core's [`ClientMachine`] driven over
//! [trillium-client](trillium_client) on any futures-io runtime.
//!
//! The machine decides everything (when to connect, what a response means, how long
//! to wait, what to deliver); this module only performs its actions: it makes the
//! request through a [`trillium_client::Client`], feeds the response, the body's bytes
//! and its end or failure back, and sleeps on an `async-io` timer until the
//! machine's next deadline.
//!
//! The runtime is the connector's: `trillium_smol::ClientConfig` on smol,
//! `trillium_async_std::ClientConfig` on async-std. TLS is the connector's too:
//! wrap it in `trillium_rustls::RustlsConfig` (or another trillium TLS connector)
//! for `https:` URLs; this crate adds no TLS dependency of its own. Redirects are not
//! followed (a 3xx stops the client, as any status other than 200).
//!
//! ```no_run
//! use futures_lite::StreamExt;
//! use sse_async_std::client::{EventSource, SourceEvent};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! smol::block_on(async {
//!     let connector = trillium_smol::ClientConfig::default();
//!     let mut source = EventSource::new(connector, "http://127.0.0.1:8080/events")?;
//!     while let Some(item) = source.next().await {
//!         match item? {
//!             SourceEvent::Message(event) => println!("{}: {}", event.event_type(), event.data()),
//!             SourceEvent::Open | SourceEvent::Reconnecting { .. } => {}
//!             _ => {}
//!         }
//!     }
//!     Ok(())
//! })
//! # }
//! ```

mod connection;
mod error;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_core::Stream;
use sse_core::http::{LAST_EVENT_ID, REQUEST_HEADERS};
use sse_core::{Action, ClientConfig, ClientMachine, EventId, ReadyState, StopReason};
use trillium_client::{Client, HeaderName, HeaderValue, Url};
use trillium_server_common::Connector;

use self::connection::Connection;
pub use self::error::{BuildError, SourceEvent};

/// A reconnecting Server-Sent Events client: a [`Stream`] of [`SourceEvent`]s that
/// ends with `Err(`[`StopReason`]`)` when the server or the stream makes it stop for
/// good (`204 No Content`, a status other than 200, a content type other than
/// `text/event-stream`, retries exhausted, a stream over the decoder's limits), or
/// with `None` after [`close`](Self::close).
///
/// Nothing happens until the stream is polled; polling is cancel-safe (dropping a
/// pending `next()` loses nothing). See the [module docs](self) for an example.
#[derive(Debug)]
pub struct EventSource {
    client: Client,
    url: Url,
    headers: Vec<(HeaderName<'static>, HeaderValue)>,
    machine: ClientMachine,
    connection: Connection,
    timer: async_io::Timer,
    armed: Option<Instant>,
    finished: bool,
}

impl EventSource {
    /// A client for `url` with the default [`ClientConfig`], connecting through
    /// `connector` (which picks the runtime and, optionally, TLS).
    pub fn new(connector: impl Connector, url: &str) -> Result<EventSource, BuildError> {
        EventSource::builder(Client::new(connector), url).build()
    }

    /// Starts a builder from a trillium client (its connector and default headers are
    /// used; connection reuse is turned off, since a stream holds its connection).
    pub fn builder(client: Client, url: &str) -> EventSourceBuilder {
        EventSourceBuilder {
            client,
            url: url.to_owned(),
            config: ClientConfig::default(),
            headers: Vec::new(),
            last_event_id: None,
            seed: None,
        }
    }

    /// The next item; `None` once the stream has ended (the same as
    /// `StreamExt::next`, without importing a trait).
    pub async fn next_item(&mut self) -> Option<Result<SourceEvent, StopReason>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// Stops: drops any connection; the stream ends (with `None`) at its next poll.
    pub fn close(&mut self) {
        self.machine.close();
        self.connection = Connection::Idle;
    }

    /// `Connecting`, `Open` or `Closed`, as the browser's `readyState`.
    pub fn ready_state(&self) -> ReadyState {
        self.machine.ready_state()
    }

    /// The last event ID: what the next connection sends as `Last-Event-ID`.
    pub fn last_event_id(&self) -> &EventId {
        self.machine.last_event_id()
    }

    /// The current reconnection time (the server's last `retry`, or the configured
    /// initial one).
    pub fn reconnection_time(&self) -> Duration {
        self.machine.reconnection_time()
    }

    /// The URL the client connects to.
    pub fn url(&self) -> &Url {
        &self.url
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<SourceEvent, StopReason>>> {
        loop {
            if let Some(action) = self.machine.poll_action() {
                if let Some(item) = self.perform(action) {
                    return Poll::Ready(item);
                }
                continue;
            }
            if self.finished {
                return Poll::Ready(None);
            }
            if self.connection.poll_feed(cx, &mut self.machine).is_ready() {
                continue;
            }
            if self.poll_deadline(cx).is_ready() {
                continue;
            }
            return Poll::Pending;
        }
    }

    /// Carries out one action of the machine; returns what the stream yields for it,
    /// if anything.
    fn perform(&mut self, action: Action) -> Option<Option<Result<SourceEvent, StopReason>>> {
        match action {
            Action::Connect { last_event_id } => {
                self.connection = Connection::request(self.request(last_event_id));
                None
            }
            Action::Open => Some(Some(Ok(SourceEvent::Open))),
            Action::Event(event) => Some(Some(Ok(SourceEvent::Message(event)))),
            Action::Reconnecting {
                delay,
                attempt,
                cause,
            } => {
                self.connection = Connection::Idle;
                Some(Some(Ok(SourceEvent::Reconnecting {
                    delay,
                    attempt,
                    cause,
                })))
            }
            Action::Stopped(reason) => {
                self.connection = Connection::Idle;
                self.finished = true;
                match reason {
                    StopReason::Closed => Some(None),
                    reason => Some(Some(Err(reason))),
                }
            }
            _ => None,
        }
    }

    /// The GET request of one attempt: the standard headers, `Last-Event-ID` when
    /// resuming, then the caller's extra headers.
    fn request(&self, last_event_id: Option<EventId>) -> trillium_client::Conn {
        let mut conn = self.client.get(self.url.clone());
        for (name, value) in REQUEST_HEADERS {
            conn = conn.with_request_header(name, value);
        }
        if let Some(id) = last_event_id {
            conn = conn.with_request_header(LAST_EVENT_ID, id.as_str().to_owned());
        }
        for (name, value) in &self.headers {
            conn = conn.with_request_header(name.clone(), value.clone());
        }
        conn
    }

    /// Sleeps until the machine's next deadline (reconnection, idle timeout); when it
    /// has passed, lets the machine act on it and returns `Ready`.
    fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(deadline) = self.machine.poll_timeout() else {
            return Poll::Pending;
        };
        if self.armed != Some(deadline) {
            self.timer.set_at(deadline);
            self.armed = Some(deadline);
        }
        std::task::ready!(Pin::new(&mut self.timer).poll(cx));
        self.armed = None;
        self.machine.handle_timeout(Instant::now());
        Poll::Ready(())
    }
}

impl Stream for EventSource {
    type Item = Result<SourceEvent, StopReason>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

/// Configures an [`EventSource`]: reconnection settings, extra request headers, a
/// starting `Last-Event-ID`.
#[derive(Debug)]
#[must_use = "call build() to get the event source"]
pub struct EventSourceBuilder {
    client: Client,
    url: String,
    config: ClientConfig,
    headers: Vec<(String, String)>,
    last_event_id: Option<EventId>,
    seed: Option<u64>,
}

impl EventSourceBuilder {
    /// Reconnection settings: initial retry, backoff bounds, retries, idle timeout,
    /// server-error retries, decoder limits (see [`ClientConfig`]).
    pub fn config(mut self, config: ClientConfig) -> Self {
        self.config = config;
        self
    }

    /// Sends this header with every request (say, `authorization`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Resumes from `id`: the first request already sends it as `Last-Event-ID`.
    pub fn last_event_id(mut self, id: EventId) -> Self {
        self.last_event_id = Some(id);
        self
    }

    /// Seeds the jitter of reconnection delays (default: random), for reproducible
    /// runs.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The client; fails on a URL that is not `http:`/`https:` or an invalid header.
    pub fn build(self) -> Result<EventSource, BuildError> {
        let invalid_url = |reason: String| BuildError::InvalidUrl {
            url: self.url.clone(),
            reason,
        };
        let url = self
            .client
            .build_url(self.url.as_str())
            .map_err(|error| invalid_url(error.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid_url(format!(
                "scheme {:?} is not http or https",
                url.scheme()
            )));
        }
        let headers = self
            .headers
            .into_iter()
            .map(|(name, value)| {
                let header_name = HeaderName::from(name.clone());
                let header_value = HeaderValue::from(value);
                if header_name.is_valid() && header_value.is_valid() {
                    Ok((header_name, header_value))
                } else {
                    Err(BuildError::InvalidHeader { name })
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let seed = self.seed.unwrap_or_else(|| fastrand::u64(..));
        let mut machine = ClientMachine::new(self.config, Instant::now(), seed);
        if let Some(id) = self.last_event_id {
            machine = machine.with_last_event_id(id);
        }
        Ok(EventSource {
            client: self.client.without_keepalive(),
            url,
            headers,
            machine,
            connection: Connection::Idle,
            timer: async_io::Timer::never(),
            armed: None,
            finished: false,
        })
    }
}
