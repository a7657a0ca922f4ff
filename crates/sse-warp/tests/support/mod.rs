//! Test support: the server on a loopback port. The clients (raw HTTP and sse-tokio's)
//! and the hand-fed event streams come from `sse-testkit`.

pub mod server;
