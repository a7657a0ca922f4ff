//! Sans-IO core of Server-Sent Events (`text/event-stream`, WHATWG HTML §9.2).
//!
//! Everything protocol-level lives here, with no sockets, no runtime and no timers
//! that the crate drives itself; runtime crates (`sse-tokio`, `sse-async-std`,
//! `sse-actix`, `sse-warp`) are thin glue over it.
//!
//! | module | holds |
//! |---|---|
//! | [`event`] | [`Event`], the validated [`EventId`] and [`EventType`], the builder |
//! | [`encode`] | [`Frame`]: events encoded once into shared [`bytes::Bytes`]; [`DataEncoder`] for payloads that arrive in chunks |
//! | [`decode`] | [`Decoder`]: the spec's parsing algorithm as a push decoder with memory limits |
//! | `client` (std) | `ClientMachine`: the EventSource reconnection state machine, time passed in; `SourceEvent`, the items of client streams |
//! | `hub` (std) | `Hub` and `Subscription`: encode-once broadcast with topics and replay |
//! | `http` (std) | what every HTTP adapter needs: response headers, `Last-Event-ID`, `?topics=` |
//! | `stream` (std) | `FrameStream`: a response body's frames with keep-alive, over any timer |
//!
//! # Dependencies
//! `bytes` (shared frames) and `memchr` (line scanning) only. The optional `json`
//! feature adds `serde` and `serde_json` for `Event::json`; it is off by default so
//! the protocol core stays free of them. The optional `tracing` feature adds `tracing`
//! to log what the hub decides about subscribers (lag drops, resumes across a gap,
//! refusals at the subscriber limit); off, it costs nothing.
//!
//! # `no_std`
//! The event model, the encoder and the decoder need only `alloc`: build with
//! `default-features = false`. The default `std` feature adds the client state machine
//! (it takes `std::time::Instant`), the hub (locks), the HTTP helpers and `FrameStream`.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "std")]
pub mod client;
pub mod decode;
pub mod encode;
pub mod event;
#[cfg(feature = "std")]
pub mod http;
#[cfg(feature = "std")]
pub mod hub;
#[cfg(feature = "std")]
pub mod stream;

#[cfg(feature = "std")]
pub use client::{
    Action, ClientConfig, ClientIo, ClientMachine, Disconnect, ReadyState, SourceEvent, StopReason,
    TransportError,
};
pub use decode::{DecodeError, Decoded, Decoder, Limits, MessageEvent};
pub use encode::{DataEncoder, Frame, encode_into, encoded_len};
pub use event::{Event, EventBuilder, EventId, EventType, Field, FieldError, ForbiddenChar};
#[cfg(feature = "std")]
pub use hub::{Hub, Subscription, Topic, TopicFilter};
