//! The lean writer: an event stream answered to the first request of a cleartext
//! HTTP/1.1 connection is written by a small task that holds only the socket, the
//! response body and a few words of state, instead of a hyper connection with its read
//! and write buffers. Idle subscribers then cost little more than their socket
//! (see [`ServerOptions::lean_streams`](super::ServerOptions::lean_streams)).
//!
//! On the wire it is what hyper would send: the status line, the response's headers,
//! `date`, `transfer-encoding: chunked` and `connection: close` (the connection ends
//! with the stream; the client's further requests go on a new one), then one chunk per
//! body frame, written as one vectored write without copying the frame, and the last
//! chunk when the body ends. A body error ends the connection without the last chunk,
//! so the client sees a cut-off stream, as with hyper.
//!
//! While no frame is due, the task watches the socket for the client closing it, so a
//! subscriber that leaves frees its subscription at once. Bytes the client sends after
//! its request are read and dropped (nothing more is answered on this connection).

use std::future::poll_fn;
use std::io::{self, Write as _};
use std::pin::pin;
use std::time::SystemTime;

use bytes::Buf;
use http::response::Parts;
use http::{HeaderMap, StatusCode, header};
use http_body::Body;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::io::DeadlineIo;
use crate::BoxError;

/// Whether a response is one the lean writer takes: a `200` event stream whose length
/// is not fixed.
pub(crate) fn is_event_stream(parts: &Parts) -> bool {
    parts.status == StatusCode::OK
        && !parts.headers.contains_key(header::CONTENT_LENGTH)
        && !parts.headers.contains_key(header::TRANSFER_ENCODING)
        && parts
            .headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|value| sse_core::http::is_event_stream(value.as_bytes()))
}

/// The response head: status line, the response's headers (less those this writer
/// decides), `date`, chunked framing and `connection: close`.
pub(crate) fn head(status: StatusCode, headers: &HeaderMap) -> Vec<u8> {
    let mut head = Vec::with_capacity(256);
    let reason = status.canonical_reason().unwrap_or("");
    let _ = write!(head, "HTTP/1.1 {} {reason}\r\n", status.as_u16());
    for (name, value) in headers {
        if is_framing(name) {
            continue;
        }
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    let _ = write!(
        head,
        "date: {}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        httpdate::fmt_http_date(SystemTime::now())
    );
    head
}

/// Headers the writer sets itself.
fn is_framing(name: &header::HeaderName) -> bool {
    [
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::CONTENT_LENGTH,
        header::DATE,
    ]
    .contains(name)
        || name.as_str() == "keep-alive"
}

/// Writes `head`, then the body as chunks, until the body ends (`Ok`), the client
/// closes the connection (`Ok`), or a write or the body fails (`Err`, which carries a
/// write timeout as [`io::ErrorKind::TimedOut`]).
pub(crate) async fn write<B>(
    io: &mut DeadlineIo<TcpStream>,
    head: Vec<u8>,
    body: B,
) -> io::Result<()>
where
    B: Body,
    B::Data: Buf,
    B::Error: Into<BoxError>,
{
    io.write_all(&head).await?;
    drop(head);
    let mut body = pin!(body);
    loop {
        let frame = tokio::select! {
            biased;
            frame = poll_fn(|cx| body.as_mut().poll_frame(cx)) => frame,
            () = closed_by_peer(io.get_ref()) => return Ok(()),
        };
        match data(frame)? {
            Next::Data(data) => write_chunk(io, data).await?,
            Next::Skip => {}
            Next::End => {
                io.write_all(b"0\r\n\r\n").await?;
                return io.shutdown().await;
            }
        }
    }
}

/// What to do with what the body gave.
enum Next<D> {
    Data(D),
    /// Trailers: they have no place in an event stream and are dropped.
    Skip,
    End,
}

/// What the body gave, with the error type (which need not be `Send`) gone.
fn data<D, E: Into<BoxError>>(
    frame: Option<Result<http_body::Frame<D>, E>>,
) -> io::Result<Next<D>> {
    match frame {
        None => Ok(Next::End),
        Some(Err(error)) => Err(io::Error::other(error.into())),
        Some(Ok(frame)) => Ok(frame.into_data().map_or(Next::Skip, Next::Data)),
    }
}

/// One chunk: its size line, the data (not copied) and the closing CRLF.
async fn write_chunk(io: &mut DeadlineIo<TcpStream>, data: impl Buf) -> io::Result<()> {
    let len = data.remaining();
    if len == 0 {
        return Ok(());
    }
    let mut size = io::Cursor::new([0u8; 20]);
    write!(size, "{len:x}\r\n")?;
    let written = usize::try_from(size.position()).unwrap_or(0);
    let size = size.into_inner();
    let mut chunk = size
        .get(..written)
        .unwrap_or_default()
        .chain(data)
        .chain(&b"\r\n"[..]);
    io.write_all_buf(&mut chunk).await
}

/// Completes when the client has closed the connection (or it failed); drops whatever
/// else the client sends.
async fn closed_by_peer(tcp: &TcpStream) {
    loop {
        if tcp.readable().await.is_err() {
            return;
        }
        let mut sink = [0u8; 64];
        match tcp.try_read(&mut sink) {
            Ok(0) => return,
            Ok(_) => {}
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn parts(status: StatusCode, headers: &[(&'static str, &'static str)]) -> Parts {
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn only_open_ended_200_event_streams_are_taken() {
        let sse = ("content-type", "text/event-stream; charset=utf-8");
        assert!(is_event_stream(&parts(StatusCode::OK, &[sse])));
        assert!(is_event_stream(&parts(
            StatusCode::OK,
            &[("content-type", "Text/Event-Stream")]
        )));
        assert!(!is_event_stream(&parts(StatusCode::NO_CONTENT, &[sse])));
        assert!(!is_event_stream(&parts(
            StatusCode::OK,
            &[sse, ("content-length", "10")]
        )));
        assert!(!is_event_stream(&parts(
            StatusCode::OK,
            &[("content-type", "text/html")]
        )));
        assert!(!is_event_stream(&parts(StatusCode::OK, &[])));
    }

    #[test]
    fn the_head_keeps_the_response_headers_and_sets_the_framing() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        headers.insert(header::CONNECTION, HeaderValue::from_static("keep-alive"));
        headers.append("x-a", HeaderValue::from_static("1"));
        headers.append("x-a", HeaderValue::from_static("2"));
        let head = String::from_utf8(head(StatusCode::OK, &headers)).unwrap();
        let mut parsed = [httparse::EMPTY_HEADER; 8];
        let mut response = httparse::Response::new(&mut parsed);
        let status = response.parse(head.as_bytes()).unwrap();
        assert!(status.is_complete(), "{head}");
        assert_eq!(response.code, Some(200));
        let lines: Vec<(String, String)> = response
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_owned(),
                    String::from_utf8_lossy(h.value).into_owned(),
                )
            })
            .collect();
        let has = |name: &str, value: &str| lines.iter().any(|(n, v)| n == name && v == value);
        assert!(has("content-type", "text/event-stream"));
        assert!(has("x-a", "1") && has("x-a", "2"));
        assert!(has("transfer-encoding", "chunked"));
        assert!(has("connection", "close"));
        assert!(!has("connection", "keep-alive"));
        assert!(lines.iter().any(|(n, _)| n == "date"));
    }
}
