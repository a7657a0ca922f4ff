//! The `sse` command: listen to, decode and serve Server-Sent Events
//! (`text/event-stream`, WHATWG HTML §9.2).
//!
//! ```sh
//! sse serve                                   # a hub on http://127.0.0.1:8080/ with a demo page
//! sse listen http://127.0.0.1:8080/subscribe/pets
//! curl -d 'woof' 'http://127.0.0.1:8080/publish/pets/dogs?event=bark'
//! sse decode --json capture.txt               # a captured stream, through the decoder
//! ```
//!
//! The binary is glue over the toolkit: the decoder, the hub and the reconnection
//! state machine come from `sse-core`, the response bodies and the `EventSource`
//! client from `sse-tokio`. This library target holds the commands so that tests (and a
//! later `--redis` store) can reuse them; `src/main.rs` only calls [`main`].
//!
//! # `sse listen URL`
//! Connects like a browser's `EventSource` and prints each event as it arrives: readable
//! by default (`[type] id=ID`, the data, a blank line; colour on a terminal unless
//! `NO_COLOR` is set), or with `--json` one object per event, exactly
//! `{"type":…,"data":…,"lastEventId":…}` (see [`output`]). Reconnections (cause and
//! delay) and the reason for stopping go to standard error.
//!
//! | option | meaning |
//! |---|---|
//! | `-H, --header 'Name: value'` | add a request header (repeatable) |
//! | `--last-event-id ID` | send `Last-Event-ID: ID` on the first connection (resume) |
//! | `--no-reconnect` | end when the stream ends (exit 0) or fails (exit 1) |
//! | `--max-retries N` | give up after N reconnection attempts in a row that do not reach an open stream (default: forever) |
//! | `--idle-timeout DURATION` | reconnect when nothing, not even a keep-alive, arrives for this long |
//! | `--count N` | exit 0 after N events |
//! | `-X, --request METHOD` | HTTP method (default GET, POST with `--data`) |
//! | `-d, --data BODY` | request body for POST-based streams; `@FILE` reads a file |
//! | `--json` | JSON lines instead of readable output |
//!
//! # `sse decode [FILE]`
//! Reads a captured stream (a file, or standard input without `FILE` or with `-`) in
//! 64 KiB chunks through the push decoder and prints the events as `listen` does; with
//! `--json` every valid `retry` field also prints `{"retry":N}` (milliseconds, saturated
//! at `u64::MAX`) where it is parsed. `--max-line BYTES` and `--max-event BYTES`
//! (default 16 MiB each; suffixes K, M, G) bound memory: input over a limit stops the
//! command with a one-line error and exit code 1. See [`decode`].
//!
//! # `sse serve`
//! A standalone hub over HTTP (see [`serve`]), by default on `127.0.0.1:8080`. It prints
//! `sse serve: listening on http://ADDR/ (open it in a browser)` first (with the real port
//! when given `--addr 127.0.0.1:0`).
//!
//! | endpoint | what it does |
//! |---|---|
//! | `GET /` | the demo page: subscribes with `EventSource`, shows events and the connection state, publishes with a form |
//! | `GET /subscribe/{topic}` | event stream of the topic and every topic below it (`/subscribe/pets` gets `pets/dogs`) |
//! | `GET /subscribe?topics=a,b` | event stream of several topics (`*`: every topic) |
//! | `POST /publish/{topic}` | publishes the body (UTF-8, any line endings) as one event; `?event=TYPE` sets its type; `200 {"id": "…"}` |
//! | `GET /status` | subscribers (total and per topic), events, bytes, replays, lag drops, uptime: JSON, or HTML when the client prefers `text/html` |
//! | `GET /metrics` | the hub's counters, gauges and latency histograms for Prometheus (OpenMetrics text; see [`serve::ServeMetrics`]) |
//! | `OPTIONS` on the stream and publish routes | CORS preflight, when `--allow-origin` is given |
//!
//! A `Last-Event-ID` header, or a `lastEventId` query parameter, resumes a stream from
//! the replay window. Errors are JSON, `{"error": "…"}`: `400` for bad input (invalid
//! UTF-8, a type with a line break, an event over `--max-event`, an invalid topic; nothing
//! is published), `401` for a missing or wrong token, `403` for a publish without
//! `--publish-token` from a non-loopback peer, `503` past `--max-subscribers` or while
//! shutting down.
//!
//! | option | default | meaning |
//! |---|---|---|
//! | `--addr IP:PORT` | `127.0.0.1:8080` | where to listen (port 0: any free port) |
//! | `--token T` (env `SSE_TOKEN`) | none | subscribing, `/status` and `/metrics` need `X-Authorization: T` or `?token=T` |
//! | `--publish-token P` (env `SSE_PUBLISH_TOKEN`) | none | publishing needs `X-Authorization: P` or `?token=P`; without it only loopback clients may publish, and the server refuses to start on a non-loopback address |
//! | `--allow-origin ORIGIN` | none | CORS for pages on that origin (repeatable, or `*`) |
//! | `--replay-count N` | 1000 | events kept for resuming subscribers |
//! | `--replay-age DURATION` | 5m | how long an event stays replayable |
//! | `--keep-alive DURATION` | 15s | keep-alive comment after this much silence (0: none) |
//! | `--retry DURATION` | none | `retry:` hint sent at the start of each stream |
//! | `--max-subscribers N` | 10000 | more get `503` |
//! | `--max-event BYTES` | 1MiB | largest publish (body plus type) |
//! | `--redis URL` | none | share one hub with every `sse serve` on this Redis (`redis://127.0.0.1:6379/`): events go through the stream `sse:events`, trimmed like the replay window, and a client may resume on any server; Redis unreachable at start: exit 1; a publish Redis does not acknowledge: `503` |
//! | `--header-timeout DURATION` | 10s | close a connection that has not sent a whole request head this long after its first byte or its connect (0: none) |
//! | `--body-timeout DURATION` | 30s | a publish body must arrive whole this long after its head, or the connection is closed (0: none) |
//! | `--idle-timeout DURATION` | 60s | close a keep-alive connection idle this long between requests; an open stream is never idle (0: none) |
//! | `--write-timeout DURATION` | 30s | close a connection that could not write one byte for this long: a client that stopped reading (0: none) |
//! | `--max-connections N` | none | refuse connections beyond N at once (`503`, then close) |
//! | `--tls-cert FILE --tls-key FILE` | none | HTTPS (PEM, rustls): HTTP/2 by ALPN `h2`, HTTP/1.1 otherwise; the first line says `https://` |
//! | `--h2c` | off | also HTTP/2 by prior knowledge on cleartext |
//!
//! **Many idle subscribers.** A stream opened as the first request of a cleartext
//! HTTP/1.1 connection (what `EventSource` and most clients do) is written by
//! sse-tokio's lean writer ([`ServerOptions::lean_streams`](sse_tokio::server::ServerOptions::lean_streams)):
//! the connection then holds its socket, its subscription and a keep-alive timer, and
//! an idle subscriber costs 3–4 KiB of memory (`cargo xtask bench`'s `ours-serve`
//! row: 3.7 KiB at 10,000 subscribers, 3.0 at 19,800). With 20,000 or more subscribers, raise `--max-subscribers` and the process's
//! open-file limit (`ulimit -n`) together.
//!
//! Tokens are compared in constant time ([`serve::constant_time_eq`]). Ctrl-C (SIGINT)
//! or SIGTERM closes the hub: every stream ends cleanly after the events already
//! published, and the process exits 0 (open requests get [`serve::SHUTDOWN_GRACE`]).
//!
//! Durations are written `500ms`, `30s`, `5m`, `1h` (a bare number is seconds); sizes
//! `4096`, `64KiB`, `1M` (see [`units`]).
//!
//! # Exit codes
//! | code | meaning |
//! |---|---|
//! | 0 | success: `listen` received `--count` events, the server answered `204 No Content`, or the stream ended under `--no-reconnect`; `decode` read the whole input; `serve` shut down on a signal |
//! | 1 | failure, with a one-line reason on standard error: connection failed for good, invalid response (status, content type), retries exhausted, decoder limit exceeded, I/O error, address in use |
//! | 2 | invalid arguments, or options that cannot work together (such as `serve --addr 0.0.0.0:8080` without `--publish-token`) |
//!
//! # In-process
//! ```
//! use sse_cli::serve::{ServeConfig, build_hub, router};
//!
//! let config = ServeConfig::new("127.0.0.1:0".parse().unwrap(), None).unwrap();
//! let hub = build_hub(config.hub_settings());
//! let app: axum::Router = router(hub.clone(), &config);
//! // axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
//! # drop(app);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::process::ExitCode;

use clap::Parser;

pub mod cli;
pub mod decode;
pub mod exit;
pub mod listen;
mod logging;
pub mod output;
pub mod serve;
pub mod units;

use cli::{Cli, Command};
use exit::Failure;

/// Runs the command line of the process and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{failure}");
            failure.exit_code()
        }
    }
}

/// Runs one command.
pub fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Decode(args) => decode::run(&args),
        Command::Serve(args) => {
            let mut config = serve::ServeConfig::from_args(&args)
                .map_err(|e| Failure::usage(format!("sse serve: {e}")))?;
            if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
                let tls = serve::load_tls(cert, key)
                    .map_err(|e| Failure::usage(format!("sse serve: {e}")))?;
                config = config.tls(tls);
            }
            logging::init("warn");
            runtime()?.block_on(serve::run(config))
        }
        Command::Listen(args) => {
            // The client's connection attempts, redirects and reconnections, by
            // `RUST_LOG` (nothing when unset: its own messages say what matters).
            logging::init("off");
            runtime()?.block_on(listen::run(args))
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))
}
