//! The command line: every subcommand, option and default, as `clap` parses them.
//! `sse --help` and `sse <command> --help` print this documentation.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use http::{HeaderName, HeaderValue, Method};

use crate::units::{parse_duration, parse_size};

const EXIT_CODES: &str = "\
Exit codes:
  0  success (listen: --count events received, a 204 stop, or the stream ended under
     --no-reconnect; decode: whole input read; serve: shut down by Ctrl-C or SIGTERM)
  1  failure, with a one-line reason on stderr (connection failed, invalid response,
     retries or idle timeouts exhausted, decoder limit exceeded, I/O error, cannot bind)
  2  invalid arguments or options that cannot work together";

/// Listen to, decode and serve Server-Sent Events (`text/event-stream`).
#[derive(Debug, Parser)]
#[command(name = "sse", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Connect to an event stream and print events as they arrive.
    ///
    /// Reconnects like a browser's EventSource (with Last-Event-ID) unless told not to.
    /// Events go to stdout; reconnections, retry delays and errors go to stderr.
    #[command(after_help = EXIT_CODES)]
    Listen(ListenArgs),
    /// Decode a captured text/event-stream (a file or stdin) and print its events.
    #[command(after_help = EXIT_CODES)]
    Decode(DecodeArgs),
    /// Run a standalone hub: publish over HTTP, subscribe with EventSource.
    ///
    /// Endpoints:
    ///   GET  /                       demo page (subscribe, see events, publish)
    ///   GET  /subscribe/{topic}      event stream of the topic and its sub-topics
    ///   GET  /subscribe?topics=a,b   event stream of several topics (* for all)
    ///   POST /publish/{topic}        body = event data, ?event=TYPE; answers {"id": "..."}
    ///   GET  /status                 figures as JSON (HTML for browsers)
    ///   GET  /metrics                figures for Prometheus (OpenMetrics text)
    ///
    /// Streams resume from the replay window with a Last-Event-ID header or a
    /// lastEventId query parameter. Errors are JSON: {"error": "..."}.
    #[command(after_help = EXIT_CODES, verbatim_doc_comment)]
    Serve(ServeArgs),
}

/// A request header given as `Name: value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderArg {
    /// The header name.
    pub name: HeaderName,
    /// The header value.
    pub value: HeaderValue,
}

fn parse_header(text: &str) -> Result<HeaderArg, String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("`{text}` is not a header of the form 'Name: value'"))?;
    let name = HeaderName::try_from(name.trim())
        .map_err(|_| format!("`{}` is not a valid header name", name.trim()))?;
    let value = HeaderValue::try_from(value.trim())
        .map_err(|_| format!("the value of header `{name}` is not valid"))?;
    Ok(HeaderArg { name, value })
}

fn parse_method(text: &str) -> Result<Method, String> {
    Method::from_bytes(text.as_bytes()).map_err(|_| format!("`{text}` is not an HTTP method"))
}

/// Options of `sse listen`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// The stream's URL (http:// or https://).
    pub url: String,

    /// Add a request header, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub headers: Vec<HeaderArg>,

    /// Send this Last-Event-ID on the first connection (to resume a stream).
    #[arg(long, value_name = "ID")]
    pub last_event_id: Option<String>,

    /// Do not reconnect: end when the stream ends (exit 0) or fails (exit 1).
    #[arg(long, conflicts_with = "max_retries")]
    pub no_reconnect: bool,

    /// Give up after this many reconnection attempts in a row without a successful
    /// connection (default: retry forever).
    #[arg(long, value_name = "N")]
    pub max_retries: Option<u32>,

    /// Reconnect when nothing (not even a keep-alive) arrives for this long, e.g. 45s.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub idle_timeout: Option<Duration>,

    /// Give a connection attempt up (and retry, counting towards --max-retries) when
    /// its response has not begun within this long: connect, TLS, request and
    /// redirects included. 0 waits for ever.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "30s")]
    pub connect_timeout: Duration,

    /// Exit (code 0) after receiving this many events.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// HTTP method (default GET, or POST with --data).
    #[arg(short = 'X', long = "request", alias = "method", value_name = "METHOD", value_parser = parse_method)]
    pub method: Option<Method>,

    /// Request body, for POST-based streams; `@FILE` reads it from a file.
    #[arg(short = 'd', long, value_name = "BODY")]
    pub data: Option<String>,

    /// Print one JSON object per event: {"type":…,"data":…,"lastEventId":…}.
    #[arg(long)]
    pub json: bool,
}

/// Options of `sse decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The captured stream; standard input when absent or `-`.
    pub file: Option<PathBuf>,

    /// Print JSON lines: {"type":…,"data":…,"lastEventId":…} per event and {"retry":N}
    /// for every valid retry field.
    #[arg(long)]
    pub json: bool,

    /// Longest line accepted, in bytes (suffixes K, M, G); longer fails with exit 1.
    #[arg(long, value_name = "BYTES", value_parser = parse_size, default_value = "16MiB")]
    pub max_line: usize,

    /// Largest event accepted (data plus type), in bytes; larger fails with exit 1.
    #[arg(long, value_name = "BYTES", value_parser = parse_size, default_value = "16MiB")]
    pub max_event: usize,
}

/// Options of `sse serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the URL printed shows it).
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Require this token to subscribe (and to read /status and /metrics):
    /// `X-Authorization: TOKEN` or `?token=TOKEN`.
    #[arg(long, value_name = "TOKEN", env = "SSE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Require this token to publish (`X-Authorization` or `?token=`). Without it only
    /// loopback clients may publish, and only when bound to a loopback address: the
    /// server refuses to start on another address without it.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "SSE_PUBLISH_TOKEN",
        hide_env_values = true
    )]
    pub publish_token: Option<String>,

    /// Let pages on this origin subscribe and publish (CORS); repeatable, or `*` for
    /// any origin. None by default.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origins: Vec<String>,

    /// How many recent events the replay window keeps for resuming subscribers.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub replay_count: usize,

    /// How long an event stays in the replay window.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "5m")]
    pub replay_age: Duration,

    /// Send a keep-alive comment after this much silence on a stream; 0 disables.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "15s")]
    pub keep_alive: Duration,

    /// Tell clients how long to wait before reconnecting (a `retry:` hint at the start
    /// of each stream).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub retry: Option<Duration>,

    /// Most subscribers at once; more get 503 Service Unavailable. A subscriber that
    /// stopped reading and fell behind the replay window gives back its place.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_subscribers: usize,

    /// Where a client resumes when its Last-Event-ID is older than the replay window or
    /// not one of this hub's: `earliest` replays every event still in the window,
    /// `latest` starts live. Either way the stream starts with an `sse-gap` event whose
    /// JSON data says what was missed.
    #[arg(long, value_name = "POLICY", default_value = "earliest")]
    pub on_gap: sse_core::hub::GapPolicy,

    /// Largest event a publish may carry (body plus type), in bytes; larger gets 400.
    #[arg(long, value_name = "BYTES", value_parser = parse_size, default_value = "1MiB")]
    pub max_event: usize,

    /// Share one hub with every `sse serve` using this Redis (e.g.
    /// `redis://127.0.0.1:6379/`): events go through the Redis stream `sse:events`,
    /// bounded by --replay-count and --replay-age, and a client may resume on any of
    /// the servers.
    #[arg(long, value_name = "URL")]
    pub redis: Option<String>,

    /// Close a connection that has not sent a whole request head this long after its
    /// first byte (or after connecting); 0 disables.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10s")]
    pub header_timeout: Duration,

    /// Fail a publish whose body has not arrived whole this long after its head (the
    /// connection is closed); 0 disables.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "30s")]
    pub body_timeout: Duration,

    /// Close a keep-alive connection idle this long between requests (an open stream
    /// is never idle); 0 disables.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "60s")]
    pub idle_timeout: Duration,

    /// Close a connection that could not write a single byte for this long (a client
    /// that stopped reading); 0 disables.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "30s")]
    pub write_timeout: Duration,

    /// Most connections open at once; more are refused at once (503, then closed).
    /// No cap by default.
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,

    /// Serve HTTPS with this PEM certificate chain (needs --tls-key): HTTP/2 for
    /// clients that offer it (ALPN h2), HTTP/1.1 otherwise.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Also speak HTTP/2 by prior knowledge (h2c) on cleartext connections.
    #[arg(long, conflicts_with = "tls_cert")]
    pub h2c: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn headers_parse_and_reject() {
        let h = parse_header("X-Token:  abc ").unwrap();
        assert_eq!(
            (h.name.as_str(), h.value.to_str().unwrap()),
            ("x-token", "abc")
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: x").is_err());
    }

    #[test]
    fn listen_options() {
        let cli = Cli::try_parse_from([
            "sse",
            "listen",
            "http://h/s",
            "-H",
            "A: 1",
            "-H",
            "B: 2",
            "--count",
            "3",
            "-X",
            "POST",
            "--data",
            "{}",
            "--json",
            "--idle-timeout",
            "2s",
        ])
        .unwrap();
        let Command::Listen(args) = cli.command else {
            panic!("not listen")
        };
        assert_eq!(args.headers.len(), 2);
        assert_eq!(args.count, Some(3));
        assert_eq!(args.method, Some(Method::POST));
        assert_eq!(args.idle_timeout, Some(Duration::from_secs(2)));
        assert_eq!(args.connect_timeout, Duration::from_secs(30), "the default");
        let cli = Cli::try_parse_from(["sse", "listen", "u", "--connect-timeout", "1s"]).unwrap();
        let Command::Listen(args) = cli.command else {
            panic!("not listen")
        };
        assert_eq!(args.connect_timeout, Duration::from_secs(1));
        assert!(Cli::try_parse_from(["sse", "listen", "u", "--count", "0"]).is_err());
        assert!(
            Cli::try_parse_from(["sse", "listen", "u", "--no-reconnect", "--max-retries", "2"])
                .is_err()
        );
    }

    #[test]
    fn serve_defaults() {
        let cli = Cli::try_parse_from(["sse", "serve"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve")
        };
        assert_eq!(args.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(args.max_event, 1 << 20);
        assert_eq!(args.keep_alive, Duration::from_secs(15));
        assert!(args.allow_origins.is_empty());
        assert_eq!(args.header_timeout, Duration::from_secs(10));
        assert_eq!(args.write_timeout, Duration::from_secs(30));
        assert_eq!(args.max_connections, None);
        assert!(!args.h2c && args.tls_cert.is_none());
        assert!(Cli::try_parse_from(["sse", "serve", "--tls-cert", "c.pem"]).is_err());
    }
}
