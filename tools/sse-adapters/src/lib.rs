//! The one list of the workspace's server adapters: [`ADAPTERS`]. The compat matrix
//! (`sse-compat-server --adapter NAME`), the fan-out bench (`fanout-server --impl
//! ours-NAME`) and the behaviour suite (`tests/suite.rs` here, over every entry) all
//! read it, and `cargo xtask compat|bench` take the names from those binaries'
//! `--list`. Registering an adapter is one [`Adapter`] entry and its `serve` function
//! (a module of this crate, about 30 lines).
//!
//! Every entry serves a [`Site`]: `/events` answered by a [`Route`] (a hub's
//! endpoint, or the compat scenario's connections), and optionally a page at `/`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod entries;
mod route;

/// The root README's code, compiled and run as doc tests (its hub endpoint for every
/// framework).
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

use std::io;
use std::net::TcpListener;

use sse_core::Hub;

pub use route::{BoxSource, Refusal, Route};

/// One adapter of the workspace.
#[derive(Debug, Clone, Copy)]
pub struct Adapter {
    /// Its name on command lines (`--adapter NAME`, `--impl ours-NAME`).
    pub name: &'static str,
    /// How reports name it.
    pub label: &'static str,
    /// Serves `site` on the bound `listener` until the process ends.
    pub serve: fn(TcpListener, Site) -> io::Result<()>,
    /// Serves the adapter's own one-expression hub endpoint (its `hub_endpoint`) for
    /// `hub` at `/events` on the bound listener until the process ends: what the
    /// behaviour suite checks, so the suite tests the code users call.
    pub hub: fn(TcpListener, Hub) -> io::Result<()>,
}

/// What an adapter serves.
#[derive(Clone)]
pub struct Site {
    /// What `GET /events` streams.
    pub events: Route,
    /// The HTML page at `GET /`, if any.
    pub page: Option<&'static str>,
    /// Threads serving HTTP (where the framework lets us choose).
    pub workers: usize,
}

impl Site {
    /// `/events` by `events`, no page, one worker.
    pub fn new(events: Route) -> Site {
        Site {
            events,
            page: None,
            workers: 1,
        }
    }
}

/// Connections a trillium entry may hold: beyond any the benchmark opens (trillium's
/// default, 75 % of the soft open-file limit, would answer 503 to the idle
/// scenario's last quarter). Entries serve with `sse_async_std::http_config()`, the
/// settings users are told to use.
pub const TRILLIUM_MAX_CONNECTIONS: usize = 1_000_000;

/// Every adapter, by name.
pub const ADAPTERS: &[Adapter] = &[
    Adapter {
        name: "hyper",
        label: "sse-tokio on hyper",
        serve: entries::hyper::serve,
        hub: entries::hyper::hub,
    },
    Adapter {
        name: "axum",
        label: "sse-tokio on axum",
        serve: entries::axum::serve,
        hub: entries::axum::hub,
    },
    Adapter {
        name: "axum-server",
        label: "sse-tokio on axum, on sse_tokio::server",
        serve: entries::axum::serve_on_server,
        hub: entries::axum::hub_on_server,
    },
    Adapter {
        name: "actix-web",
        label: "sse-actix on actix-web",
        serve: entries::actix::serve,
        hub: entries::actix::hub,
    },
    Adapter {
        name: "warp",
        label: "sse-warp on warp",
        serve: entries::warp::serve,
        hub: entries::warp::hub,
    },
    Adapter {
        name: "async-std",
        label: "sse-async-std on trillium + async-std",
        serve: entries::trillium::serve_async_std,
        hub: entries::trillium::hub_async_std,
    },
    Adapter {
        name: "smol",
        label: "sse-async-std on trillium + smol",
        serve: entries::trillium::serve_smol,
        hub: entries::trillium::hub_smol,
    },
    Adapter {
        name: "poem",
        label: "sse-poem on poem",
        serve: entries::poem::serve,
        hub: entries::poem::hub,
    },
];

/// The adapter named `name`.
pub fn find(name: &str) -> Option<&'static Adapter> {
    ADAPTERS.iter().find(|adapter| adapter.name == name)
}
