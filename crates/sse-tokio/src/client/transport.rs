//! [`HttpClient`]: the pooled hyper client that event sources send their requests
//! through.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use hyper_util::client::legacy::connect::{Connect, HttpConnector};
use hyper_util::client::legacy::{Client, ResponseFuture};
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::BuildError;

/// Something that sends a request and gives the response future: hyper-util's
/// legacy client over any connector.
trait Transport: Send + Sync + 'static {
    fn send(&self, request: Request<Full<Bytes>>) -> ResponseFuture;
}

impl<C> Transport for Client<C, Full<Bytes>>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    fn send(&self, request: Request<Full<Bytes>>) -> ResponseFuture {
        self.request(request)
    }
}

/// A pooled HTTP client (hyper-util's legacy `Client`) shared by event sources.
///
/// Cloning is cheap and shares the connection pool: reconnections reuse an idle
/// connection when there is one, and with HTTP/2 many event sources to one server
/// share a single connection.
///
/// - Plain `http://` over HTTP/1.1 by default.
/// - With the `rustls` feature, `https://` too, with Mozilla's root certificates
///   (webpki-roots) unless [`HttpClientBuilder::tls_config`] gives others; with the
///   `http2` feature as well, HTTP/2 is offered by ALPN and used when the server
///   picks it.
/// - With the `http2` feature, [`HttpClientBuilder::http2_prior_knowledge`] speaks
///   HTTP/2 without negotiation (h2c on cleartext), for servers known to support it.
#[derive(Clone)]
pub struct HttpClient {
    transport: Arc<dyn Transport>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient").finish_non_exhaustive()
    }
}

impl HttpClient {
    /// A client with the default settings (see [`HttpClientBuilder`]).
    pub fn new() -> Result<Self, BuildError> {
        HttpClient::builder().build()
    }

    /// A builder for a client with other settings.
    pub fn builder() -> HttpClientBuilder {
        HttpClientBuilder::default()
    }

    /// Wraps a hyper-util client with a connector of your own (a proxy, a Unix
    /// socket, custom TLS).
    pub fn from_hyper<C>(client: Client<C, Full<Bytes>>) -> Self
    where
        C: Connect + Clone + Send + Sync + 'static,
    {
        HttpClient {
            transport: Arc::new(client),
        }
    }

    pub(crate) fn send(&self, request: Request<Full<Bytes>>) -> ResponseFuture {
        self.transport.send(request)
    }
}

/// Settings of an [`HttpClient`].
#[derive(Debug, Clone)]
pub struct HttpClientBuilder {
    connect_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    #[cfg(feature = "http2")]
    http2_prior_knowledge: bool,
    #[cfg(feature = "rustls")]
    tls: Option<rustls::ClientConfig>,
}

impl Default for HttpClientBuilder {
    fn default() -> Self {
        HttpClientBuilder {
            connect_timeout: Some(Duration::from_secs(30)),
            pool_idle_timeout: Some(Duration::from_secs(90)),
            #[cfg(feature = "http2")]
            http2_prior_knowledge: false,
            #[cfg(feature = "rustls")]
            tls: None,
        }
    }
}

impl HttpClientBuilder {
    /// How long a TCP connect may take (default 30 s; `None`: the OS decides). A
    /// connect that times out is a transport error: the event source retries it.
    /// The event source's own deadline for a whole attempt (connect, TLS, request,
    /// redirects, up to the response head) is
    /// [`ClientConfig::connect_timeout`](sse_core::ClientConfig::connect_timeout),
    /// which applies with any connector.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long an idle pooled connection is kept (default 90 s).
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Speak HTTP/2 from the first byte, without negotiation (default `false`). On
    /// cleartext this is h2c with prior knowledge; only for servers known to accept
    /// it (hyper-util's auto server, axum's `serve`, most gRPC servers do).
    #[cfg(feature = "http2")]
    pub fn http2_prior_knowledge(mut self, enabled: bool) -> Self {
        self.http2_prior_knowledge = enabled;
        self
    }

    /// The rustls configuration for `https://` (default: Mozilla's roots from
    /// webpki-roots, the ring provider, TLS 1.2 and 1.3). ALPN is set by the client.
    #[cfg(feature = "rustls")]
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls = Some(config);
        self
    }

    /// The client. Fails only if the TLS configuration cannot be made (it cannot with
    /// the ring provider, which supports both TLS versions).
    pub fn build(self) -> Result<HttpClient, BuildError> {
        let mut builder = Client::builder(TokioExecutor::new());
        builder
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(self.pool_idle_timeout);
        #[cfg(feature = "http2")]
        builder.http2_only(self.http2_prior_knowledge);
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        http.set_connect_timeout(self.connect_timeout);
        self.finish(builder, http)
    }

    #[cfg(not(feature = "rustls"))]
    fn finish(
        self,
        builder: hyper_util::client::legacy::Builder,
        http: HttpConnector,
    ) -> Result<HttpClient, BuildError> {
        Ok(HttpClient::from_hyper(builder.build(http)))
    }

    #[cfg(feature = "rustls")]
    fn finish(
        self,
        builder: hyper_util::client::legacy::Builder,
        mut http: HttpConnector,
    ) -> Result<HttpClient, BuildError> {
        http.enforce_http(false);
        let connector = hyper_rustls::HttpsConnectorBuilder::new();
        let tls = match self.tls {
            Some(config) => connector.with_tls_config(config),
            None => connector
                .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
                .map_err(BuildError::Tls)?,
        };
        let tls = tls.https_or_http().enable_http1();
        #[cfg(feature = "http2")]
        let tls = tls.enable_http2();
        Ok(HttpClient::from_hyper(
            builder.build(tls.wrap_connector(http)),
        ))
    }
}
