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

/// One scripted event: type (`None`: a plain message) and data. The hub gives it its
/// id when it is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scripted {
    /// The `event:` field, if any.
    pub event_type: Option<&'static str>,
    /// The data, line breaks as they are sent.
    pub data: &'static str,
}

/// Streamed on the first connection, which the server then ends.
pub const FIRST: [Scripted; 4] = [
    Scripted {
        event_type: None,
        data: "hello",
    },
    Scripted {
        event_type: Some("greeting"),
        data: "héllo wörld ✓ 日本",
    },
    Scripted {
        event_type: Some("lines"),
        data: "one\ntwo\r\nthree\rfour",
    },
    Scripted {
        event_type: None,
        data: " leading space",
    },
];

/// Published while the client is away (after the first connection ended): the client
/// gets them only from the hub's replay.
pub const AWAY: [Scripted; 2] = [
    Scripted {
        event_type: Some("gap"),
        data: "published while the client was away",
    },
    Scripted {
        event_type: Some("gap"),
        data: "a blank line\n\ninside, a newline at the end\n",
    },
];

/// The last event: clients stop when they see it.
pub const DONE: Scripted = Scripted {
    event_type: Some("done"),
    data: "done",
};

impl Scripted {
    /// The event to publish.
    pub fn to_event(&self) -> Result<Event, FieldError> {
        let builder = Event::builder().data(self.data);
        match self.event_type {
            Some(event_type) => builder.event(event_type).build(),
            None => builder.build(),
        }
    }
}

/// The event published once the client is back: it reports the `Last-Event-ID`
/// header the server saw on that request.
pub fn resumed(seen: Option<&str>) -> Result<Event, FieldError> {
    let data = format!("Last-Event-ID: {}", seen.unwrap_or("<none>"));
    Event::builder().event(RESUMED).data(data).build()
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
    fn every_scripted_event_builds_with_its_type_and_data() {
        for scripted in all() {
            let event = scripted.to_event().unwrap();
            assert_eq!(event.data().unwrap(), scripted.data.as_bytes());
            assert_eq!(event.event_type().map(|t| t.as_str()), scripted.event_type);
        }
    }

    #[test]
    fn resumed_reports_what_the_server_saw() {
        let event = resumed(Some("compat-3")).unwrap();
        assert_eq!(event.data().unwrap(), b"Last-Event-ID: compat-3");
        assert_eq!(event.event_type().unwrap().as_str(), RESUMED);
        let event = resumed(None).unwrap();
        assert_eq!(event.data().unwrap(), b"Last-Event-ID: <none>");
    }
}
