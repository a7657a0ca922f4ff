//! A hyper server for any tower service (an axum `Router` too), made for long-lived
//! event streams next to short requests (feature `server`).
//!
//! One line serves an app: `Server::bind(addr).serve(app).await`. What it adds to a
//! bare hyper accept loop ([`ServerOptions`] has the defaults):
//! - **timeouts**: a request head must arrive within the head timeout, a request body
//!   within the body timeout, a keep-alive connection is closed after the idle
//!   timeout, and a connection that cannot write one byte for the write timeout (a
//!   client that stopped reading) is closed; an open event stream is never idle;
//! - **a connection cap** that refuses excess connections at once;
//! - **HTTP/1.1 and HTTP/2**: h2c by prior knowledge when asked, and over TLS
//!   (feature `server-rustls`, [`Server::tls`]) HTTP/2 chosen by ALPN; each event
//!   stream is one HTTP/2 stream;
//! - **lean event streams**: an event stream answered to the first request of a
//!   cleartext HTTP/1.1 connection is written by a small task holding only the socket
//!   and the body, not by a hyper connection with its buffers, so an idle subscriber
//!   costs about as much memory as its socket (see [`ServerOptions::lean_streams`];
//!   `cargo xtask bench`'s idle scenario measures it);
//! - **graceful shutdown** ([`Server::serve_with_shutdown`]): stop accepting, let
//!   requests in progress finish;
//! - the peer address in each request's extensions ([`PeerAddr`], and axum's
//!   `ConnectInfo<SocketAddr>` with the `axum` feature).
//!
//! Handlers get a [`RequestBody`] (the request body under its deadline); responses
//! may have any body. HTTP upgrades (WebSocket) are not supported.
//!
//! ```no_run
//! use std::convert::Infallible;
//!
//! use sse_tokio::server::{RequestBody, Server};
//!
//! # async fn run() -> std::io::Result<()> {
//! let app = tower::service_fn(|_request: http::Request<RequestBody>| async {
//!     Ok::<_, Infallible>(http::Response::new(String::from("hello")))
//! });
//! Server::bind("127.0.0.1:8080".parse().unwrap()).serve(app).await
//! # }
//! ```

mod activity;
mod body;
mod first;
mod io;
mod lean;
mod log;
mod options;
mod rewind;
#[cfg(feature = "server-rustls")]
mod tls;

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http::{Request, Response};
use http_body::Body;
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulConnection;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

use self::activity::{Activity, Expiry, WaitLimits};
pub use self::body::{RequestBody, RequestBodyError, ResponseBody};
use self::first::FirstRequest;
use self::io::DeadlineIo;
use self::log::log;
pub use self::options::ServerOptions;
use self::rewind::Rewind;
#[cfg(feature = "server-rustls")]
pub use self::tls::{TlsConfigError, rustls_config};
use crate::BoxError;

/// What a [`Server`] serves: a cloneable tower service of [`RequestBody`] requests
/// whose responses have any body of [`Bytes`](bytes::Bytes)-like data (an axum
/// `Router` is one). Implemented for every such service.
pub trait HttpApp:
    tower_service::Service<
        Request<RequestBody>,
        Response = Response<Self::ResponseBody>,
        Future: Send + 'static,
        Error: Into<BoxError>,
    > + Clone
    + Send
    + 'static
{
    /// The body of the service's responses.
    type ResponseBody: Body<Data: Send, Error: Into<BoxError>> + Send + 'static;
}

impl<S, B> HttpApp for S
where
    S: tower_service::Service<Request<RequestBody>, Response = Response<B>>,
    S: Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type ResponseBody = B;
}

/// The peer's address, in every request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// Where the server listens.
#[derive(Debug)]
enum Bind {
    Addr(SocketAddr),
    Listener(TcpListener),
}

/// What a [`Server`] counts, shared with the caller ([`Server::stats`]): read it for
/// metrics while the server runs.
#[derive(Debug, Clone, Default)]
pub struct ServerStats {
    inner: Arc<StatCounters>,
}

#[derive(Debug, Default)]
struct StatCounters {
    timed_out: std::sync::atomic::AtomicU64,
    refused: std::sync::atomic::AtomicU64,
}

impl ServerStats {
    /// Connections closed by a timeout: no request head in time, idle too long
    /// between requests, or unable to write for the write timeout.
    pub fn timed_out(&self) -> u64 {
        self.inner
            .timed_out
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Connections refused at once because the server had its maximum open.
    pub fn refused(&self) -> u64 {
        self.inner
            .refused
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    fn count(counter: &std::sync::atomic::AtomicU64) {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// An HTTP server on one TCP listener; see the [module docs](self).
pub struct Server {
    bind: Bind,
    options: ServerOptions,
    stats: ServerStats,
    #[cfg(feature = "server-rustls")]
    tls: Option<tokio_rustls::TlsAcceptor>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Server");
        out.field("bind", &self.bind)
            .field("options", &self.options);
        #[cfg(feature = "server-rustls")]
        out.field("tls", &self.tls.is_some());
        out.finish()
    }
}

impl Server {
    /// A server that binds `addr` when it starts serving.
    pub fn bind(addr: SocketAddr) -> Server {
        Server::with(Bind::Addr(addr))
    }

    /// A server on a listener already bound (to learn the port of `127.0.0.1:0`
    /// first, say).
    pub fn from_listener(listener: TcpListener) -> Server {
        Server::with(Bind::Listener(listener))
    }

    fn with(bind: Bind) -> Server {
        Server {
            bind,
            options: ServerOptions::default(),
            stats: ServerStats::default(),
            #[cfg(feature = "server-rustls")]
            tls: None,
        }
    }

    /// The counters this server keeps (a handle: it stays live while the server runs).
    pub fn stats(&self) -> ServerStats {
        self.stats.clone()
    }

    /// Replaces the options.
    pub fn options(mut self, options: ServerOptions) -> Server {
        self.options = options;
        self
    }

    /// Serves HTTPS with this rustls configuration: HTTP/2 when the client picks
    /// `h2` by ALPN, HTTP/1.1 otherwise ([`rustls_config`] builds one from PEM).
    #[cfg(feature = "server-rustls")]
    pub fn tls(mut self, config: Arc<rustls::ServerConfig>) -> Server {
        self.tls = Some(tokio_rustls::TlsAcceptor::from(config));
        self
    }

    /// Serves `service` until the listener fails for good (that is, for ever).
    pub async fn serve<S: HttpApp>(self, service: S) -> std::io::Result<()> {
        self.serve_with_shutdown(service, std::future::pending())
            .await
    }

    /// Serves `service` until `signal` completes; then stops accepting, lets every
    /// connection finish the requests it has in progress (idle ones close at once),
    /// and returns when all are closed. Bound that wait with a timeout if streams may
    /// stay open.
    pub async fn serve_with_shutdown<S: HttpApp>(
        self,
        service: S,
        signal: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        let listener = match self.bind {
            Bind::Addr(addr) => TcpListener::bind(addr).await?,
            Bind::Listener(listener) => listener,
        };
        let shared = Arc::new(Shared::new(
            self.options,
            self.stats,
            #[cfg(feature = "server-rustls")]
            self.tls,
        ));
        let permits = shared
            .options
            .max_connections
            .map(|max| Arc::new(Semaphore::new(max.min(Semaphore::MAX_PERMITS))));
        let (stop_tx, stop_rx) = watch::channel(());
        tokio::pin!(signal);
        loop {
            let (tcp, peer) = tokio::select! {
                () = &mut signal => break,
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        accept_failed(&error).await;
                        continue;
                    }
                },
            };
            let permit = match &permits {
                None => None,
                Some(permits) => match Arc::clone(permits).try_acquire_owned() {
                    Ok(permit) => Some(permit),
                    Err(_) => {
                        ServerStats::count(&shared.stats.inner.refused);
                        shared.refuse(tcp, peer);
                        continue;
                    }
                },
            };
            let connection = Connection {
                shared: Arc::clone(&shared),
                peer,
                stop: stop_rx.clone(),
                _permit: permit,
            };
            tokio::spawn(connection.run(tcp, service.clone()));
        }
        drop(listener);
        stop_tx.send_replace(());
        drop(stop_rx);
        stop_tx.closed().await;
        Ok(())
    }
}

/// Waits a little after an accept error, so a full file table does not spin the loop.
async fn accept_failed(error: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::Interrupted
    ) {
        return;
    }
    log!(warn, "accept failed: {error}; retrying");
    tokio::time::sleep(Duration::from_millis(50)).await;
}

/// What every connection of one server shares.
struct Shared {
    options: ServerOptions,
    stats: ServerStats,
    http1: http1::Builder,
    http2: http2::Builder<TokioExecutor>,
    auto: auto::Builder<TokioExecutor>,
    #[cfg(feature = "server-rustls")]
    tls: Option<tokio_rustls::TlsAcceptor>,
}

/// The answer to a connection over the cap.
const REFUSAL: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\n\
content-length: 36\r\nconnection: close\r\nretry-after: 1\r\n\r\nthe server has too many connections\n";

impl Shared {
    fn new(
        options: ServerOptions,
        stats: ServerStats,
        #[cfg(feature = "server-rustls")] tls: Option<tokio_rustls::TlsAcceptor>,
    ) -> Shared {
        let mut http1 = http1::Builder::new();
        http1
            .timer(TokioTimer::new())
            .max_buf_size(options.max_buf_size);
        // The head timeout is ours (it also covers HTTP/2 and TLS): hyper's is off.
        http1.header_read_timeout(None);
        if let Some(writev) = options.writev {
            http1.writev(writev);
        }
        let mut http2 = http2::Builder::new(TokioExecutor::new());
        http2.timer(TokioTimer::new());
        let mut auto = auto::Builder::new(TokioExecutor::new());
        auto.http1()
            .timer(TokioTimer::new())
            .header_read_timeout(None)
            .max_buf_size(options.max_buf_size);
        if let Some(writev) = options.writev {
            auto.http1().writev(writev);
        }
        auto.http2().timer(TokioTimer::new());
        Shared {
            options,
            stats,
            http1,
            http2,
            auto,
            #[cfg(feature = "server-rustls")]
            tls,
        }
    }

    fn wait_limits(&self) -> WaitLimits {
        WaitLimits {
            header: self.options.header_timeout,
            idle: self.options.idle_timeout,
        }
    }

    /// Refuses a connection over the cap without waiting on it: a `503` if the socket
    /// takes it at once (cleartext only), then close.
    fn refuse(&self, tcp: TcpStream, peer: SocketAddr) {
        log!(
            info,
            "refused a connection from {peer}: the server has its maximum of connections"
        );
        #[cfg(feature = "server-rustls")]
        let cleartext = self.tls.is_none();
        #[cfg(not(feature = "server-rustls"))]
        let cleartext = true;
        if cleartext {
            let _ = tcp.try_write(REFUSAL);
        }
        drop(tcp);
    }
}

/// One accepted connection.
struct Connection {
    shared: Arc<Shared>,
    peer: SocketAddr,
    stop: watch::Receiver<()>,
    _permit: Option<OwnedSemaphorePermit>,
}

/// Which protocol to speak on a connection.
#[derive(Debug, Clone, Copy)]
enum Protocol {
    /// HTTP/1.1.
    Http1,
    /// HTTP/2: what a TLS client picks by ALPN `h2`.
    #[cfg_attr(
        not(feature = "server-rustls"),
        allow(dead_code, reason = "only TLS picks HTTP/2 by ALPN")
    )]
    Http2,
    /// HTTP/1.1, or HTTP/2 if the client starts with its preface (h2c).
    Detect,
}

impl Connection {
    async fn run<S: HttpApp>(mut self, tcp: TcpStream, service: S) {
        let _ = tcp.set_nodelay(true);
        let activity = Activity::new(self.shared.wait_limits());
        let io = DeadlineIo::new(
            tcp,
            self.shared.options.write_timeout,
            Arc::clone(&activity),
        );
        let service = ConnService {
            inner: service,
            activity: Arc::clone(&activity),
            peer: self.peer,
            body_timeout: self.shared.options.body_timeout,
            primed: None,
        };
        #[cfg(feature = "server-rustls")]
        if let Some(acceptor) = self.shared.tls.clone() {
            let handshake = tokio::select! {
                shaken = acceptor.accept(io) => shaken,
                why = activity.expired() => {
                    ServerStats::count(&self.shared.stats.inner.timed_out);
                    log!(debug, "closed {}: {}", self.peer, Closed(why));
                    return;
                }
            };
            let tls = match handshake {
                Ok(tls) => tls,
                Err(error) => {
                    log!(debug, "TLS handshake with {} failed: {error}", self.peer);
                    return;
                }
            };
            let protocol = match tls.get_ref().1.alpn_protocol() {
                Some(b"h2") => Protocol::Http2,
                _ => Protocol::Http1,
            };
            return self.speak(protocol, tls, service, &activity).await;
        }
        let protocol = if self.shared.options.h2c {
            Protocol::Detect
        } else {
            Protocol::Http1
        };
        if !self.shared.options.lean_streams {
            return self.speak(protocol, io, service, &activity).await;
        }
        let mut io = io;
        let first = tokio::select! {
            first = first::read(&mut io, self.shared.options.max_buf_size) => first,
            why = activity.expired() => {
                ServerStats::count(&self.shared.stats.inner.timed_out);
                log!(debug, "closed {}: {}", self.peer, Closed(why));
                return;
            }
            _ = self.stop.changed() => return,
        };
        match first {
            FirstRequest::Closed => {}
            FirstRequest::Other(read) => {
                let io = Rewind::new(read, io);
                self.speak(protocol, io, service, &activity).await;
            }
            FirstRequest::Get { head, read } => {
                self.answer_first(protocol, head, read, io, service, &activity)
                    .await;
            }
        }
    }

    /// Answers the first request, a plain `GET` read by [`first`]: an event stream
    /// goes to a lean writer task (and this connection task ends), any other response
    /// to hyper, which reads the same request again and is handed this response.
    async fn answer_first<S: HttpApp>(
        mut self,
        protocol: Protocol,
        head: Box<http::request::Parts>,
        read: Vec<u8>,
        io: DeadlineIo<TcpStream>,
        mut service: ConnService<S>,
        activity: &Arc<Activity>,
    ) {
        let busy = activity.begin();
        let request = service.request(*head, RequestBody::empty());
        let response = match call_app(service.inner.clone(), request).await {
            Ok(response) => response,
            Err(error) => {
                let error: BoxError = error.into();
                log!(debug, "connection from {} ended: {error}", self.peer);
                return;
            }
        };
        let (parts, body) = response.into_parts();
        let body = ResponseBody::new(body, busy);
        if lean::is_event_stream(&parts) {
            let head = lean::head(parts.status, &parts.headers);
            drop((parts, read));
            tokio::spawn(self.write_lean(io, head, body));
            return;
        }
        let response = Response::from_parts(parts, body);
        service.primed = Some(Mutex::new(Some(response)));
        self.speak(protocol, Rewind::new(read, io), service, activity)
            .await;
    }

    /// The lean writer's task: the event stream until it ends, the client leaves or a
    /// write fails. The connection's permit and shutdown watch live as long.
    async fn write_lean<B>(self, mut io: DeadlineIo<TcpStream>, head: Vec<u8>, body: B)
    where
        B: Body<Data: Send, Error: Into<BoxError>>,
    {
        if let Err(error) = lean::write(&mut io, head, body).await {
            if write_timed_out(&error) {
                ServerStats::count(&self.shared.stats.inner.timed_out);
            }
            log!(debug, "event stream to {} ended: {error}", self.peer);
        }
    }

    async fn speak<I, S: HttpApp>(
        &mut self,
        protocol: Protocol,
        io: I,
        service: ConnService<S>,
        activity: &Activity,
    ) where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let io = TokioIo::new(io);
        let shared = Arc::clone(&self.shared);
        match protocol {
            Protocol::Http1 => {
                let conn = shared.http1.serve_connection(io, service);
                self.drive(conn, activity).await;
            }
            Protocol::Http2 => {
                let conn = shared.http2.serve_connection(io, service);
                self.drive(conn, activity).await;
            }
            Protocol::Detect => {
                let conn = shared.auto.serve_connection(io, service);
                self.drive(conn, activity).await;
            }
        }
    }

    /// Runs `conn` until it ends, its head or idle deadline passes, or the server
    /// stops (then it finishes the requests in progress).
    async fn drive<C>(&mut self, conn: C, activity: &Activity)
    where
        C: GracefulConnection,
        C::Error: Into<BoxError>,
    {
        tokio::pin!(conn);
        let mut stopping = false;
        loop {
            tokio::select! {
                ended = conn.as_mut() => {
                    if let Err(error) = ended {
                        let error: BoxError = error.into();
                        if write_timed_out(&*error) {
                            ServerStats::count(&self.shared.stats.inner.timed_out);
                        }
                        log!(debug, "connection from {} ended: {error}", self.peer);
                    }
                    return;
                }
                why = activity.expired() => {
                    ServerStats::count(&self.shared.stats.inner.timed_out);
                    log!(debug, "closed {}: {}", self.peer, Closed(why));
                    return;
                }
                _ = self.stop.changed(), if !stopping => {
                    stopping = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Whether a connection ended because a write hit the write timeout (the
/// [`DeadlineIo`] error somewhere in `error`'s causes).
fn write_timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        cause = error.source();
    }
    false
}

/// A connection closed by its watchdog, for logs.
struct Closed(Expiry);

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Expiry::Header => f.write_str("no complete request head within the head timeout"),
            Expiry::Idle => f.write_str("idle longer than the idle timeout"),
        }
    }
}

/// The app's answer to `request`, once it is ready to take one.
async fn call_app<S: HttpApp>(
    mut app: S,
    request: Request<RequestBody>,
) -> Result<Response<S::ResponseBody>, S::Error> {
    std::future::poll_fn(|cx| app.poll_ready(cx)).await?;
    app.call(request).await
}

/// The response to the first request, computed before hyper took the connection.
type Primed<B> = Mutex<Option<Response<ResponseBody<B>>>>;

/// The per-connection service: counts requests in progress, wraps the bodies and
/// adds the peer address.
struct ConnService<S: HttpApp> {
    inner: S,
    activity: Arc<Activity>,
    peer: SocketAddr,
    body_timeout: Option<Duration>,
    /// Set when the first request was answered before hyper read it (see
    /// [`Connection::answer_first`]): hyper's first call gets this response.
    primed: Option<Primed<S::ResponseBody>>,
}

impl<S: HttpApp> ConnService<S> {
    /// The request as the app sees it: the peer address in its extensions.
    fn request(&self, mut parts: http::request::Parts, body: RequestBody) -> Request<RequestBody> {
        parts.extensions.insert(PeerAddr(self.peer));
        #[cfg(feature = "axum")]
        parts
            .extensions
            .insert(axum::extract::ConnectInfo(self.peer));
        Request::from_parts(parts, body)
    }

    /// The primed response, the first time only.
    fn take_primed(&self) -> Option<Response<ResponseBody<S::ResponseBody>>> {
        self.primed
            .as_ref()?
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

type ServiceFuture<B, E> =
    Pin<Box<dyn Future<Output = Result<Response<ResponseBody<B>>, E>> + Send>>;

impl<S: HttpApp> hyper::service::Service<Request<Incoming>> for ConnService<S> {
    type Response = Response<ResponseBody<S::ResponseBody>>;
    type Error = S::Error;
    type Future = ServiceFuture<S::ResponseBody, S::Error>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        if let Some(response) = self.take_primed() {
            return Box::pin(async move { Ok(response) });
        }
        let busy = self.activity.begin();
        let (parts, body) = request.into_parts();
        let request = self.request(parts, RequestBody::new(body, self.body_timeout));
        let inner = self.inner.clone();
        Box::pin(async move {
            let response = call_app(inner, request).await?;
            Ok(response.map(|body| ResponseBody::new(body, busy)))
        })
    }
}
