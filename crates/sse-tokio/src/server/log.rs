//! Connection logs through `tracing` with the `tracing` feature; nothing otherwise.

/// Logs at `$level` (`debug`, `info`, `warn`) with a format string.
macro_rules! log {
    ($level:ident, $($arg:tt)+) => {{
        #[cfg(feature = "tracing")]
        tracing::$level!(target: "sse_tokio::server", $($arg)+);
        #[cfg(not(feature = "tracing"))]
        {
            let _ = format_args!($($arg)+);
        }
    }};
}

pub(crate) use log;
