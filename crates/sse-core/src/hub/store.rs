//! The store seam: who assigns event ids, and how ids are put in order.
//!
//! The hub keeps a window of encoded frames in memory: every process that serves
//! subscribers needs one to fan out from, whatever holds the history. What varies
//! between deployments is the *store*: where ids come from and how an id read back from
//! a `Last-Event-ID` header is placed in the order of events. That is the
//! [`ReplayStore`] trait. [`MemoryStore`], the default, numbers events itself with ids
//! `{epoch}-{sequence}`.
//!
//! # What a distributed store plugs in (the Redis Streams store, `sse-redis`)
//! - Ids: Redis assigns them on `XADD` (`1700000000000-3`), asynchronously, and may
//!   fail. The Redis store's [`stamp`](ReplayStore::stamp) therefore returns an error
//!   ([`StoreError`], surfaced as `PublishError::Store`), and applications publish
//!   through the Redis crate's async publisher instead. Each process runs a reader that
//!   receives every appended entry and hands it to its local hub with
//!   [`Hub::ingest`](super::Hub::ingest), with a [`Stamp`] made from the stream id (and
//!   [`Stamp::with_age`] from the id's time, so every process ages an entry alike); the
//!   hub encodes it once per process and fans it out exactly as a local publish.
//! - Order: [`parse_id`](ReplayStore::parse_id) maps `ms-seq` to
//!   `Position::new(ms, seq)`, which orders ids across every process.
//! - History: the stream is trimmed with the window's bounds, and each process's
//!   window mirrors what the stream keeps: at start-up the reader ingests the retained
//!   entries, and [`Hub::mark_trimmed`](super::Hub::mark_trimmed) records that what
//!   came before is gone. A `Last-Event-ID` is then answered from the window, with no
//!   I/O, exactly as with [`MemoryStore`]: resumed if Redis still has what follows it,
//!   `Replay::Expired` if Redis trimmed it.

use alloc::boxed::Box;
use core::fmt;
use core::time::Duration;

use crate::event::EventId;

/// Where an event sits in the order of all events, as the store sees it: compared as
/// `(major, minor)`.
///
/// [`MemoryStore`] uses `(epoch, sequence)`; a Redis stream id `ms-seq` becomes
/// `(ms, seq)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    major: u64,
    minor: u64,
}

impl Position {
    /// A position ordered by `major`, then `minor`.
    pub const fn new(major: u64, minor: u64) -> Position {
        Position { major, minor }
    }

    /// The major part.
    pub const fn major(&self) -> u64 {
        self.major
    }

    /// The minor part.
    pub const fn minor(&self) -> u64 {
        self.minor
    }
}

/// The id an event goes out with, its place in the order of events, and how long ago
/// it was first published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    position: Position,
    id: EventId,
    age: Duration,
}

impl Stamp {
    /// A stamp for an event published just now. The store must make `position` agree
    /// with `id`: `parse_id(id) == Some(position)`.
    pub fn new(position: Position, id: EventId) -> Stamp {
        Stamp {
            position,
            id,
            age: Duration::ZERO,
        }
    }

    /// The same stamp for an event first published `age` ago: an entry a distributed
    /// store's reader reads back from its shared log (at start-up, say). The window then
    /// ages the event from when it was published, not from when this hub received it,
    /// so every process evicts it at the same time.
    ///
    /// ```
    /// use std::time::Duration;
    /// use sse_core::EventId;
    /// use sse_core::hub::{Position, Stamp};
    ///
    /// let stamp = Stamp::new(Position::new(1700, 0), EventId::new("1700-0")?)
    ///     .with_age(Duration::from_secs(3));
    /// assert_eq!(stamp.age(), Duration::from_secs(3));
    /// # Ok::<(), sse_core::FieldError>(())
    /// ```
    pub fn with_age(mut self, age: Duration) -> Stamp {
        self.age = age;
        self
    }

    /// How long ago the event was first published ([`Duration::ZERO`] unless set with
    /// [`with_age`](Self::with_age)).
    pub fn age(&self) -> Duration {
        self.age
    }

    /// The position.
    pub fn position(&self) -> Position {
        self.position
    }

    /// The id.
    pub fn id(&self) -> &EventId {
        &self.id
    }

    /// The id, owned.
    pub fn into_id(self) -> EventId {
        self.id
    }
}

/// A store could not do what was asked (a distributed store's I/O failed, or it does
/// not assign ids synchronously).
#[derive(Debug)]
pub struct StoreError {
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl StoreError {
    /// Wraps the store's own error.
    pub fn new(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
        StoreError {
            source: source.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "replay store: {}", self.source)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// Assigns the ids of published events and orders ids read back from clients.
///
/// Object-safe, so a hub holds any store as `Arc<dyn ReplayStore>`; see the
/// [module docs](self) for what the Redis store does with it. Both methods are
/// called without the hub's locks held (`stamp` under the publishers' ordering lock
/// only), so they may take a little time, but must not block on I/O.
pub trait ReplayStore: Send + Sync + fmt::Debug {
    /// The stamp of the `sequence`-th event published on this hub (0, 1, 2, … in
    /// publish order). Positions must increase with `sequence`; the hub rejects a stamp
    /// that does not (`PublishError::OutOfOrder`).
    fn stamp(&self, sequence: u64) -> Result<Stamp, StoreError>;

    /// The position of an id this store issued, or `None` if it cannot be one (another
    /// epoch, another store, garbage). The hub calls this for `Last-Event-ID`.
    fn parse_id(&self, id: &str) -> Option<Position>;
}

/// An epoch: what makes this hub instance's ids different from any earlier
/// instance's, so an id is never mistaken across a restart.
///
/// It is written in base 36 (digits and lowercase letters). The default,
/// [`Epoch::now`], is the Unix time in milliseconds when the hub was created: a
/// restart takes longer than a millisecond, so two instances in a row never share it.
/// Set one yourself when you need several hubs to agree (a test, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Epoch(u64);

impl Epoch {
    /// An epoch with this value.
    pub const fn new(value: u64) -> Epoch {
        Epoch(value)
    }

    /// The Unix time in milliseconds (0 if the system clock is before 1970).
    pub fn now() -> Epoch {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        Epoch(u64::try_from(millis).unwrap_or(u64::MAX))
    }

    /// Its value.
    pub const fn value(&self) -> u64 {
        self.0
    }
}

impl fmt::Display for Epoch {
    /// Base 36, lowercase, no leading zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut digits = [0u8; 13];
        let mut start = digits.len();
        let mut n = self.0;
        loop {
            start -= 1;
            let digit = (n % 36) as u8; // below 36: no truncation
            if let Some(slot) = digits.get_mut(start) {
                *slot = if digit < 10 {
                    b'0' + digit
                } else {
                    b'a' + digit - 10
                };
            }
            n /= 36;
            if n == 0 {
                break;
            }
        }
        let text = digits.get(start..).unwrap_or_default();
        f.write_str(core::str::from_utf8(text).map_err(|_| fmt::Error)?)
    }
}

/// The default store: ids `{epoch}-{sequence}` assigned by the hub itself.
///
/// Example id: `m0a1b2c3-41` (epoch `m0a1b2c3` in base 36, then the sequence number
/// in decimal, from 0). Ids of another epoch parse to `None`, so a client that comes
/// back after a restart gets `Replay::Unknown` rather than a wrong resume.
///
/// ```
/// use sse_core::hub::{Epoch, MemoryStore, Position, ReplayStore};
///
/// let store = MemoryStore::new(Epoch::new(36 * 36 + 1));
/// let stamp = store.stamp(7)?;
/// assert_eq!(stamp.id().as_str(), "101-7");
/// assert_eq!(store.parse_id("101-7"), Some(Position::new(1297, 7)));
/// assert_eq!(store.parse_id("102-7"), None);
/// # Ok::<(), sse_core::hub::StoreError>(())
/// ```
#[derive(Debug, Clone)]
pub struct MemoryStore {
    epoch: Epoch,
    /// `{epoch}-`, written once.
    prefix: alloc::string::String,
}

impl MemoryStore {
    /// A store for this epoch.
    pub fn new(epoch: Epoch) -> MemoryStore {
        MemoryStore {
            epoch,
            prefix: alloc::format!("{epoch}-"),
        }
    }

    /// The epoch of its ids.
    pub fn epoch(&self) -> Epoch {
        self.epoch
    }
}

impl Default for MemoryStore {
    /// A store with [`Epoch::now`].
    fn default() -> Self {
        MemoryStore::new(Epoch::now())
    }
}

impl ReplayStore for MemoryStore {
    fn stamp(&self, sequence: u64) -> Result<Stamp, StoreError> {
        // `{prefix}{sequence}` built on the stack: the id's only allocation is its own.
        let mut text = [0u8; 64];
        let mut digits = [0u8; 20];
        let sequence_text = decimal(sequence, &mut digits);
        let len = self.prefix.len() + sequence_text.len();
        let id = match text.get_mut(..len) {
            Some(out) => {
                let (head, tail) = out.split_at_mut(self.prefix.len());
                head.copy_from_slice(self.prefix.as_bytes());
                tail.copy_from_slice(sequence_text);
                core::str::from_utf8(out).map_err(StoreError::new)?
            }
            None => return Err(StoreError::new("epoch prefix too long")),
        };
        let id = EventId::new(id).map_err(StoreError::new)?;
        Ok(Stamp::new(Position::new(self.epoch.0, sequence), id))
    }

    fn parse_id(&self, id: &str) -> Option<Position> {
        let (epoch, sequence) = id.split_once('-')?;
        let epoch = parse_canonical(epoch, 36)?;
        if epoch != self.epoch.0 {
            return None;
        }
        Some(Position::new(epoch, parse_canonical(sequence, 10)?))
    }
}

/// The decimal digits of `n`, written at the end of `buf`.
fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut start = buf.len();
    loop {
        start -= 1;
        if let Some(slot) = buf.get_mut(start) {
            *slot = b'0' + (n % 10) as u8; // below 10: no truncation
        }
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.get(start..).unwrap_or_default()
}

/// Parses digits in `radix` exactly as this module writes them: lowercase, no sign, no
/// leading zero (except `0` itself), no overflow. One number has one spelling, so one
/// position has one id.
fn parse_canonical(text: &str, radix: u32) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || (bytes.len() > 1 && bytes.first() == Some(&b'0')) {
        return None;
    }
    let mut value: u64 = 0;
    for &byte in bytes {
        let digit = match byte {
            b'0'..=b'9' => u32::from(byte - b'0'),
            b'a'..=b'z' => u32::from(byte - b'a') + 10,
            _ => return None,
        };
        if digit >= radix {
            return None;
        }
        value = value
            .checked_mul(u64::from(radix))?
            .checked_add(u64::from(digit))?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;

    #[test]
    fn epoch_is_base36() {
        assert_eq!(Epoch::new(0).to_string(), "0");
        assert_eq!(Epoch::new(35).to_string(), "z");
        assert_eq!(Epoch::new(36).to_string(), "10");
        assert_eq!(Epoch::new(u64::MAX).to_string(), "3w5e11264sgsf");
        assert!(Epoch::now().value() > 1_600_000_000_000);
    }

    #[test]
    fn ids_round_trip_and_order() {
        let store = MemoryStore::new(Epoch::new(1_700_000_000_000));
        for seq in [0, 1, 9, 10, 12345, u64::MAX] {
            let stamp = store.stamp(seq).unwrap();
            assert_eq!(store.parse_id(stamp.id()), Some(stamp.position()));
        }
        let a = store.stamp(9).unwrap().position();
        let b = store.stamp(10).unwrap().position();
        assert!(a < b, "numeric, not text, order");
    }

    #[test]
    fn foreign_and_malformed_ids_are_rejected() {
        let store = MemoryStore::new(Epoch::new(100));
        let ours = store.stamp(5).unwrap().into_id();
        assert_eq!(ours.as_str(), "2s-5");
        for bad in [
            "",
            "2s",
            "2s-",
            "-5",
            "2S-5",
            "2s-05",
            "02s-5",
            "2s-+5",
            "2s-5-1",
            "2t-5",
            "2s-18446744073709551616",
            "2s- 5",
        ] {
            assert_eq!(store.parse_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn positions_order_by_major_then_minor() {
        assert!(Position::new(1, 9) < Position::new(2, 0));
        assert!(Position::new(2, 0) < Position::new(2, 1));
        let p = Position::new(3, 4);
        assert_eq!((p.major(), p.minor()), (3, 4));
    }

    #[test]
    fn store_error_shows_its_cause() {
        let e = StoreError::new("connection refused");
        assert_eq!(e.to_string(), "replay store: connection refused");
        assert!(std::error::Error::source(&e).is_some());
    }
}
