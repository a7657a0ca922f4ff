//! One module per adapter: its `serve` function, which answers `/events` through the
//! adapter's public API (its `Sse` response over the route's source, or the route's
//! refusal as status + text) and `/` with the page.

pub mod actix;
pub mod axum;
pub mod hyper;
pub mod poem;
pub mod trillium;
pub mod warp;

use std::io;
use std::net::TcpListener;

/// A tokio runtime with `workers` threads (a current-thread one for 1), I/O and time.
fn tokio_runtime(workers: usize) -> io::Result<tokio::runtime::Runtime> {
    if workers <= 1 {
        return tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
}

/// The bound listener, for the running tokio runtime.
fn tokio_listener(listener: TcpListener) -> io::Result<tokio::net::TcpListener> {
    listener.set_nonblocking(true)?;
    tokio::net::TcpListener::from_std(listener)
}
