//! The driver's `tracing` output (feature `tracing`): a span per connection attempt
//! and events for what a person reading the logs of a client wants to know.
//!
//! | what | level | fields |
//! |---|---|---|
//! | span `sse_client_attempt` | INFO | `url`, `attempt` (1 for the first connection) |
//! | connecting | DEBUG | `last_event_id` |
//! | following a redirect | INFO | `status`, `to` |
//! | reconnecting | INFO | `delay_ms`, `attempt`, `reason` |
//! | stopped | WARN (DEBUG when closed by the application) | `reason` |
//!
//! URLs are logged without user info.

use core::time::Duration;

use tracing::Span;
use url::Url;

use super::outcome::{Disconnect, StopReason};
use super::request::ClientRequest;

#[derive(Debug)]
pub(super) struct Trace {
    span: Span,
    attempts: u64,
}

impl Trace {
    pub(super) fn new(_request: &ClientRequest) -> Self {
        Trace {
            span: Span::none(),
            attempts: 0,
        }
    }

    /// The current attempt's span (`Span::none()` before the first).
    pub(super) fn span(&self) -> Span {
        self.span.clone()
    }

    pub(super) fn connecting(&mut self, request: &ClientRequest) {
        self.attempts = self.attempts.saturating_add(1);
        self.span = tracing::info_span!(
            "sse_client_attempt",
            url = %loggable(request.url()),
            attempt = self.attempts,
        );
        let last_event_id = request
            .header_value(crate::http::LAST_EVENT_ID)
            .map(|id| core::str::from_utf8(id).unwrap_or("(not UTF-8)"));
        tracing::debug!(parent: &self.span, last_event_id, "connecting");
    }

    pub(super) fn redirect(&self, status: u16, to: &Url) {
        tracing::info!(parent: &self.span, status, to = %loggable(to), "following redirect");
    }

    pub(super) fn reconnecting(&self, delay: Duration, attempt: u32, cause: &Disconnect) {
        let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        tracing::info!(parent: &self.span, delay_ms, attempt, reason = %cause, "reconnecting");
    }

    pub(super) fn stopped(&self, reason: &StopReason) {
        match reason {
            StopReason::Closed => tracing::debug!(parent: &self.span, "closed"),
            reason => tracing::warn!(parent: &self.span, reason = %reason, "stopped"),
        }
    }
}

/// The URL without user info, which may hold a password.
fn loggable(url: &Url) -> Url {
    let mut url = url.clone();
    let _ = url.set_password(None);
    let _ = url.set_username("");
    url
}
