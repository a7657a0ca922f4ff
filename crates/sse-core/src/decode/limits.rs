//! How much a [`Decoder`](super::Decoder) may hold, and the errors it reports when a
//! peer sends more.

use core::fmt;

/// Memory limits of a [`Decoder`](super::Decoder).
///
/// Both count input bytes, as they arrived, not decoded text:
///
/// - **Line limit**: the longest line accepted, in bytes, without its line ending.
/// - **Event limit**: the largest event accepted: its `data` values joined with `\n`
///   plus its event type, in bytes.
///
/// What happens when a limit is exceeded is described on [`DecodeError`]. The decoder
/// holds input bytes, never their decoded form, until an event is dispatched: between
/// feeds it holds at most about the event limit plus the line limit, plus the items
/// queued and not yet taken, whatever invalid UTF-8 the input holds (each invalid byte
/// becomes a 3-byte U+FFFD only in the dispatched event); see
/// [`Decoder::buffered_len`](super::Decoder::buffered_len). A `data` line is checked
/// against the event limit as its bytes arrive, so a long one is refused before it is
/// held whole.
///
/// ```
/// use sse_core::Limits;
///
/// let limits = Limits::default().max_line(64 << 10).max_event(1 << 20);
/// assert_eq!((limits.line_limit(), limits.event_limit()), (65_536, 1_048_576));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    max_line: usize,
    max_event: usize,
}

impl Limits {
    /// Default maximum line length: 16 MiB.
    pub const DEFAULT_MAX_LINE: usize = 16 << 20;
    /// Default maximum event size (data + event type): 16 MiB.
    pub const DEFAULT_MAX_EVENT: usize = 16 << 20;

    /// Sets the longest accepted line, in bytes (line ending excluded).
    #[must_use]
    pub fn max_line(mut self, bytes: usize) -> Self {
        self.max_line = bytes;
        self
    }

    /// Sets the largest accepted event, in bytes (data joined with `\n`, plus type).
    #[must_use]
    pub fn max_event(mut self, bytes: usize) -> Self {
        self.max_event = bytes;
        self
    }

    /// The longest accepted line, in bytes.
    pub fn line_limit(&self) -> usize {
        self.max_line
    }

    /// The largest accepted event, in bytes.
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

/// A limit of the decoder's [`Limits`] was exceeded. Decoding goes on after it.
///
/// Both errors discard the event in progress — its data, its type and any `id` it
/// carried — so a truncated event is never dispatched. The decoder then skips lines
/// up to and including the next blank line (an `id` or `retry` among them has no
/// effect, and no further error is reported for them) and decodes normally from
/// there. The end of the stream ([`finish`](super::Decoder::finish)) or a
/// [`restart`](super::Decoder::restart) also ends the skipping.
///
/// One exception: a comment line (starting with `:`) that is too long is reported
/// and skipped alone, since comments never belong to an event; the event in progress
/// is kept and the next line is decoded normally.
///
/// Limits are checked the same way however the input is split into feeds, so the
/// items of a stream do not depend on how it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeError {
    /// A line was longer than the line limit. The rest of the line was skipped
    /// without being buffered.
    LineTooLong {
        /// The line limit in force, in bytes.
        limit: usize,
    },
    /// An event's data plus type grew over the event limit, in input bytes (checked
    /// as a `data` line arrives and after each `event` line).
    EventTooLarge {
        /// The event limit in force, in bytes.
        limit: usize,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::LineTooLong { limit } => {
                write!(
                    f,
                    "event stream line longer than the limit of {limit} bytes"
                )
            }
            DecodeError::EventTooLarge { limit } => {
                write!(f, "event larger than the limit of {limit} bytes")
            }
        }
    }
}

impl core::error::Error for DecodeError {}
