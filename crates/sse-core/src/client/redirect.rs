//! Following redirects as a browser's `EventSource` does (fetch's "follow" mode).
//!
//! - 301, 302, 303, 307 and 308 with a `Location` that resolves (against the current
//!   URL, fragment dropped) to an `http(s)` URL are followed; any other response,
//!   a redirect without a usable `Location` included, is the response.
//! - 303 turns any method but `HEAD` into a bodiless `GET`; 301 and 302 do so for
//!   `POST` only; 307 and 308 keep method and body.
//! - When the method changes, the body's headers (`Content-Type`, `Content-Length`,
//!   `Content-Encoding`, `Content-Language`, `Content-Location`) go with the body.
//! - Credentials (`Authorization`, `Cookie`, `Proxy-Authorization`) are not sent to
//!   another origin (scheme, host and port).
//! - At most [`ClientConfig::max_redirects`](super::ClientConfig::max_redirects) per
//!   attempt; every reconnection starts again at the original URL.

use core::fmt;
use url::Url;

use super::request::{ClientRequest, check_url};

/// Headers that describe the body, dropped with it.
const BODY_HEADERS: [&str; 5] = [
    "content-type",
    "content-length",
    "content-encoding",
    "content-language",
    "content-location",
];

/// Headers that carry credentials, not sent to another origin.
const CREDENTIAL_HEADERS: [&str; 3] = ["authorization", "cookie", "proxy-authorization"];

/// The request after a response of `status` with `location`, if that response is a
/// redirect to follow.
pub(super) fn follow(
    request: &ClientRequest,
    status: u16,
    location: Option<&[u8]>,
) -> Option<ClientRequest> {
    let to_get = match status {
        303 => request.method() != "HEAD",
        301 | 302 => request.method() == "POST",
        307 | 308 => false,
        _ => return None,
    };
    let location = core::str::from_utf8(location?).ok()?.trim();
    let target = resolve(request.url(), location)?;
    let mut next = request.clone();
    if to_get {
        next.become_bodiless_get();
        next.remove_headers(&BODY_HEADERS);
    }
    if target.origin() != request.url().origin() {
        next.remove_headers(&CREDENTIAL_HEADERS);
    }
    next.set_url(target);
    Some(next)
}

/// Resolves `reference` against `base` (WHATWG URL parsing, which follows RFC 3986
/// §5 for these); `None` unless the result is an `http(s)` URL with a host.
fn resolve(base: &Url, reference: &str) -> Option<Url> {
    let mut target = base.join(reference).ok()?;
    target.set_fragment(None);
    check_url(&target).ok()?;
    Some(target)
}

/// A connection attempt met more redirects than
/// [`ClientConfig::max_redirects`](super::ClientConfig::max_redirects) allows: the
/// source of the [`TransportError`](super::TransportError) the attempt fails with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TooManyRedirects {
    /// The limit that was reached.
    pub limit: u8,
}

impl fmt::Display for TooManyRedirects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "more than {} redirects in a row", self.limit)
    }
}

impl core::error::Error for TooManyRedirects {}

#[cfg(test)]
mod tests {
    use std::string::{String, ToString};

    use super::*;

    fn to(location: &str) -> Option<String> {
        let base = Url::parse("http://example.test:8080/a/b/c?q=1").unwrap();
        resolve(&base, location).map(|u| u.to_string())
    }

    #[test]
    fn resolves_references_like_a_browser() {
        let cases = [
            ("https://other.test/x", Some("https://other.test/x")),
            ("//cdn.test/s", Some("http://cdn.test/s")),
            ("/root?z=2", Some("http://example.test:8080/root?z=2")),
            ("d", Some("http://example.test:8080/a/b/d")),
            ("../d", Some("http://example.test:8080/a/d")),
            ("../../../../d", Some("http://example.test:8080/d")),
            ("./", Some("http://example.test:8080/a/b/")),
            ("..", Some("http://example.test:8080/a/")),
            (
                "?only=query",
                Some("http://example.test:8080/a/b/c?only=query"),
            ),
            ("e#frag", Some("http://example.test:8080/a/b/e")),
            ("ftp://files.test/", None),
            ("mailto:x@y.test", None),
            ("d:e", None),
            ("./d:e", Some("http://example.test:8080/a/b/d:e")),
        ];
        for (location, expected) in cases {
            assert_eq!(to(location).as_deref(), expected, "{location}");
        }
    }

    fn post() -> ClientRequest {
        ClientRequest::get("http://a.test/s")
            .unwrap()
            .method_named("POST")
            .unwrap()
            .header("authorization", "Bearer t")
            .unwrap()
            .header("content-type", "application/json")
            .unwrap()
            .body("{}")
    }

    #[test]
    fn which_statuses_redirect_and_how() {
        let get = ClientRequest::get("http://h/s").unwrap();
        let follow_as = |request: &ClientRequest, status| follow(request, status, Some(b"/t"));
        let kept = follow_as(&post(), 307).unwrap();
        assert_eq!(
            (kept.method(), &kept.body_bytes()[..]),
            ("POST", &b"{}"[..])
        );
        assert_eq!(follow_as(&post(), 302).unwrap().method(), "GET");
        assert_eq!(follow_as(&post(), 301).unwrap().method(), "GET");
        let put = get.clone().method_named("PUT").unwrap();
        assert_eq!(follow_as(&put, 303).unwrap().method(), "GET");
        assert_eq!(follow_as(&put, 302).unwrap().method(), "PUT");
        let head = get.clone().method_named("HEAD").unwrap();
        assert_eq!(follow_as(&head, 303).unwrap().method(), "HEAD");
        assert_eq!(follow_as(&get, 308).unwrap().url().as_str(), "http://h/t");
        assert!(follow_as(&get, 200).is_none());
        assert!(follow_as(&get, 304).is_none());
        assert!(follow(&get, 302, None).is_none());
        assert!(follow(&get, 302, Some(b"\xff")).is_none());
    }

    #[test]
    fn a_method_change_drops_the_body_and_another_origin_the_credentials() {
        let same = follow(&post(), 307, Some(b"http://a.test/t")).unwrap();
        assert_eq!(same.header_value("authorization"), Some(&b"Bearer t"[..]));
        assert!(same.header_value("content-type").is_some());

        let moved = follow(&post(), 303, Some(b"http://b.test/u")).unwrap();
        assert_eq!(moved.url().as_str(), "http://b.test/u");
        assert!(moved.header_value("authorization").is_none());
        assert!(moved.header_value("content-type").is_none());
        assert!(moved.body_bytes().is_empty());

        let port = follow(&post(), 307, Some(b"http://a.test:81/")).unwrap();
        assert!(
            port.header_value("authorization").is_none(),
            "port is origin"
        );
        let scheme = follow(&post(), 307, Some(b"https://a.test/")).unwrap();
        assert!(scheme.header_value("authorization").is_none(), "scheme too");
        let explicit = follow(&post(), 307, Some(b"http://a.test:80/x")).unwrap();
        assert!(
            explicit.header_value("authorization").is_some(),
            "80 is http's"
        );
    }
}
