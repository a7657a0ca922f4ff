//! The encoder: events to exact `text/event-stream` bytes.
//!
//! [`Frame::encode`] turns an [`Event`] into one shared [`Bytes`]: the hub encodes each
//! event once and every subscriber writes the same frame. [`encode_into`] appends to a
//! caller's buffer instead, reserving the exact length first, so encoding allocates
//! nothing beyond that buffer. [`DataEncoder`] frames a payload that arrives in chunks
//! (from a reader over a large document) without holding it whole.
//!
//! # Wire format
//! Fields are written as `name: value` (one space after the colon, which every parser
//! strips, so a value that starts with a space keeps it). Order: comments, `event`,
//! `id`, `retry`, then data, then the blank line that ends the frame. Data and comments
//! are split at every `\n`, `\r\n` and lone `\r` into one line each; a parser joins data
//! lines with `\n`, so text with any line endings arrives with `\n` endings and
//! otherwise unchanged. Lines end with `\n`.
//!
//! ```
//! use sse_core::{Event, Frame};
//!
//! let event = Event::builder().event("greeting").data("hi\r\n there").build()?;
//! let frame = Frame::encode(&event);
//! assert_eq!(frame.as_bytes(), &b"event: greeting\ndata: hi\ndata:  there\n\n"[..]);
//! # Ok::<(), sse_core::FieldError>(())
//! ```

use core::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};

use crate::event::Event;

/// One complete, well-formed `text/event-stream` frame, ending with its blank line.
///
/// A frame is the unit of writing: keep-alives and other frames go between frames,
/// never inside one. Cloning shares the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Frame(Bytes);

impl Frame {
    /// Encodes `event` into a new frame (one allocation of the exact size).
    pub fn encode(event: &Event) -> Frame {
        let mut out = BytesMut::with_capacity(encoded_len(event));
        encode_into(event, &mut out);
        Frame(out.freeze())
    }

    /// The keep-alive frame: an empty comment, `:\n\n` (static, no allocation).
    pub fn keep_alive() -> Frame {
        Frame(Bytes::from_static(b":\n\n"))
    }

    /// A frame of comments only (clients ignore it; proxies see traffic).
    pub fn comment(text: impl AsRef<[u8]>) -> Frame {
        let text = text.as_ref();
        let mut out = BytesMut::with_capacity(comment_len(text) + 1);
        write_comment(text, &mut out);
        out.put_u8(b'\n');
        Frame(out.freeze())
    }

    /// A frame that only sets the client's reconnection time.
    pub fn retry(retry: Duration) -> Frame {
        Frame::encode(&Event::default().with_retry(retry))
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &Bytes {
        &self.0
    }

    /// The encoded bytes, owned.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a frame holds at least its blank line. Present for clippy's
    /// `len_without_is_empty` and for symmetry with collections.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Frame> for Bytes {
    fn from(frame: Frame) -> Bytes {
        frame.0
    }
}

impl AsRef<[u8]> for Frame {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Appends the frame of `event` to `out`, reserving the exact length first.
pub fn encode_into(event: &Event, out: &mut BytesMut) {
    out.reserve(encoded_len(event));
    write_head(event, out);
    if let Some(data) = event.data() {
        for line in lines(data) {
            write_field(b"data", line, out);
        }
    }
    out.put_u8(b'\n');
}

/// The exact number of bytes [`encode_into`] writes for `event`.
pub fn encoded_len(event: &Event) -> usize {
    let data = event
        .data()
        .map_or(0, |d| lines(d).map(|l| field_len(b"data", l)).sum());
    head_len(event) + data + 1
}

/// Writes everything of `event` except its data and the closing blank line.
fn write_head(event: &Event, out: &mut BytesMut) {
    for comment in event.comments() {
        write_comment(comment, out);
    }
    if let Some(ty) = event.event_type() {
        write_field(b"event", ty.value_bytes(), out);
    }
    if let Some(id) = event.id() {
        write_field(b"id", id.value_bytes(), out);
    }
    if let Some(retry) = event.retry() {
        let mut digits = [0u8; 40];
        write_field(b"retry", decimal(retry.as_millis(), &mut digits), out);
    }
}

fn head_len(event: &Event) -> usize {
    let comments: usize = event.comments().map(comment_len).sum();
    let ty = event
        .event_type()
        .map_or(0, |t| field_len(b"event", t.value_bytes()));
    let id = event.id().map_or(0, |i| field_len(b"id", i.value_bytes()));
    let retry = event.retry().map_or(0, |r| {
        let mut digits = [0u8; 40];
        field_len(b"retry", decimal(r.as_millis(), &mut digits))
    });
    comments + ty + id + retry
}

/// `name: value\n` (`value` has no line breaks).
fn write_field(name: &[u8], value: &[u8], out: &mut BytesMut) {
    out.put_slice(name);
    out.put_slice(b": ");
    out.put_slice(value);
    out.put_u8(b'\n');
}

fn field_len(name: &[u8], value: &[u8]) -> usize {
    name.len() + 2 + value.len() + 1
}

/// One `:` line per line of `text`; an empty text is the bare `:` line.
fn write_comment(text: &[u8], out: &mut BytesMut) {
    for line in lines(text) {
        out.put_u8(b':');
        if !line.is_empty() {
            out.put_u8(b' ');
            out.put_slice(line);
        }
        out.put_u8(b'\n');
    }
}

fn comment_len(text: &[u8]) -> usize {
    lines(text)
        .map(|l| if l.is_empty() { 2 } else { l.len() + 3 })
        .sum()
}

/// The decimal digits of `n`, written at the end of `buf`.
fn decimal(mut n: u128, buf: &mut [u8; 40]) -> &[u8] {
    let mut start = buf.len();
    loop {
        start -= 1;
        // `n % 10` is below 10, so the cast cannot truncate.
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[start..]
}

/// Splits `text` at every `\n`, `\r\n` and lone `\r`. Yields one more line than there
/// are line breaks (so `""` is one empty line, and `"a\n"` is `"a"` then `""`).
pub(crate) fn lines(text: &[u8]) -> Lines<'_> {
    Lines { rest: Some(text) }
}

/// Iterator returned by [`lines`].
pub(crate) struct Lines<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        match memchr::memchr2(b'\r', b'\n', rest) {
            None => {
                self.rest = None;
                Some(rest)
            }
            Some(at) => {
                let (line, tail) = rest.split_at(at);
                let skip = if tail.starts_with(b"\r\n") { 2 } else { 1 };
                self.rest = tail.get(skip..);
                Some(line)
            }
        }
    }
}

/// Frames one event whose data arrives in chunks, without holding the data.
///
/// The head fields (comments, type, id, retry) are written by [`begin`](Self::begin);
/// each [`push`](Self::push) writes the chunk's bytes as `data:` lines as far as they
/// go; [`finish`](Self::finish) closes the last line and the frame. A line break split
/// across chunks (`\r` at the end of one, `\n` at the start of the next) is one break.
/// The output is byte-for-byte what [`Frame::encode`] gives for the whole data.
///
/// ```
/// use bytes::BytesMut;
/// use sse_core::{DataEncoder, Event, Frame};
///
/// let head = Event::builder().event("doc").id("9").build()?;
/// let mut out = BytesMut::new();
/// let mut encoder = DataEncoder::begin(&head, &mut out);
/// for chunk in [&b"{\"a\":\r"[..], b"\n1}"] {
///     encoder.push(chunk, &mut out);
/// }
/// encoder.finish(&mut out);
///
/// let whole = Frame::encode(&head.with_data("{\"a\":\r\n1}"));
/// assert_eq!(&out[..], &whole.as_bytes()[..]);
/// # Ok::<(), sse_core::FieldError>(())
/// ```
#[derive(Debug)]
#[must_use = "call finish() to end the frame"]
pub struct DataEncoder {
    /// No byte of the current line has been written yet (not even `data: `).
    at_line_start: bool,
    /// The last chunk ended with `\r`: a `\n` starting the next one is part of that
    /// break.
    pending_cr: bool,
}

impl DataEncoder {
    /// Writes the head of `head` (everything but the data) to `out`. If `head` has
    /// data, it is written as the start of the payload.
    pub fn begin(head: &Event, out: &mut BytesMut) -> DataEncoder {
        out.reserve(head_len(head));
        write_head(head, out);
        let mut encoder = DataEncoder {
            at_line_start: true,
            pending_cr: false,
        };
        if let Some(data) = head.data() {
            encoder.push(data, out);
        }
        encoder
    }

    /// Writes the next chunk of data.
    pub fn push(&mut self, chunk: &[u8], out: &mut BytesMut) {
        let mut rest = chunk;
        if self.pending_cr && !rest.is_empty() {
            self.pending_cr = false;
            if let Some(after) = rest.strip_prefix(b"\n") {
                rest = after;
            }
        }
        while !rest.is_empty() {
            let Some(at) = memchr::memchr2(b'\r', b'\n', rest) else {
                self.start_line(out);
                out.put_slice(rest);
                return;
            };
            let (line, tail) = rest.split_at(at);
            self.start_line(out);
            out.put_slice(line);
            out.put_u8(b'\n');
            self.at_line_start = true;
            rest = match tail {
                [b'\r', b'\n', after @ ..] => after,
                [b'\r'] => {
                    self.pending_cr = true;
                    &[]
                }
                [_, after @ ..] => after,
                [] => &[],
            };
        }
    }

    /// Ends the last data line and the frame.
    pub fn finish(mut self, out: &mut BytesMut) {
        self.start_line(out);
        out.put_slice(b"\n\n");
    }

    fn start_line(&mut self, out: &mut BytesMut) {
        if self.at_line_start {
            out.put_slice(b"data: ");
            self.at_line_start = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use super::*;
    use crate::{EventId, EventType};

    fn enc(event: &Event) -> Vec<u8> {
        Frame::encode(event).as_bytes().to_vec()
    }

    #[test]
    fn every_line_ending_becomes_its_own_data_line() {
        let ev = Event::new("a\nb\r\nc\rd");
        assert_eq!(enc(&ev), b"data: a\ndata: b\ndata: c\ndata: d\n\n");
    }

    #[test]
    fn trailing_and_empty_lines_are_kept() {
        assert_eq!(enc(&Event::new("")), b"data: \n\n");
        assert_eq!(enc(&Event::new("a\n")), b"data: a\ndata: \n\n");
        assert_eq!(enc(&Event::new("\r\r\n")), b"data: \ndata: \ndata: \n\n");
    }

    #[test]
    fn leading_space_survives_the_parsers_strip() {
        assert_eq!(enc(&Event::new(" x")), b"data:  x\n\n");
    }

    #[test]
    fn head_fields_come_first_in_fixed_order() {
        let ev = Event::new("d")
            .with_comment("c1\nc2")
            .with_type(EventType::new("t").unwrap())
            .with_id(EventId::new("i").unwrap())
            .with_retry(Duration::from_millis(1500));
        assert_eq!(
            enc(&ev),
            b": c1\n: c2\nevent: t\nid: i\nretry: 1500\ndata: d\n\n"
        );
    }

    #[test]
    fn empty_id_and_zero_retry_are_written() {
        let ev = Event::default()
            .with_id(EventId::empty())
            .with_retry(Duration::ZERO);
        assert_eq!(enc(&ev), b"id: \nretry: 0\n\n");
    }

    #[test]
    fn huge_retry_is_written_in_full() {
        let ev = Event::default().with_retry(Duration::MAX);
        let expected = alloc::format!("retry: {}\n\n", Duration::MAX.as_millis());
        assert_eq!(enc(&ev), expected.as_bytes());
    }

    #[test]
    fn comment_and_keep_alive_frames() {
        assert_eq!(Frame::keep_alive().as_bytes(), &b":\n\n"[..]);
        assert_eq!(Frame::comment("").as_bytes(), &b":\n\n"[..]);
        assert_eq!(Frame::comment("a\r\nb").as_bytes(), &b": a\n: b\n\n"[..]);
        assert_eq!(
            Frame::retry(Duration::from_secs(2)).as_bytes(),
            &b"retry: 2000\n\n"[..]
        );
    }

    #[test]
    fn encoded_len_is_exact() {
        let ev = Event::new("x\r\ny\rz\n")
            .with_comment("")
            .with_comment("q")
            .with_retry(Duration::from_millis(7));
        assert_eq!(encoded_len(&ev), enc(&ev).len());
        assert_eq!(encoded_len(&Event::default()), 1);
    }

    #[test]
    fn encode_into_appends() {
        let mut out = BytesMut::from(&b"prefix"[..]);
        encode_into(&Event::new("a"), &mut out);
        assert_eq!(&out[..], b"prefixdata: a\n\n");
    }

    fn stream(head: &Event, chunks: &[&[u8]]) -> Vec<u8> {
        let mut out = BytesMut::new();
        let mut encoder = DataEncoder::begin(head, &mut out);
        for chunk in chunks {
            encoder.push(chunk, &mut out);
        }
        encoder.finish(&mut out);
        out.to_vec()
    }

    #[test]
    fn data_encoder_joins_cr_lf_split_across_chunks() {
        let head = Event::default();
        assert_eq!(stream(&head, &[b"a\r", b"\nb"]), enc(&Event::new("a\r\nb")));
        assert_eq!(
            stream(&head, &[b"a\r", b"", b"\nb"]),
            enc(&Event::new("a\r\nb"))
        );
        assert_eq!(stream(&head, &[b"a\r", b"\rb"]), enc(&Event::new("a\r\rb")));
        assert_eq!(stream(&head, &[b"a\r"]), enc(&Event::new("a\r")));
    }

    #[test]
    fn data_encoder_with_no_chunks_is_empty_data() {
        assert_eq!(stream(&Event::default(), &[]), enc(&Event::new("")));
    }

    #[test]
    fn data_encoder_starts_with_head_data() {
        let head = Event::new("x").with_id(EventId::new("1").unwrap());
        assert_eq!(
            stream(&head, &[b"y\n"]),
            enc(&head.clone().with_data("xy\n"))
        );
    }

    #[test]
    fn data_encoder_matches_frame_for_every_split() {
        let data = b"l1\r\nl2\rl3\n\n l4\r";
        for split in 0..=data.len() {
            let (a, b) = data.split_at(split);
            assert_eq!(
                stream(&Event::default(), &[a, b]),
                enc(&Event::new(&data[..]))
            );
        }
    }
}
