//! Interoperability tests between the SSE toolkit's adapters; the tests are in
//! `tests/`, the library is empty.
//!
//! - the `sse-tokio` client (hyper on tokio) against `sse-async-std`'s trillium server
//!   on async-std and on smol;
//! - the `sse-async-std` client (trillium-client on async-std and on smol) against an
//!   `sse-tokio` server (axum on tokio).
//!
//! They live in a crate of their own so that tokio never enters `sse-async-std`'s
//! dependency tree, not even as a dev-dependency.
#![forbid(unsafe_code)]
