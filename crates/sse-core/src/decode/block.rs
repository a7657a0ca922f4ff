//! The event being assembled: the spec's data, event type and last event ID buffers.
//!
//! Data lines are kept as they came until the event is dispatched: a line inside the
//! region being decoded is a pair of offsets into it (kept apart from the others, as
//! plain pairs: building an enum value on the stack and copying it whole into a
//! vector stalls the CPU, measured at half the time of a multi-line event), other
//! lines are [`Text`] or, when they hold invalid UTF-8, their raw bytes. At dispatch a single line becomes the
//! event's data as it is (a slice of the read when it came whole in one), and several
//! are joined into one buffer allocated once at its final size.

use alloc::string::String;
use alloc::vec::Vec;
use core::mem;

use bytes::Bytes;

use super::Item;
use super::message::{Decoded, MessageEvent};
use super::text::{Text, Utf8Pieces};
use crate::event::{EventId, EventType};

/// Above this capacity a scratch buffer is released instead of kept for reuse, so one
/// huge line does not pin its memory for the rest of the stream.
pub(super) const KEEP_CAPACITY: usize = 64 << 10;

/// Lines kept apart before they are joined into [`Block::joined`]: an event of many
/// short lines then costs its data, not a line record per line.
const MAX_LINES: usize = 64;

/// One `data` line of the event in progress, outside the region being decoded.
#[derive(Debug)]
pub(super) enum DataLine {
    /// Valid text.
    Text(Text),
    /// Bytes holding an invalid sequence, decoded with U+FFFD at dispatch (so the
    /// decoder holds input bytes, whatever the replacements cost).
    Raw(Vec<Bytes>),
}

impl DataLine {
    /// Appends the line's text to `out`.
    fn append_to(&self, out: &mut String) {
        match self {
            DataLine::Text(text) => out.push_str(text),
            DataLine::Raw(pieces) => {
                let mut decoder = Utf8Pieces::default();
                for piece in pieces {
                    decoder.push(piece, out);
                }
                decoder.finish(out);
            }
        }
    }

    /// The line alone as the event's data.
    fn into_text(self) -> Text {
        match self {
            DataLine::Text(text) => text,
            raw @ DataLine::Raw(_) => {
                let mut out = String::new();
                raw.append_to(&mut out);
                Text::from(out)
            }
        }
    }
}

/// The line at `start..end` of `region`, sharing its bytes.
fn region_line(region: &Text, (start, end): (usize, usize)) -> Text {
    region
        .get(start..end)
        .and_then(|part| region.slice_ref(part))
        .unwrap_or_default()
}

/// The buffers of the block of lines in progress.
#[derive(Debug, Default)]
pub(super) struct Block {
    /// Data lines not joined yet, in order, after `joined`.
    lines: Vec<DataLine>,
    /// Data lines in the region being decoded, as offsets into it, after `lines`.
    in_region: Vec<(usize, usize)>,
    /// The first data lines joined with `\n`, once there were more than
    /// [`MAX_LINES`]; empty before.
    joined: String,
    /// Whether lines were joined onto `joined` (the data may still be empty).
    folded: bool,
    /// Whether any `data` line was seen (the data may still be empty).
    has_data: bool,
    /// Input bytes of the data: the data lines' values joined with `\n`.
    data_len: usize,
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
    /// A whole `data` line of `len` input bytes, outside the region being decoded.
    pub(super) fn push_data_line(&mut self, line: DataLine, len: usize, region: &Text) {
        self.count_line(len, region);
        self.lines.push(line);
    }

    /// A whole `data` line at `start..end` of the region being decoded.
    #[inline]
    pub(super) fn push_region_line(&mut self, start: usize, end: usize, region: &Text) {
        self.count_line(end.saturating_sub(start), region);
        self.in_region.push((start, end));
    }

    /// Counts a new line of `len` bytes, joining the lines kept so far when there are
    /// many.
    #[inline]
    fn count_line(&mut self, len: usize, region: &Text) {
        if self.has_data {
            self.data_len = self.data_len.saturating_add(1);
            if self.lines.len() + self.in_region.len() >= MAX_LINES {
                self.fold(region);
            }
        }
        self.has_data = true;
        self.data_len = self.data_len.saturating_add(len);
    }

    /// Joins the lines kept apart onto [`joined`](Self::joined).
    fn fold(&mut self, region: &Text) {
        for line in self.lines.drain(..) {
            if self.folded {
                self.joined.push('\n');
            }
            self.folded = true;
            line.append_to(&mut self.joined);
        }
        for (start, end) in self.in_region.drain(..) {
            if self.folded {
                self.joined.push('\n');
            }
            self.folded = true;
            self.joined
                .push_str(region.get(start..end).unwrap_or_default());
        }
    }

    /// The region ends: lines still pointing into it become slices of it.
    pub(super) fn seal(&mut self, region: &Text) {
        for range in self.in_region.drain(..) {
            self.lines.push(DataLine::Text(region_line(region, range)));
        }
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

    /// Bytes counted against the event limit: the data's input bytes plus the type.
    #[inline]
    pub(super) fn size(&self) -> usize {
        self.data_len.saturating_add(self.event_type.len())
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
    pub(super) fn take_event_into(
        &mut self,
        slot: &mut Item,
        last_event_id: &EventId,
        region: &Text,
    ) {
        let data = self.take_data(region);
        // The type is set afterwards, and only when there is one: the value
        // `take_type` returns is read back whole (a stall, as in
        // `Decoder::dispatch`) even when it is `None`.
        *slot = Ok(Decoded::Event(MessageEvent {
            event_type: None,
            data,
            last_event_id: last_event_id.clone(),
        }));
        if !self.event_type.is_empty()
            && let Ok(Decoded::Event(event)) = slot
        {
            event.event_type = self.take_type();
        }
    }

    /// The event's data: one line as it is, several joined in one allocation.
    fn take_data(&mut self, region: &Text) -> Text {
        self.has_data = false;
        let len = mem::take(&mut self.data_len);
        if !self.folded {
            match (self.lines.len(), self.in_region.len()) {
                (0, 1) => {
                    let range = self.in_region.pop().unwrap_or_default();
                    return region_line(region, range);
                }
                (1, 0) => {
                    return self
                        .lines
                        .pop()
                        .map(DataLine::into_text)
                        .unwrap_or_default();
                }
                _ => {}
            }
        }
        let mut data = mem::take(&mut self.joined);
        data.reserve_exact(len.saturating_sub(data.len()));
        let mut first = !mem::take(&mut self.folded);
        for line in self.lines.drain(..) {
            if !first {
                data.push('\n');
            }
            first = false;
            line.append_to(&mut data);
        }
        let text = region.as_str();
        for (start, end) in self.in_region.drain(..) {
            if !first {
                data.push('\n');
            }
            first = false;
            data.push_str(text.get(start..end).unwrap_or_default());
        }
        self.shrink_lines();
        Text::from(data)
    }

    /// Drops the block in progress: data, type, and the `id` it set (the buffer goes
    /// back to the last event ID string, the last ID actually dispatched).
    pub(super) fn discard(&mut self) {
        self.has_data = false;
        self.data_len = 0;
        self.lines.clear();
        self.in_region.clear();
        self.shrink_lines();
        self.joined = String::new();
        self.folded = false;
        self.event_type.clear();
        if self.event_type.capacity() > KEEP_CAPACITY {
            self.event_type = String::new();
        }
        self.pending_id = None;
    }

    fn shrink_lines(&mut self) {
        if self.lines.capacity() > MAX_LINES {
            self.lines = Vec::new();
        }
        if self.in_region.capacity() > MAX_LINES {
            self.in_region = Vec::new();
        }
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
