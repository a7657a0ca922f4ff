//! Logs on stderr through `tracing`, filtered by `RUST_LOG` (e.g. `RUST_LOG=debug`,
//! `RUST_LOG=sse_tokio::server=debug`). When it is unset, each command picks its
//! default: `sse serve` logs warnings, `sse listen` nothing (it prints its own
//! one-line messages, which the logs would repeat).

use tracing_subscriber::EnvFilter;

/// Installs the stderr logger (once; later calls do nothing), filtered by `RUST_LOG`
/// or else by `default` (an `EnvFilter` directive such as `"warn"` or `"off"`).
pub fn init(default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
