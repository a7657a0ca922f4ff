//! What the decoder hands out: dispatched events and reconnection times.

use alloc::string::String;
use core::time::Duration;

use super::text::Text;
use crate::event::{EventId, EventType};

/// An event as a browser's `EventSource` would dispatch it: a `MessageEvent` with a
/// type, data and last event ID.
///
/// ```
/// use sse_core::{Decoded, Decoder};
///
/// let mut decoder = Decoder::new();
/// decoder.feed(b"event: tick\nid: 7\ndata: a\ndata: b\n\n");
/// let Some(Ok(Decoded::Event(event))) = decoder.next_item() else { panic!() };
/// assert_eq!(
///     (event.event_type(), event.data(), event.last_event_id().as_str()),
///     ("tick", "a\nb", "7")
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageEvent {
    pub(super) event_type: Option<EventType>,
    pub(super) data: Text,
    pub(super) last_event_id: EventId,
}

impl MessageEvent {
    /// The event type: `"message"` when the stream set none (or set it empty).
    pub fn event_type(&self) -> &str {
        self.event_type.as_ref().map_or("message", |t| t.as_str())
    }

    /// The data: the `data` lines of the event joined with `\n`.
    pub fn data(&self) -> &str {
        &self.data
    }

    /// The data, owned: no copy when the decoder copied it already (an event that
    /// spanned reads, or of several lines), a copy when it is a slice of a read
    /// (see [`Text`]); [`into_text`](Self::into_text) never copies.
    pub fn into_data(self) -> String {
        self.data.into_string()
    }

    /// The data as shared [`Text`] (a cheap clone).
    pub fn text(&self) -> &Text {
        &self.data
    }

    /// The data as shared [`Text`] (no copy).
    pub fn into_text(self) -> Text {
        self.data
    }

    /// The last event ID in force when the event was dispatched (set by an `id` line
    /// of this event or of an earlier one; empty when none was set or it was reset).
    pub fn last_event_id(&self) -> &EventId {
        &self.last_event_id
    }
}

/// One item decoded from the stream, in stream order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decoded {
    /// A dispatched event.
    Event(MessageEvent),
    /// A valid `retry` line: the server's new reconnection time. Values beyond
    /// `u64::MAX` milliseconds come out as `Duration::from_millis(u64::MAX)`.
    Retry(Duration),
}
