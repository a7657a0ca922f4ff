//! The push decoder (API stub; the implementation lands with the decoder work).
#![allow(missing_docs, unused)]

use alloc::string::String;
use core::time::Duration;

use crate::event::{EventId, EventType};

/// Memory limits of a [`Decoder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    max_line: usize,
    max_event: usize,
}

impl Limits {
    /// Default maximum line length: 16 MiB.
    pub const DEFAULT_MAX_LINE: usize = 16 << 20;
    /// Default maximum event size (data buffer + event type): 16 MiB.
    pub const DEFAULT_MAX_EVENT: usize = 16 << 20;

    pub fn max_line(mut self, bytes: usize) -> Self {
        self.max_line = bytes;
        self
    }
    pub fn max_event(mut self, bytes: usize) -> Self {
        self.max_event = bytes;
        self
    }
    pub fn line_limit(&self) -> usize {
        self.max_line
    }
    pub fn event_limit(&self) -> usize {
        self.max_event
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: Self::DEFAULT_MAX_LINE,
            max_event: Self::DEFAULT_MAX_EVENT,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    LineTooLong { limit: usize },
    EventTooLarge { limit: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageEvent {
    event_type: Option<EventType>,
    data: String,
    last_event_id: EventId,
}

impl MessageEvent {
    pub fn event_type(&self) -> &str {
        self.event_type.as_ref().map_or("message", |t| t.as_str())
    }
    pub fn data(&self) -> &str {
        &self.data
    }
    pub fn into_data(self) -> String {
        self.data
    }
    pub fn last_event_id(&self) -> &EventId {
        &self.last_event_id
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decoded {
    Event(MessageEvent),
    Retry(Duration),
}

#[derive(Debug, Default)]
pub struct Decoder {}

impl Decoder {
    pub fn new() -> Self {
        Decoder {}
    }
    pub fn with_limits(limits: Limits) -> Self {
        Decoder {}
    }
    pub fn feed(&mut self, input: &[u8]) {}
    pub fn finish(&mut self) {}
    pub fn next_item(&mut self) -> Option<Result<Decoded, DecodeError>> {
        None
    }
    pub fn restart(&mut self) {}
    pub fn last_event_id(&self) -> &EventId {
        unimplemented!()
    }
    pub fn retry(&self) -> Option<Duration> {
        None
    }
    pub fn limits(&self) -> Limits {
        Limits::default()
    }
}
