//! Logs on stderr through `tracing`, filtered by `RUST_LOG` (e.g. `RUST_LOG=debug`,
//! `RUST_LOG=sse_tokio::server=debug`); warnings only when it is unset.

use tracing_subscriber::EnvFilter;

/// Installs the stderr logger (once; later calls do nothing).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
