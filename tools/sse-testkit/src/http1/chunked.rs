//! An HTTP/1.1 chunked body decoder that hands out the data in place (no copy).
//!
//! Frameworks send an event stream as chunks (`<hex size>\r\n<data>\r\n`, any chunk
//! boundary); a frame can straddle two chunks, so the chunk framing must be removed
//! before frames are counted.
//!
//! ```
//! use sse_testkit::http1::chunked::{ChunkedDecoder, Progress};
//!
//! let mut decoder = ChunkedDecoder::new();
//! let mut body = Vec::new();
//! let progress = decoder.feed(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", |d| body.extend_from_slice(d));
//! assert_eq!(progress, Ok(Progress::Ended));
//! assert_eq!(body, b"hello world");
//! ```

use core::fmt;

/// Where the decoder is in the chunk framing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the hex size; `digits` seen so far.
    Size { size: u64, digits: u8 },
    /// After a `;` extension, until the line's LF.
    Extension { size: u64 },
    /// Saw the CR ending the size line.
    SizeLf { size: u64 },
    /// Inside a chunk's data.
    Data { remaining: u64 },
    /// After the data: its CR.
    DataCr,
    /// After the data: its LF.
    DataLf,
    /// After the last (empty) chunk: trailers, ignored.
    Trailers,
    /// The body is over.
    Ended,
}

/// Whether the body goes on after a [`ChunkedDecoder::feed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// More chunks may follow.
    Open,
    /// The last chunk was seen: the body is complete.
    Ended,
}

/// The chunk framing broke the rules; the stream cannot be read further.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkError {
    /// The offending byte.
    pub found: u8,
}

impl fmt::Display for ChunkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad chunk framing at byte {:#04x}", self.found)
    }
}

impl std::error::Error for ChunkError {}

/// Longest chunk size accepted, in hex digits (sizes up to 2^60).
const MAX_SIZE_DIGITS: u8 = 15;

/// Removes chunked transfer coding from a body fed in pieces of any size.
#[derive(Debug, Clone)]
pub struct ChunkedDecoder {
    state: State,
}

impl Default for ChunkedDecoder {
    fn default() -> Self {
        ChunkedDecoder::new()
    }
}

impl ChunkedDecoder {
    /// A decoder at the start of a body.
    pub fn new() -> Self {
        ChunkedDecoder {
            state: State::Size { size: 0, digits: 0 },
        }
    }

    /// Feeds the next bytes of the body, calling `data` with each run of chunk data
    /// (slices of `input`). Bytes after the end of the body are ignored.
    pub fn feed<'a>(
        &mut self,
        input: &'a [u8],
        mut data: impl FnMut(&'a [u8]),
    ) -> Result<Progress, ChunkError> {
        let mut rest = input;
        while let Some((&byte, after)) = rest.split_first() {
            if let State::Data { remaining } = self.state {
                let take = usize::try_from(remaining)
                    .unwrap_or(usize::MAX)
                    .min(rest.len());
                let (chunk, tail) = rest.split_at(take);
                data(chunk);
                let remaining = remaining - take as u64;
                self.state = if remaining == 0 {
                    State::DataCr
                } else {
                    State::Data { remaining }
                };
                rest = tail;
                continue;
            }
            self.state = self.step(byte)?;
            rest = after;
            if self.state == State::Ended {
                break;
            }
        }
        Ok(match self.state {
            State::Ended => Progress::Ended,
            _ => Progress::Open,
        })
    }

    /// The state after one framing byte.
    fn step(&self, byte: u8) -> Result<State, ChunkError> {
        let bad = Err(ChunkError { found: byte });
        Ok(match (self.state, byte) {
            (State::Size { size, digits }, _) if hex_value(byte).is_some() => {
                if digits >= MAX_SIZE_DIGITS {
                    return bad;
                }
                let value = u64::from(hex_value(byte).unwrap_or(0));
                State::Size {
                    size: size << 4 | value,
                    digits: digits + 1,
                }
            }
            (State::Size { size, digits }, b';' | b' ' | b'\t') if digits > 0 => {
                State::Extension { size }
            }
            (State::Size { size, digits }, b'\r') if digits > 0 => State::SizeLf { size },
            (State::Extension { size }, b'\r') => State::SizeLf { size },
            (State::Extension { size }, _) => State::Extension { size },
            (State::SizeLf { size: 0 }, b'\n') => State::Trailers,
            (State::SizeLf { size }, b'\n') => State::Data { remaining: size },
            (State::DataCr, b'\r') => State::DataLf,
            (State::DataLf, b'\n') => State::Size { size: 0, digits: 0 },
            // Trailer fields are skipped; the empty line that ends them ends the body.
            (State::Trailers, b'\n') => State::Ended,
            (State::Trailers, _) => State::Trailers,
            (State::Ended, _) => State::Ended,
            _ => return bad,
        })
    }
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"18\r\ndata: aaaaaaaaaaaaaaaa\n\n\r\n3;ext=1\r\nda\n\r\n0\r\n\r\nGARBAGE";

    fn decode_in_pieces(input: &[u8], piece: usize) -> (Vec<u8>, Progress) {
        let mut decoder = ChunkedDecoder::new();
        let mut out = Vec::new();
        let mut progress = Progress::Open;
        for part in input.chunks(piece) {
            progress = decoder.feed(part, |d| out.extend_from_slice(d)).unwrap();
        }
        (out, progress)
    }

    #[test]
    fn every_split_gives_the_same_data() {
        for piece in 1..=BODY.len() {
            let (out, progress) = decode_in_pieces(BODY, piece);
            assert_eq!(out, b"data: aaaaaaaaaaaaaaaa\n\nda\n", "pieces of {piece}");
            assert_eq!(progress, Progress::Ended, "pieces of {piece}");
        }
    }

    #[test]
    fn an_open_body_stays_open() {
        let (out, progress) = decode_in_pieces(b"A\r\n0123456789\r\n4\r\nab", 3);
        assert_eq!(out, b"0123456789ab");
        assert_eq!(progress, Progress::Open);
    }

    #[test]
    fn bad_framing_is_an_error() {
        let mut decoder = ChunkedDecoder::new();
        assert_eq!(
            decoder.feed(b"zz\r\n", |_| {}),
            Err(ChunkError { found: b'z' })
        );
        let mut decoder = ChunkedDecoder::new();
        assert_eq!(
            decoder.feed(b"2\r\nabX", |_| {}),
            Err(ChunkError { found: b'X' })
        );
        let mut decoder = ChunkedDecoder::new();
        let too_long = b"1234567890abcdef\r\n";
        assert!(decoder.feed(too_long, |_| {}).is_err());
        let mut decoder = ChunkedDecoder::new();
        assert!(
            decoder.feed(b"\r\n", |_| {}).is_err(),
            "size without digits"
        );
    }
}
