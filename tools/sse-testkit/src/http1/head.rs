//! The head of an HTTP/1.1 response, parsed by `httparse`: status, headers, and how
//! the body is framed.
//!
//! ```
//! use sse_testkit::http1::head::{BodyFraming, parse_head};
//!
//! let bytes = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n";
//! let (head, len) = parse_head(bytes).unwrap().unwrap();
//! assert_eq!((head.status, head.framing), (200, BodyFraming::Chunked));
//! assert_eq!(head.header("transfer-encoding"), Some("chunked"));
//! assert_eq!(&bytes[len..], b"5\r\n");
//! ```

use core::fmt;

/// Largest response head accepted.
pub const MAX_HEAD: usize = 16 * 1024;

/// Most headers accepted in a head.
pub const MAX_HEADERS: usize = 64;

/// How the body after the head is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFraming {
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// `Content-Length` bytes.
    Length(u64),
    /// The raw bytes until the connection closes.
    Raw,
}

/// A parsed response head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The status code.
    pub status: u16,
    /// How the body is framed.
    pub framing: BodyFraming,
    /// The headers in order, names lower-cased, values as text (lossy) and trimmed.
    pub headers: Vec<(String, String)>,
}

impl Head {
    /// The first value of header `name` (lower-case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a response head could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadError {
    /// Not an HTTP/1.x response head.
    Parse(httparse::Error),
    /// No end of the head within [`MAX_HEAD`] bytes.
    TooLong,
}

impl fmt::Display for HeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeadError::Parse(_) => f.write_str("the response head is not HTTP/1.x"),
            HeadError::TooLong => write!(f, "the response head is over {MAX_HEAD} bytes"),
        }
    }
}

impl std::error::Error for HeadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HeadError::Parse(e) => Some(e),
            HeadError::TooLong => None,
        }
    }
}

/// Parses the head at the start of `bytes`: `Ok(None)` if it is not complete yet,
/// else the head and its length (the body starts there).
pub fn parse_head(bytes: &[u8]) -> Result<Option<(Head, usize)>, HeadError> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut slots);
    let len = match response.parse(bytes).map_err(HeadError::Parse)? {
        httparse::Status::Complete(len) => len,
        httparse::Status::Partial if bytes.len() > MAX_HEAD => return Err(HeadError::TooLong),
        httparse::Status::Partial => return Ok(None),
    };
    let headers: Vec<(String, String)> = response
        .headers
        .iter()
        .map(|h| {
            let value = String::from_utf8_lossy(h.value).trim().to_owned();
            (h.name.to_ascii_lowercase(), value)
        })
        .collect();
    let mut head = Head {
        status: response.code.unwrap_or_default(),
        framing: BodyFraming::Raw,
        headers,
    };
    head.framing = framing(&head);
    Ok(Some((head, len)))
}

fn framing(head: &Head) -> BodyFraming {
    let chunked = head.headers.iter().any(|(name, value)| {
        name == "transfer-encoding" && value.to_ascii_lowercase().contains("chunked")
    });
    match head.header("content-length").map(str::parse) {
        _ if chunked => BodyFraming::Chunked,
        Some(Ok(length)) => BodyFraming::Length(length),
        _ => BodyFraming::Raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incomplete_head_waits() {
        assert_eq!(parse_head(b"HTTP/1.1 200 OK\r\ncontent-type: t"), Ok(None));
        let mut long = b"HTTP/1.1 200 OK\r\nx: ".to_vec();
        long.resize(MAX_HEAD + 1, b'a');
        assert_eq!(
            parse_head(&long),
            Err(HeadError::TooLong),
            "no end in sight"
        );
    }

    #[test]
    fn raw_and_length_bodies() {
        let bytes = b"HTTP/1.0 200 OK\r\ncontent-type: text/event-stream\r\n\r\ndata: x\n\n";
        let (head, len) = parse_head(bytes).unwrap().unwrap();
        assert_eq!(head.framing, BodyFraming::Raw);
        assert_eq!(&bytes[len..], b"data: x\n\n");
        let (head, _) = parse_head(b"HTTP/1.1 400 Bad\r\nContent-Length: 7\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!((head.status, head.framing), (400, BodyFraming::Length(7)));
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
        assert!(matches!(
            parse_head(b"HTTP/2 200\r\n\r\n"),
            Err(HeadError::Parse(_))
        ));
        assert!(matches!(
            parse_head(b"HTTP/1.1 2x0 OK\r\n\r\n"),
            Err(HeadError::Parse(_))
        ));
    }
}
