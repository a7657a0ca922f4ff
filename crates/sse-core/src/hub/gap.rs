//! Resuming across a gap: what a subscription does when its `Last-Event-ID` cannot be
//! honoured, and the event that tells the client so.
//!
//! A `Last-Event-ID` is *expired* when events after it have left the window, and
//! *unknown* when it is not one of this hub's ids (malformed, another hub's or
//! another epoch's, or not issued yet). Either way the client has missed events that
//! the hub cannot give it. The hub never hides this:
//! - [`GapPolicy::Earliest`] (the default, like Kafka's `auto.offset.reset=earliest`)
//!   replays every event on the subscription's topics still in the window, oldest
//!   first, then goes on live; [`GapPolicy::Latest`] starts live.
//! - Before those events the subscription yields one *gap event* (unless disabled with
//!   [`HubBuilder::gap_event`](super::HubBuilder::gap_event)): type `sse-gap`
//!   ([`GAP_EVENT_TYPE`]) and JSON data
//!   `{"reason":"expired"|"unknown","last_event_id":"<as sent>","resumed_from":"<id>"|null}`,
//!   where `resumed_from` is the id of the first event replayed (`null` when nothing
//!   is replayed). It has no `id:` field, so the client's last event id stays what it
//!   was. Everything the client missed lies before `resumed_from`.
//! - [`Replay::Expired`](super::Replay::Expired) and
//!   [`Replay::Unknown`](super::Replay::Unknown) report the same to the application.

use alloc::string::String;
use core::fmt;
use core::str::FromStr;

use crate::encode::Frame;
use crate::event::{Event, EventId, EventType};

/// The event type of the gap event by default.
pub const GAP_EVENT_TYPE: &str = "sse-gap";

/// Where a subscription starts when its `Last-Event-ID` is expired or unknown.
///
/// ```
/// use sse_core::hub::GapPolicy;
///
/// assert_eq!("latest".parse::<GapPolicy>(), Ok(GapPolicy::Latest));
/// assert_eq!(GapPolicy::default().to_string(), "earliest");
/// assert!("newest".parse::<GapPolicy>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GapPolicy {
    /// Replay every event on its topics still in the window, oldest first.
    #[default]
    Earliest,
    /// Start with the next event published.
    Latest,
}

impl fmt::Display for GapPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GapPolicy::Earliest => "earliest",
            GapPolicy::Latest => "latest",
        })
    }
}

/// A gap policy name other than `earliest` or `latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseGapPolicyError;

impl fmt::Display for ParseGapPolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("gap policy must be `earliest` or `latest`")
    }
}

impl std::error::Error for ParseGapPolicyError {}

impl FromStr for GapPolicy {
    type Err = ParseGapPolicyError;

    fn from_str(text: &str) -> Result<GapPolicy, ParseGapPolicyError> {
        match text {
            "earliest" => Ok(GapPolicy::Earliest),
            "latest" => Ok(GapPolicy::Latest),
            _ => Err(ParseGapPolicyError),
        }
    }
}

/// Why a resume crossed a gap (the `reason` of the gap event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GapReason {
    Expired,
    Unknown,
}

impl GapReason {
    fn as_str(self) -> &'static str {
        match self {
            GapReason::Expired => "expired",
            GapReason::Unknown => "unknown",
        }
    }
}

/// The gap event's frame, encoded once for the subscription it starts.
pub(crate) fn gap_frame(
    event_type: &EventType,
    reason: GapReason,
    last_event_id: &str,
    resumed_from: Option<&EventId>,
) -> Frame {
    let mut data = String::with_capacity(64 + last_event_id.len());
    data.push_str("{\"reason\":\"");
    data.push_str(reason.as_str());
    data.push_str("\",\"last_event_id\":");
    push_json_string(&mut data, last_event_id);
    data.push_str(",\"resumed_from\":");
    match resumed_from {
        Some(id) => push_json_string(&mut data, id.as_str()),
        None => data.push_str("null"),
    }
    data.push('}');
    Frame::encode(&Event::new(data).with_type(event_type.clone()))
}

/// Appends `text` as a JSON string (RFC 8259 §7): quotes, backslashes and control
/// characters escaped, everything else as is.
fn push_json_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let byte = u32::from(c) as usize; // below 0x20: no truncation
                out.push_str("\\u00");
                for nibble in [byte >> 4, byte & 0xf] {
                    out.push(char::from(HEX.get(nibble).copied().unwrap_or(b'0')));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> String {
        let mut out = String::new();
        push_json_string(&mut out, text);
        out
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json("plain-1"), "\"plain-1\"");
        assert_eq!(json("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(json("\u{1}\t\u{1f}é"), "\"\\u0001\\t\\u001fé\"");
        for text in ["x\"y", "\\", "\u{7}bell", "ünï", "\u{1f}"] {
            let parsed: String = serde_json::from_str(&json(text)).unwrap();
            assert_eq!(parsed, text);
        }
    }

    #[test]
    fn gap_frame_has_type_json_and_no_id() {
        let ty = EventType::new(GAP_EVENT_TYPE).unwrap();
        let first = EventId::new("7-3").unwrap();
        let frame = gap_frame(&ty, GapReason::Expired, "7-\"0", Some(&first));
        assert_eq!(
            frame.as_bytes(),
            &b"event: sse-gap\ndata: {\"reason\":\"expired\",\"last_event_id\":\"7-\\\"0\",\"resumed_from\":\"7-3\"}\n\n"[..]
        );
        let frame = gap_frame(&ty, GapReason::Unknown, "x", None);
        assert!(frame.as_bytes().ends_with(b"\"resumed_from\":null}\n\n"));
        assert!(!frame.as_bytes().windows(4).any(|w| w == b"id: "));
    }
}
