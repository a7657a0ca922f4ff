//! What the reader shares with its [`RedisHub`](crate::RedisHub), and the snapshot of it
//! that applications see.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

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
}

/// The reader's side: written by the reader task, read by [`RedisHub::reader_status`](crate::RedisHub::reader_status).
#[derive(Debug, Default)]
pub(crate) struct ReaderState {
    connected: AtomicBool,
    reconnects: AtomicU64,
    gaps: AtomicU64,
    skipped: AtomicU64,
    last_id: Mutex<Option<StreamId>>,
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

    pub(crate) fn set_last(&self, id: StreamId) {
        *self.last_id.lock().unwrap_or_else(PoisonError::into_inner) = Some(id);
    }

    pub(crate) fn snapshot(&self) -> ReaderStatus {
        let last = *self.last_id.lock().unwrap_or_else(PoisonError::into_inner);
        ReaderStatus {
            connected: self.connected.load(Ordering::Acquire),
            last_id: last.and_then(StreamId::event_id),
            reconnects: self.reconnects.load(Ordering::Relaxed),
            gaps: self.gaps.load(Ordering::Relaxed),
            skipped: self.skipped.load(Ordering::Relaxed),
        }
    }
}
