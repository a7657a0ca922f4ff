//! Redis stream entry ids (`ms-seq`) and the store that makes them the hub's event ids.

use core::fmt;

use sse_core::EventId;
use sse_core::hub::{Position, ReplayStore, Stamp, StoreError};

/// A stream entry id: milliseconds, then a sequence number within that millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct StreamId {
    ms: u64,
    seq: u64,
}

impl StreamId {
    /// The id before every entry (`0-0`).
    pub(crate) const ZERO: StreamId = StreamId { ms: 0, seq: 0 };

    pub(crate) const fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    /// Parses `ms-seq` as Redis writes it: decimal, no sign, no leading zero. One
    /// entry has one spelling, so a `Last-Event-ID` names at most one place.
    pub(crate) fn parse(text: &str) -> Option<StreamId> {
        let (ms, seq) = text.split_once('-')?;
        Some(StreamId {
            ms: parse_decimal(ms)?,
            seq: parse_decimal(seq)?,
        })
    }

    /// The milliseconds part (Redis's clock when the entry was added).
    pub(crate) fn ms(self) -> u64 {
        self.ms
    }

    pub(crate) fn position(self) -> Position {
        Position::new(self.ms, self.seq)
    }

    /// The greatest id below this one, if any.
    pub(crate) fn predecessor(self) -> Option<StreamId> {
        match (self.ms, self.seq) {
            (ms, seq @ 1..) => Some(StreamId::new(ms, seq - 1)),
            (ms @ 1.., 0) => Some(StreamId::new(ms - 1, u64::MAX)),
            (0, 0) => None,
        }
    }

    /// The event id clients see: this id's text.
    pub(crate) fn event_id(self) -> Option<EventId> {
        EventId::new(self.to_string()).ok()
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

fn parse_decimal(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let canonical = !bytes.is_empty()
        && bytes.iter().all(u8::is_ascii_digit)
        && (bytes.len() == 1 || bytes.first() != Some(&b'0'));
    if canonical { text.parse().ok() } else { None }
}

/// The hub's store when Redis assigns the ids: it orders stream ids, and refuses to
/// stamp events itself, so that `Hub::publish` cannot bypass the stream.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct StreamIds;

/// What `Hub::publish` reports on a hub fed by a Redis stream.
pub(crate) const PUBLISH_THROUGH_REDIS: &str =
    "this hub is fed by a Redis stream: publish with RedisHub::publish, which appends to it";

impl ReplayStore for StreamIds {
    fn stamp(&self, _sequence: u64) -> Result<Stamp, StoreError> {
        Err(StoreError::new(PUBLISH_THROUGH_REDIS))
    }

    fn parse_id(&self, id: &str) -> Option<Position> {
        StreamId::parse(id).map(StreamId::position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_canonical_ids_only() {
        assert_eq!(StreamId::parse("1700-3"), Some(StreamId::new(1700, 3)));
        assert_eq!(StreamId::parse("0-0"), Some(StreamId::ZERO));
        let max = format!("{}-{}", u64::MAX, u64::MAX);
        assert_eq!(
            StreamId::parse(&max),
            Some(StreamId::new(u64::MAX, u64::MAX))
        );
        for bad in [
            "",
            "1700",
            "1700-",
            "-3",
            "01700-3",
            "1700-03",
            "+1-2",
            "1-+2",
            "1-2-3",
            "a-1",
            " 1-2",
            "18446744073709551616-0",
            "1-18446744073709551616",
            "1700-*",
        ] {
            assert_eq!(StreamId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn orders_numerically_and_round_trips() {
        let a = StreamId::parse("999-10").unwrap();
        let b = StreamId::parse("1000-2").unwrap();
        assert!(a < b && a.position() < b.position());
        assert_eq!(b.to_string(), "1000-2");
        assert_eq!(b.event_id().unwrap().as_str(), "1000-2");
        assert_eq!(StreamIds.parse_id("1000-2"), Some(Position::new(1000, 2)));
        assert_eq!(StreamIds.parse_id("m0a1-2"), None);
    }

    #[test]
    fn predecessor_steps_back_across_milliseconds() {
        assert_eq!(StreamId::new(5, 2).predecessor(), Some(StreamId::new(5, 1)));
        assert_eq!(
            StreamId::new(5, 0).predecessor(),
            Some(StreamId::new(4, u64::MAX))
        );
        assert_eq!(StreamId::ZERO.predecessor(), None);
    }

    #[test]
    fn the_store_refuses_to_stamp() {
        let err = StreamIds.stamp(0).unwrap_err();
        assert!(err.to_string().contains("RedisHub::publish"), "{err}");
    }
}
