//! tokio, hyper and http-body binding of the SSE toolkit.
//!
//! Work in progress.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "axum")]
pub mod axum;
mod body;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "codec")]
pub mod codec;
pub mod decode;
mod hub;
#[cfg(feature = "serde")]
pub mod json;
mod reader;
mod response;
mod source;
mod timer;

pub use body::SseBody;
pub use decode::{BodyEvents, EventStreamError, ReaderEvents};
pub use hub::topic_filter;
pub use reader::{ReaderEvent, ReaderSource};
pub use response::{last_event_id, request_last_event_id, set_sse_headers, sse_response};
pub use source::{EventStream, Outgoing, SseItem};
pub use sse_core;
pub use sse_core::stream::{KeepAlive, StreamOptions};
pub use sse_core::{Event, EventId, EventType, Frame, MessageEvent};
pub use timer::TokioTimer;

/// The boxed error that HTTP servers take from bodies.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
