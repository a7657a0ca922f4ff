//! The scenario's clients: each connects to `/events`, follows the stream through the
//! server-side end and the reconnection, stops at the `done` event and returns its
//! [`record`](crate::record) lines.

use std::time::Duration;

mod curl;
mod decoded;
mod futures_io;
mod tokio;

/// Runs a client against the stream at `url`; the record lines, or what went wrong.
pub type Run = fn(&str) -> Result<Vec<String>, String>;

/// How long a client may take for the whole scenario.
pub const DEADLINE: Duration = Duration::from_secs(15);

/// The Rust clients: columns of the matrix (`sse-compat-client --list`).
pub const RUST_CLIENTS: &[(&str, Run)] = &[
    ("tokio", tokio::run),
    ("async-std", futures_io::run_async_std),
    ("smol", futures_io::run_smol),
];

/// Drivers of external tools, run by name but listed by the xtask itself.
pub const TOOL_DRIVERS: &[(&str, Run)] = &[("curl", curl::run)];

/// The client or driver named `name`.
pub fn find(name: &str) -> Option<Run> {
    RUST_CLIENTS
        .iter()
        .chain(TOOL_DRIVERS)
        .find(|(n, _)| *n == name)
        .map(|(_, run)| *run)
}
