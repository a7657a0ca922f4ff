//! The scenario's events, as the server publishes them.
//!
//! What clients must see is `xtask/compat/expected.txt`, written by hand from the
//! WHATWG rules (line breaks of every kind become `\n`, one leading space of a value is
//! the separator's), not derived from this file: the two are checked against each
//! other only through real clients.

use std::time::Duration;

use sse_core::{Event, FieldError};

/// The reconnection time the stream asks for, short so that the reconnect is quick.
pub const RETRY: Duration = Duration::from_millis(200);

/// The type of the event that reports the `Last-Event-ID` the server saw.
pub const RESUMED: &str = "resumed";

/// One scripted event: id, type (`None`: a plain message), data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scripted {
    /// The event's id.
    pub id: &'static str,
    /// The `event:` field, if any.
    pub event_type: Option<&'static str>,
    /// The data, line breaks as they are sent.
    pub data: &'static str,
}

/// Streamed on the first connection, which the server then ends.
pub const FIRST: [Scripted; 4] = [
    Scripted {
        id: "1",
        event_type: None,
        data: "hello",
    },
    Scripted {
        id: "2",
        event_type: Some("greeting"),
        data: "héllo wörld ✓ 日本",
    },
    Scripted {
        id: "3",
        event_type: Some("lines"),
        data: "one\ntwo\r\nthree\rfour",
    },
    Scripted {
        id: "4",
        event_type: None,
        data: " leading space",
    },
];

/// Published while the client is away (after the first connection ended): the client
/// gets them only from the hub's replay.
pub const AWAY: [Scripted; 2] = [
    Scripted {
        id: "5",
        event_type: Some("gap"),
        data: "published while the client was away",
    },
    Scripted {
        id: "6",
        event_type: Some("gap"),
        data: "a blank line\n\ninside, a newline at the end\n",
    },
];

/// The id of the event that reports the resumption.
pub const RESUMED_ID: &str = "7";

/// The last event: clients stop when they see it.
pub const DONE: Scripted = Scripted {
    id: "8",
    event_type: Some("done"),
    data: "done",
};

impl Scripted {
    /// The event to publish; the very first one also carries the `retry` hint.
    pub fn to_event(&self) -> Result<Event, FieldError> {
        let mut builder = Event::builder().id(self.id).data(self.data);
        if let Some(event_type) = self.event_type {
            builder = builder.event(event_type);
        }
        if self.id == FIRST[0].id {
            builder = builder.retry(RETRY);
        }
        builder.build()
    }
}

/// The event published once the client is back: it reports the `Last-Event-ID`
/// header the server saw on that request.
pub fn resumed(seen: Option<&str>) -> Result<Event, FieldError> {
    let data = format!("Last-Event-ID: {}", seen.unwrap_or("<none>"));
    Event::builder()
        .id(RESUMED_ID)
        .event(RESUMED)
        .data(data)
        .build()
}

/// Every scripted event in order, for the server side (the `resumed` one excluded).
pub fn all() -> impl Iterator<Item = &'static Scripted> {
    FIRST
        .iter()
        .chain(AWAY.iter())
        .chain(std::iter::once(&DONE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scripted_event_builds_and_ids_are_unique() {
        let mut ids: Vec<&str> = all().map(|s| s.id).collect();
        ids.push(RESUMED_ID);
        for scripted in all() {
            let event = scripted.to_event().unwrap();
            assert_eq!(event.id().unwrap().as_str(), scripted.id);
        }
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn only_the_first_event_carries_the_retry_hint() {
        let retries: Vec<_> = all().map(|s| s.to_event().unwrap().retry()).collect();
        assert_eq!(retries[0], Some(RETRY));
        assert!(retries[1..].iter().all(Option::is_none));
    }

    #[test]
    fn resumed_reports_what_the_server_saw() {
        let event = resumed(Some("4")).unwrap();
        assert_eq!(event.data().unwrap(), b"Last-Event-ID: 4");
        let event = resumed(None).unwrap();
        assert_eq!(event.data().unwrap(), b"Last-Event-ID: <none>");
    }
}
