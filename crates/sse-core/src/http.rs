//! The protocol's HTTP names: header and query-parameter names, the header lists, and
//! the content-type check. Reading a request (topics, `Last-Event-ID`) is
//! [`crate::subscribe`]; the response is [`crate::response`].
//!
//! ```
//! use sse_core::http::is_event_stream;
//!
//! assert!(is_event_stream(b"Text/Event-Stream; charset=utf-8"));
//! assert!(!is_event_stream(b"text/html"));
//! ```

use alloc::string::String;

/// The media type of an event stream.
pub const CONTENT_TYPE: &str = "text/event-stream";

/// The request header that carries the last event ID on reconnection.
pub const LAST_EVENT_ID: &str = "last-event-id";

/// The query parameter read when the header is absent (a browser's `EventSource`
/// cannot set headers, so a page that wants to resume a stream it opened fresh puts the
/// id in the URL).
pub const LAST_EVENT_ID_QUERY: &str = "lastEventId";

/// The response headers every adapter sends: [`crate::response::HEADERS`].
pub const RESPONSE_HEADERS: [(&str, &str); 4] = crate::response::HEADERS;

/// Headers a client sends with every connection attempt (plus `last-event-id` when it
/// has one).
pub const REQUEST_HEADERS: [(&str, &str); 2] =
    [("accept", CONTENT_TYPE), ("cache-control", "no-cache")];

/// Whether a `Content-Type` value is `text/event-stream`: the media type before any
/// `;` parameters, trimmed, compared ASCII-case-insensitively.
pub fn is_event_stream(content_type: &[u8]) -> bool {
    let essence = content_type
        .split(|&b| b == b';')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    essence.eq_ignore_ascii_case(CONTENT_TYPE.as_bytes())
}

/// The query parameter that lists the topics a subscriber wants.
pub const TOPICS_QUERY: &str = "topics";

/// The first value of `name` in a query string (`application/x-www-form-urlencoded`,
/// decoded by `form_urlencoded`).
pub(crate) fn query_param(query: &str, name: &str) -> Option<String> {
    query_params(query, name).next()
}

/// Every value of `name` in a query string, in order.
pub(crate) fn query_params<'q>(query: &'q str, name: &'q str) -> impl Iterator<Item = String> + 'q {
    form_urlencoded::parse(query.as_bytes())
        .filter(move |(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use super::*;

    #[test]
    fn content_type_essence() {
        assert!(is_event_stream(b"text/event-stream"));
        assert!(is_event_stream(b" TEXT/EVENT-STREAM ;charset=utf-8"));
        assert!(!is_event_stream(b"text/html"));
        assert!(!is_event_stream(b"text/event-streams"));
        assert!(!is_event_stream(b""));
    }

    #[test]
    fn query_decoding() {
        assert_eq!(query_param("a=1&b=x+y%2Fz", "b").as_deref(), Some("x y/z"));
        assert_eq!(query_param("flag&b=2", "flag").as_deref(), Some(""));
        assert_eq!(query_param("a=%zz%4", "a").as_deref(), Some("%zz%4"));
        assert_eq!(query_param("a=%C3%A9", "a").as_deref(), Some("é"));
        assert_eq!(query_param("a=%FF", "a").as_deref(), Some("\u{FFFD}"));
        let all: Vec<_> = query_params("t=a&u=b&t=c", "t").collect();
        assert_eq!(all, ["a", "c"]);
    }
}
