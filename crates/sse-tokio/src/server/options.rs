//! The server's settings.

use std::time::Duration;

/// How a [`Server`](super::Server) treats its connections. The defaults suit
/// long-lived event streams next to short requests:
///
/// | setting | default |
/// |---|---|
/// | [`header_timeout`](Self::header_timeout) | 10 s |
/// | [`body_timeout`](Self::body_timeout) | 30 s |
/// | [`idle_timeout`](Self::idle_timeout) | 60 s |
/// | [`write_timeout`](Self::write_timeout) | 30 s |
/// | [`max_connections`](Self::max_connections) | none |
/// | [`h2c`](Self::h2c) | off |
/// | [`max_buf_size`](Self::max_buf_size) | 64 KiB |
/// | [`lean_streams`](Self::lean_streams) | on |
///
/// ```
/// use std::time::Duration;
/// use sse_tokio::server::ServerOptions;
///
/// let options = ServerOptions::default()
///     .header_timeout(Some(Duration::from_secs(5)))
///     .write_timeout(Some(Duration::from_secs(10)))
///     .max_connections(Some(20_000))
///     .h2c(true);
/// assert_eq!(options.get_max_connections(), Some(20_000));
/// ```
#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub(crate) header_timeout: Option<Duration>,
    pub(crate) body_timeout: Option<Duration>,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) write_timeout: Option<Duration>,
    pub(crate) max_connections: Option<usize>,
    pub(crate) h2c: bool,
    pub(crate) max_buf_size: usize,
    pub(crate) writev: Option<bool>,
    pub(crate) lean_streams: bool,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            header_timeout: Some(Duration::from_secs(10)),
            body_timeout: Some(Duration::from_secs(30)),
            idle_timeout: Some(Duration::from_secs(60)),
            write_timeout: Some(Duration::from_secs(30)),
            max_connections: None,
            h2c: false,
            max_buf_size: ServerOptions::DEFAULT_MAX_BUF_SIZE,
            writev: None,
            lean_streams: true,
        }
    }
}

impl ServerOptions {
    /// Default largest HTTP/1.1 read or write buffer of a connection: 64 KiB.
    pub const DEFAULT_MAX_BUF_SIZE: usize = 64 << 10;
    /// The smallest buffer hyper accepts: 8 KiB (smaller values are raised to it).
    pub const MIN_BUF_SIZE: usize = 8 << 10;

    /// How long a connection with no request in progress may take to send a whole
    /// request head, counted from its first byte (or from the accept, for the first
    /// request; this also bounds the TLS handshake). `None`: no limit.
    ///
    /// A connection that sends nothing at all after accept, or half a head, is closed
    /// at this deadline: slowloris connections cannot pile up.
    pub fn header_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// How long a request body may take to arrive whole, counted from its head.
    /// Reading it after that fails with
    /// [`RequestBodyError::TimedOut`](super::RequestBodyError::TimedOut) (the handler
    /// answers with an error and the connection closes). `None`: no limit.
    pub fn body_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// How long a keep-alive connection may sit between requests (no request in
    /// progress, nothing received) before it is closed. `None`: no limit. A
    /// connection with an open event stream is never idle.
    pub fn idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// How long a connection may go without being able to write a single byte (the
    /// client does not read) before it is closed. Progress resets it, so slow but
    /// steady readers are kept. `None`: no limit.
    pub fn write_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// Most connections open at once. Beyond it a new connection is refused at once
    /// (a `503` on cleartext HTTP/1.1, then closed), so a flood cannot stall the
    /// connections already served. `None`: no cap (the process's file limit applies).
    pub fn max_connections(mut self, max: Option<usize>) -> Self {
        self.max_connections = max;
        self
    }

    /// Whether cleartext connections may speak HTTP/2 by prior knowledge (h2c) as
    /// well as HTTP/1.1. Over TLS, HTTP/2 is chosen by ALPN whatever this says.
    pub fn h2c(mut self, enabled: bool) -> Self {
        self.h2c = enabled;
        self
    }

    /// Largest HTTP/1.1 read or write buffer of one connection (at least
    /// [`MIN_BUF_SIZE`](Self::MIN_BUF_SIZE)); it bounds the size of a request head
    /// and how much response data a connection queues. Buffers start small and grow
    /// only as needed.
    pub fn max_buf_size(mut self, bytes: usize) -> Self {
        self.max_buf_size = bytes.max(Self::MIN_BUF_SIZE);
        self
    }

    /// Forces HTTP/1.1 vectored writes on (`true`: queue each frame, no copy) or off
    /// (`false`: copy frames into one buffer); `None` lets hyper pick per socket.
    pub fn writev(mut self, enabled: Option<bool>) -> Self {
        self.writev = enabled;
        self
    }

    /// Whether an event stream answered to the first request of a cleartext HTTP/1.1
    /// connection is written by the lean writer (on by default).
    ///
    /// The server then reads that first request head itself (with `httparse`). A plain
    /// `GET` is handed to the service; if the response is a `200`
    /// `text/event-stream` of open length, a small task writes it (chunked, with
    /// `connection: close`) holding only the socket and the body, and the hyper
    /// connection with its read and write buffers is never built. Everything else
    /// (other methods, HTTP/1.0, h2c, TLS, other responses, and later requests on a
    /// keep-alive connection) is served by hyper as before, from the same bytes.
    ///
    /// An idle subscriber then costs a few KiB of memory instead of the ~10–20 KiB
    /// of a hyper connection (the fan-out benchmark's idle scenario measures it). The
    /// write timeout, the connection cap and graceful shutdown apply alike. Turn it
    /// off to have hyper write every response.
    pub fn lean_streams(mut self, enabled: bool) -> Self {
        self.lean_streams = enabled;
        self
    }

    /// Whether the lean writer is on.
    pub fn get_lean_streams(&self) -> bool {
        self.lean_streams
    }

    /// The head timeout.
    pub fn get_header_timeout(&self) -> Option<Duration> {
        self.header_timeout
    }

    /// The body timeout.
    pub fn get_body_timeout(&self) -> Option<Duration> {
        self.body_timeout
    }

    /// The idle timeout.
    pub fn get_idle_timeout(&self) -> Option<Duration> {
        self.idle_timeout
    }

    /// The write timeout.
    pub fn get_write_timeout(&self) -> Option<Duration> {
        self.write_timeout
    }

    /// The connection cap.
    pub fn get_max_connections(&self) -> Option<usize> {
        self.max_connections
    }

    /// Whether h2c is on.
    pub fn get_h2c(&self) -> bool {
        self.h2c
    }
}
