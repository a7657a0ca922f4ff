//! A blocking HTTP/1.1 request over loopback, its response head (`httparse`, through
//! [`http1::head`](crate::http1::head)) and its body, decoded from the chunk framing
//! and then by sse-core's `Decoder`.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Instant;

use sse_core::decode::{Decoded, Decoder};

use super::WAIT;
use crate::http1::chunked::{ChunkedDecoder, Progress};
use crate::http1::head::{BodyFraming, Head, parse_head};

/// One response being read.
pub struct Response {
    socket: TcpStream,
    /// The response head.
    pub head: Head,
    chunked: Option<ChunkedDecoder>,
    /// Every body byte so far (chunk framing removed).
    pub body: Vec<u8>,
    ended: bool,
    decoder: Decoder,
    decoded_up_to: usize,
}

impl Response {
    /// Sends `GET target` with `headers` and reads the response head.
    pub fn get(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> io::Result<Self> {
        let mut socket = TcpStream::connect(addr)?;
        socket.set_read_timeout(Some(WAIT))?;
        let mut request = format!("GET {target} HTTP/1.1\r\nhost: {addr}\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        socket.write_all(request.as_bytes())?;
        let mut wire = Vec::new();
        let (head, len) = loop {
            if let Some(parsed) = parse_head(&wire).map_err(io::Error::other)? {
                break parsed;
            }
            if read_some(&mut socket, &mut wire)? == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "no head"));
            }
        };
        let chunked = (head.framing == BodyFraming::Chunked).then(ChunkedDecoder::new);
        let mut response = Response {
            socket,
            head,
            chunked,
            body: Vec::new(),
            ended: false,
            decoder: Decoder::new(),
            decoded_up_to: 0,
        };
        response.take(wire.get(len..).unwrap_or_default())?;
        Ok(response)
    }

    /// The first value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.header(name)
    }

    /// Reads more of the body (waiting at most [`WAIT`]); `false` once it has ended.
    pub fn read_more(&mut self) -> io::Result<bool> {
        if self.ended {
            return Ok(false);
        }
        let mut wire = Vec::new();
        match read_some(&mut self.socket, &mut wire) {
            Ok(0) => self.ended = true,
            Ok(_) => self.take(&wire)?,
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => self.ended = true,
            Err(e) => return Err(e),
        }
        Ok(!self.ended)
    }

    /// Reads until the body ends or holds `length` bytes (bounded by [`WAIT`]).
    pub fn read_to_end(&mut self, length: usize) -> io::Result<()> {
        let deadline = Instant::now() + WAIT;
        while !self.ended && self.body.len() < length && Instant::now() < deadline {
            self.read_more()?;
        }
        Ok(())
    }

    /// The next decoded item (an event or a `retry:`), reading as needed; an error
    /// after [`WAIT`] or at the end of the body.
    pub fn next_item(&mut self) -> io::Result<Decoded> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(item) = self.decoder.next_item() {
                return item.map_err(io::Error::other);
            }
            if Instant::now() >= deadline {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "no event"));
            }
            if !self.read_more()? {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "body ended"));
            }
        }
    }

    /// The data of the next `count` events (other items skipped).
    pub fn event_data(&mut self, count: usize) -> io::Result<Vec<String>> {
        let mut data = Vec::new();
        while data.len() < count {
            if let Decoded::Event(event) = self.next_item()? {
                data.push(event.into_data());
            }
        }
        Ok(data)
    }

    /// Whether the body so far holds a comment line (`:` first), as keep-alives are.
    pub fn has_comment_line(&self) -> bool {
        self.body
            .split(|&b| b == b'\n' || b == b'\r')
            .any(|line| line.first() == Some(&b':'))
    }

    /// Closes the connection.
    pub fn close(self) {
        // Already closed by the peer is as good.
        let _ = self.socket.shutdown(Shutdown::Both);
    }

    fn take(&mut self, wire: &[u8]) -> io::Result<()> {
        match &mut self.chunked {
            Some(decoder) => {
                let body = &mut self.body;
                let progress = decoder
                    .feed(wire, |data| body.extend_from_slice(data))
                    .map_err(io::Error::other)?;
                self.ended |= progress == Progress::Ended;
            }
            None => self.body.extend_from_slice(wire),
        }
        if let BodyFraming::Length(length) = self.head.framing {
            self.ended |= self.body.len() as u64 >= length;
        }
        self.decoder
            .feed(self.body.get(self.decoded_up_to..).unwrap_or_default());
        self.decoded_up_to = self.body.len();
        Ok(())
    }
}

fn read_some(socket: &mut TcpStream, into: &mut Vec<u8>) -> io::Result<usize> {
    let mut buf = [0u8; 8192];
    let n = socket.read(&mut buf)?;
    into.extend_from_slice(buf.get(..n).unwrap_or_default());
    Ok(n)
}
