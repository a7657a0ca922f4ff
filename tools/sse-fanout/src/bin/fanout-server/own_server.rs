//! `sse serve` exactly as the binary runs it (its routes, its
//! `sse_tokio::server::Server` with the lean writer). The subscriber count comes from
//! the hub's own figures, since no handler of the benchmark's is in the path. (axum on
//! that same server helper is an entry of the adapter list: `ours-axum-server`.)

use std::io;
use std::net::TcpListener;
use std::time::Duration;

use sse_cli::serve::{HubSettings, ServeConfig, hub_builder};
use sse_core::hub::Hub;

use crate::control::{Bench, Subscribers};
use crate::sinks::HubSink;

/// Most subscribers `sse serve`'s hub takes here: more than the machine's file limit
/// lets the load generator open (its default cap, `--max-subscribers`, is 10,000).
const MAX_SUBSCRIBERS: usize = 100_000;

/// `sse serve`'s routes and server; the stream is `GET /subscribe/bench`.
pub fn serve_sse_serve(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let addr = listener.local_addr()?;
    let config = ServeConfig::new(addr, None)
        .map_err(io::Error::other)?
        .hub(HubSettings {
            replay_count: usize::try_from(bench.events()).unwrap_or(usize::MAX).max(1),
            max_subscribers: MAX_SUBSCRIBERS,
            ..HubSettings::default()
        });
    // As `sse serve` builds it, with no byte bound on the window, as for every row.
    let hub = hub_builder(config.hub_settings())
        .window_bytes(usize::MAX)
        .build();
    bench.start_control_at(HubSink::new(hub.clone())?, "/subscribe/bench")?;
    count_subscribers(hub.clone(), bench.subscribers());
    crate::tokio_runtime(bench.workers())?.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        sse_cli::serve::serve(listener, hub, &config, std::future::pending()).await
    })
}

/// Keeps `subscribers` at the hub's count (it only grows in a benchmark run).
fn count_subscribers(hub: Hub, subscribers: std::sync::Arc<Subscribers>) {
    std::thread::spawn(move || {
        loop {
            subscribers.observed(hub.stats().subscribers);
            std::thread::sleep(Duration::from_millis(10));
        }
    });
}
