//! A small HTTP/1.1 client over `TcpStream`: exact control of the bytes sent (invalid
//! UTF-8 bodies, odd headers) and of event streams read as they arrive.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};

use serde_json::Value;
use sse_core::{Decoded, Decoder, MessageEvent};

use super::TIMEOUT;

/// A complete response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
}

fn find_header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, TIMEOUT).expect("connect");
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    stream
}

fn send_head(
    stream: &mut TcpStream,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
    close: bool,
) {
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    if let Some(body) = body {
        stream.write_all(body).unwrap();
    }
}

/// Sends one request and reads the whole response (the connection is closed after it).
pub fn request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = connect(addr);
    let body = (method != "GET" || !body.is_empty()).then_some(body);
    send_head(&mut stream, method, target, headers, body, true);
    read_response(&mut stream)
        .unwrap_or_else(|e| panic!("reading the response to {method} {target}: {e}"))
}

/// Reads one response: the head, then a body delimited by `Content-Length`, chunked
/// encoding, or the end of the connection.
fn read_response(stream: &mut TcpStream) -> std::io::Result<Response> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let (status, headers, mut rest) = loop {
        if let Some((status, headers, rest)) = parse_head(&raw) {
            break (status, headers, rest.to_vec());
        }
        let read = stream.read(&mut buf)?;
        if read == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        raw.extend_from_slice(&buf[..read]);
    };
    let length = find_header(&headers, "content-length").map(|v| v.parse::<usize>().unwrap());
    let chunked = find_header(&headers, "transfer-encoding") == Some("chunked");
    let body = if let Some(length) = length {
        while rest.len() < length {
            let read = stream.read(&mut buf)?;
            if read == 0 {
                return Err(ErrorKind::UnexpectedEof.into());
            }
            rest.extend_from_slice(&buf[..read]);
        }
        rest
    } else if chunked {
        let mut chunks = Dechunker::default();
        let mut body = chunks.feed(&rest);
        while !chunks.done {
            let read = stream.read(&mut buf)?;
            if read == 0 {
                return Err(ErrorKind::UnexpectedEof.into());
            }
            body.extend(chunks.feed(&buf[..read]));
        }
        body
    } else {
        match stream.read_to_end(&mut rest) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
            Err(e) => return Err(e),
        }
        rest
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// `GET target`.
pub fn get(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> Response {
    request(addr, "GET", target, headers, b"")
}

/// Publishes `data` on `topic` (path and query, e.g. `pets/dogs?event=bark`) and returns
/// the id; panics unless the answer is 200.
pub fn publish(addr: SocketAddr, topic: &str, data: &str) -> String {
    let response = request(
        addr,
        "POST",
        &format!("/publish/{topic}"),
        &[],
        data.as_bytes(),
    );
    assert_eq!(response.status, 200, "publish failed: {}", response.text());
    response.json()["id"].as_str().unwrap().to_owned()
}

/// A response head: status code, headers, and the bytes that followed it.
type Head<'a> = (u16, Vec<(String, String)>, &'a [u8]);

/// Status code, headers and the bytes after the head, once the head is complete.
fn parse_head(raw: &[u8]) -> Option<Head<'_>> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.trim().to_owned(), value.trim().to_owned())
        })
        .collect();
    Some((status, headers, &raw[end + 4..]))
}

/// Incremental decoding of `Transfer-Encoding: chunked`.
#[derive(Default)]
struct Dechunker {
    pending: Vec<u8>,
    /// Bytes of data left in the current chunk (then its CRLF).
    in_chunk: Option<usize>,
    done: bool,
}

impl Dechunker {
    fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        loop {
            if self.done {
                return out;
            }
            match self.in_chunk {
                None => {
                    let Some(eol) = self.pending.windows(2).position(|w| w == b"\r\n") else {
                        return out;
                    };
                    let line = std::str::from_utf8(&self.pending[..eol]).unwrap();
                    let size = usize::from_str_radix(line.split(';').next().unwrap().trim(), 16)
                        .unwrap_or_else(|_| panic!("bad chunk size line {line:?}"));
                    self.pending.drain(..eol + 2);
                    if size == 0 {
                        self.done = true;
                    } else {
                        self.in_chunk = Some(size);
                    }
                }
                Some(size) => {
                    if self.pending.len() < size + 2 {
                        return out;
                    }
                    out.extend_from_slice(&self.pending[..size]);
                    assert_eq!(
                        &self.pending[size..size + 2],
                        b"\r\n",
                        "chunk not ended by CRLF"
                    );
                    self.pending.drain(..size + 2);
                    self.in_chunk = None;
                }
            }
        }
    }
}

/// An open event stream, decoded as it arrives.
pub struct EventStream {
    stream: TcpStream,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    chunks: Dechunker,
    decoder: Decoder,
    ended: bool,
}

impl EventStream {
    /// `GET target` expecting an event stream: `Ok` once a `200` head has arrived (the
    /// subscription exists on the server then), `Err` with the whole response otherwise.
    pub fn open(
        addr: SocketAddr,
        target: &str,
        headers: &[(&str, &str)],
    ) -> Result<EventStream, Response> {
        let mut stream = connect(addr);
        send_head(&mut stream, "GET", target, headers, None, false);
        let mut raw = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            if let Some((status, headers, rest)) = parse_head(&raw) {
                if status != 200 {
                    let body = read_sized_body(&mut stream, &headers, rest);
                    return Err(Response {
                        status,
                        headers,
                        body,
                    });
                }
                let mut chunks = Dechunker::default();
                assert_eq!(find_header(&headers, "transfer-encoding"), Some("chunked"));
                let first = chunks.feed(rest);
                let mut decoder = Decoder::new();
                decoder.feed(&first);
                return Ok(EventStream {
                    stream,
                    status,
                    headers,
                    chunks,
                    decoder,
                    ended: false,
                });
            }
            let read = stream.read(&mut buf).expect("reading the response head");
            assert!(read > 0, "connection closed before the response head");
            raw.extend_from_slice(&buf[..read]);
        }
    }

    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The next dispatched event; `None` once the server ended the stream cleanly (the
    /// chunked terminator arrived). Panics if nothing arrives within the timeout.
    pub fn next_event(&mut self) -> Option<MessageEvent> {
        let mut buf = [0u8; 8192];
        loop {
            while let Some(item) = self.decoder.next_item() {
                if let Ok(Decoded::Event(event)) = item {
                    return Some(event);
                }
            }
            if self.ended {
                return None;
            }
            let read = match self.stream.read(&mut buf) {
                Ok(read) => read,
                Err(e) => panic!("no event within {TIMEOUT:?}: {e}"),
            };
            assert!(read > 0, "connection closed without the chunked terminator");
            let data = self.chunks.feed(&buf[..read]);
            self.decoder.feed(&data);
            if self.chunks.done {
                self.decoder.finish();
                self.ended = true;
            }
        }
    }

    /// The data of the next `n` events.
    pub fn data(&mut self, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| self.next_event().expect("stream ended").data().to_owned())
            .collect()
    }
}

/// The rest of a body with a `Content-Length`, `rest` being what already arrived.
fn read_sized_body(stream: &mut TcpStream, headers: &[(String, String)], rest: &[u8]) -> Vec<u8> {
    let len: usize = find_header(headers, "content-length")
        .expect("an error answer has a Content-Length")
        .parse()
        .unwrap();
    let mut body = rest.to_vec();
    let mut buf = [0u8; 4096];
    while body.len() < len {
        let read = stream.read(&mut buf).expect("reading the body");
        assert!(read > 0, "connection closed inside the body");
        body.extend_from_slice(&buf[..read]);
    }
    body
}
