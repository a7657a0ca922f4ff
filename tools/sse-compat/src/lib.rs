//! The test bed of `cargo xtask compat`: one scripted scenario, served over every
//! server adapter of the workspace and received by every client, so that each pairing
//! is checked end to end over real sockets (loopback only).
//!
//! - [`script`]: the events the server publishes.
//! - [`scenario`]: what each `/events` request streams (first connection, server-side
//!   end, replay after `Last-Event-ID`, live events, `done`).
//! - [`adapters`]: the scenario server over each adapter's public API
//!   (`sse-compat-server --adapter NAME --addr 127.0.0.1:0`).
//! - [`clients`]: the Rust clients and the curl driver
//!   (`sse-compat-client --client NAME --url URL`), which print a [`record`].
//!
//! The expected record is `xtask/compat/expected.txt`; `cargo xtask compat` runs the
//! matrix and compares.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod adapters;
pub mod clients;
pub mod record;
pub mod scenario;
pub mod script;

/// The browser client's page, served at `/` by every adapter.
pub const PAGE: &str = include_str!("../../../xtask/compat/page.html");
