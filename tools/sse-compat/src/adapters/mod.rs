//! The servers of the matrix: every entry of the one adapter list
//! ([`sse_adapters::ADAPTERS`]), each serving the scenario (`/` the browser page,
//! [`PAGE`](crate::PAGE); `/events` a [`Connection`](crate::scenario::Connection) of
//! the shared [`Scenario`]), and the `reference` row.
//!
//! `reference` is not an adapter but the control row: sse-core's frames written by a
//! blocking `std` server, so that a client failing everywhere is told apart from an
//! adapter failing with every client.
//!
//! Adding an adapter: one entry in `sse_adapters::ADAPTERS`; nothing here.

use std::net::TcpListener;

use sse_adapters::{ADAPTERS, Site};

use crate::scenario::Scenario;

mod reference;

/// The name of the control row.
pub const REFERENCE: &str = "reference";

/// Every server's name, as `--adapter` takes it: the adapters, then `reference`.
pub fn names() -> impl Iterator<Item = &'static str> {
    ADAPTERS
        .iter()
        .map(|adapter| adapter.name)
        .chain([REFERENCE])
}

/// Serves the scenario with the server named `name` until the process is killed.
pub fn serve(name: &str, listener: TcpListener, scenario: Scenario) -> Result<(), String> {
    if name == REFERENCE {
        return reference::serve(listener, scenario);
    }
    let adapter = sse_adapters::find(name).ok_or_else(|| format!("no adapter named `{name}`"))?;
    let site = Site {
        events: scenario.route(),
        page: Some(crate::PAGE),
        workers: 1,
    };
    (adapter.serve)(listener, site).map_err(|e| e.to_string())
}
