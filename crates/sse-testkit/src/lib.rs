//! Test support shared by the SSE toolkit's adapter tests (dev-only, never
//! published). Each adapter's tests bring their own server (hyper, actix-web, warp);
//! what they read it with and feed it from is here, so every adapter is checked with
//! the same tools.
//!
//! | module | holds |
//! |---|---|
//! | [`raw`] | [`RawResponse`](raw::RawResponse): a bare HTTP/1.1 client over a loopback socket that shows headers and body bytes exactly as sent |
//! | [`feed`] | a `Stream` of events fed by hand from the test, which reports its drop |
//! | [`limited`] | [`Limited`](limited::Limited): a frame source that ends after some frames, to force reconnections |
//! | [`wait`] | bounded waits on tokio: [`within`](wait::within), [`next`](wait::next), [`eventually`](wait::eventually) |
//! | `client` (feature `client`) | sse-tokio's `EventSource` set up to reconnect quickly, and expectations on its items |
//! | [`scenario`] | what every adapter must do on the wire, run by each adapter's tests against its own server |
//!
//! Every wait is bounded (a hang fails the test); nothing here asserts on timing.
//! Helpers panic on what a test must not meet (a timeout, an unexpected item): that
//! is how they fail the test that called them.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "client")]
pub mod client;
pub mod feed;
pub mod limited;
pub mod raw;
pub mod scenario;
pub mod wait;
