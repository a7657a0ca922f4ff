//! Ours: every entry of the one adapter list (`sse_adapters::ADAPTERS`), serving a
//! hub's endpoint (`Route::hub`: what each adapter's `hub_endpoint` does). The hub
//! keeps every benchmark event in its window (so no subscriber lags) and its default
//! stream options (15 s keep-alive).

use std::io;
use std::net::TcpListener;

use sse_adapters::{Adapter, Route, Site};

use crate::control::Bench;
use crate::sinks::{HubSink, bench_hub};

/// Serves the hub's endpoint with `adapter`, counting each request as a subscriber.
pub fn serve(adapter: &Adapter, listener: TcpListener, bench: Bench) -> io::Result<()> {
    let hub = bench_hub(&bench);
    bench.start_control(HubSink::new(hub.clone())?)?;
    let subscribers = bench.subscribers();
    let endpoint = Route::hub(hub);
    let events = Route::new(move |query, last_event_id| {
        subscribers.joined();
        endpoint.respond(query, last_event_id)
    });
    let site = Site {
        events,
        page: None,
        workers: bench.workers(),
    };
    (adapter.serve)(listener, site)
}
