//! The server settings the floors run with, the same as the adapter list's entries
//! (`sse-adapters`) so a floor differs from ours only by the SSE logic.

/// Connections trillium may hold: beyond any the benchmark opens (trillium's default,
/// 75 % of the soft open-file limit, would answer 503 to the idle scenario's last
/// quarter).
pub const TRILLIUM_MAX_CONNECTIONS: usize = sse_adapters::TRILLIUM_MAX_CONNECTIONS;

/// A trillium runtime crate's `config()` for the floor: no signal handlers, no
/// connection cap, `sse_async_std::http_config()`. (A macro: the config types of
/// trillium-smol and trillium-async-std are not nameable.)
macro_rules! trillium_config {
    ($runtime:ident) => {
        $runtime::config()
            .without_signals()
            .with_max_connections(Some($crate::tuning::TRILLIUM_MAX_CONNECTIONS))
            .with_http_config(sse_async_std::http_config())
    };
}
pub(crate) use trillium_config;

/// hyper's HTTP/1.1 settings: its defaults.
pub fn hyper_builder() -> hyper::server::conn::http1::Builder {
    hyper::server::conn::http1::Builder::new()
}
