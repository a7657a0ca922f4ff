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
        if read.len() >= limit {
            return FirstRequest::Other(read);
        }
        if read.len() == read.capacity() {
            read.reserve_exact(read.len().min(limit - read.len()).max(1));
        }
        let room = u64::try_from(limit.saturating_sub(read.len())).unwrap_or(u64::MAX);
        match (&mut *io).take(room).read_buf(&mut read).await {
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

    /// `bytes` in one piece.
    fn first(bytes: &[u8], limit: usize) -> FirstRequest {
        read_in_pieces(bytes, &[], limit)
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

    /// Input handed out in the given pieces, one per read.
    struct Pieces(std::collections::VecDeque<Vec<u8>>);

    impl AsyncRead for Pieces {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            if let Some(mut piece) = self.0.pop_front() {
                let n = piece.len().min(buf.remaining());
                buf.put_slice(&piece[..n]);
                if n < piece.len() {
                    self.0.push_front(piece.split_off(n));
                }
            }
            std::task::Poll::Ready(Ok(()))
        }
    }

    fn read_in_pieces(bytes: &[u8], cuts: &[usize], limit: usize) -> FirstRequest {
        let mut at = 0;
        let mut pieces = std::collections::VecDeque::new();
        for &cut in cuts {
            let cut = cut.min(bytes.len());
            if cut > at {
                pieces.push_back(bytes[at..cut].to_vec());
                at = cut;
            }
        }
        pieces.push_back(bytes[at..].to_vec());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(read(&mut Pieces(pieces), limit))
    }

    proptest::proptest! {
        /// A plain GET is taken whole, with its path and headers, however it is cut.
        #[test]
        fn any_plain_get_in_any_pieces_is_taken(
            path in "/[a-z0-9/?=&%-]{0,40}",
            headers in proptest::collection::vec(("[a-z][a-z0-9-]{0,15}", "[ -~]{0,40}"), 0..10),
            mut cuts in proptest::collection::vec(0usize..600, 0..8),
        ) {
            let headers: Vec<(String, String)> = headers
                .into_iter()
                .filter(|(name, _)| !["content-length", "transfer-encoding", "upgrade", "expect"]
                    .contains(&name.as_str()))
                .map(|(name, value)| (name, value.trim().to_owned()))
                .collect();
            let mut head = format!("GET {path} HTTP/1.1\r\n");
            for (name, value) in &headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            cuts.sort_unstable();
            let FirstRequest::Get { head: parts, read } =
                read_in_pieces(head.as_bytes(), &cuts, 64 << 10)
            else {
                return Err(proptest::test_runner::TestCaseError::fail("not taken"));
            };
            proptest::prop_assert_eq!(&read, head.as_bytes());
            proptest::prop_assert_eq!(parts.uri.to_string(), path);
            proptest::prop_assert_eq!(parts.headers.len(), headers.len());
            for (name, value) in &headers {
                proptest::prop_assert!(
                    parts.headers.get_all(name.as_str()).iter().any(|v| v == value.as_str())
                );
            }
        }

        /// Any input: no panic, and nothing read is lost (hyper gets it all) or
        /// invented.
        #[test]
        fn any_bytes_are_given_back_whole(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..3000),
            mut cuts in proptest::collection::vec(0usize..3000, 0..8),
            limit in 1usize..2048,
        ) {
            cuts.sort_unstable();
            match read_in_pieces(&bytes, &cuts, limit) {
                FirstRequest::Get { read, .. } | FirstRequest::Other(read) => {
                    proptest::prop_assert!(bytes.starts_with(&read));
                    proptest::prop_assert!(read.len() <= limit, "{} > {limit}", read.len());
                }
                FirstRequest::Closed => {}
            }
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
