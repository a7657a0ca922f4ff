//! The scenario server over each adapter's public API. Each module serves, on a bound
//! loopback listener, `/` (the browser page, [`PAGE`](crate::PAGE)) and `/events`
//! (a [`Connection`](crate::scenario::Connection) of the shared
//! [`Scenario`]).
//!
//! `reference` is not an adapter but the control row: sse-core's frames written by a
//! blocking `std` server, so that a client failing everywhere is told apart from an
//! adapter failing with every client.
//!
//! Adding an adapter: a module with a `serve` function, and one line in [`ADAPTERS`].

use std::net::TcpListener;

use crate::scenario::Scenario;

mod actix;
mod axum;
mod hyper;
mod reference;
mod trillium;
mod warp;

/// Serves the scenario on `listener` until the process is killed.
pub type Serve = fn(TcpListener, Scenario) -> Result<(), String>;

/// Every adapter, by the name `--adapter` takes.
pub const ADAPTERS: &[(&str, Serve)] = &[
    ("hyper", hyper::serve),
    ("axum", axum::serve),
    ("actix-web", actix::serve),
    ("warp", warp::serve),
    ("async-std", trillium::serve_async_std),
    ("smol", trillium::serve_smol),
    ("reference", reference::serve),
];

/// The adapter named `name`.
pub fn find(name: &str) -> Option<Serve> {
    ADAPTERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, serve)| *serve)
}

/// The bound listener, handed to the running tokio runtime.
fn tokio_listener(listener: TcpListener) -> Result<tokio::net::TcpListener, String> {
    listener
        .set_nonblocking(true)
        .and_then(|()| tokio::net::TcpListener::from_std(listener))
        .map_err(|e| format!("listener: {e}"))
}

/// A single-threaded tokio runtime (one cell's server needs no more), with the I/O
/// and time drivers.
fn tokio_runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))
}
