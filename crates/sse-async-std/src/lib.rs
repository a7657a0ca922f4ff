//! futures-io binding of the SSE toolkit: runs on async-std and smol.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
#[cfg(feature = "client")]
pub mod client;
mod read;
#[cfg(feature = "server")]
mod server;
mod source;
mod timer;
mod write;

pub use body::SseBody;
pub use read::{EventReader, ReadError};
#[cfg(feature = "server")]
pub use server::{HubHandler, SseConnExt};
pub use source::{EventFrames, ReaderEvent, TryEventFrames};
pub use timer::AsyncIoTimer;
pub use write::{
    WriteError, write_event, write_event_from_reader, write_frame, write_frames, write_stream,
};

pub use sse_core;
