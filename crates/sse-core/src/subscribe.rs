//! The request half of the adapter contract: [`SubscribeRequest`] reads what a client
//! asks of a hub (its topics and its `Last-Event-ID`) from the plain parts of an HTTP
//! request, and subscribes it; [`Rejection`] is every way that can fail, with the
//! HTTP status to answer.
//!
//! Every adapter's hub endpoint is this, in its framework's types:
//!
//! ```
//! use sse_core::hub::{Hub, Topic};
//! use sse_core::subscribe::{Rejection, SubscribeRequest};
//! use sse_core::Event;
//!
//! let hub = Hub::new();
//! let first = hub.publish(&Topic::new("news")?, Event::new("one"))?;
//! hub.publish(&Topic::new("news")?, Event::new("two"))?;
//!
//! // GET /events?topics=news with `Last-Event-ID: <first>`
//! let request = SubscribeRequest::parse(Some("topics=news"), Some(first.as_str().as_bytes()))?;
//! let response = request.subscribe(&hub)?; // replays "two", then live
//! assert_eq!(response.source().replay(), sse_core::hub::Replay::Resumed { missed: 1 });
//!
//! // A bad topic list is a 400 that names the problem.
//! let bad = SubscribeRequest::parse(Some("topics=a//b"), None).unwrap_err();
//! assert_eq!(bad.status(), 400);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::str::Utf8Error;

use crate::event::{EventId, FieldError};
use crate::http::{LAST_EVENT_ID_QUERY, TOPICS_QUERY, query_param, query_params};
use crate::hub::{Hub, SubscribeError, Subscription, Topic, TopicError, TopicFilter};
use crate::response::SseResponse;

/// What a client asks of a hub: the topics to follow and where to resume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribeRequest {
    filter: TopicFilter,
    last_event_id: Option<EventId>,
}

impl SubscribeRequest {
    /// A request for `filter`, resuming after `last_event_id`.
    pub fn new(filter: TopicFilter, last_event_id: Option<EventId>) -> Self {
        SubscribeRequest {
            filter,
            last_event_id,
        }
    }

    /// Reads a request from its query string (without the `?`) and its
    /// `Last-Event-ID` header value: `?topics=` as in [`topics`] (every topic when
    /// absent), the id as in [`last_event_id`].
    pub fn parse(
        query: Option<&str>,
        last_event_id_header: Option<&[u8]>,
    ) -> Result<Self, Rejection> {
        let filter = topics(query)?.unwrap_or_else(TopicFilter::all);
        let last_event_id = last_event_id(last_event_id_header, query)?;
        Ok(SubscribeRequest::new(filter, last_event_id))
    }

    /// Like [`parse`](Self::parse), for a route that names a topic in its path
    /// (`/events/{*topic}`): the path's topic joins any `?topics=` of the query.
    pub fn parse_with_path(
        path_topic: &str,
        query: Option<&str>,
        last_event_id_header: Option<&[u8]>,
    ) -> Result<Self, Rejection> {
        let topic = Topic::new(path_topic).map_err(Rejection::BadTopics)?;
        let mut request = SubscribeRequest::parse(query, last_event_id_header)?;
        request.filter = match topics(query)? {
            Some(filter) if filter.is_all() => filter,
            Some(filter) => {
                let mut all: Vec<Topic> = filter.topics().to_vec();
                all.push(topic);
                TopicFilter::from_topics(all).map_err(Rejection::BadTopics)?
            }
            None => TopicFilter::from_topics([topic]).map_err(Rejection::BadTopics)?,
        };
        Ok(request)
    }

    /// The topics asked for.
    pub fn filter(&self) -> &TopicFilter {
        &self.filter
    }

    /// The id to resume after, if any.
    pub fn last_event_id(&self) -> Option<&EventId> {
        self.last_event_id.as_ref()
    }

    /// Subscribes on `hub`: the events after the last event id still in the hub's
    /// window, then live, as a response with the hub's stream options. How the
    /// resume went is `response.source().replay()`.
    pub fn subscribe(self, hub: &Hub) -> Result<SseResponse<Subscription>, Rejection> {
        let subscription = hub.subscribe_from(self.filter, self.last_event_id.as_ref())?;
        Ok(SseResponse::from(subscription))
    }
}

/// The topics of a query string: every `topics` parameter (repeated, or
/// comma-separated as in `?topics=head,block`; `*` means every topic), or `None` when
/// the query names none. An entry that is not a valid topic is a
/// [`Rejection::BadTopics`].
pub fn topics(query: Option<&str>) -> Result<Option<TopicFilter>, Rejection> {
    let lists: Vec<String> = query_params(query.unwrap_or_default(), TOPICS_QUERY).collect();
    if lists.is_empty() {
        return Ok(None);
    }
    TopicFilter::parse_list(&lists.join(","))
        .map(Some)
        .map_err(Rejection::BadTopics)
}

/// The id a client resumes after: the `Last-Event-ID` header, or else the
/// `lastEventId` query parameter (a browser's `EventSource` cannot set headers on its
/// first connection). Surrounding white space is ignored and an empty value is no id.
/// A value that is not UTF-8 or holds a NUL is a [`Rejection::BadLastEventId`]:
/// no server of ours issued it.
pub fn last_event_id(
    header: Option<&[u8]>,
    query: Option<&str>,
) -> Result<Option<EventId>, Rejection> {
    let owned;
    let value = match header {
        Some(bytes) => core::str::from_utf8(bytes)
            .map_err(|e| Rejection::BadLastEventId(LastEventIdError::NotUtf8(e)))?,
        None => match query.and_then(|q| query_param(q, LAST_EVENT_ID_QUERY)) {
            Some(value) => {
                owned = value;
                owned.as_str()
            }
            None => return Ok(None),
        },
    };
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    EventId::new(value)
        .map(Some)
        .map_err(|e| Rejection::BadLastEventId(LastEventIdError::Invalid(e)))
}

/// Why a subscribe request was refused, with the HTTP status every adapter answers
/// ([`status`](Self::status)) and a one-line reason as the body (its `Display`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// `400 Bad Request`: a `?topics=` entry is not a valid topic.
    BadTopics(TopicError),
    /// `400 Bad Request`: the `Last-Event-ID` cannot be an id.
    BadLastEventId(LastEventIdError),
    /// `503 Service Unavailable`: the hub is closed or full; clients retry later.
    Unavailable(SubscribeError),
}

impl Rejection {
    /// The HTTP status to answer: 400 or 503.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::BadTopics(_) | Rejection::BadLastEventId(_) => 400,
            Rejection::Unavailable(_) => 503,
        }
    }
}

impl From<SubscribeError> for Rejection {
    fn from(error: SubscribeError) -> Self {
        Rejection::Unavailable(error)
    }
}

impl From<TopicError> for Rejection {
    fn from(error: TopicError) -> Self {
        Rejection::BadTopics(error)
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::BadTopics(e) => write!(f, "invalid topics: {e}"),
            Rejection::BadLastEventId(e) => write!(f, "invalid Last-Event-ID: {e}"),
            Rejection::Unavailable(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl core::error::Error for Rejection {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Rejection::BadTopics(e) => Some(e),
            Rejection::BadLastEventId(e) => Some(e),
            Rejection::Unavailable(e) => Some(e),
        }
    }
}

/// Why a `Last-Event-ID` cannot be an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastEventIdError {
    /// The header is not UTF-8.
    NotUtf8(Utf8Error),
    /// The value holds a character an id cannot (a NUL, CR or LF).
    Invalid(FieldError),
}

impl fmt::Display for LastEventIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LastEventIdError::NotUtf8(_) => f.write_str("not UTF-8"),
            LastEventIdError::Invalid(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl core::error::Error for LastEventIdError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            LastEventIdError::NotUtf8(e) => Some(e),
            LastEventIdError::Invalid(e) => Some(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn last_event_id_prefers_header_then_query() {
        let both = last_event_id(Some(b"h-1"), Some("lastEventId=q-1")).unwrap();
        assert_eq!(both.unwrap().as_str(), "h-1");
        let query = last_event_id(None, Some("lastEventId=q%201&x=y")).unwrap();
        assert_eq!(query.unwrap().as_str(), "q 1");
        assert_eq!(last_event_id(None, Some("other=1")), Ok(None));
        assert_eq!(last_event_id(Some(b"  "), None), Ok(None));
        assert_eq!(last_event_id(None, None), Ok(None));
    }

    #[test]
    fn ids_no_server_issued_are_400() {
        let nul = last_event_id(None, Some("lastEventId=a%00b")).unwrap_err();
        assert_eq!(nul.status(), 400);
        assert!(matches!(
            nul,
            Rejection::BadLastEventId(LastEventIdError::Invalid(_))
        ));
        let bytes = last_event_id(Some(b"\xff\xfe"), None).unwrap_err();
        assert!(matches!(
            bytes,
            Rejection::BadLastEventId(LastEventIdError::NotUtf8(_))
        ));
        assert_eq!(bytes.to_string(), "invalid Last-Event-ID: not UTF-8");
        assert!(core::error::Error::source(&bytes).is_some());
    }

    #[test]
    fn topics_from_query() {
        assert_eq!(topics(None), Ok(None));
        assert_eq!(topics(Some("lastEventId=3")), Ok(None));
        assert!(topics(Some("topics=*")).unwrap().unwrap().is_all());
        let filter = topics(Some("topics=a%2Cb&x=1&topics=c")).unwrap().unwrap();
        let names: Vec<&str> = filter.topics().iter().map(Topic::as_str).collect();
        assert_eq!(names, ["a", "b", "c"]);
        let filter = topics(Some("topics=a,b&topics=c%2Fd")).unwrap().unwrap();
        let names: Vec<&str> = filter.topics().iter().map(Topic::as_str).collect();
        assert_eq!(names, ["a", "b", "c/d"]);
        assert!(topics(Some("topics=")).is_err());
        let bad = topics(Some("topics=a,,b")).unwrap_err();
        assert_eq!(bad.status(), 400);
        assert!(bad.to_string().starts_with("invalid topics: "), "{bad}");
    }

    #[test]
    fn path_topic_joins_query_topics() {
        let request =
            SubscribeRequest::parse_with_path("pets/dogs", Some("topics=news"), None).unwrap();
        let names: Vec<&str> = request
            .filter()
            .topics()
            .iter()
            .map(Topic::as_str)
            .collect();
        assert_eq!(names, ["news", "pets/dogs"]);
        let only = SubscribeRequest::parse_with_path("pets", None, Some(b"7")).unwrap();
        assert_eq!(only.filter().topics().len(), 1);
        assert_eq!(only.last_event_id().map(EventId::as_str), Some("7"));
        assert_eq!(
            SubscribeRequest::parse_with_path("", None, None)
                .unwrap_err()
                .status(),
            400
        );
    }

    #[test]
    fn a_full_hub_is_503() {
        let hub = Hub::builder().max_subscribers(1).build();
        let request = SubscribeRequest::parse(None, None).unwrap();
        let _held = request.clone().subscribe(&hub).unwrap();
        let refused = request.subscribe(&hub).unwrap_err();
        assert_eq!(refused.status(), 503);
        assert_eq!(
            refused.to_string(),
            "the hub has its maximum of 1 subscribers"
        );
    }
}
