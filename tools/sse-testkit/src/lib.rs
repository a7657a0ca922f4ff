//! Test support shared by the SSE toolkit's adapter tests (dev-only, never
//! published). Each adapter's tests bring their own server (hyper, actix-web, warp);
//! what they read it with and feed it from is here, so every adapter is checked with
//! the same tools.
//!
//! | module | holds |
//! |---|---|
//! | [`chromium`] | the flags every headless Chromium of the tests and the compat matrix runs with |
//! | [`http1`] | the one HTTP/1.1 response reader of the workspace's raw clients: heads by `httparse`, chunked bodies decoded in place |
//! | `suite` (feature `suite`) | the shared behaviour suite every adapter runs from its `tests/suite.rs` (`behaviour_suite!`) |
//! | [`limited`] | [`Limited`](limited::Limited): a frame source that ends after some frames, to force reconnections |
//! | `raw` (feature `tokio`) | `RawResponse`: a bare HTTP/1.1 client over a loopback socket that shows headers and body bytes exactly as sent |
//! | `feed` (feature `tokio`) | a `Stream` of events fed by hand from the test, which reports its drop |
//! | `wait` (feature `tokio`) | bounded waits on tokio: `within`, `next`, `eventually` |
//! | `client` (feature `client`) | sse-tokio's `EventSource` set up to reconnect quickly, and expectations on its items |
//! | `scenario` (feature `tokio`; its `hub` part, `client`) | what every adapter must do on the wire, run by each adapter's tests against its own server |
//!
//! Every wait is bounded (a hang fails the test); nothing here asserts on timing.
//! Helpers panic on what a test must not meet (a timeout, an unexpected item): that
//! is how they fail the test that called them.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod chromium;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "tokio")]
pub mod feed;
pub mod http1;
pub mod limited;
#[cfg(feature = "tokio")]
pub mod raw;
#[cfg(feature = "tokio")]
pub mod scenario;
#[cfg(feature = "suite")]
pub mod suite;
#[cfg(feature = "tokio")]
pub mod wait;
