//! The `EventSource` client: reconnection with backoff, `Last-Event-ID` resume, idle
//! timeout, typed errors, `204` handling — core's [`ClientMachine`](sse_core::ClientMachine) driven over
//! [trillium-client](trillium_client) on any futures-io runtime.
//!
//! sse-core's [`ClientDriver`] decides everything (when to connect, what a response
//! means, which redirects to follow, how long to wait, what to deliver, when to
//! yield to the executor); this module only does its I/O: it sends each request
//! through a [`trillium_client::Client`], reports the response head, the body's
//! bytes and its end or failure, and sleeps on an `async-io` timer. The tokio client
//! in `sse-tokio` is the same driver over hyper, with the same builder, items and
//! errors.
//!
//! The runtime is the connector's: `trillium_smol::ClientConfig` on smol,
//! `trillium_async_std::ClientConfig` on async-std. TLS is the connector's too:
//! wrap it in `trillium_rustls::RustlsConfig` (or another trillium TLS connector)
//! for `https:` URLs; this crate adds no TLS dependency of its own. Redirects are
//! followed as a browser's `EventSource` follows them (see
//! [`ClientDriver`'s rules](ClientDriver#redirects)), and each attempt must get its
//! response head within [`ClientConfig::connect_timeout`](sse_core::ClientConfig::connect_timeout) (30 s by default).
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

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_core::Stream;
use sse_core::client::{ClientDriver, ClientRequest, RequestError, SourceOptions};
use sse_core::{EventId, ReadyState, StopReason};
use trillium_client::{Client, Method, Url};
use trillium_server_common::Connector;

use self::connection::Http;
pub use self::error::BuildError;
pub use sse_core::SourceEvent;
pub use sse_core::client::TooManyRedirects;

/// A reconnecting Server-Sent Events client: a [`Stream`] of [`SourceEvent`]s that
/// ends with `Err(`[`StopReason`]`)` when the server or the stream makes it stop for
/// good (`204 No Content`, a status other than 200, a content type other than
/// `text/event-stream`, retries exhausted, a stream over the decoder's limits), or
/// with `None` after [`close`](Self::close).
///
/// Nothing happens until the stream is polled; polling is cancel-safe (dropping a
/// pending `next()` loses nothing), and one poll does a bounded amount of work, so a
/// server that sends only comments cannot hog an executor thread. See the
/// [module docs](self) for an example.
#[derive(Debug)]
pub struct EventSource {
    driver: ClientDriver,
    http: Http,
    url: Url,
}

impl EventSource {
    /// A client for `url` with the default [`ClientConfig`](sse_core::ClientConfig), connecting through
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
            options: SourceOptions::default(),
        }
    }

    /// The next item; `None` once the stream has ended (the same as
    /// `StreamExt::next`, without importing a trait).
    pub async fn next_item(&mut self) -> Option<Result<SourceEvent, StopReason>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// Stops: drops any connection; the stream ends (with `None`) at its next poll.
    pub fn close(&mut self) {
        self.driver.close(&mut self.http);
    }

    /// `Connecting`, `Open` or `Closed`, as the browser's `readyState`.
    pub fn ready_state(&self) -> ReadyState {
        self.driver.machine().ready_state()
    }

    /// The last event ID: what the next connection sends as `Last-Event-ID`.
    pub fn last_event_id(&self) -> &EventId {
        self.driver.machine().last_event_id()
    }

    /// The current reconnection time (the server's last `retry`, or the configured
    /// initial one).
    pub fn reconnection_time(&self) -> Duration {
        self.driver.machine().reconnection_time()
    }

    /// The URL the client connects to.
    pub fn url(&self) -> &Url {
        &self.url
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<SourceEvent, StopReason>>> {
        self.driver.poll_next(&mut self.http, cx)
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
    /// Everything but the URL and the HTTP client, as on every runtime.
    options: SourceOptions,
}

impl EventSourceBuilder {
    sse_core::source_builder_setters!();

    /// The request method (default `GET`).
    pub fn method(mut self, method: Method) -> Self {
        self.options = self.options.method(method.as_ref());
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
        let request =
            ClientRequest::from_url(url.clone()).map_err(|error| invalid_url(error.to_string()))?;
        let driver = self
            .options
            .driver(request, Instant::now(), || fastrand::u64(..))
            .map_err(|error| match error {
                RequestError::InvalidHeader(name) => BuildError::InvalidHeader { name },
                other => invalid_url(other.to_string()),
            })?;
        Ok(EventSource {
            driver,
            http: Http::new(self.client),
            url,
        })
    }
}
