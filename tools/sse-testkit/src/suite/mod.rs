//! The shared behaviour suite: what every adapter's hub endpoint must do on the wire,
//! checked over raw HTTP/1.1 on loopback, the same way for every framework.
//!
//! An adapter hands the suite a [`Serve`] function: it serves the adapter's hub
//! endpoint for a given [`Hub`] at `/events` on a bound listener, blocking its thread
//! (build a runtime inside it, as a `main` would). The suite binds the listener, runs
//! `serve` on a thread of its own, and talks to it; so a framework with its own
//! runtime (actix), tokio (axum, warp, poem) or async-std and smol (trillium) all
//! plug in the same way. [`behaviour_suite!`](crate::behaviour_suite) writes one
//! `#[test]` per check:
//!
//! ```no_run
//! use std::net::TcpListener;
//! use sse_core::Hub;
//!
//! fn serve(listener: TcpListener, hub: Hub) -> std::io::Result<()> {
//!     // Serve `hub`'s endpoint at `/events` on `listener` until the process ends.
//! # let _ = (listener, hub);
//!     Ok(())
//! }
//!
//! sse_testkit::behaviour_suite!(serve);
//! ```
//!
//! The assertions decode the body with sse-core's `Decoder` (events, `retry:`) and
//! tell keep-alives by their comment lines, never by exact bytes, so they hold under
//! any valid framing. Every wait is bounded by [`WAIT`]; a failure names the check and
//! what was seen.

mod checks;
mod wire;

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sse_core::Hub;

pub use checks::*;
pub use wire::Response;

/// Serves `hub`'s endpoint at `/events` on `listener`, blocking until the process
/// ends (or failing). Made from a function or closure with [`serving`].
pub type Serve = Arc<dyn Fn(TcpListener, Hub) -> io::Result<()> + Send + Sync>;

/// A [`Serve`] of `serve`.
pub fn serving(
    serve: impl Fn(TcpListener, Hub) -> io::Result<()> + Send + Sync + 'static,
) -> Serve {
    Arc::new(serve)
}

/// One check of the suite, run against an adapter.
pub type Check = fn(&Serve);

/// Every check, by name (what [`behaviour_suite!`](crate::behaviour_suite) runs, one
/// `#[test]` each; a list of adapters can loop over it instead).
pub const CHECKS: &[(&str, Check)] = &[
    ("status_and_headers", status_and_headers),
    ("retry_hint", retry_hint),
    ("live_events", live_events),
    ("topic_filter", topic_filter),
    ("resume_by_header", resume_by_header),
    ("resume_by_query", resume_by_query),
    ("bad_topics_are_400", bad_topics_are_400),
    ("bad_last_event_id_is_400", bad_last_event_id_is_400),
    ("full_hub_is_503", full_hub_is_503),
    ("closed_hub_is_503", closed_hub_is_503),
    ("keep_alive_on_idle_stream", keep_alive_on_idle_stream),
    (
        "disconnect_frees_the_subscription",
        disconnect_frees_the_subscription,
    ),
];

/// How long any wait of the suite may take before the check fails.
pub const WAIT: Duration = Duration::from_secs(10);

/// Binds a loopback listener and runs `serve` for `hub` on a new thread; returns the
/// address. Connections made before the server polls its listener wait in the
/// backlog, so the address is usable at once.
pub fn start(serve: &Serve, hub: Hub) -> SocketAddr {
    let serve = serve.clone();
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap_or_else(|e| panic!("suite: cannot bind a loopback listener: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("suite: no local address: {e}"));
    std::thread::spawn(move || {
        if let Err(error) = serve(listener, hub) {
            eprintln!("suite: the adapter's server failed: {error}");
        }
    });
    addr
}

/// Waits (bounded by [`WAIT`]) until `hub` has `count` subscribers.
pub fn wait_for_subscribers(hub: &Hub, count: usize, check: &str) {
    let deadline = Instant::now() + WAIT;
    while hub.stats().subscribers != count {
        assert!(
            Instant::now() < deadline,
            "{check}: the hub has {} subscribers, expected {count} within {WAIT:?}",
            hub.stats().subscribers
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Writes one `#[test]` per check of the suite, each running it against the adapter
/// served by `$serve` (a function or closure `Fn(TcpListener, Hub) -> io::Result<()>`).
#[macro_export]
macro_rules! behaviour_suite {
    ($serve:expr) => {
        $crate::behaviour_suite!(@tests $serve;
            status_and_headers, retry_hint, live_events, topic_filter,
            resume_by_header, resume_by_query, bad_topics_are_400,
            bad_last_event_id_is_400, full_hub_is_503, closed_hub_is_503,
            keep_alive_on_idle_stream, disconnect_frees_the_subscription);
    };
    (@tests $serve:expr; $($check:ident),+) => {
        $(
            #[test]
            fn $check() {
                $crate::suite::$check(&$crate::suite::serving($serve));
            }
        )+
    };
}
