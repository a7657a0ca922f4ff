//! What a server is told: address, access, CORS, hub and stream settings, checked
//! once so that a [`ServeConfig`] is always one the server can run with.

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use sse_core::hub::GapPolicy;
use sse_tokio::server::ServerOptions;

use super::auth::{PublishAccess, SubscribeAccess, Token};
use crate::cli::ServeArgs;

/// Which origins may use the hub from a browser page (CORS).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AllowedOrigins {
    /// No CORS headers: only pages served by the hub itself (the default).
    #[default]
    None,
    /// Any origin (`*`).
    Any,
    /// These origins exactly (`https://app.example`, `http://localhost:3000`).
    List(Vec<HeaderValue>),
}

impl AllowedOrigins {
    /// Parses the `--allow-origin` values: `*` anywhere means any origin; each other
    /// value must be an origin, `scheme://host[:port]`, with no path.
    pub fn parse<S: AsRef<str>>(values: &[S]) -> Result<AllowedOrigins, ConfigError> {
        if values.is_empty() {
            return Ok(AllowedOrigins::None);
        }
        if values.iter().any(|v| v.as_ref().trim() == "*") {
            return Ok(AllowedOrigins::Any);
        }
        values
            .iter()
            .map(|value| parse_origin(value.as_ref()))
            .collect::<Result<_, _>>()
            .map(AllowedOrigins::List)
    }
}

fn parse_origin(value: &str) -> Result<HeaderValue, ConfigError> {
    let value = value.trim().trim_end_matches('/');
    let invalid = || ConfigError::InvalidOrigin(value.to_owned());
    let (scheme, host) = value.split_once("://").ok_or_else(invalid)?;
    let scheme_ok = !scheme.is_empty()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    if !scheme_ok || host.is_empty() || host.contains(['/', '?', '#', ' ']) {
        return Err(invalid());
    }
    HeaderValue::try_from(value).map_err(|_| invalid())
}

/// Why a configuration cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// Bound to a non-loopback address with no publish token: anyone on the network
    /// could publish.
    OpenPublishOnNetwork(SocketAddr),
    /// An empty `--token` or `--publish-token`.
    EmptyToken(&'static str),
    /// An `--allow-origin` value that is not an origin.
    InvalidOrigin(String),
    /// A limit of zero that would make the server useless.
    Zero(&'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::OpenPublishOnNetwork(addr) => write!(
                f,
                "refusing to listen on {addr} without --publish-token: anyone who can reach \
                 it could publish (bind to 127.0.0.1 or set --publish-token)"
            ),
            ConfigError::EmptyToken(flag) => write!(f, "{flag} may not be empty"),
            ConfigError::InvalidOrigin(value) => write!(
                f,
                "--allow-origin `{value}` is not an origin such as https://app.example:8443 or *"
            ),
            ConfigError::Zero(flag) => write!(f, "{flag} must be at least 1"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The hub's settings (with `--redis`, also the Redis stream's bounds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HubSettings {
    /// Events kept for resuming subscribers.
    pub replay_count: usize,
    /// How long an event stays replayable.
    pub replay_age: Duration,
    /// Most subscribers at once.
    pub max_subscribers: usize,
    /// Keep-alive interval (`None`: never).
    pub keep_alive: Option<Duration>,
    /// `retry:` hint sent at the start of each stream.
    pub retry: Option<Duration>,
    /// Where a resume across a gap starts (`--on-gap`).
    pub on_gap: GapPolicy,
}

impl Default for HubSettings {
    fn default() -> Self {
        HubSettings {
            replay_count: 1000,
            replay_age: Duration::from_secs(300),
            max_subscribers: 10_000,
            keep_alive: Some(Duration::from_secs(15)),
            retry: None,
            on_gap: GapPolicy::Earliest,
        }
    }
}

/// A server configuration that can run: a network address always comes with a publish
/// token.
///
/// ```
/// use sse_cli::serve::{ServeConfig, Token};
///
/// let local = ServeConfig::new("127.0.0.1:0".parse().unwrap(), None).unwrap();
/// assert_eq!(local.addr().port(), 0);
/// // On a public address, publishing needs a token.
/// assert!(ServeConfig::new("0.0.0.0:8080".parse().unwrap(), None).is_err());
/// let token = Token::new("s3cret").unwrap();
/// assert!(ServeConfig::new("0.0.0.0:8080".parse().unwrap(), Some(token)).is_ok());
/// ```
#[derive(Debug, Clone)]
pub struct ServeConfig {
    addr: SocketAddr,
    subscribe: SubscribeAccess,
    publish: PublishAccess,
    origins: AllowedOrigins,
    hub: HubSettings,
    max_event: usize,
    redis: Option<String>,
    server: ServerOptions,
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl ServeConfig {
    /// Default largest event a publish may carry: 1 MiB.
    pub const DEFAULT_MAX_EVENT: usize = 1 << 20;

    /// A configuration for `addr`. Without a publish token only loopback clients may
    /// publish, so a non-loopback `addr` then is an error.
    pub fn new(addr: SocketAddr, publish_token: Option<Token>) -> Result<Self, ConfigError> {
        let publish = match publish_token {
            Some(token) => PublishAccess::Token(token),
            None if addr.ip().is_loopback() => PublishAccess::LoopbackClients,
            None => return Err(ConfigError::OpenPublishOnNetwork(addr)),
        };
        Ok(ServeConfig {
            addr,
            subscribe: SubscribeAccess::Open,
            publish,
            origins: AllowedOrigins::None,
            hub: HubSettings::default(),
            max_event: Self::DEFAULT_MAX_EVENT,
            redis: None,
            server: ServerOptions::default(),
            tls: None,
        })
    }

    /// The configuration `sse serve` runs with for these arguments.
    pub fn from_args(args: &ServeArgs) -> Result<Self, ConfigError> {
        let token = |value: &Option<String>, flag| {
            value
                .as_deref()
                .map(|text| Token::new(text).map_err(|_| ConfigError::EmptyToken(flag)))
                .transpose()
        };
        let publish = token(&args.publish_token, "--publish-token")?;
        let mut config = ServeConfig::new(args.addr, publish)?;
        if let Some(subscribe) = token(&args.token, "--token")? {
            config = config.subscribe_token(subscribe);
        }
        for (value, flag) in [
            (args.replay_count, "--replay-count"),
            (args.max_subscribers, "--max-subscribers"),
            (args.max_event, "--max-event"),
            (args.max_connections.unwrap_or(1), "--max-connections"),
        ] {
            if value == 0 {
                return Err(ConfigError::Zero(flag));
            }
        }
        let keep_alive = (!args.keep_alive.is_zero()).then_some(args.keep_alive);
        if let Some(url) = &args.redis {
            config = config.redis(url.clone());
        }
        Ok(config
            .allow_origins(AllowedOrigins::parse(&args.allow_origins)?)
            .hub(HubSettings {
                replay_count: args.replay_count,
                replay_age: args.replay_age,
                max_subscribers: args.max_subscribers,
                keep_alive,
                retry: args.retry,
                on_gap: args.on_gap,
            })
            .max_event(args.max_event)
            .server(server_options(args)))
    }

    /// Sets how connections are served (timeouts, connection cap, h2c).
    pub fn server(mut self, options: ServerOptions) -> Self {
        self.server = options;
        self
    }

    /// Serves HTTPS with this rustls configuration (see [`load_tls`]).
    pub fn tls(mut self, config: Arc<rustls::ServerConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// How connections are served.
    pub fn server_options(&self) -> &ServerOptions {
        &self.server
    }

    /// The TLS configuration, when serving HTTPS.
    pub fn tls_config(&self) -> Option<&Arc<rustls::ServerConfig>> {
        self.tls.as_ref()
    }

    /// Shares the hub through the Redis at `url` (see `sse_redis::RedisHub`).
    pub fn redis(mut self, url: String) -> Self {
        self.redis = Some(url);
        self
    }

    /// The Redis URL, if the hub is shared through Redis.
    pub fn redis_url(&self) -> Option<&str> {
        self.redis.as_deref()
    }

    /// Requires `token` to subscribe.
    pub fn subscribe_token(mut self, token: Token) -> Self {
        self.subscribe = SubscribeAccess::Token(token);
        self
    }

    /// Sets which origins get CORS headers.
    pub fn allow_origins(mut self, origins: AllowedOrigins) -> Self {
        self.origins = origins;
        self
    }

    /// Sets the hub's settings.
    pub fn hub(mut self, hub: HubSettings) -> Self {
        self.hub = hub;
        self
    }

    /// Sets the largest event a publish may carry (body plus type, bytes).
    pub fn max_event(mut self, bytes: usize) -> Self {
        self.max_event = bytes;
        self
    }

    /// The address to bind.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Who may subscribe.
    pub fn subscribe_access(&self) -> &SubscribeAccess {
        &self.subscribe
    }

    /// Who may publish.
    pub fn publish_access(&self) -> &PublishAccess {
        &self.publish
    }

    /// Which origins get CORS headers.
    pub fn origins(&self) -> &AllowedOrigins {
        &self.origins
    }

    /// The hub's settings.
    pub fn hub_settings(&self) -> &HubSettings {
        &self.hub
    }

    /// The largest event a publish may carry.
    pub fn max_event_bytes(&self) -> usize {
        self.max_event
    }
}

/// The server options of `sse serve`'s flags (a zero duration disables its timeout).
fn server_options(args: &ServeArgs) -> ServerOptions {
    let limit = |d: Duration| (!d.is_zero()).then_some(d);
    ServerOptions::default()
        .header_timeout(limit(args.header_timeout))
        .body_timeout(limit(args.body_timeout))
        .idle_timeout(limit(args.idle_timeout))
        .write_timeout(limit(args.write_timeout))
        .max_connections(args.max_connections)
        .h2c(args.h2c)
}

/// Why `--tls-cert` / `--tls-key` cannot be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum TlsLoadError {
    /// A file could not be read.
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The files do not hold a usable certificate and key.
    Invalid(sse_tokio::server::TlsConfigError),
}

impl fmt::Display for TlsLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsLoadError::Read { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            TlsLoadError::Invalid(e) => match std::error::Error::source(e) {
                Some(cause) => write!(f, "{e}: {cause}"),
                None => write!(f, "{e}"),
            },
        }
    }
}

impl std::error::Error for TlsLoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TlsLoadError::Read { source, .. } => Some(source),
            TlsLoadError::Invalid(e) => Some(e),
        }
    }
}

/// Reads a PEM certificate chain and private key into a rustls configuration that
/// offers HTTP/2 and HTTP/1.1 by ALPN.
pub fn load_tls(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, TlsLoadError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| TlsLoadError::Read {
            path: path.to_owned(),
            source,
        })
    };
    sse_tokio::server::rustls_config(&read(cert)?, &read(key)?).map_err(TlsLoadError::Invalid)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn args(extra: &[&str]) -> ServeArgs {
        let cli = Cli::try_parse_from(["sse", "serve"].iter().chain(extra)).unwrap();
        match cli.command {
            Command::Serve(args) => args,
            _ => unreachable!(),
        }
    }

    #[test]
    fn network_address_needs_a_publish_token() {
        let err = ServeConfig::from_args(&args(&["--addr", "0.0.0.0:80"])).unwrap_err();
        assert_eq!(
            err,
            ConfigError::OpenPublishOnNetwork("0.0.0.0:80".parse().unwrap())
        );
        let ok = ServeConfig::from_args(&args(&["--addr", "[::]:80", "--publish-token", "p"]));
        assert!(matches!(
            ok.unwrap().publish_access(),
            PublishAccess::Token(_)
        ));
        let local = ServeConfig::from_args(&args(&["--addr", "[::1]:0"])).unwrap();
        assert_eq!(local.publish_access(), &PublishAccess::LoopbackClients);
    }

    #[test]
    fn flags_reach_the_config() {
        let config = ServeConfig::from_args(&args(&[
            "--token",
            "t",
            "--keep-alive",
            "0",
            "--retry",
            "2s",
            "--replay-count",
            "5",
            "--max-event",
            "10K",
            "--allow-origin",
            "https://a.example",
            "--header-timeout",
            "1s",
            "--write-timeout",
            "0",
            "--max-connections",
            "7",
            "--h2c",
        ]))
        .unwrap();
        let server = config.server_options();
        assert_eq!(server.get_header_timeout(), Some(Duration::from_secs(1)));
        assert_eq!(server.get_write_timeout(), None);
        assert_eq!(server.get_max_connections(), Some(7));
        assert!(server.get_h2c());
        assert!(matches!(
            config.subscribe_access(),
            SubscribeAccess::Token(_)
        ));
        assert_eq!(config.hub_settings().keep_alive, None);
        assert_eq!(config.hub_settings().retry, Some(Duration::from_secs(2)));
        assert_eq!(config.hub_settings().replay_count, 5);
        assert_eq!(config.max_event_bytes(), 10 << 10);
        assert_eq!(
            config.origins(),
            &AllowedOrigins::List(vec![HeaderValue::from_static("https://a.example")])
        );
        assert_eq!(
            ServeConfig::from_args(&args(&["--token", ""])).unwrap_err(),
            ConfigError::EmptyToken("--token")
        );
        assert_eq!(
            ServeConfig::from_args(&args(&["--max-subscribers", "0"])).unwrap_err(),
            ConfigError::Zero("--max-subscribers")
        );
    }

    #[test]
    fn origins() {
        assert_eq!(AllowedOrigins::parse::<&str>(&[]), Ok(AllowedOrigins::None));
        assert_eq!(
            AllowedOrigins::parse(&["http://x", "*"]),
            Ok(AllowedOrigins::Any)
        );
        assert_eq!(
            AllowedOrigins::parse(&["http://localhost:3000/"]),
            Ok(AllowedOrigins::List(vec![HeaderValue::from_static(
                "http://localhost:3000"
            )]))
        );
        for bad in [
            "localhost:3000",
            "http://",
            "http://a/path",
            "://a",
            "ht tp://a",
        ] {
            assert!(AllowedOrigins::parse(&[bad]).is_err(), "{bad}");
        }
    }
}
