//! JSON data (feature `serde`): streams of serializable values as event streams.
//!
//! [`Event::json`](sse_core::Event::json) (from sse-core's `json` feature) makes one
//! event; [`JsonEvents`] turns a whole stream, so a typed stream (a tonic server
//! stream's messages, a broadcast receiver's values) becomes a response in one line:
//!
//! ```
//! use futures_util::stream;
//! use sse_tokio::Sse;
//!
//! #[derive(serde::Serialize)]
//! struct Head { slot: u64 }
//!
//! // A fallible stream, like a tonic `Streaming<T>` (`Result<T, Status>`):
//! let heads = stream::iter([Ok::<_, std::io::Error>(Head { slot: 1 }), Ok(Head { slot: 2 })]);
//! let response = Sse::from_stream(sse_tokio::json::try_json_events(heads));
//! ```

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use pin_project_lite::pin_project;
use serde::Serialize;
use sse_core::Event;

use crate::BoxError;

pin_project! {
    /// A stream of values as a stream of events with the values as JSON data; made by
    /// [`json_events`].
    #[derive(Debug)]
    pub struct JsonEvents<S> {
        #[pin]
        stream: S,
    }
}

/// Each value of `stream` as an event whose data is its JSON (a serialization error
/// is an error item, which ends the response).
pub fn json_events<S>(stream: S) -> JsonEvents<S>
where
    S: Stream,
    S::Item: Serialize,
{
    JsonEvents { stream }
}

/// Each `Ok` value of `stream` as a JSON event; an `Err` (say, a tonic `Status`) or a
/// serialization error is an error item, which ends the response.
pub fn try_json_events<S, T, E>(stream: S) -> TryJsonEvents<S>
where
    S: Stream<Item = Result<T, E>>,
    T: Serialize,
    E: Into<BoxError>,
{
    TryJsonEvents { stream }
}

pin_project! {
    /// A stream of results as a stream of JSON events; made by [`try_json_events`].
    #[derive(Debug)]
    pub struct TryJsonEvents<S> {
        #[pin]
        stream: S,
    }
}

impl<S> Stream for JsonEvents<S>
where
    S: Stream,
    S::Item: Serialize,
{
    type Item = Result<Event, serde_json::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project()
            .stream
            .poll_next(cx)
            .map(|item| item.map(|value| Event::json(&value)))
    }
}

impl<S, T, E> Stream for TryJsonEvents<S>
where
    S: Stream<Item = Result<T, E>>,
    T: Serialize,
    E: Into<BoxError>,
{
    type Item = Result<Event, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let item = self.project().stream.poll_next(cx);
        item.map(|item| {
            item.map(|value| match value {
                Ok(value) => Event::json(&value).map_err(BoxError::from),
                Err(error) => Err(error.into()),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use futures_util::{StreamExt, stream};

    use super::*;

    #[derive(Serialize)]
    struct Msg {
        n: u32,
        text: &'static str,
    }

    #[tokio::test]
    async fn values_become_json_data() {
        let msgs = stream::iter([Msg { n: 1, text: "a\nb" }]);
        let events: Vec<_> = json_events(msgs).collect().await;
        let event = events.into_iter().next().unwrap().unwrap();
        assert_eq!(event.data(), Some(&br#"{"n":1,"text":"a\nb"}"#[..]));
    }

    #[tokio::test]
    async fn errors_pass_through_as_boxed_errors() {
        let items = stream::iter([
            Ok(Msg { n: 2, text: "" }),
            Err(std::io::Error::other("gone")),
        ]);
        let events: Vec<_> = try_json_events(items).collect().await;
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[0].as_ref().unwrap().data(),
            Some(&br#"{"n":2,"text":""}"#[..])
        );
        assert_eq!(events[1].as_ref().unwrap_err().to_string(), "gone");
    }
}
