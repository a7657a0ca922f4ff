//! [`ClientConfig`]: reconnection policy, timeouts and decoder limits.

use core::time::Duration;

use crate::decode::Limits;

/// How a [`ClientMachine`](super::ClientMachine) reconnects.
///
/// Every setting has a default (see the associated constants); the setters consume
/// and return the config, builder style.
///
/// ```
/// use std::time::Duration;
/// use sse_core::ClientConfig;
///
/// let config = ClientConfig::default()
///     .initial_retry(Duration::from_secs(1))
///     .max_retries(Some(10))
///     .idle_timeout(Some(Duration::from_secs(45)))
///     .connect_timeout(Some(Duration::from_secs(10)))
///     .reconnect_on_server_error(true);
/// # let _ = config;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    pub(super) initial_retry: Duration,
    pub(super) min_delay: Duration,
    pub(super) max_delay: Duration,
    pub(super) max_retries: Option<u32>,
    pub(super) idle_timeout: Option<Duration>,
    pub(super) connect_timeout: Option<Duration>,
    pub(super) max_redirects: u8,
    pub(super) reconnect_on_server_error: bool,
    pub(super) limits: Limits,
}

impl ClientConfig {
    /// Default [`initial_retry`](Self::initial_retry): 3 s, what browsers use.
    pub const DEFAULT_INITIAL_RETRY: Duration = Duration::from_secs(3);
    /// Default [`min_delay`](Self::min_delay): 250 ms.
    pub const DEFAULT_MIN_DELAY: Duration = Duration::from_millis(250);
    /// Default [`max_delay`](Self::max_delay): 60 s.
    pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(60);
    /// Default [`connect_timeout`](Self::connect_timeout): 30 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default [`max_redirects`](Self::max_redirects): 20, fetch's limit.
    pub const DEFAULT_MAX_REDIRECTS: u8 = 20;

    /// The reconnection time used until the server sends a `retry` field (default
    /// [`DEFAULT_INITIAL_RETRY`](Self::DEFAULT_INITIAL_RETRY)).
    pub fn initial_retry(mut self, delay: Duration) -> Self {
        self.initial_retry = delay;
        self
    }

    /// The floor of every reconnection delay (default
    /// [`DEFAULT_MIN_DELAY`](Self::DEFAULT_MIN_DELAY)), so that neither a server's
    /// `retry: 0` nor a network that fails at once can make the client reconnect in a
    /// hot loop.
    pub fn min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = delay;
        self
    }

    /// The ceiling of every reconnection delay (default
    /// [`DEFAULT_MAX_DELAY`](Self::DEFAULT_MAX_DELAY)): exponential backoff stops
    /// growing here, and a server's `retry` above it is cut down to it. A ceiling
    /// below [`min_delay`](Self::min_delay) is raised to it.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// How many consecutive reconnection attempts may fail to reach `Open` before the
    /// machine stops with [`StopReason::RetriesExhausted`](super::StopReason::RetriesExhausted)
    /// (default `None`: retry forever). `Some(0)` never reconnects.
    pub fn max_retries(mut self, retries: Option<u32>) -> Self {
        self.max_retries = retries;
        self
    }

    /// How long a connection may go without any sign of life (the response, or any
    /// bytes: data or keep-alive comments) before it counts as dead and is replaced
    /// (default `None`: wait forever). Set it above the server's keep-alive interval.
    /// An idle timeout counts as a failed attempt for backoff.
    pub fn idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// How long an attempt may take to get its response head (default
    /// [`DEFAULT_CONNECT_TIMEOUT`](Self::DEFAULT_CONNECT_TIMEOUT); `None`: wait
    /// forever).
    ///
    /// One setting covers the whole way to the head: DNS, the TCP connect, any TLS
    /// handshake, sending the request, the server's answer, and every redirect of
    /// the attempt. A single deadline is what the caller cares about ("is this server
    /// answering?"), and the steps under it differ between HTTP libraries (a pooled
    /// connection skips the connect). On expiry the attempt counts as failed
    /// ([`Disconnect::ConnectTimeout`](super::Disconnect::ConnectTimeout)): the
    /// client backs off and retries, so [`max_retries`](Self::max_retries) ends it.
    /// Once the stream is open, [`idle_timeout`](Self::idle_timeout) applies instead.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Most redirects followed in one connection attempt (default
    /// [`DEFAULT_MAX_REDIRECTS`](Self::DEFAULT_MAX_REDIRECTS)); one more fails the
    /// attempt with a [`TooManyRedirects`](super::TooManyRedirects) transport error.
    /// `0` follows none. Only clients driven by a [`ClientDriver`](super::ClientDriver)
    /// follow redirects (see [its rules](super::ClientDriver#redirects)).
    pub fn max_redirects(mut self, redirects: u8) -> Self {
        self.max_redirects = redirects;
        self
    }

    /// What a status other than 200 and 204 does (default `false`).
    ///
    /// - `false`, the spec's behaviour: any such status fails the connection for good
    ///   ([`StopReason::BadStatus`](super::StopReason::BadStatus)).
    /// - `true`: 5xx and 429 Too Many Requests, which servers answer while restarting
    ///   or overloaded, are retried with exponential backoff like a network failure
    ///   ([`Disconnect::ServerError`](super::Disconnect::ServerError)); other statuses
    ///   still stop the machine.
    pub fn reconnect_on_server_error(mut self, reconnect: bool) -> Self {
        self.reconnect_on_server_error = reconnect;
        self
    }

    /// The decoder's memory limits (default [`Limits::default`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            initial_retry: Self::DEFAULT_INITIAL_RETRY,
            min_delay: Self::DEFAULT_MIN_DELAY,
            max_delay: Self::DEFAULT_MAX_DELAY,
            max_retries: None,
            idle_timeout: None,
            connect_timeout: Some(Self::DEFAULT_CONNECT_TIMEOUT),
            max_redirects: Self::DEFAULT_MAX_REDIRECTS,
            reconnect_on_server_error: false,
            limits: Limits::default(),
        }
    }
}
