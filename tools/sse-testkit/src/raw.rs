//! A bare HTTP/1.1 client over a loopback socket that shows a response body exactly as
//! it arrives (chunked transfer decoded, by [`http1`](crate::http1)), to check
//! headers and byte-exact frames.
//!
//! It knows no framework: any server on a loopback port will do. Every read is bounded
//! by [`WAIT`].

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::http1::chunked::{ChunkedDecoder, Progress};
use crate::http1::head::{BodyFraming, parse_head};

/// How long any single wait for bytes may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);

/// One response being read.
pub struct RawResponse {
    socket: TcpStream,
    /// Bytes read from the socket and not yet decoded.
    wire: Vec<u8>,
    /// Body bytes decoded and not yet taken.
    pub body: Vec<u8>,
    /// The response's status code.
    pub status: u16,
    /// The response's headers in order, names lower-cased, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The chunked decoder, for a chunked body.
    chunked: Option<ChunkedDecoder>,
    /// The terminating zero-size chunk arrived.
    last_chunk: bool,
    /// The connection was closed.
    closed: bool,
    /// Body bytes still to come when the response has a `content-length`.
    remaining: Option<usize>,
}

impl RawResponse {
    /// Sends `GET path` with `headers` and reads the response head.
    pub async fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> io::Result<Self> {
        Self::send(addr, "GET", path, headers, b"").await
    }

    /// Sends `method path` with `headers` and `body` and reads the response head.
    pub async fn send(
        addr: SocketAddr,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<Self> {
        let mut socket = TcpStream::connect(addr).await?;
        let mut request = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        let mut request = request.into_bytes();
        request.extend_from_slice(body);
        socket.write_all(&request).await?;
        let mut response = RawResponse {
            socket,
            wire: Vec::new(),
            body: Vec::new(),
            status: 0,
            headers: Vec::new(),
            chunked: None,
            last_chunk: false,
            closed: false,
            remaining: None,
        };
        response.read_head().await?;
        Ok(response)
    }

    /// The value of header `name` (lower-case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    async fn read_head(&mut self) -> io::Result<()> {
        let (head, len) = loop {
            if let Some(parsed) = parse_head(&self.wire).map_err(io::Error::other)? {
                break parsed;
            }
            self.fill().await?;
        };
        self.wire.drain(..len);
        self.status = head.status;
        self.chunked = (head.framing == BodyFraming::Chunked).then(ChunkedDecoder::new);
        if let BodyFraming::Length(length) = head.framing {
            self.remaining = Some(usize::try_from(length).unwrap_or(usize::MAX));
        }
        self.headers = head.headers;
        Ok(())
    }

    /// Reads more bytes from the socket (bounded wait); EOF is an error.
    async fn fill(&mut self) -> io::Result<()> {
        let mut buf = [0u8; 8192];
        let n = timeout(WAIT, self.socket.read(&mut buf))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "no bytes within the wait"))??;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        self.wire.extend_from_slice(&buf[..n]);
        Ok(())
    }

    /// Moves every whole chunk in `wire` to `body`.
    fn decode(&mut self) -> io::Result<()> {
        let Some(decoder) = &mut self.chunked else {
            if let Some(remaining) = &mut self.remaining {
                *remaining = remaining.saturating_sub(self.wire.len());
                self.last_chunk = *remaining == 0;
            }
            self.body.append(&mut self.wire);
            return Ok(());
        };
        let body = &mut self.body;
        let progress = decoder
            .feed(&self.wire, |data| body.extend_from_slice(data))
            .map_err(io::Error::other)?;
        self.wire.clear();
        self.last_chunk |= progress == Progress::Ended;
        Ok(())
    }

    /// Waits until the body holds `needle`; returns and removes everything up to and
    /// including it.
    pub async fn read_through(&mut self, needle: &[u8]) -> io::Result<Vec<u8>> {
        // Bounded as a whole, not only per read: a stream of keep-alives never lets a
        // single read time out.
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if tokio::time::Instant::now() >= deadline {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "{:?} did not arrive within {WAIT:?}",
                        String::from_utf8_lossy(needle)
                    ),
                ));
            }
            self.decode()?;
            if let Some(at) = find(&self.body, needle) {
                return Ok(self.body.drain(..at + needle.len()).collect());
            }
            if self.last_chunk {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "body ended"));
            }
            self.fill().await?;
        }
    }

    /// Reads until the body ends (last chunk, or the connection closes); returns what
    /// was not taken yet.
    pub async fn read_to_end(&mut self) -> io::Result<Vec<u8>> {
        loop {
            self.decode()?;
            if self.last_chunk || self.closed {
                return Ok(std::mem::take(&mut self.body));
            }
            match self.fill().await {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => self.closed = true,
                // A reset after an aborted body ends it too.
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => self.closed = true,
                Err(e) => return Err(e),
            }
        }
    }

    /// Whether the server ended the body cleanly (the last chunk, or all of a
    /// `content-length`).
    pub fn ended_cleanly(&self) -> bool {
        self.last_chunk
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
