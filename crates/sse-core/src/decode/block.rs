//! The event being assembled: the spec's data, event type and last event ID buffers.

use alloc::string::String;
use core::mem;

use super::Item;
use super::message::{Decoded, MessageEvent};
use crate::event::{EventId, EventType};

/// Above this capacity a scratch buffer is released instead of kept for reuse, so one
/// huge line does not pin its memory for the rest of the stream.
pub(super) const KEEP_CAPACITY: usize = 64 << 10;

/// The buffers of the block of lines in progress.
#[derive(Debug, Default)]
pub(super) struct Block {
    /// Data lines joined with `\n` (the spec's buffer minus its final `\n`). It
    /// becomes the event's data as is, without a copy.
    data: String,
    /// Whether any `data` line was seen (then `data` may still be empty).
    has_data: bool,
    /// Whether more than one `data` line was seen.
    multi_line: bool,
    /// Size of the last multi-line event's data (capped): the first line of the
    /// next event reserves this much, so events of many lines grow without
    /// reallocating. Zero after a single-line event, which then allocate exactly.
    size_hint: usize,
    /// The event type buffer.
    event_type: String,
    /// The last event ID buffer, when an `id` line of this block made it differ from
    /// the last event ID string. (At the start of a block the two are equal: every
    /// dispatch copies the buffer into the string.)
    pending_id: Option<EventId>,
    /// The type of an earlier event, reused while the stream repeats it.
    type_cache: Option<EventType>,
}

impl Block {
    /// A whole `data` line.
    #[inline]
    pub(super) fn push_data_line(&mut self, value: &str) {
        if self.has_data {
            self.multi_line = true;
            self.data.push('\n');
            self.data.push_str(value);
        } else {
            // First line: the dispatched String keeps this buffer.
            self.data = String::with_capacity(value.len().max(self.size_hint));
            self.data.push_str(value);
            self.has_data = true;
        }
    }

    /// Starts a data line whose value will arrive in pieces through
    /// [`data_mut`](Self::data_mut).
    pub(super) fn start_data_line(&mut self) {
        if self.has_data {
            self.multi_line = true;
            self.data.push('\n');
        }
        self.has_data = true;
    }

    /// The data buffer, to append the value of the current data line.
    pub(super) fn data_mut(&mut self) -> &mut String {
        &mut self.data
    }

    /// An `event` line.
    pub(super) fn set_type(&mut self, value: &str) {
        self.event_type.clear();
        self.event_type.push_str(value);
    }

    /// An `id` line: ignored when the value holds NUL, else it replaces the buffer
    /// (the empty value resets it).
    pub(super) fn set_id(&mut self, value: &str) {
        // `EventId::new` refuses NUL, which is exactly the spec's rule here (CR and
        // LF, which it refuses too, cannot be in a line).
        if let Ok(id) = EventId::new(value) {
            self.pending_id = Some(id);
        }
    }

    /// The new last event ID buffer, if this block's `id` lines changed it.
    pub(super) fn take_id(&mut self) -> Option<EventId> {
        self.pending_id.take()
    }

    /// Bytes counted against the event limit.
    #[inline]
    pub(super) fn size(&self) -> usize {
        self.data.len().saturating_add(self.event_type.len())
    }

    /// Whether a `data` line was seen: dispatching now queues an event.
    #[inline]
    pub(super) fn has_data(&self) -> bool {
        self.has_data
    }

    /// Dispatch of a block without data: no event, the type buffer is emptied.
    #[inline]
    pub(super) fn end_without_event(&mut self) {
        self.event_type.clear();
    }

    /// Dispatch of a block with data: its event, carrying `last_event_id`, is
    /// written into `slot` (a place in the queue), and the data and type buffers are
    /// emptied.
    #[inline]
    pub(super) fn take_event_into(&mut self, slot: &mut Item, last_event_id: &EventId) {
        self.has_data = false;
        self.size_hint = if self.multi_line {
            self.data.len().min(KEEP_CAPACITY)
        } else {
            0
        };
        self.multi_line = false;
        // The type is set afterwards, and only when there is one: the value
        // `take_type` returns is read back whole (a stall, as in
        // `Decoder::dispatch`) even when it is `None`.
        *slot = Ok(Decoded::Event(MessageEvent {
            event_type: None,
            data: mem::take(&mut self.data),
            last_event_id: last_event_id.clone(),
        }));
        if !self.event_type.is_empty()
            && let Ok(Decoded::Event(event)) = slot
        {
            event.event_type = self.take_type();
        }
    }

    /// Drops the block in progress: data, type, and the `id` it set (the buffer goes
    /// back to the last event ID string, the last ID actually dispatched).
    pub(super) fn discard(&mut self) {
        self.has_data = false;
        self.multi_line = false;
        self.data = String::new();
        self.event_type.clear();
        if self.event_type.capacity() > KEEP_CAPACITY {
            self.event_type = String::new();
        }
        self.pending_id = None;
    }

    fn take_type(&mut self) -> Option<EventType> {
        if self.event_type.is_empty() {
            return None;
        }
        let cached = self
            .type_cache
            .as_ref()
            .filter(|cached| cached.value_bytes() == self.event_type.as_bytes())
            .cloned();
        let event_type = cached.or_else(|| {
            // Cannot fail: a line holds no CR or LF.
            let fresh = EventType::new(&self.event_type).ok();
            self.type_cache.clone_from(&fresh);
            fresh
        });
        self.event_type.clear();
        event_type
    }
}
