//! The scenario server over each adapter's public API. Each module serves, on a bound
//! loopback listener, `/` (the browser page, [`PAGE`](crate::PAGE)) and `/events`
//! (a [`Connection`](crate::scenario::Connection) of the shared
//! [`Scenario`]).
//!
//! Adding an adapter: a module with a `serve` function, and one line in [`ADAPTERS`].

use std::net::TcpListener;

use crate::scenario::Scenario;

mod reference;

/// Serves the scenario on `listener` until the process is killed.
pub type Serve = fn(TcpListener, Scenario) -> Result<(), String>;

/// Every adapter, by the name `--adapter` takes.
pub const ADAPTERS: &[(&str, Serve)] = &[("reference", reference::serve)];

/// The adapter named `name`.
pub fn find(name: &str) -> Option<Serve> {
    ADAPTERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, serve)| *serve)
}
