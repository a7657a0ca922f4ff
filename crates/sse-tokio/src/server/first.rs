//! The first request head of a cleartext HTTP/1.1 connection, read and parsed (with
//! `httparse`) before hyper gets the connection, so that an event stream can be handed
//! to the [lean writer](super::lean) instead of a hyper connection.
//!
//! Only a plain `GET` is taken: HTTP/1.1, no request body, no upgrade, no
//! `Expect`. Anything else (another method, HTTP/1.0, an HTTP/2 preface, a head that
//! does not parse or is too large) goes to hyper with the bytes read so far, and hyper
//! answers it as it would have without this step.

use http::request::Parts;
use http::{HeaderName, HeaderValue, Method, Request, Uri, Version};
use tokio::io::{AsyncRead, AsyncReadExt};

/// Most header lines of a head we parse ourselves; a head with more goes to hyper.
const MAX_HEADERS: usize = 64;

/// The first read's buffer; it doubles up to the head limit as needed.
const FIRST_READ: usize = 1024;

/// What the start of a connection holds.
#[derive(Debug)]
pub(crate) enum FirstRequest {
    /// A plain `GET` the server may answer itself. `read` holds every byte read so
    /// far, the head first (for hyper, if the response is not an event stream).
    Get { head: Box<Parts>, read: Vec<u8> },
    /// Anything else: hyper reads the connection, these bytes first.
    Other(Vec<u8>),
    /// The client closed the connection (or it failed) before a whole head.
    Closed,
}

/// Reads until a whole head is in, or it is clear that hyper must take over (at most
/// `limit` bytes are read).
pub(crate) async fn read<R: AsyncRead + Unpin>(io: &mut R, limit: usize) -> FirstRequest {
    let mut read = Vec::with_capacity(FIRST_READ.min(limit.max(1)));
    loop {
        if read.len() == read.capacity() {
            if read.len() >= limit {
                return FirstRequest::Other(read);
            }
            read.reserve_exact(read.len().min(limit - read.len()));
        }
        match io.read_buf(&mut read).await {
            Ok(0) | Err(_) => return FirstRequest::Closed,
            Ok(_) => {}
        }
        match parse(&read) {
            Parsed::Partial => {}
            Parsed::Get(head) => return FirstRequest::Get { head, read },
            Parsed::NotOurs => return FirstRequest::Other(read),
        }
    }
}

/// The outcome of parsing what has arrived so far.
#[derive(Debug)]
enum Parsed {
    Partial,
    Get(Box<Parts>),
    NotOurs,
}

fn parse(bytes: &[u8]) -> Parsed {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(bytes) {
        Ok(httparse::Status::Partial) => Parsed::Partial,
        Ok(httparse::Status::Complete(_)) => {
            plain_get(&request).map_or(Parsed::NotOurs, Parsed::Get)
        }
        Err(_) => Parsed::NotOurs,
    }
}

/// The head as `http` parts, if it is a plain HTTP/1.1 `GET`.
fn plain_get(request: &httparse::Request<'_, '_>) -> Option<Box<Parts>> {
    if request.method != Some("GET") || request.version != Some(1) {
        return None;
    }
    let uri: Uri = request.path?.parse().ok()?;
    let mut builder = Request::builder()
        .method(Method::GET)
        .uri(uri)
        .version(Version::HTTP_11);
    for header in request.headers.iter() {
        if !plain_header(header) {
            return None;
        }
        let name = HeaderName::from_bytes(header.name.as_bytes()).ok()?;
        let value = HeaderValue::from_bytes(header.value).ok()?;
        builder = builder.header(name, value);
    }
    Some(Box::new(builder.body(()).ok()?.into_parts().0))
}

/// Whether a header leaves the request a plain `GET` without a body.
fn plain_header(header: &httparse::Header<'_>) -> bool {
    let name = header.name;
    if name.eq_ignore_ascii_case("content-length") {
        return header.value.iter().all(|&b| b == b'0') && !header.value.is_empty();
    }
    !(name.eq_ignore_ascii_case("transfer-encoding")
        || name.eq_ignore_ascii_case("upgrade")
        || name.eq_ignore_ascii_case("expect"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(bytes: &[u8], limit: usize) -> FirstRequest {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut input = bytes;
            read(&mut input, limit).await
        })
    }

    #[test]
    fn a_plain_get_is_parsed_with_its_headers() {
        let head = b"GET /subscribe/a?x=1 HTTP/1.1\r\nHost: h\r\nLast-Event-ID: 7\r\n\r\n";
        let FirstRequest::Get { head: parts, read } = first(head, 64 << 10) else {
            panic!("not taken");
        };
        assert_eq!(parts.uri, "/subscribe/a?x=1");
        assert_eq!(parts.headers["last-event-id"], "7");
        assert_eq!(parts.headers["host"], "h");
        assert_eq!(read, head);
    }

    #[test]
    fn a_head_split_across_reads_is_reassembled() {
        let (mut near, mut far) = tokio::io::duplex(64);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let got = runtime.block_on(async {
            let writer = async {
                use tokio::io::AsyncWriteExt;
                for piece in [&b"GET / HT"[..], b"TP/1.1\r\nhost: a\r", b"\n\r\n"] {
                    far.write_all(piece).await.unwrap();
                    tokio::task::yield_now().await;
                }
            };
            let (got, ()) = tokio::join!(read(&mut near, 1024), writer);
            got
        });
        assert!(matches!(got, FirstRequest::Get { .. }), "{got:?}");
    }

    #[test]
    fn everything_else_goes_to_hyper_with_the_bytes_read() {
        for head in [
            &b"POST /publish/a HTTP/1.1\r\ncontent-length: 1\r\n\r\nx"[..],
            b"GET / HTTP/1.0\r\n\r\n",
            b"GET / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n",
            b"GET / HTTP/1.1\r\ncontent-length: 3\r\n\r\nabc",
            b"GET /ws HTTP/1.1\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n",
            b"GET / HTTP/1.1\r\nexpect: 100-continue\r\n\r\n",
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            b"GET / HTTP/1.1\r\nbad header\r\n\r\n",
        ] {
            match first(head, 64 << 10) {
                FirstRequest::Other(read) => assert_eq!(read, head),
                other => panic!("{:?} was taken: {other:?}", String::from_utf8_lossy(head)),
            }
        }
    }

    #[test]
    fn a_zero_content_length_is_still_a_plain_get() {
        let head = b"GET / HTTP/1.1\r\ncontent-length: 0\r\n\r\n";
        assert!(matches!(first(head, 1024), FirstRequest::Get { .. }));
    }

    #[test]
    fn a_head_over_the_limit_goes_to_hyper_unparsed() {
        let mut head = b"GET / HTTP/1.1\r\n".to_vec();
        head.extend(std::iter::repeat_n(b'a', 5000));
        match first(&head, 2048) {
            FirstRequest::Other(read) => {
                assert_eq!(read.len(), 2048);
                assert_eq!(read[..], head[..2048]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_connection_closed_mid_head_is_closed() {
        assert!(matches!(
            first(b"GET / HTTP/1.1\r\nhost", 1024),
            FirstRequest::Closed
        ));
    }
}
