//! A small HTTP/1.1 client over `TcpStream`: exact control of the bytes sent (invalid
//! UTF-8 bodies, odd headers) and of event streams read as they arrive.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};

use serde_json::Value;
use sse_core::{Decoded, Decoder, MessageEvent};
use sse_testkit::http1::chunked::{ChunkedDecoder, Progress};
use sse_testkit::http1::head::{BodyFraming, Head, parse_head};

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

/// Reads until the response head is complete: the head and the bytes after it.
fn read_head(stream: &mut TcpStream) -> std::io::Result<(Head, Vec<u8>)> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let parsed = parse_head(&raw).map_err(invalid)?;
        if let Some((head, len)) = parsed {
            return Ok((head, raw.split_off(len)));
        }
        let read = stream.read(&mut buf)?;
        if read == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        raw.extend_from_slice(&buf[..read]);
    }
}

/// Reads one response: the head, then a body delimited by `Content-Length`, chunked
/// encoding, or the end of the connection.
fn read_response(stream: &mut TcpStream) -> std::io::Result<Response> {
    let (head, rest) = read_head(stream)?;
    let body = read_body(stream, head.framing, rest)?;
    Ok(Response {
        status: head.status,
        headers: head.headers,
        body,
    })
}

/// The body framed by `framing`, `rest` being what already arrived after the head.
fn read_body(
    stream: &mut TcpStream,
    framing: BodyFraming,
    mut rest: Vec<u8>,
) -> std::io::Result<Vec<u8>> {
    let mut buf = [0u8; 8192];
    match framing {
        BodyFraming::Length(length) => {
            let length = usize::try_from(length).map_err(invalid)?;
            while rest.len() < length {
                let read = stream.read(&mut buf)?;
                if read == 0 {
                    return Err(ErrorKind::UnexpectedEof.into());
                }
                rest.extend_from_slice(&buf[..read]);
            }
            rest.truncate(length);
            Ok(rest)
        }
        BodyFraming::Chunked => {
            let mut chunks = ChunkedDecoder::new();
            let mut body = Vec::new();
            let mut progress = chunks
                .feed(&rest, |d| body.extend_from_slice(d))
                .map_err(invalid)?;
            while progress == Progress::Open {
                let read = stream.read(&mut buf)?;
                if read == 0 {
                    return Err(ErrorKind::UnexpectedEof.into());
                }
                progress = chunks
                    .feed(&buf[..read], |d| body.extend_from_slice(d))
                    .map_err(invalid)?;
            }
            Ok(body)
        }
        BodyFraming::Raw => {
            match stream.read_to_end(&mut rest) {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
                Err(e) => return Err(e),
            }
            Ok(rest)
        }
    }
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

/// An open event stream, decoded as it arrives.
pub struct EventStream {
    stream: TcpStream,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    chunks: ChunkedDecoder,
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
        let (head, rest) = read_head(&mut stream).expect("reading the response head");
        if head.status != 200 {
            assert!(
                matches!(head.framing, BodyFraming::Length(_)),
                "an error answer has a Content-Length"
            );
            let body = read_body(&mut stream, head.framing, rest).expect("reading the body");
            return Err(Response {
                status: head.status,
                headers: head.headers,
                body,
            });
        }
        assert_eq!(head.framing, BodyFraming::Chunked);
        let mut chunks = ChunkedDecoder::new();
        let mut decoder = Decoder::new();
        let progress = chunks
            .feed(&rest, |d| decoder.feed(d))
            .expect("chunk framing");
        let ended = progress == Progress::Ended;
        if ended {
            decoder.finish();
        }
        Ok(EventStream {
            stream,
            status: head.status,
            headers: head.headers,
            chunks,
            decoder,
            ended,
        })
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
            let decoder = &mut self.decoder;
            let progress = self
                .chunks
                .feed(&buf[..read], |d| decoder.feed(d))
                .expect("chunk framing");
            if progress == Progress::Ended {
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

/// A response the helpers could not read as HTTP/1.1.
fn invalid(error: impl std::error::Error + Send + Sync + 'static) -> std::io::Error {
    std::io::Error::new(ErrorKind::InvalidData, error)
}
