//! The push decoder: `text/event-stream` bytes in, events out.
//!
//! [`Decoder`] implements "interpreting an event stream" (WHATWG HTML §9.2.6) to the
//! letter, as a sans-IO push parser: [`feed`](Decoder::feed) it bytes as they arrive,
//! in pieces of any size, and take the [`Decoded`] items with
//! [`next_item`](Decoder::next_item). The items are the same however the stream is
//! split into feeds.
//!
//! ```
//! use core::time::Duration;
//! use sse_core::{Decoded, Decoder};
//!
//! let mut decoder = Decoder::new();
//! decoder.feed(b"retry: 2500\nid: 1\ndata: hel");
//! decoder.feed(b"lo\r\n\r\n: keep-alive\n");
//!
//! assert_eq!(decoder.next_item(), Some(Ok(Decoded::Retry(Duration::from_millis(2500)))));
//! let Some(Ok(Decoded::Event(event))) = decoder.next_item() else { panic!() };
//! assert_eq!((event.event_type(), event.data()), ("message", "hello"));
//! assert_eq!(decoder.last_event_id().as_str(), "1");
//! assert_eq!(decoder.next_item(), None);
//! ```
//!
//! # What it does, exactly
//! - One leading U+FEFF (bytes `EF BB BF`) is removed at the start of a stream, also
//!   when those bytes arrive in separate feeds; any later one is content.
//! - Lines end at CR LF, LF or CR. A CR ending one feed and an LF starting the next
//!   are one line ending; the line is processed as soon as its CR arrives.
//! - Text is UTF-8, invalid sequences become U+FFFD, exactly as if the whole stream
//!   had been decoded first (a character split over feeds comes out right).
//! - A blank line dispatches: the last event ID becomes the `id` buffer; if any `data`
//!   line was seen an event is queued (data lines joined with `\n`, type `message`
//!   when none or empty was set). The data and type are reset; the `id` persists.
//! - A line starting with `:` is a comment. Otherwise the field name is everything up
//!   to the first `:` (or the whole line), the value everything after it minus one
//!   leading space. `data` appends a line, `event` sets the type, `id` sets the `id`
//!   buffer unless the value holds NUL, `retry` with only ASCII digits queues
//!   [`Decoded::Retry`] at that point of the stream. Anything else is ignored.
//! - [`finish`](Decoder::finish) ends the stream: an unfinished line and an event
//!   without its blank line are discarded, including an `id` in it.
//! - `retry` values beyond `u64::MAX` milliseconds saturate to
//!   `Duration::from_millis(u64::MAX)`.
//!
//! Limits on line and event size bound the memory a peer can make the decoder hold;
//! see [`Limits`] and [`DecodeError`] for what happens when they are exceeded.
//!
//! # Reconnections
//! [`restart`](Decoder::restart) starts a new stream on the same decoder (a BOM is
//! expected again, everything unfinished is dropped) and keeps the last event ID and
//! the reconnection time. The new stream's `id` buffer starts from the last event ID,
//! as in browsers (Chromium hands it to the parser of each new connection, and the
//! web-platform test "EventSource: Last-Event-ID (2)" expects an `id`-less event after
//! a reconnection to carry it); read literally, the spec would start it empty.
//! [`Decoder::resume`] starts a decoder from a stored ID.
//!
//! # Performance
//! Each feed is scanned for CR and LF with `memchr`'s vector routines, and the part
//! made of whole lines is checked as UTF-8 in one pass and kept as one shared
//! [`Text`]; its lines are then parsed in place. Fed with
//! [`feed_bytes`](Decoder::feed_bytes), that part is a slice of the caller's read, so
//! an event whole in one read costs no copy and no allocation: its data is a slice of
//! the read ([`feed`](Decoder::feed) copies the whole lines once). An event of several
//! lines is joined into one buffer allocated at its final size; its `data` lines are
//! recognised on their bytes and kept as offsets into the read until then. Only the
//! line cut by the end of a feed is kept: each piece of a `data` line is checked as
//! UTF-8 with SIMD and copied into the line's buffer as it arrives, still in cache
//! (the buffer doubles up to the line limit and is trimmed when the line ends); a
//! comment or unknown field is skipped without being stored. Work is linear in the
//! input.

mod block;
#[cfg(feature = "futures")]
mod byte_stream;
pub mod events;
mod field;
mod limits;
mod message;
mod partial;
mod raw;
mod scan;
#[cfg(test)]
mod tests;
mod text;

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use bytes::Bytes;

use self::block::{Block, DataLine};
#[cfg(feature = "futures")]
pub use self::byte_stream::{EventsExt, StreamEvents};
pub use self::events::{Chunk, EventItem, EventStreamError, EventStreamState};
use self::field::{Field, Line};
pub use self::limits::{DecodeError, Limits};
pub use self::message::{Decoded, MessageEvent};
use self::partial::Partial;
use self::raw::RawLine;
use self::scan::LineEnds;
pub use self::text::Text;
use crate::event::EventId;

/// What the decoder queues.
type Item = Result<Decoded, DecodeError>;

/// The UTF-8 byte order mark, stripped once at the start of a stream.
const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// Where the decoder is with respect to the stream's optional leading BOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StreamStart {
    /// At the start of a stream; `matched` bytes of a BOM were seen and held back.
    AwaitingBom { matched: usize },
    /// Past the BOM (or its absence).
    Started,
}

/// A push decoder for `text/event-stream`: the spec's parsing algorithm, fed bytes in
/// pieces of any size. See the [module docs](self) for exactly what it does.
///
/// ```
/// use sse_core::{Decoded, Decoder, Limits};
///
/// let mut decoder = Decoder::with_limits(Limits::default().max_line(1024));
/// for chunk in [&b"\xEF\xBB"[..], b"\xBFevent: a\r", b"\ndata: 1\r", b"\r"] {
///     decoder.feed(chunk);
/// }
/// while let Some(item) = decoder.next_item() {
///     match item {
///         Ok(Decoded::Event(event)) => assert_eq!((event.event_type(), event.data()), ("a", "1")),
///         Ok(_) => {}
///         Err(error) => eprintln!("peer exceeded a limit: {error}"),
///     }
/// }
/// ```
pub struct Decoder {
    limits: Limits,
    line_ends: LineEnds,
    start: StreamStart,
    /// The last byte fed was a CR that ended a line: an LF first in the next feed
    /// belongs to that line ending.
    after_cr: bool,
    /// The line cut by the end of the last feed.
    partial: Partial,
    /// Bytes of the unfinished line, when its kind needs them (see [`Partial`]).
    line: Vec<u8>,
    /// Length of the unfinished line so far.
    line_len: usize,
    /// The value of an unfinished `data` line, gathered as its pieces arrive.
    raw: RawLine,
    /// The event in progress.
    block: Block,
    /// Lines are skipped up to the next blank line: an event over a limit is being
    /// dropped.
    discarding: bool,
    /// The spec's "last event ID string".
    last_event_id: EventId,
    retry: Option<Duration>,
    queue: VecDeque<Item>,
}

impl Decoder {
    /// A decoder with the default [`Limits`] (16 MiB lines and events).
    pub fn new() -> Self {
        Decoder::with_limits(Limits::default())
    }

    /// A decoder with the given limits.
    pub fn with_limits(limits: Limits) -> Self {
        Decoder {
            limits,
            line_ends: LineEnds::new(),
            start: StreamStart::AwaitingBom { matched: 0 },
            after_cr: false,
            partial: Partial::None,
            line: Vec::new(),
            line_len: 0,
            raw: RawLine::default(),
            block: Block::default(),
            discarding: false,
            last_event_id: EventId::empty(),
            retry: None,
            queue: VecDeque::new(),
        }
    }

    /// A decoder (default limits) for a stream resumed after `last_event_id`, for
    /// example one read back from storage: it is the last event ID until the stream
    /// sets another, and events without an `id` carry it.
    pub fn resume(last_event_id: EventId) -> Self {
        let mut decoder = Decoder::new();
        decoder.last_event_id = last_event_id;
        decoder
    }

    /// Decodes `input`, the next bytes of the stream. Every line it completes is
    /// processed now and its items queued; a line cut at the end is kept for the next
    /// feed.
    ///
    /// The whole lines of `input` are copied once, into one buffer that the events'
    /// data then share; [`feed_bytes`](Self::feed_bytes) avoids that copy.
    pub fn feed(&mut self, input: &[u8]) {
        self.feed_from(input, None);
    }

    /// [`feed`](Self::feed) for a read the caller owns as [`Bytes`]: the data of an
    /// event whose lines sit whole in `input` is handed out as a slice of it, with no
    /// copy (see [`Text`]). The items are the same as [`feed`](Self::feed) gives.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use sse_core::{Decoded, Decoder};
    ///
    /// let read = Bytes::from_static(b"data: hello\n\n");
    /// let mut decoder = Decoder::new();
    /// decoder.feed_bytes(read.clone());
    /// let Some(Ok(Decoded::Event(event))) = decoder.next_item() else { panic!() };
    /// assert_eq!(event.data(), "hello");
    /// // The data is the read's own bytes.
    /// assert_eq!(event.text().as_bytes().as_ptr(), read[6..].as_ptr());
    /// ```
    pub fn feed_bytes(&mut self, input: Bytes) {
        self.feed_from(&input, Some(&input));
    }

    /// Decodes `input`; `read` is the same bytes when the caller gave them as
    /// [`Bytes`].
    fn feed_from(&mut self, input: &[u8], read: Option<&Bytes>) {
        let Some(mut rest) = self.strip_bom(input) else {
            return;
        };
        if self.after_cr
            && let Some((&first, tail)) = rest.split_first()
        {
            self.after_cr = false;
            if first == b'\n' {
                rest = tail;
            }
        }
        if !self.partial.is_none() {
            let Some((end_of_line, ending, after)) = self.line_ends.split_line(rest) else {
                self.extend_partial(rest);
                return;
            };
            self.extend_partial(end_of_line);
            self.end_partial();
            rest = self.after_line_ending(ending, after);
        }
        // Everything up to the last line ending is whole lines; the rest starts the
        // unfinished line. (A CR ending the region is not followed by an LF here,
        // else that LF would be the last line ending.)
        let complete_len = self.line_ends.last(rest).map_or(0, |at| at + 1);
        let (complete, unfinished) = rest.split_at_checked(complete_len).unwrap_or((&[], rest));
        if !complete.is_empty() {
            self.whole_lines(complete, read);
            self.after_cr = unfinished.is_empty() && complete.ends_with(b"\r");
        }
        self.extend_partial(unfinished);
    }

    /// Ends the stream: the unfinished line and the event still waiting for its
    /// blank line are discarded (an `id` in that event never takes effect). Items
    /// already queued stay. Call [`restart`](Self::restart) before feeding a new
    /// stream.
    pub fn finish(&mut self) {
        self.drop_unfinished();
        self.start = StreamStart::Started;
    }

    /// The next decoded item, in stream order, or `None` when all were taken.
    // Inlined into the caller's loop (measured: 3% faster on small events).
    #[inline]
    pub fn next_item(&mut self) -> Option<Result<Decoded, DecodeError>> {
        self.queue.pop_front()
    }

    /// Prepares for a new stream (a reconnection): a BOM is expected again; the
    /// unfinished line, the event in progress and the queued items are dropped. The
    /// last event ID and the reconnection time are kept.
    pub fn restart(&mut self) {
        self.drop_unfinished();
        self.queue.clear();
        self.start = StreamStart::AwaitingBom { matched: 0 };
    }

    /// The last event ID: set when an event block ends (even one without data) to
    /// the latest valid `id` of the stream; it persists across events and restarts.
    pub fn last_event_id(&self) -> &EventId {
        &self.last_event_id
    }

    /// The last valid `retry` of the stream (or of an earlier one on this decoder).
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Number of items queued and not yet taken.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Input bytes held for the unfinished line and the event in progress (queued
    /// items not counted). Between feeds this is at most the event limit plus the line
    /// limit, plus a few bytes: what is held is input bytes, not decoded text, so
    /// invalid UTF-8 (each byte of it a 3-byte U+FFFD once decoded) costs no more.
    pub fn buffered_len(&self) -> usize {
        self.line
            .len()
            .saturating_add(self.raw.len())
            .saturating_add(self.block.size())
    }

    /// Holds back the bytes of a possible BOM at the start of a stream. Returns the
    /// input left to decode, or `None` when all of it was held back.
    fn strip_bom<'a>(&mut self, input: &'a [u8]) -> Option<&'a [u8]> {
        let StreamStart::AwaitingBom { matched } = self.start else {
            return Some(input);
        };
        let expected = BOM.get(matched..).unwrap_or_default();
        let seen = expected.len().min(input.len());
        if input.get(..seen) == expected.get(..seen) {
            if seen < expected.len() {
                self.start = StreamStart::AwaitingBom {
                    matched: matched + seen,
                };
                return None;
            }
            self.start = StreamStart::Started;
            return input.get(seen..);
        }
        // Not a BOM: the bytes held back start the first line.
        self.start = StreamStart::Started;
        self.extend_partial(BOM.get(..matched).unwrap_or_default());
        Some(input)
    }

    /// Consumes the line ending `ending` (CR or LF); returns what follows it.
    fn after_line_ending<'a>(&mut self, ending: u8, after: &'a [u8]) -> &'a [u8] {
        if ending == b'\r' {
            match after.split_first() {
                Some((b'\n', tail)) => return tail,
                None => self.after_cr = true,
                Some(_) => {}
            }
        }
        after
    }

    /// Processes `region`, whole lines each with its line ending. It is checked as
    /// UTF-8 in one pass and kept as one [`Text`] (a slice of `read`, or one copy);
    /// lines are then slices of it, and so is the data of an event whole in it. From a
    /// line with an invalid sequence on (rare), each line is decoded on its own.
    fn whole_lines(&mut self, region: &[u8], read: Option<&Bytes>) {
        let shared = share(read, region);
        if shared.is_none()
            && let Ok(valid) = simdutf8::basic::from_utf8(region)
        {
            // A copy is made anyway: checked with SIMD first, it needs no second
            // check (`Text::from_utf8` uses the standard library's, several times
            // slower on its own, though on a read fresh from memory the gain is a
            // few percent).
            let text = Text::from(valid);
            self.region_lines(&text);
            self.block.seal(&text);
            return;
        }
        let bytes = shared.unwrap_or_else(|| Bytes::copy_from_slice(region));
        let region = &bytes[..];
        let (text, rest) = match Text::from_utf8(bytes.clone()) {
            Ok(text) => (text, &[][..]),
            Err(error) => {
                let valid = region.get(..error.valid_up_to()).unwrap_or_default();
                let whole = self.line_ends.last(valid).map_or(0, |at| at + 1);
                let rest = region.get(whole..).unwrap_or_default();
                let text =
                    Text::from_utf8(bytes.slice(..whole.min(bytes.len()))).unwrap_or_default();
                (text, rest)
            }
        };
        self.region_lines(&text);
        self.block.seal(&text);
        let line_ends = self.line_ends;
        let mut rest = rest;
        while let Some((line, after)) = line_ends.next_line(rest) {
            if self.accepts(line) {
                self.apply_bytes(line, &bytes);
            }
            rest = after;
        }
    }

    /// Processes `region`, valid whole lines each with its line ending, as byte
    /// offsets into it. A `data` line (most lines of most events) goes straight
    /// into the block as a pair of offsets: no cutting of `str`s (each cut checks a
    /// character boundary), no general parse. Other lines go through
    /// [`field::parse`].
    fn region_lines(&mut self, region: &Text) {
        let bytes: &[u8] = region.as_bytes();
        let line_ends = self.line_ends;
        let mut at = 0;
        while let Some((line, after)) = bytes.get(at..).and_then(|rest| line_ends.next_line(rest)) {
            let start = at;
            at = bytes.len() - after.len();
            if !self.accepts(line) {
                continue;
            }
            let end = start + line.len();
            if line.is_empty() {
                self.dispatch(region);
            } else if let Some(value_at) = field::data_value_at(line) {
                self.block.push_region_line(start + value_at, end, region);
                self.check_event_size();
            } else if let Some(line) = region.get(start..end) {
                match line.as_bytes() {
                    // The other frequent line, in its usual form (measured: 2% on
                    // small events with an `id` each).
                    [b'i', b'd', b':', b' ', ..] => {
                        self.block.set_id(line.get(4..).unwrap_or_default())
                    }
                    _ => self.apply(field::parse(line), Some(region)),
                }
            }
        }
    }

    /// Applies a line that may hold invalid UTF-8; `read` holds it. A `data` value
    /// with an invalid sequence is kept as input bytes until the event is dispatched.
    fn apply_bytes(&mut self, line: &[u8], read: &Bytes) {
        if let Ok(text) = simdutf8::basic::from_utf8(line) {
            self.apply(field::parse(text), None);
            return;
        }
        let decoded = String::from_utf8_lossy(line);
        match field::parse(&decoded) {
            Line::Field(Field::Data, value) => {
                // The field name, colon and space are ASCII: the same in both.
                let prefix = decoded.len().saturating_sub(value.len());
                let raw = line.get(prefix..).unwrap_or_default();
                let raw = share(Some(read), raw).unwrap_or_else(|| Bytes::copy_from_slice(raw));
                let len = raw.len();
                self.push_data(DataLine::Raw(alloc::vec![raw]), len, &Text::new());
            }
            other => self.apply(other, None),
        }
    }

    /// [`apply_bytes`](Self::apply_bytes) for a line the decoder holds.
    fn apply_decoded(&mut self, line: &[u8]) {
        self.apply_bytes(line, &Bytes::new());
    }

    /// Checks a whole line against the skipping state and the line limit; says
    /// whether to apply it.
    #[inline]
    fn accepts(&mut self, line: &[u8]) -> bool {
        if self.discarding {
            self.discarding = !line.is_empty();
            return false;
        }
        if line.len() > self.limits.line_limit() {
            self.line_too_long(line.first() == Some(&b':'));
            return false;
        }
        true
    }

    /// Applies one parsed line; `region` is the text it is a slice of, if any.
    #[inline]
    fn apply(&mut self, line: Line<'_>, region: Option<&Text>) {
        match line {
            Line::Blank => self.dispatch(region.unwrap_or(&Text::new())),
            Line::Ignored => {}
            Line::Field(Field::Data, value) => match region {
                Some(region) => {
                    let start = (value.as_ptr() as usize).wrapping_sub(region.as_ptr() as usize);
                    let end = start.saturating_add(value.len());
                    self.block.push_region_line(start, end, region);
                    self.check_event_size();
                }
                None => {
                    self.push_data(DataLine::Text(Text::from(value)), value.len(), &Text::new())
                }
            },
            Line::Field(Field::Event, value) => {
                self.block.set_type(value);
                self.check_event_size();
            }
            Line::Field(Field::Id, value) => self.block.set_id(value),
            Line::Field(Field::Retry, value) => {
                if let Some(retry) = field::parse_retry(value) {
                    self.retry = Some(retry);
                    self.queue.push_back(Ok(Decoded::Retry(retry)));
                }
            }
        }
    }

    /// A blank line: the block's `id` becomes the last event ID, and an event is
    /// queued if the block had data.
    ///
    /// The event is written straight into its place in the queue (a placeholder is
    /// pushed first), and its id is copied from the block's new id rather than from
    /// `last_event_id` just after storing it there. Both avoid reading back, whole,
    /// a value that was just written in pieces, which stalls the CPU: measured on
    /// 10 000 small events, 8% faster than building the event and pushing it.
    fn dispatch(&mut self, region: &Text) {
        let new_id = self.block.take_id();
        if self.block.has_data() {
            self.queue.push_back(Ok(Decoded::Retry(Duration::ZERO)));
            if let Some(slot) = self.queue.back_mut() {
                let id = new_id.as_ref().unwrap_or(&self.last_event_id);
                self.block.take_event_into(slot, id, region);
            }
        } else {
            self.block.end_without_event();
        }
        if let Some(id) = new_id {
            self.last_event_id = id;
        }
    }

    /// Reports a line over the limit. Unless it is a comment, the event it belongs
    /// to is dropped.
    fn line_too_long(&mut self, comment: bool) {
        let limit = self.limits.line_limit();
        self.queue
            .push_back(Err(DecodeError::LineTooLong { limit }));
        if !comment {
            self.discard_event();
        }
    }

    /// Adds a data line of `len` input bytes to the event, then checks its size.
    #[inline]
    fn push_data(&mut self, line: DataLine, len: usize, region: &Text) {
        self.block.push_data_line(line, len, region);
        self.check_event_size();
    }

    #[inline]
    fn check_event_size(&mut self) {
        if self.block.size() > self.limits.event_limit() {
            self.event_too_large();
        }
    }

    /// Reports the event in progress as too large and drops it.
    fn event_too_large(&mut self) {
        let limit = self.limits.event_limit();
        self.queue
            .push_back(Err(DecodeError::EventTooLarge { limit }));
        self.discard_event();
    }

    /// Drops the event in progress and skips lines up to the next blank line.
    fn discard_event(&mut self) {
        self.block.discard();
        self.discarding = true;
    }

    /// End of stream (or of the decoder's use of it): nothing unfinished survives.
    fn drop_unfinished(&mut self) {
        self.clear_partial();
        self.after_cr = false;
        self.block.discard();
        self.discarding = false;
    }
}

/// `part` as a slice of `read`, when it lies inside it.
fn share(read: Option<&Bytes>, part: &[u8]) -> Option<Bytes> {
    let read = read?;
    let start = (part.as_ptr() as usize).checked_sub(read.as_ptr() as usize)?;
    (start.checked_add(part.len())? <= read.len()).then(|| read.slice_ref(part))
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("limits", &self.limits)
            .field("last_event_id", &self.last_event_id)
            .field("retry", &self.retry)
            .field("unfinished_line_len", &self.line_len)
            .field("event_in_progress_len", &self.block.size())
            .field("discarding", &self.discarding)
            .field("queued", &self.queue.len())
            .finish_non_exhaustive()
    }
}
