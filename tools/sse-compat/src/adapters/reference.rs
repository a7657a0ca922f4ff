//! The control row: sse-core's frames written by a blocking `std` server, a thread per
//! connection, no framework. A client that fails here fails on its own account.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::Duration;

use sse_core::http::{LAST_EVENT_ID, RESPONSE_HEADERS};
use sse_core::stream::FrameSource;
use sse_core::subscribe::last_event_id;

use crate::scenario::Scenario;

/// Serves until the process is killed.
pub fn serve(listener: TcpListener, scenario: Scenario) -> Result<(), String> {
    for stream in listener.incoming() {
        let stream = stream.map_err(|e| format!("accept: {e}"))?;
        let scenario = scenario.clone();
        thread::spawn(move || {
            // A client that goes away mid-response is no error of the server's.
            let _ = respond(stream, &scenario);
        });
    }
    Ok(())
}

fn respond(stream: TcpStream, scenario: &Scenario) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut header = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case(LAST_EVENT_ID)
        {
            header = Some(value.trim().to_owned());
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut out = stream;
    match path {
        "/" => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                crate::PAGE.len()
            );
            out.write_all(head.as_bytes())?;
            out.write_all(crate::PAGE.as_bytes())
        }
        "/events" => {
            let id = last_event_id(header.as_deref().map(str::as_bytes), Some(query))
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let connection = scenario
                .connect(id)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let mut head = String::from("HTTP/1.1 200 OK\r\nconnection: close\r\n");
            for (name, value) in RESPONSE_HEADERS {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            out.write_all(head.as_bytes())?;
            if let Some(preamble) = scenario.hub().stream_options().preamble() {
                out.write_all(preamble)?;
            }
            stream_frames(connection, &mut out)
        }
        _ => out
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"),
    }
}

/// Writes the source's chunks as they come, parking the thread while it has none;
/// the body ends (connection closed) when the source ends.
fn stream_frames(mut source: impl FrameSource, out: &mut TcpStream) -> std::io::Result<()> {
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        match source.poll_chunk(&mut cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                out.write_all(chunk.bytes())?;
                out.flush()?;
            }
            Poll::Ready(Some(Err(_)) | None) => return Ok(()),
            Poll::Pending => thread::park_timeout(Duration::from_secs(1)),
        }
    }
}

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}
