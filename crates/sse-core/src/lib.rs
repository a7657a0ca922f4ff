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
//! | `client` (std) | `ClientMachine`: the EventSource reconnection state machine, time passed in; `ClientDriver`: the drive loop of client streams (requests, redirects, work cap, timeouts) over a runtime's `ClientIo`; `SourceEvent`, their items |
//! | `hub` (std) | `Hub` and `Subscription`: encode-once broadcast with topics and replay |
//! | `http` (std) | the protocol's HTTP names: headers, query parameters, the content-type check |
//! | `response` (std) | the adapter contract's response: `SseResponse` (source, stream options, `HEADERS`) and `define_sse!`, which declares every adapter's `Sse` |
//! | `subscribe` (std) | the adapter contract's request: `SubscribeRequest` (topics + `Last-Event-ID`) and `Rejection` (with its HTTP status) |
//! | `source` (std) | `EventStream` (any `Stream` of events as a frame source) and `ReaderEvent` (one event whose data is read from a `DataRead`) |
//! | `stream` (std) | `FrameStream`: a response body's frames with keep-alive, over any timer |
//!
//! # The adapter contract
//! A framework binding implements only its framework's traits over three things from
//! here: [`SseResponse`] (what to send), a
//! [`Timer`](stream::Timer) (its runtime's clock), and
//! [`SubscribeRequest`] /
//! [`Rejection`] (what a client asks of a hub, and the status
//! when that fails). `CONTRIBUTING.md` at the repository root walks through it.
//!
//! # Dependencies
//! - `bytes`: shared frames, and decoded data that is a slice of the read it came in.
//! - `memchr`: line scanning with vector instructions.
//! - `simdutf8`: UTF-8 checking with vector instructions (several times faster than
//!   `core::str::from_utf8`), for `data` lines that span reads; `no_std` (its `std`
//!   feature, turned on by ours, picks the instructions at run time).
//! - `bytestring`: a `str` over `Bytes` ([`decode::Text`]), so event data can share
//!   the read it came in without `unsafe` code in this crate; `no_std`, by the actix
//!   project, depends only on `bytes`.
//! - `futures-core` and `pin-project-lite` (feature `futures`, part of `std`): the
//!   `Stream` trait, so any stream of events is a response source
//!   ([`source::EventStream`]) and any stream of bytes decodes with
//!   [`decode::EventsExt::events`]; both are `no_std`.
//! - `form_urlencoded` (with `std`): decoding `?topics=` and `?lastEventId=` exactly as
//!   browsers encode them, instead of a hand-written percent-decoder.
//! - `url` (with `std`): the client's requests and redirects. Resolving a `Location`
//!   against the current URL and comparing origins is the WHATWG URL standard's job,
//!   and `url` implements it.
//!
//! Without `std`, the `futures` feature alone gives [`decode::EventsExt`]. The optional
//! `json` feature adds `serde` and `serde_json` for `Event::json`; `tracing` adds `tracing` for the client driver's spans and events and for what the
//! hub decides about subscribers (lag drops, resumes across a gap, refusals at the
//! subscriber limit). Both are off by default so
//! the protocol core stays free of them.
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
pub mod response;
#[cfg(feature = "std")]
pub mod source;
#[cfg(feature = "std")]
pub mod stream;
#[cfg(feature = "std")]
pub mod subscribe;

/// What [`define_sse!`] expands to refers to; not public API.
#[cfg(feature = "std")]
#[doc(hidden)]
pub mod __private {
    pub use bytes::Bytes;
    pub use core::time::Duration;
    pub use futures_core::Stream;
}

#[cfg(feature = "std")]
pub use client::{
    Action, ClientConfig, ClientDriver, ClientIo, ClientMachine, ClientRequest, Disconnect,
    ReadyState, SourceEvent, StopReason, TransportError,
};
pub use decode::{DecodeError, Decoded, Decoder, Limits, MessageEvent};
pub use encode::{DataEncoder, Frame, encode_into, encoded_len};
pub use event::{Event, EventBuilder, EventId, EventType, Field, FieldError, ForbiddenChar};
#[cfg(feature = "std")]
pub use hub::{Hub, Subscription, Topic, TopicFilter};
#[cfg(feature = "std")]
pub use response::SseResponse;
#[cfg(feature = "std")]
pub use subscribe::{Rejection, SubscribeRequest};
