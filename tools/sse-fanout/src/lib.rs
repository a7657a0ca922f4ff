//! The fan-out benchmark: what the server process and the load generator agree on.
//!
//! `cargo xtask bench` runs, for every implementation under test and every scenario,
//! one `fanout-server` process (it serves an event stream with one SSE implementation:
//! an adapter of this workspace over a hub subscription, a peer users would otherwise
//! pick, or a bare TCP baseline) and one `fanout-load` process that holds `C`
//! connections to it on loopback and counts what arrives.
//!
//! # Protocol
//! ```text
//! xtask ── spawn ──▶ fanout-server --impl NAME --events N --size B --rate R ...
//!                      prints `ready port=P control=Q` once listening
//! xtask ── spawn ──▶ fanout-load --port P --control Q --server-pid PID --clients C ...
//!   1. opens C connections: `GET /events HTTP/1.1`, reads each response head
//!   2. reads the server's CPU time and memory from /proc/PID
//!   3. `POST /start?subscribers=C` on the control port: the server waits until its
//!      handlers have seen C subscribers, then a publisher thread publishes N events
//!      of B bytes (back to back, or R per second), stopping early after the time limit
//!   4. counts frames (`\n\n`) until it has C × N, or the time limit passes
//!   5. reads /proc/PID again and prints one JSON line of results
//! ```
//! Every event's data starts with its publish time (microseconds since the Unix epoch,
//! 16 digits), so the load generator can measure publish → receive latency on the same
//! machine clock.
//!
//! This library holds the pure pieces both sides use, each unit-tested: the payload
//! format ([`payload`]), the HTTP/1.1 response head ([`head`], by `httparse`) and
//! chunked body ([`chunked`]) decoding (both sse-testkit's, shared with the behaviour
//! suite), frame counting ([`scan`]), `/proc` readings ([`procfs`])
//! and latency percentiles ([`percentile`]).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use sse_testkit::http1::{chunked, head};
pub mod payload;
pub mod percentile;
pub mod procfs;
pub mod scan;
