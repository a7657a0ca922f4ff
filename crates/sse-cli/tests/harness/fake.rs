//! A scripted HTTP server for `sse listen` tests: the n-th connection gets the n-th
//! reply, and every request is recorded.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;

use super::TIMEOUT;

/// What happens on one connection.
pub struct Reply {
    /// Bytes written after the request arrived (head and body).
    pub bytes: Vec<u8>,
    /// Keep the connection open (silent) instead of closing it after the bytes.
    pub hold: bool,
}

impl Reply {
    /// A `200 text/event-stream` response with `body`, closed after it.
    pub fn stream(body: &str) -> Reply {
        Reply::raw(&format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n{body}"
        ))
    }

    /// A response of `status` with a text body, closed after it.
    pub fn status(status: &str, content_type: &str) -> Reply {
        Reply::raw(&format!(
            "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: 2\r\nconnection: close\r\n\r\nno"
        ))
    }

    /// Exactly these bytes.
    pub fn raw(text: &str) -> Reply {
        Reply {
            bytes: text.as_bytes().to_vec(),
            hold: false,
        }
    }

    /// Keeps the connection open after the bytes.
    pub fn hold(mut self) -> Reply {
        self.hold = true;
        self
    }
}

/// A request as received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The server; it stops accepting after its replies run out.
pub struct FakeServer {
    pub addr: SocketAddr,
    requests: mpsc::Receiver<Recorded>,
}

impl FakeServer {
    /// Serves `replies`, one per connection, in order.
    pub fn start(replies: Vec<Reply>) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut held = Vec::new();
            for reply in replies {
                let Ok((mut stream, _)) = listener.accept() else {
                    return;
                };
                stream.set_read_timeout(Some(TIMEOUT)).unwrap();
                let Some(request) = read_request(&mut stream) else {
                    continue;
                };
                let _ = tx.send(request);
                let _ = stream.write_all(&reply.bytes);
                if reply.hold {
                    held.push(stream);
                }
            }
            // Refuse further connections; keep held ones open for a while.
            drop(listener);
            thread::sleep(TIMEOUT);
            drop(held);
        });
        FakeServer { addr, requests: rx }
    }

    /// `http://ADDR/PATH`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The next request received (bounded wait).
    pub fn next_request(&self) -> Recorded {
        self.requests
            .recv_timeout(TIMEOUT)
            .expect("no request within the timeout")
    }
}

fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let read = stream.read(&mut buf).ok()?;
        if read == 0 {
            return None;
        }
        raw.extend_from_slice(&buf[..read]);
    };
    let head = String::from_utf8(raw[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = raw[head_end + 4..].to_vec();
    while body.len() < len {
        let read = stream.read(&mut buf).ok()?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&buf[..read]);
    }
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}
