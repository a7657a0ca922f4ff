//! Counting SSE frames in a response body as it arrives, with `memchr::memmem`, and
//! optionally reading each frame's publish timestamp.
//!
//! A frame ends at an empty line, `\n\n` (every server here ends lines with LF). The
//! end can straddle two reads, and with chunked coding, two chunks: the
//! [`FrameScanner`] removes the chunk framing first. Comment frames (such as
//! keep-alives) are not counted: only events are. A frame that starts with a comment
//! line is an event if a `data` line follows (a server may put its opening comment in
//! the first event's block); that line is looked for in each piece fed and across the
//! LF that ends one piece (a `data` field name itself cut in two is not seen: the frame
//! then goes uncounted and the run reports fewer deliveries, never more).
//!
//! ```
//! use sse_fanout::head::BodyFraming;
//! use sse_fanout::scan::FrameScanner;
//!
//! let mut scanner = FrameScanner::new(BodyFraming::Raw, true);
//! let mut stamps = Vec::new();
//! scanner.feed(b"data: 0000000000000005 x\n", |t| stamps.push(t)).unwrap();
//! scanner.feed(b"\ndata: 0000000000000009 y\n\n", |t| stamps.push(t)).unwrap();
//! assert_eq!((scanner.frames(), stamps), (2, vec![5, 9]));
//! ```

use memchr::memmem::Finder;

use crate::chunked::{ChunkError, ChunkedDecoder, Progress};
use crate::head::BodyFraming;
use crate::payload::{TIMESTAMP_WINDOW, parse_timestamp};

/// Counts frames in unframed body bytes fed in pieces.
#[derive(Debug, Clone)]
pub struct FrameCounter {
    finder: Finder<'static>,
    /// The bytes so far end with an LF that has not ended a frame.
    pending_lf: bool,
    /// Whether the current frame is a comment or an empty line (not an event) so far;
    /// `None` before its first byte.
    comment: Option<bool>,
    /// Finds a `data` line after a comment line.
    data_line: Finder<'static>,
    frames: u64,
    /// The start of the current frame, kept only when timestamps are read.
    prefix: Option<Vec<u8>>,
}

impl FrameCounter {
    /// A counter; with `timestamps`, it also reads each frame's publish time.
    pub fn new(timestamps: bool) -> Self {
        FrameCounter {
            finder: Finder::new(b"\n\n"),
            pending_lf: false,
            comment: None,
            data_line: Finder::new(b"\ndata"),
            frames: 0,
            prefix: timestamps.then(|| Vec::with_capacity(TIMESTAMP_WINDOW)),
        }
    }

    /// Event frames (not comments) ended so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Feeds body bytes; calls `on_timestamp` with the publish time of each frame
    /// that has one (only when reading timestamps).
    pub fn feed(&mut self, data: &[u8], mut on_timestamp: impl FnMut(u64)) {
        let mut start = 0;
        if self.pending_lf && data.first() == Some(&b'\n') {
            self.end_frame(&[], &mut on_timestamp);
            start = 1;
        } else if self.pending_lf && data.starts_with(b"data") && self.comment == Some(true) {
            self.comment = Some(false);
        }
        self.note_first_byte(data.get(start));
        let mut search = start;
        while let Some(found) = data.get(search..).and_then(|rest| self.finder.find(rest)) {
            let end = search + found;
            let frame = data.get(start..end).unwrap_or_default();
            self.note_data_line(frame);
            self.end_frame(frame, &mut on_timestamp);
            start = end + 2;
            search = start;
            self.note_first_byte(data.get(start));
        }
        let tail = data.get(start..).unwrap_or_default();
        self.note_data_line(tail);
        self.pending_lf = tail.last() == Some(&b'\n');
        if let Some(prefix) = &mut self.prefix {
            keep_prefix(prefix, tail);
        }
    }

    /// Records whether the frame starting at `first` (if that byte is here) is a
    /// comment or a stray empty line.
    fn note_first_byte(&mut self, first: Option<&u8>) {
        if self.comment.is_none() {
            self.comment = first.map(|&b| b == b':' || b == b'\n');
        }
    }

    /// A frame that started with a comment line is an event once a `data` line shows
    /// up in it.
    fn note_data_line(&mut self, part: &[u8]) {
        if self.comment == Some(true) && self.data_line.find(part).is_some() {
            self.comment = Some(false);
        }
    }

    fn end_frame(&mut self, last_part: &[u8], on_timestamp: &mut impl FnMut(u64)) {
        if self.comment.take() == Some(false) {
            self.frames += 1;
        }
        let Some(prefix) = &mut self.prefix else {
            return;
        };
        let stamp = if prefix.is_empty() {
            let head = last_part.get(..TIMESTAMP_WINDOW).unwrap_or(last_part);
            parse_timestamp(head)
        } else {
            keep_prefix(prefix, last_part);
            parse_timestamp(prefix)
        };
        prefix.clear();
        if let Some(stamp) = stamp {
            on_timestamp(stamp);
        }
    }
}

/// Appends to `prefix` what fits of `bytes` within the timestamp window.
fn keep_prefix(prefix: &mut Vec<u8>, bytes: &[u8]) {
    let room = TIMESTAMP_WINDOW.saturating_sub(prefix.len());
    prefix.extend_from_slice(bytes.get(..room).unwrap_or(bytes));
}

/// Counts the frames of one response body, chunked or raw.
#[derive(Debug, Clone)]
pub struct FrameScanner {
    chunked: Option<ChunkedDecoder>,
    counter: FrameCounter,
}

impl FrameScanner {
    /// A scanner for a body with this framing (see [`FrameCounter::new`] for
    /// `timestamps`).
    pub fn new(framing: BodyFraming, timestamps: bool) -> Self {
        FrameScanner {
            chunked: match framing {
                BodyFraming::Chunked => Some(ChunkedDecoder::new()),
                BodyFraming::Length(_) | BodyFraming::Raw => None,
            },
            counter: FrameCounter::new(timestamps),
        }
    }

    /// Event frames (not comments) ended so far.
    pub fn frames(&self) -> u64 {
        self.counter.frames()
    }

    /// Feeds the next bytes read from the connection. `Ok(Progress::Ended)` once a
    /// chunked body has ended.
    pub fn feed(
        &mut self,
        bytes: &[u8],
        mut on_timestamp: impl FnMut(u64),
    ) -> Result<Progress, ChunkError> {
        let counter = &mut self.counter;
        match &mut self.chunked {
            Some(decoder) => decoder.feed(bytes, |data| counter.feed(data, &mut on_timestamp)),
            None => {
                counter.feed(bytes, on_timestamp);
                Ok(Progress::Open)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &[u8] = b"id: 1\ndata: 0000000000000001 aa\n\n\
        : comment\n\n\
        data: 0000000000000002 bb\ndata: more\n\n\
        id: 3\nevent: e\ndata:0000000000000003\n\n";

    fn scan_raw(input: &[u8], piece: usize) -> (u64, Vec<u64>) {
        let mut counter = FrameCounter::new(true);
        let mut stamps = Vec::new();
        for part in input.chunks(piece) {
            counter.feed(part, |t| stamps.push(t));
        }
        (counter.frames(), stamps)
    }

    #[test]
    fn frames_and_stamps_at_every_split() {
        for piece in 1..=STREAM.len() {
            assert_eq!(
                scan_raw(STREAM, piece),
                (3, vec![1, 2, 3]),
                "pieces of {piece}"
            );
        }
    }

    #[test]
    fn an_opening_comment_in_the_first_event_block_is_still_an_event() {
        let stream = b": sse hub\nid: 1\ndata: 0000000000000001 a\n\n:\n\ndata: b\n\n";
        // Every split but those inside a `data` name (which the counter does not see).
        let names: Vec<usize> = (0..stream.len())
            .filter(|&i| stream[i..].starts_with(b"data"))
            .collect();
        let cuts_a_name = |piece: usize| {
            names
                .iter()
                .any(|&at| (at + 1..at + 4).any(|cut| cut % piece == 0))
        };
        let pieces: Vec<usize> = (1..=stream.len()).filter(|&p| !cuts_a_name(p)).collect();
        assert!(pieces.len() > 10, "{pieces:?}");
        for piece in pieces {
            assert_eq!(scan_raw(stream, piece).0, 2, "pieces of {piece}");
        }
        assert_eq!(scan_raw(b": a\n: b\n\n", 3).0, 0, "comments only");
    }

    #[test]
    fn counting_only_matches_counting_with_stamps() {
        for piece in [1, 2, 7, STREAM.len()] {
            let mut counter = FrameCounter::new(false);
            for part in STREAM.chunks(piece) {
                counter.feed(part, |_| panic!("no stamps asked for"));
            }
            assert_eq!(counter.frames(), 3);
        }
    }

    #[test]
    fn an_unfinished_frame_is_not_counted() {
        assert_eq!(scan_raw(b"data: 0000000000000001\n", 3), (0, vec![]));
        assert_eq!(scan_raw(b"data: a\n\ndata: b\n", 1).0, 1);
        assert_eq!(scan_raw(b"\n\n\n\n", 1).0, 0, "empty lines are no events");
        assert_eq!(scan_raw(b":a\n\n:b\n\ndata: c\n\n", 2).0, 1);
    }

    #[test]
    fn long_frames_keep_only_their_start() {
        let mut frame = b"data: 0000000000000042 ".to_vec();
        frame.resize(20_000, b'x');
        frame.extend_from_slice(b"\n\n");
        let twice = [frame.clone(), frame].concat();
        for piece in [1, 100, 4096, twice.len()] {
            assert_eq!(
                scan_raw(&twice, piece),
                (2, vec![42, 42]),
                "pieces of {piece}"
            );
        }
    }

    #[test]
    fn chunked_bodies_are_unframed_first() {
        // The frame end is split across two chunks: "\n" | "\n".
        let body = b"a\r\ndata: 0000\r\n\
            d\r\n000000000007\n\r\n\
            1\r\n\n\r\n";
        for piece in 1..=body.len() {
            let mut scanner = FrameScanner::new(BodyFraming::Chunked, true);
            let mut stamps = Vec::new();
            for part in body.chunks(piece) {
                scanner.feed(part, |t| stamps.push(t)).unwrap();
            }
            assert_eq!(
                (scanner.frames(), stamps),
                (1, vec![7]),
                "pieces of {piece}"
            );
        }
    }

    #[test]
    fn chunked_end_and_errors_are_reported() {
        let mut scanner = FrameScanner::new(BodyFraming::Chunked, false);
        assert_eq!(
            scanner.feed(b"4\r\nx\n\n\n\r\n0\r\n\r\n", |_| {}),
            Ok(Progress::Ended)
        );
        assert_eq!(scanner.frames(), 1);
        let mut scanner = FrameScanner::new(BodyFraming::Chunked, false);
        assert!(scanner.feed(b"data: x\n\n", |_| {}).is_err());
    }
}
