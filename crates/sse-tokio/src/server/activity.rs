//! What a connection is doing, and the deadline that follows from it: a connection
//! with no request in progress must send a request head within the head timeout once
//! it has sent a byte (or from the moment it is accepted), and is closed after the idle
//! timeout if it sends nothing.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// The timeouts that apply while no request is in progress.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WaitLimits {
    pub(crate) header: Option<Duration>,
    pub(crate) idle: Option<Duration>,
}

/// What a connection is doing.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// No request in progress and nothing received since `since`.
    Idle { since: Instant },
    /// No request in progress; the first byte of a head came at `since`.
    Head { since: Instant },
    /// This many requests in progress (HTTP/2 may have several).
    Busy(usize),
}

/// Why a connection was closed by its watchdog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expiry {
    /// No complete request head within the head timeout.
    Header,
    /// Nothing received within the idle timeout between requests.
    Idle,
}

/// One connection's phase, shared by its I/O (bytes read), its service (requests
/// started and finished) and its watchdog.
#[derive(Debug)]
pub(crate) struct Activity {
    phase: Mutex<Phase>,
    changed: Notify,
    limits: WaitLimits,
}

impl Activity {
    /// A connection accepted now: its first request head is due within the head
    /// timeout.
    pub(crate) fn new(limits: WaitLimits) -> Arc<Activity> {
        Arc::new(Activity {
            phase: Mutex::new(Phase::Head {
                since: Instant::now(),
            }),
            changed: Notify::new(),
            limits,
        })
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Bytes arrived: between requests they start the head timeout.
    pub(crate) fn on_read(&self) {
        let mut phase = self.phase();
        if let Phase::Idle { .. } = *phase {
            *phase = Phase::Head {
                since: Instant::now(),
            };
            drop(phase);
            self.changed.notify_one();
        }
    }

    /// A request head was parsed: no wait deadline until every request is done.
    pub(crate) fn begin(self: &Arc<Self>) -> Busy {
        let mut phase = self.phase();
        *phase = match *phase {
            Phase::Busy(n) => Phase::Busy(n.saturating_add(1)),
            _ => Phase::Busy(1),
        };
        drop(phase);
        self.changed.notify_one();
        Busy(Arc::clone(self))
    }

    fn end(&self) {
        let mut phase = self.phase();
        *phase = match *phase {
            Phase::Busy(n) if n > 1 => Phase::Busy(n - 1),
            _ => Phase::Idle {
                since: Instant::now(),
            },
        };
        drop(phase);
        self.changed.notify_one();
    }

    /// When the connection must be closed if nothing changes, and why.
    fn deadline(&self) -> Option<(Instant, Expiry)> {
        match *self.phase() {
            Phase::Busy(_) => None,
            Phase::Idle { since } => self.limits.idle.map(|t| (since + t, Expiry::Idle)),
            Phase::Head { since } => self.limits.header.map(|t| (since + t, Expiry::Header)),
        }
    }

    /// Completes when the connection has overstayed its head or idle timeout.
    pub(crate) async fn expired(&self) -> Expiry {
        loop {
            let changed = self.changed.notified();
            match self.deadline() {
                None => changed.await,
                Some((at, why)) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {
                            if self.deadline().is_some_and(|(now_at, _)| now_at <= Instant::now()) {
                                return why;
                            }
                        }
                        () = changed => {}
                    }
                }
            }
        }
    }
}

/// A request in progress: dropping it (when the response body ends or is dropped)
/// returns the connection to waiting.
#[derive(Debug)]
pub(crate) struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> WaitLimits {
        WaitLimits {
            header: Some(Duration::from_secs(10)),
            idle: Some(Duration::from_secs(60)),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_new_connection_expires_on_the_head_timeout() {
        let activity = Activity::new(limits());
        assert_eq!(activity.expired().await, Expiry::Header);
    }

    #[tokio::test(start_paused = true)]
    async fn busy_connections_never_expire_and_idle_ones_do() {
        let activity = Activity::new(limits());
        let busy = activity.begin();
        let waited = tokio::time::timeout(Duration::from_secs(3600), activity.expired()).await;
        assert!(waited.is_err(), "expired while a request was in progress");
        drop(busy);
        assert_eq!(activity.expired().await, Expiry::Idle);
        activity.on_read();
        assert_eq!(activity.expired().await, Expiry::Header);
    }
}
