//! The `EventSource` client (feature `client`) on hyper 1: [`EventSource`] is a
//! `Stream` of [`SourceEvent`]s that reconnects by itself, driven by sse-core's
//! [`ClientDriver`](sse_core::ClientDriver) (which follows redirects and caps the
//! work per poll); [`HttpClient`] is the pooled hyper-util client under it.
//!
//! | module | holds |
//! |---|---|
//! | `event_source` | [`EventSource`] (a stream of sse-core's [`SourceEvent`]s), its builder |
//! | `connection` | the driver's I/O: one attempt's response future, then its body; the timer |
//! | `request` | the request sent on every attempt ([`IntoSseRequest`]) |
//! | `transport` | [`HttpClient`]: connectors, TLS, HTTP/2 |

mod connection;
mod error;
mod event_source;
mod request;
mod transport;

pub use error::BuildError;
pub use event_source::{EventSource, EventSourceBuilder};
pub use request::IntoSseRequest;
pub use sse_core::client::TooManyRedirects;
pub use sse_core::{ClientConfig, Disconnect, ReadyState, SourceEvent, StopReason, TransportError};
pub use transport::{HttpClient, HttpClientBuilder};
