//! What every HTTP adapter needs and must not re-implement: the response and request
//! header lists, the content-type check, and reading `Last-Event-ID` and query
//! parameters.
//!
//! The functions take plain strings and bytes, so they serve any HTTP library.
//!
//! ```
//! use sse_core::http::{is_event_stream, last_event_id};
//!
//! assert!(is_event_stream(b"Text/Event-Stream; charset=utf-8"));
//! // The header wins; the `lastEventId` query parameter is the fallback for clients
//! // that cannot set headers.
//! let id = last_event_id(None, Some("topics=a&lastEventId=17%2D4"));
//! assert_eq!(id.unwrap().as_str(), "17-4");
//! ```

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use crate::event::EventId;
use crate::hub::{TopicError, TopicFilter};

/// The media type of an event stream.
pub const CONTENT_TYPE: &str = "text/event-stream";

/// The request header that carries the last event ID on reconnection.
pub const LAST_EVENT_ID: &str = "last-event-id";

/// The query parameter read when the header is absent (a browser's `EventSource`
/// cannot set headers, so a page that wants to resume a stream it opened fresh puts the
/// id in the URL).
pub const LAST_EVENT_ID_QUERY: &str = "lastEventId";

/// Headers of every event-stream response, lower-case names:
/// - `content-type: text/event-stream`;
/// - `cache-control: no-cache`: caches must not store or replay a live stream;
/// - `x-accel-buffering: no`: nginx passes each frame on at once instead of buffering.
///
/// There is never a `content-length`: the body is open-ended.
pub const RESPONSE_HEADERS: [(&str, &str); 3] = [
    ("content-type", CONTENT_TYPE),
    ("cache-control", "no-cache"),
    ("x-accel-buffering", "no"),
];

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

/// The last event ID of a request: the `Last-Event-ID` header if present, else the
/// `lastEventId` query parameter. Invalid UTF-8 is replaced (as a parser would); a value
/// with CR, LF or NUL, or an empty one, counts as absent.
pub fn last_event_id(header: Option<&[u8]>, query: Option<&str>) -> Option<EventId> {
    let value: Cow<'_, str> = match header {
        Some(bytes) => String::from_utf8_lossy(bytes),
        None => Cow::Owned(query_param(query?, LAST_EVENT_ID_QUERY)?),
    };
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    EventId::new(value).ok()
}

/// The query parameter that lists the topics a subscriber wants.
pub const TOPICS_QUERY: &str = "topics";

/// The topic filter a request asks for: every `topics` query parameter (comma-separated
/// lists, percent-decoded, several parameters joined) parsed with
/// [`TopicFilter::parse_list`]; every topic when there is no such parameter. A
/// malformed list is an error (answer it with 400), not a silent "everything".
///
/// ```
/// use sse_core::http::topic_filter;
///
/// assert!(topic_filter(None).unwrap().is_all());
/// let filter = topic_filter(Some("topics=pets%2Fdogs,birds&topics=fish")).unwrap();
/// assert_eq!(filter.topics().len(), 3);
/// assert!(topic_filter(Some("topics=")).is_err());
/// ```
pub fn topic_filter(query: Option<&str>) -> Result<TopicFilter, TopicError> {
    let mut lists = query_params(query.unwrap_or_default(), TOPICS_QUERY).peekable();
    if lists.peek().is_none() {
        return Ok(TopicFilter::all());
    }
    let joined: Vec<String> = lists.collect();
    TopicFilter::parse_list(&joined.join(","))
}

/// The first value of parameter `name` in a URL query string (without the `?`),
/// percent-decoded, with `+` read as a space (form encoding). Invalid UTF-8 after
/// decoding is replaced.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query_params(query, name).next()
}

/// Every value of parameter `name` in a query string, in order, decoded as in
/// [`query_param`].
pub fn query_params<'q>(query: &'q str, name: &'q str) -> impl Iterator<Item = String> + 'q {
    query.split('&').filter_map(move |pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(key) == name).then(|| percent_decode(value))
    })
}

/// Decodes `%XX` escapes and `+`; a `%` not followed by two hex digits is kept as is.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'+' => out.push(b' '),
            b'%' => match tail {
                [hi, lo, after @ ..] => match (hex(*hi), hex(*lo)) {
                    (Some(hi), Some(lo)) => {
                        out.push(hi << 4 | lo);
                        rest = after;
                    }
                    _ => out.push(b'%'),
                },
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
    }
    match String::from_utf8(out) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

fn hex(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
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
    fn last_event_id_prefers_header_then_query() {
        let both = last_event_id(Some(b"h-1"), Some("lastEventId=q-1"));
        assert_eq!(both.unwrap().as_str(), "h-1");
        let query = last_event_id(None, Some("lastEventId=q%201&x=y"));
        assert_eq!(query.unwrap().as_str(), "q 1");
        assert!(last_event_id(None, Some("other=1")).is_none());
        assert!(last_event_id(Some(b""), None).is_none());
        assert!(last_event_id(None, Some("lastEventId=a%0Ab")).is_none());
        assert!(last_event_id(None, None).is_none());
    }

    #[test]
    fn topic_filter_from_query() {
        assert!(topic_filter(None).unwrap().is_all());
        assert!(topic_filter(Some("lastEventId=3")).unwrap().is_all());
        assert!(topic_filter(Some("topics=*")).unwrap().is_all());
        let filter = topic_filter(Some("topics=a%2Cb&x=1&topics=c")).unwrap();
        let names: Vec<_> = filter.topics().iter().map(|t| t.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert!(topic_filter(Some("topics=a,,b")).is_err());
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
