//! The line cut by the end of a feed, completed by the next ones.
//!
//! Only what the line's kind needs is kept, as input bytes: the bytes of a short head
//! while its field name is unknown, the whole line for `event`, `id` and `retry`,
//! nothing for a comment or an unknown field, and a `data` value's bytes (see
//! [`RawLine`](super::raw::RawLine)). So a 1 GiB comment costs no memory, a large data
//! line is copied once, and what is held never exceeds the limits in input bytes,
//! whatever U+FFFD replacements would cost. The line limit, and for a `data` line the
//! event limit, are enforced as bytes arrive.

use core::mem;

use super::Decoder;
use super::block::KEEP_CAPACITY;
use super::field::{self, Head};
use super::text::Text;

/// What is known about the unfinished line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Partial {
    /// No unfinished line: the next byte starts one.
    None,
    /// The line's bytes are kept in `Decoder::line`: its kind is not known yet, or it
    /// is an `event`, `id` or `retry` line.
    Buffered,
    /// A `data` line whose value is held in `Decoder::raw`. `strip_space`: the
    /// optional space after the colon has not arrived yet.
    Data { strip_space: bool },
    /// A `data` line that made its event larger than the event limit: the event is
    /// reported and dropped when the line ends (unless the line limit is hit first),
    /// exactly as if the line had arrived whole. Nothing more of it is kept.
    DataTooLarge,
    /// A line whose content does not matter: a comment, an unknown field, or any line
    /// of an event being discarded.
    Ignored { comment: bool },
    /// A line over the limit, already reported: skipped to its end.
    TooLong,
}

impl Partial {
    pub(super) fn is_none(self) -> bool {
        self == Partial::None
    }
}

impl Decoder {
    /// Adds `bytes` (no line ending among them) to the unfinished line.
    pub(super) fn extend_partial(&mut self, bytes: &[u8]) {
        let Some(&first) = bytes.first() else {
            return;
        };
        if self.partial.is_none() {
            self.line_len = 0;
            self.partial = if self.discarding {
                Partial::Ignored { comment: false }
            } else {
                Partial::Buffered
            };
        }
        if self.partial == Partial::TooLong || self.discarding {
            return;
        }
        self.line_len = self.line_len.saturating_add(bytes.len());
        if self.line_len > self.limits.line_limit() {
            let comment = self.partial_is_comment(first);
            self.clear_partial();
            self.partial = Partial::TooLong;
            self.line_too_long(comment);
            return;
        }
        match self.partial {
            Partial::Buffered => self.buffer_partial(bytes),
            Partial::Data { strip_space } => self.extend_data_value(bytes, strip_space),
            Partial::None | Partial::Ignored { .. } | Partial::TooLong | Partial::DataTooLarge => {}
        }
    }

    /// The unfinished line got its line ending: process it.
    pub(super) fn end_partial(&mut self) {
        let partial = mem::replace(&mut self.partial, Partial::None);
        self.line_len = 0;
        match partial {
            Partial::Buffered => {
                let line = mem::take(&mut self.line);
                if self.discarding {
                    // Cannot happen (a buffered line is never kept while
                    // discarding), but the rule is the same as for whole lines.
                    self.discarding = !line.is_empty();
                } else {
                    self.apply_decoded(&line);
                }
                self.recycle_line(line);
            }
            Partial::Data { .. } => {
                let len = self.raw.len();
                let line = self.raw.finish();
                self.block.push_data_line(line, len, &Text::new());
                self.check_event_size();
            }
            Partial::DataTooLarge => self.event_too_large(),
            Partial::None | Partial::Ignored { .. } | Partial::TooLong => {}
        }
    }

    /// Forgets the unfinished line.
    pub(super) fn clear_partial(&mut self) {
        self.partial = Partial::None;
        self.line_len = 0;
        self.raw.clear();
        let line = mem::take(&mut self.line);
        self.recycle_line(line);
    }

    /// Keeps the line buffer's allocation for the next line, unless it is large.
    fn recycle_line(&mut self, mut line: alloc::vec::Vec<u8>) {
        line.clear();
        if line.capacity() <= KEEP_CAPACITY {
            self.line = line;
        }
    }

    /// Whether the unfinished line is a comment; `next` is the byte being added.
    fn partial_is_comment(&self, next: u8) -> bool {
        match self.partial {
            Partial::Buffered => self.line.first().copied().unwrap_or(next) == b':',
            Partial::Ignored { comment } => comment,
            Partial::None | Partial::Data { .. } | Partial::TooLong | Partial::DataTooLarge => {
                false
            }
        }
    }

    /// Adds bytes to a line kept in the buffer; once its kind is known, switches to
    /// a state that keeps less (the first bytes of a line are classified before any
    /// copy, so a data line cut by a feed is not copied twice).
    fn buffer_partial(&mut self, bytes: &[u8]) {
        if self.line.is_empty() {
            match field::classify(bytes) {
                Head::Undecided | Head::OtherField => self.line.extend_from_slice(bytes),
                head => self.leave_buffer(head, bytes),
            }
            return;
        }
        self.line.extend_from_slice(bytes);
        let head = field::classify(&self.line);
        if let Head::Ignored | Head::Data { .. } = head {
            let line = mem::take(&mut self.line);
            self.leave_buffer(head, &line);
            self.recycle_line(line);
        }
    }

    /// Moves from [`Partial::Buffered`] to the state for `head`; `line` is the line
    /// so far.
    fn leave_buffer(&mut self, head: Head, line: &[u8]) {
        match head {
            Head::Ignored => {
                let comment = line.first() == Some(&b':');
                self.partial = Partial::Ignored { comment };
            }
            Head::Data { value_at } => {
                self.extend_data_value(line.get(value_at..).unwrap_or_default(), true);
            }
            Head::Undecided | Head::OtherField => {}
        }
    }

    /// Adds bytes of a `data` line's value, removing the one space that may follow
    /// the colon.
    fn extend_data_value(&mut self, bytes: &[u8], strip_space: bool) {
        let value = match bytes.split_first() {
            None => {
                self.partial = Partial::Data { strip_space };
                return;
            }
            Some((b' ', rest)) if strip_space => rest,
            Some(_) => bytes,
        };
        self.partial = Partial::Data { strip_space: false };
        // The value joins the data after a `\n` when there is data already.
        let event_size = self
            .block
            .size()
            .saturating_add(usize::from(self.block.has_data()))
            .saturating_add(self.raw.len())
            .saturating_add(value.len());
        if event_size > self.limits.event_limit() {
            self.raw.clear();
            self.partial = Partial::DataTooLarge;
            return;
        }
        self.raw.push(value, self.limits.line_limit());
    }
}
