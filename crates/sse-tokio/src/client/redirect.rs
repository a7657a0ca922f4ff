//! Following redirects as a browser's `EventSource` does (fetch's "follow" mode):
//! 301, 302, 303, 307 and 308 with a `Location` are followed, up to
//! [`MAX_REDIRECTS`] per attempt; each reconnection starts again at the original URL.

use http::header::LOCATION;
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderMap, Method, StatusCode, Uri};

/// Most redirects followed in one connection attempt (fetch's limit).
pub(crate) const MAX_REDIRECTS: u8 = 20;

/// Where a redirect goes and how the request changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Redirect {
    /// The new URL.
    pub(crate) uri: Uri,
    /// Send a `GET` without a body (303, and 301/302 after a `POST`).
    pub(crate) to_get: bool,
}

/// The redirect a response asks for, if it is one that can be followed: a redirect
/// status with a `Location` that resolves to an `http(s)` URL.
pub(crate) fn redirect(
    status: StatusCode,
    headers: &HeaderMap,
    method: &Method,
    current: &Uri,
) -> Option<Redirect> {
    let to_get = match status.as_u16() {
        303 => method != Method::HEAD,
        301 | 302 => method == Method::POST,
        307 | 308 => false,
        _ => return None,
    };
    let location = headers.get(LOCATION)?.to_str().ok()?;
    let uri = resolve(current, location.trim())?;
    Some(Redirect { uri, to_get })
}

/// Whether `to` is on another origin than `from` (credentials are not sent there).
pub(crate) fn crosses_origin(from: &Uri, to: &Uri) -> bool {
    from.scheme() != to.scheme() || from.authority() != to.authority()
}

/// Resolves `reference` against `base` (RFC 3986 §5.2; the fragment is dropped).
fn resolve(base: &Uri, reference: &str) -> Option<Uri> {
    let reference = reference.split('#').next()?;
    if has_scheme(reference) {
        let parsed: Uri = reference.parse().ok()?;
        let web = matches!(parsed.scheme_str(), Some("http" | "https"));
        return (web && parsed.authority().is_some()).then_some(parsed);
    }
    let scheme = base.scheme()?.clone();
    if let Some(rest) = reference.strip_prefix("//") {
        return format!("{scheme}://{rest}").parse().ok();
    }
    let authority = base.authority()?.clone();
    let (path, query) = match reference.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (reference, None),
    };
    let base_path = base.path();
    let merged = if path.is_empty() {
        base_path.to_owned()
    } else if path.starts_with('/') {
        path.to_owned()
    } else {
        let dir = base_path
            .rfind('/')
            .and_then(|at| base_path.get(..=at))
            .unwrap_or("/");
        format!("{dir}{path}")
    };
    let query = match (path.is_empty(), query) {
        (_, Some(query)) => Some(query.to_owned()),
        (true, None) => base.query().map(str::to_owned),
        (false, None) => None,
    };
    build(
        scheme,
        authority,
        &remove_dot_segments(&merged),
        query.as_deref(),
    )
}

/// Whether `reference` starts with `scheme:` (RFC 3986 §3.1).
fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn build(scheme: Scheme, authority: Authority, path: &str, query: Option<&str>) -> Option<Uri> {
    let path_and_query = match query {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    let path_and_query: PathAndQuery = path_and_query.parse().ok()?;
    Uri::builder()
        .scheme(scheme)
        .authority(authority)
        .path_and_query(path_and_query)
        .build()
        .ok()
}

/// RFC 3986 §5.2.4, on whole segments.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (index, segment) in segments.iter().enumerate() {
        match *segment {
            "." => {}
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
            }
            other => out.push(other),
        }
        // A trailing `.` or `..` leaves a directory: keep the final slash.
        if index == last && matches!(*segment, "." | "..") {
            out.push("");
        }
    }
    let joined = out.join("/");
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn to(location: &str) -> Option<String> {
        let base: Uri = "http://example.test:8080/a/b/c?q=1".parse().unwrap();
        resolve(&base, location).map(|u| u.to_string())
    }

    #[test]
    fn resolves_references_like_a_browser() {
        assert_eq!(
            to("https://other.test/x").as_deref(),
            Some("https://other.test/x")
        );
        assert_eq!(to("//cdn.test/s").as_deref(), Some("http://cdn.test/s"));
        assert_eq!(
            to("/root?z=2").as_deref(),
            Some("http://example.test:8080/root?z=2")
        );
        assert_eq!(to("d").as_deref(), Some("http://example.test:8080/a/b/d"));
        assert_eq!(to("../d").as_deref(), Some("http://example.test:8080/a/d"));
        assert_eq!(
            to("../../../../d").as_deref(),
            Some("http://example.test:8080/d")
        );
        assert_eq!(to("./").as_deref(), Some("http://example.test:8080/a/b/"));
        assert_eq!(to("..").as_deref(), Some("http://example.test:8080/a/"));
        assert_eq!(
            to("?only=query").as_deref(),
            Some("http://example.test:8080/a/b/c?only=query")
        );
        assert_eq!(
            to("e#frag").as_deref(),
            Some("http://example.test:8080/a/b/e")
        );
        assert_eq!(to("ftp://files.test/"), None);
        assert_eq!(to("mailto:x@y.test"), None);
        assert_eq!(to("d:e").as_deref(), None, "a scheme, not a path");
        assert_eq!(
            to("./d:e").as_deref(),
            Some("http://example.test:8080/a/b/d:e")
        );
    }

    #[test]
    fn which_statuses_redirect_and_how() {
        let base: Uri = "http://h/s".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, HeaderValue::from_static("/t"));
        let follow = |status: u16, method: Method| {
            redirect(
                StatusCode::from_u16(status).unwrap(),
                &headers,
                &method,
                &base,
            )
        };
        assert!(!follow(307, Method::POST).unwrap().to_get);
        assert!(follow(302, Method::POST).unwrap().to_get);
        assert!(!follow(302, Method::GET).unwrap().to_get);
        assert!(follow(303, Method::PUT).unwrap().to_get);
        assert_eq!(follow(308, Method::GET).unwrap().uri, "http://h/t");
        assert!(follow(200, Method::GET).is_none());
        assert!(follow(304, Method::GET).is_none());
        assert!(redirect(StatusCode::FOUND, &HeaderMap::new(), &Method::GET, &base).is_none());
    }

    #[test]
    fn origin_changes() {
        let a: Uri = "http://h:1/x".parse().unwrap();
        assert!(!crosses_origin(&a, &"http://h:1/y".parse().unwrap()));
        assert!(crosses_origin(&a, &"http://h:2/x".parse().unwrap()));
        assert!(crosses_origin(&a, &"https://h:1/x".parse().unwrap()));
    }
}
