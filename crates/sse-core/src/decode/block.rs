//! The event being assembled: the spec's data, event type and last event ID buffers.

use alloc::string::String;
use alloc::vec::Vec;
use core::mem;

use super::message::MessageEvent;
use crate::event::{EventId, EventType};

/// Above this capacity a scratch buffer is released instead of kept for reuse, so one
/// huge line does not pin its memory for the rest of the stream.
pub(super) const KEEP_CAPACITY: usize = 64 << 10;

/// The buffers of the block of lines in progress.
#[derive(Debug, Default)]
pub(super) struct Block {
    /// Data lines joined with `\n` (the spec's buffer minus its final `\n`), as raw
    /// bytes: decoded once, at dispatch.
    data: Vec<u8>,
    /// Whether any `data` line was seen (then `data` may still be empty).
    has_data: bool,
    /// The event type buffer, raw.
    event_type: Vec<u8>,
    /// The last event ID buffer. Not cleared at dispatch: it persists.
    id: EventId,
    /// The type of the previous event, reused while the stream repeats it.
    type_cache: Option<EventType>,
}

impl Block {
    /// A block whose last event ID buffer starts as `id`.
    pub(super) fn new(id: EventId) -> Block {
        Block {
            id,
            ..Block::default()
        }
    }

    /// Starts a new data line: a `\n` joins it to the previous one.
    pub(super) fn start_data_line(&mut self) {
        if self.has_data {
            self.data.push(b'\n');
        }
        self.has_data = true;
    }

    /// Appends bytes of the current data line's value.
    pub(super) fn extend_data(&mut self, bytes: &[u8]) {
        self.data.extend_from_slice(bytes);
    }

    /// A whole `data` line.
    pub(super) fn push_data_line(&mut self, value: &[u8]) {
        self.start_data_line();
        if self.data.is_empty() {
            // First line: allocate exactly, the dispatched String keeps this buffer.
            self.data.reserve_exact(value.len());
        }
        self.extend_data(value);
    }

    /// An `event` line.
    pub(super) fn set_type(&mut self, value: &[u8]) {
        self.event_type.clear();
        self.event_type.extend_from_slice(value);
    }

    /// An `id` line: ignored when the value holds NUL, else it replaces the buffer
    /// (the empty value resets it).
    pub(super) fn set_id(&mut self, value: &[u8]) {
        if memchr::memchr(0, value).is_some() || self.id.as_bytes() == value {
            return;
        }
        let text = String::from_utf8_lossy(value);
        if let Ok(id) = EventId::new(&*text) {
            self.id = id;
        }
    }

    /// The last event ID buffer.
    pub(super) fn id(&self) -> &EventId {
        &self.id
    }

    /// Bytes counted against the event limit.
    pub(super) fn size(&self) -> usize {
        self.data.len().saturating_add(self.event_type.len())
    }

    /// Dispatch: the event, if the block had data, with `last_event_id` already set
    /// from this block's buffer. The data and type buffers are emptied either way.
    pub(super) fn take_event(&mut self, last_event_id: &EventId) -> Option<MessageEvent> {
        if !self.has_data {
            self.event_type.clear();
            return None;
        }
        self.has_data = false;
        let event_type = self.take_type();
        let data = into_text(mem::take(&mut self.data));
        Some(MessageEvent {
            event_type,
            data,
            last_event_id: last_event_id.clone(),
        })
    }

    /// Drops the block in progress: data, type, and the `id` it set (the buffer goes
    /// back to `last_event_id`, the last ID actually dispatched).
    pub(super) fn discard(&mut self, last_event_id: &EventId) {
        self.has_data = false;
        self.data = Vec::new();
        self.event_type.clear();
        if self.event_type.capacity() > KEEP_CAPACITY {
            self.event_type = Vec::new();
        }
        self.id = last_event_id.clone();
    }

    fn take_type(&mut self) -> Option<EventType> {
        if self.event_type.is_empty() {
            return None;
        }
        let cached = self
            .type_cache
            .as_ref()
            .filter(|cached| cached.as_bytes() == self.event_type.as_slice())
            .cloned();
        let event_type = cached.or_else(|| {
            let text = String::from_utf8_lossy(&self.event_type);
            // Cannot fail: a line holds no CR or LF.
            let fresh = EventType::new(&*text).ok();
            self.type_cache.clone_from(&fresh);
            fresh
        });
        self.event_type.clear();
        event_type
    }
}

/// UTF-8 decoding with U+FFFD for invalid sequences; no copy when the bytes are valid.
pub(super) fn into_text(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(invalid) => String::from_utf8_lossy(invalid.as_bytes()).into_owned(),
    }
}
