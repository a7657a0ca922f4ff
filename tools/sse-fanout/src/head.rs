//! The head of an HTTP/1.1 response: status and how the body is framed.
//!
//! ```
//! use sse_fanout::head::{BodyFraming, parse_head};
//!
//! let bytes = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n";
//! let (head, len) = parse_head(bytes).unwrap().unwrap();
//! assert_eq!((head.status, head.framing), (200, BodyFraming::Chunked));
//! assert_eq!(&bytes[len..], b"5\r\n");
//! ```

use core::fmt;

use memchr::memmem;

/// Largest response head accepted.
pub const MAX_HEAD: usize = 16 * 1024;

/// How the body after the head is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFraming {
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// The raw bytes until the connection closes (or a `Content-Length`, which an event
    /// stream does not have).
    Raw,
}

/// A parsed response head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// The status code.
    pub status: u16,
    /// How the body is framed.
    pub framing: BodyFraming,
}

/// Why a response head could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadError {
    /// No `HTTP/1.x NNN` status line.
    StatusLine,
    /// No end of the head within [`MAX_HEAD`] bytes.
    TooLong,
}

impl fmt::Display for HeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeadError::StatusLine => f.write_str("the response has no HTTP/1.x status line"),
            HeadError::TooLong => write!(f, "the response head is over {MAX_HEAD} bytes"),
        }
    }
}

impl std::error::Error for HeadError {}

/// Parses the head at the start of `bytes`: `Ok(None)` if it is not complete yet,
/// else the head and its length (the body starts there).
pub fn parse_head(bytes: &[u8]) -> Result<Option<(Head, usize)>, HeadError> {
    let Some(end) = memmem::find(bytes, b"\r\n\r\n") else {
        return if bytes.len() > MAX_HEAD {
            Err(HeadError::TooLong)
        } else {
            Ok(None)
        };
    };
    let text = bytes.get(..end).unwrap_or_default();
    let mut lines = text.split(|&b| b == b'\n').map(trim_cr);
    let status = lines
        .next()
        .and_then(parse_status_line)
        .ok_or(HeadError::StatusLine)?;
    let chunked = lines.any(|line| {
        let Some(colon) = memchr::memchr(b':', line) else {
            return false;
        };
        let (name, value) = line.split_at(colon);
        name.eq_ignore_ascii_case(b"transfer-encoding")
            && value
                .windows(b"chunked".len())
                .any(|w| w.eq_ignore_ascii_case(b"chunked"))
    });
    let framing = if chunked {
        BodyFraming::Chunked
    } else {
        BodyFraming::Raw
    };
    Ok(Some((Head { status, framing }, end + 4)))
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn parse_status_line(line: &[u8]) -> Option<u16> {
    let rest = line.strip_prefix(b"HTTP/1.")?;
    let code = rest.get(2..5)?;
    if rest.get(1) != Some(&b' ') || !code.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(code).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incomplete_head_waits() {
        assert_eq!(parse_head(b"HTTP/1.1 200 OK\r\ncontent-type: t"), Ok(None));
        assert_eq!(
            parse_head(&[b'a'; MAX_HEAD + 1]),
            Err(HeadError::TooLong),
            "no end in sight"
        );
    }

    #[test]
    fn raw_body_without_chunked_coding() {
        let bytes = b"HTTP/1.0 200 OK\r\ncontent-type: text/event-stream\r\n\r\ndata: x\n\n";
        let (head, len) = parse_head(bytes).unwrap().unwrap();
        assert_eq!(head.framing, BodyFraming::Raw);
        assert_eq!(&bytes[len..], b"data: x\n\n");
    }

    #[test]
    fn status_and_chunked_in_any_case() {
        let bytes = b"HTTP/1.1 404 Not Found\r\nTRANSFER-ENCODING: gzip, Chunked\r\n\r\n";
        let (head, len) = parse_head(bytes).unwrap().unwrap();
        assert_eq!(head.status, 404);
        assert_eq!(head.framing, BodyFraming::Chunked);
        assert_eq!(len, bytes.len());
        // A header value mentioning chunked under another name does not count.
        let other = b"HTTP/1.1 200 OK\r\nx-note: chunked\r\n\r\n";
        let (head, _) = parse_head(other).unwrap().unwrap();
        assert_eq!(head.framing, BodyFraming::Raw);
    }

    #[test]
    fn bad_status_line() {
        assert_eq!(
            parse_head(b"HTTP/2 200\r\n\r\n"),
            Err(HeadError::StatusLine)
        );
        assert_eq!(
            parse_head(b"HTTP/1.1 2x0 OK\r\n\r\n"),
            Err(HeadError::StatusLine)
        );
    }
}
