//! The `EventSource` client (feature `client`) on hyper 1: [`EventSource`] is a
//! `Stream` of [`SourceEvent`]s that reconnects by itself, driven by sse-core's
//! [`ClientMachine`](sse_core::ClientMachine); [`HttpClient`] is the pooled hyper-util
//! client under it.
//!
//! | module | holds |
//! |---|---|
//! | `event_source` | [`EventSource`], its builder, [`SourceEvent`] |
//! | `connection` | one attempt: the response future, then the body |
//! | `redirect` | following 301/302/303/307/308 as fetch does |
//! | `request` | the request sent on every attempt ([`IntoSseRequest`]) |
//! | `transport` | [`HttpClient`]: connectors, TLS, HTTP/2 |

mod connection;
mod error;
mod event_source;
mod redirect;
mod request;
mod transport;

pub use error::BuildError;
pub use event_source::{EventSource, EventSourceBuilder, SourceEvent};
pub use request::IntoSseRequest;
pub use sse_core::{ClientConfig, Disconnect, ReadyState, StopReason, TransportError};
pub use transport::{HttpClient, HttpClientBuilder};
