//! What the reader shares with its [`RedisHub`](crate::RedisHub), and the snapshot of it
//! that applications see.

use core::fmt;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use sse_core::EventId;

use crate::id::StreamId;

/// A snapshot of a [`RedisHub`](crate::RedisHub)'s reader, for a status page or a test
/// that waits for an event to arrive.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReaderStatus {
    /// Whether the reader's connection is up (false from an error until it has
    /// reconnected and caught up).
    pub connected: bool,
    /// The id of the newest entry read (or of the point it reads after, when the
    /// stream had no entries), if any.
    pub last_id: Option<EventId>,
    /// Times the reader reconnected after losing Redis.
    pub reconnects: u64,
    /// Times the reader found, on reconnecting, that entries it had not read were
    /// trimmed meanwhile (it was away longer than the stream's bounds cover). Resumes
    /// from before such a gap report `Replay::Expired`.
    pub gaps: u64,
    /// Entries skipped because they are not events this crate wrote (no topic, an
    /// invalid type…).
    pub skipped: u64,
    /// The reader's most recent error, if it met one: a read or reconnection that
    /// failed, or an entry it skipped. It stays after the reader recovers (then
    /// `connected` is true again); a newer error replaces it.
    pub last_error: Option<ReaderError>,
}

/// An error the reader met, with when it met it (see [`ReaderStatus::last_error`]).
///
/// Displays as `"{during}: {message}"`, e.g. `reading the stream: broken pipe`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReaderError {
    /// What the reader was doing, and so what it does next: `"reading the stream"`
    /// or `"catching up after reconnecting"` (it reconnects), `"reconnecting"` (it
    /// tries again after a delay), `"ingesting an entry"` (it skipped that entry and
    /// reads on).
    pub during: &'static str,
    /// The error's text: what the `redis` crate reported (connection refused, broken
    /// pipe, a timeout, an error reply…), or what is wrong with the skipped entry
    /// (with its id).
    pub message: String,
    /// When it happened, by this machine's clock.
    pub at: SystemTime,
}

impl fmt::Display for ReaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.during, self.message)
    }
}

impl std::error::Error for ReaderError {}

/// The reader's side: written by the reader task, read by [`RedisHub::reader_status`](crate::RedisHub::reader_status).
#[derive(Debug, Default)]
pub(crate) struct ReaderState {
    connected: AtomicBool,
    reconnects: AtomicU64,
    gaps: AtomicU64,
    skipped: AtomicU64,
    last_id: Mutex<Option<StreamId>>,
    last_error: Mutex<Option<ReaderError>>,
}

impl ReaderState {
    pub(crate) fn set_connected(&self, connected: bool) {
        self.connected.store(connected, Ordering::Release);
    }

    pub(crate) fn reconnected(&self) {
        self.reconnects.fetch_add(1, Ordering::Relaxed);
        self.set_connected(true);
    }

    pub(crate) fn gap(&self) {
        self.gaps.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn skipped(&self) {
        self.skipped.fetch_add(1, Ordering::Relaxed);
    }

    /// Records `error`, met while doing `during`, as the last error.
    pub(crate) fn failed(&self, during: &'static str, error: &dyn fmt::Display) {
        let error = ReaderError {
            during,
            message: error.to_string(),
            at: SystemTime::now(),
        };
        *self
            .last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(error);
    }

    pub(crate) fn set_last(&self, id: StreamId) {
        *self.last_id.lock().unwrap_or_else(PoisonError::into_inner) = Some(id);
    }

    pub(crate) fn snapshot(&self) -> ReaderStatus {
        let last = *self.last_id.lock().unwrap_or_else(PoisonError::into_inner);
        let last_error = self
            .last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        ReaderStatus {
            connected: self.connected.load(Ordering::Acquire),
            last_id: last.and_then(StreamId::event_id),
            reconnects: self.reconnects.load(Ordering::Relaxed),
            gaps: self.gaps.load(Ordering::Relaxed),
            skipped: self.skipped.load(Ordering::Relaxed),
            last_error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_error_is_kept_with_its_time_and_replaced_by_a_newer_one() {
        let state = ReaderState::default();
        assert_eq!(state.snapshot().last_error, None);
        state.failed("reading the stream", &"broken pipe");
        let first = state.snapshot().last_error.unwrap();
        assert_eq!(first.to_string(), "reading the stream: broken pipe");
        assert!(first.at > std::time::UNIX_EPOCH);
        state.reconnected();
        let status = state.snapshot();
        assert!(status.connected);
        assert_eq!(
            status.last_error,
            Some(first.clone()),
            "kept after recovering"
        );
        state.failed("ingesting an entry", &"entry 1-0: no topic");
        let second = state.snapshot().last_error.unwrap();
        assert_eq!(
            (second.during, second.message.as_str()),
            ("ingesting an entry", "entry 1-0: no topic")
        );
    }
}
