//! `GET /status`: the hub's figures as JSON, or as an HTML page for browsers
//! (`Accept: text/html`). Needs the subscribe token when `--token` is set.
//!
//! ```json
//! {
//!   "uptime_seconds": 42,
//!   "subscribers": {"total": 3, "all_topics": 0, "by_topic": {"pets": 2, "news": 1}},
//!   "events": {"published": 10, "bytes": 420},
//!   "replays": {"resumed": 1, "expired": 0, "unknown": 0},
//!   "lag_drops": 0,
//!   "gaps": 0,
//!   "window": {"events": 10, "bytes": 420},
//!   "last_event_ids": {"pets/dogs": "mh3k2f-9"},
//!   "closed": false
//! }
//! ```
//!
//! With `--redis`, a `redis` object also reports the stream reader (see
//! [`sse_redis::ReaderStatus`]); `last_error` is there once the reader met one, and
//! stays after it recovered:
//!
//! ```json
//! "redis": {
//!   "connected": true, "last_id": "1764763200000-0", "reconnects": 1, "gaps": 0,
//!   "skipped": 0,
//!   "last_error": {"during": "reconnecting", "message": "Connection refused (os error 111)",
//!                  "at_unix_ms": 1764763201234}
//! }
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use http::{HeaderMap, Uri, header};
use serde::Serialize;
use sse_core::hub::HubStats;
use sse_redis::{ReaderError, ReaderStatus};

use super::api_error::ApiError;
use super::negotiate::prefers_html;
use super::router::App;

/// The figures `/status` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusReport {
    /// Seconds since the server started.
    pub uptime_seconds: u64,
    /// Live subscribers.
    pub subscribers: Subscribers,
    /// Events published.
    pub events: Events,
    /// Subscriptions that came with a `Last-Event-ID`, by outcome.
    pub replays: Replays,
    /// Subscribers ended because they fell behind the replay window.
    pub lag_drops: u64,
    /// `sse-gap` events sent: subscriptions that resumed across a gap (an expired or
    /// unknown `Last-Event-ID`).
    pub gaps: u64,
    /// What the replay window holds now.
    pub window: Window,
    /// The newest event id of each topic published to.
    pub last_event_ids: BTreeMap<String, String>,
    /// Whether the hub is closed (shutting down).
    pub closed: bool,
    /// The Redis stream reader, with `--redis` (absent from the JSON otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis: Option<RedisReader>,
}

/// The Redis stream reader's state (see [`ReaderStatus`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedisReader {
    /// Whether its connection is up.
    pub connected: bool,
    /// The newest stream entry id it read, if any.
    pub last_id: Option<String>,
    /// Times it reconnected after losing Redis.
    pub reconnects: u64,
    /// Times it found entries it never read trimmed meanwhile.
    pub gaps: u64,
    /// Entries it skipped (not events written by a hub).
    pub skipped: u64,
    /// Its most recent error, once it met one (absent from the JSON before).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<RedisReaderError>,
}

/// The reader's most recent error (see [`ReaderError`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedisReaderError {
    /// What the reader was doing (`reading the stream`, `reconnecting`, `catching up
    /// after reconnecting`, `ingesting an entry`).
    pub during: String,
    /// What failed.
    pub message: String,
    /// When, in milliseconds since the Unix epoch.
    pub at_unix_ms: u64,
}

impl From<ReaderStatus> for RedisReader {
    fn from(status: ReaderStatus) -> Self {
        RedisReader {
            connected: status.connected,
            last_id: status.last_id.map(|id| id.as_str().to_owned()),
            reconnects: status.reconnects,
            gaps: status.gaps,
            skipped: status.skipped,
            last_error: status.last_error.map(RedisReaderError::from),
        }
    }
}

impl From<ReaderError> for RedisReaderError {
    fn from(error: ReaderError) -> Self {
        let since = error
            .at
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        RedisReaderError {
            during: error.during.to_owned(),
            message: error.message,
            at_unix_ms: u64::try_from(since.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// Subscriber counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subscribers {
    /// All live subscriptions.
    pub total: usize,
    /// Those that take every topic (`?topics=*`).
    pub all_topics: usize,
    /// How many subscriptions name each topic (one naming several counts under each).
    pub by_topic: BTreeMap<String, usize>,
}

/// Event counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Events {
    /// Events published since the start.
    pub published: u64,
    /// Bytes of frames encoded for them (once per event).
    pub bytes: u64,
}

/// Replay outcomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replays {
    /// Resumed from the window.
    pub resumed: u64,
    /// The id was older than the window: a gap (see `--on-gap`).
    pub expired: u64,
    /// The id was not one of this hub's: a gap (see `--on-gap`).
    pub unknown: u64,
}

/// The replay window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Window {
    /// Events in it.
    pub events: usize,
    /// Bytes of frames in it.
    pub bytes: usize,
}

impl StatusReport {
    /// The report for `stats` after `uptime`.
    pub fn new(stats: HubStats, uptime: Duration) -> Self {
        StatusReport {
            uptime_seconds: uptime.as_secs(),
            subscribers: Subscribers {
                total: stats.subscribers,
                all_topics: stats.subscribers_all,
                by_topic: stats
                    .subscribers_by_topic
                    .into_iter()
                    .map(|(topic, n)| (topic.as_str().to_owned(), n))
                    .collect(),
            },
            events: Events {
                published: stats.events_published,
                bytes: stats.bytes_encoded,
            },
            replays: Replays {
                resumed: stats.replays_resumed,
                expired: stats.replays_expired,
                unknown: stats.replays_unknown,
            },
            lag_drops: stats.dropped_lagged,
            gaps: stats.gaps_signalled,
            window: Window {
                events: stats.window_len,
                bytes: stats.window_bytes,
            },
            last_event_ids: stats
                .last_event_ids
                .into_iter()
                .map(|(topic, id)| (topic.as_str().to_owned(), id.as_str().to_owned()))
                .collect(),
            closed: stats.closed,
            redis: None,
        }
    }

    /// The report with the Redis reader's state (`--redis`).
    #[must_use]
    pub fn with_redis(mut self, reader: ReaderStatus) -> Self {
        self.redis = Some(reader.into());
        self
    }

    /// The report as a small HTML page that reloads itself every few seconds.
    pub fn to_html(&self) -> String {
        let mut rows = String::new();
        let mut row = |name: &str, value: String| {
            let _ = write!(
                rows,
                "<tr><th>{}</th><td>{}</td></tr>",
                escape(name),
                escape(&value)
            );
        };
        row("uptime", format!("{} s", self.uptime_seconds));
        row("subscribers", self.subscribers.total.to_string());
        row(
            "subscribers to every topic",
            self.subscribers.all_topics.to_string(),
        );
        row("events published", self.events.published.to_string());
        row("bytes encoded", self.events.bytes.to_string());
        row("replays resumed", self.replays.resumed.to_string());
        row("replays expired", self.replays.expired.to_string());
        row("replays unknown id", self.replays.unknown.to_string());
        row("dropped for lag", self.lag_drops.to_string());
        row("gaps signalled", self.gaps.to_string());
        row(
            "replay window",
            format!("{} events, {} bytes", self.window.events, self.window.bytes),
        );
        row(
            "state",
            if self.closed { "closed" } else { "running" }.to_owned(),
        );
        if let Some(reader) = &self.redis {
            let state = if reader.connected {
                "connected"
            } else {
                "disconnected"
            };
            row(
                "redis reader",
                format!(
                    "{state}, {} reconnects, {} gaps, {} skipped",
                    reader.reconnects, reader.gaps, reader.skipped
                ),
            );
            if let Some(error) = &reader.last_error {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or(Duration::ZERO);
                let now_ms = u64::try_from(now.as_millis()).unwrap_or(u64::MAX);
                let ago = now_ms.saturating_sub(error.at_unix_ms) / 1000;
                row(
                    "redis last error",
                    format!("{}: {} ({ago} s ago)", error.during, error.message),
                );
            }
        }
        let mut topics = String::new();
        for (topic, count) in &self.subscribers.by_topic {
            let last = self.last_event_ids.get(topic).map_or("", String::as_str);
            let _ = write!(
                topics,
                "<tr><td>{}</td><td>{count}</td><td>{}</td></tr>",
                escape(topic),
                escape(last)
            );
        }
        for (topic, last) in &self.last_event_ids {
            if !self.subscribers.by_topic.contains_key(topic) {
                let _ = write!(
                    topics,
                    "<tr><td>{}</td><td>0</td><td>{}</td></tr>",
                    escape(topic),
                    escape(last)
                );
            }
        }
        STATUS_PAGE
            .replace("{rows}", &rows)
            .replace("{topics}", &topics)
    }
}

const STATUS_PAGE: &str = include_str!("assets/status.html");

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// `GET /status`.
pub async fn status(
    State(app): State<App>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    app.config.subscribe_access().check(&headers, uri.query())?;
    let mut report = StatusReport::new(app.hub.stats(), app.started.elapsed());
    if let Some(redis) = &app.redis {
        report = report.with_redis(redis.reader_status());
    }
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let mut response = if prefers_html(accept) {
        Html(report.to_html()).into_response()
    } else {
        Json(report).into_response()
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    response
        .headers_mut()
        .insert(header::VARY, http::HeaderValue::from_static("accept"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_topics() {
        let report = StatusReport {
            uptime_seconds: 5,
            subscribers: Subscribers {
                total: 1,
                all_topics: 0,
                by_topic: BTreeMap::from([("<b>&".to_owned(), 1)]),
            },
            events: Events {
                published: 2,
                bytes: 30,
            },
            replays: Replays {
                resumed: 0,
                expired: 0,
                unknown: 0,
            },
            lag_drops: 0,
            gaps: 4,
            window: Window {
                events: 2,
                bytes: 30,
            },
            last_event_ids: BTreeMap::from([("quiet".to_owned(), "e-1".to_owned())]),
            closed: false,
            redis: Some(RedisReader {
                connected: false,
                last_id: None,
                reconnects: 2,
                gaps: 0,
                skipped: 0,
                last_error: Some(RedisReaderError {
                    during: "reconnecting".to_owned(),
                    message: "refused <here>".to_owned(),
                    at_unix_ms: 0,
                }),
            }),
        };
        let html = report.to_html();
        assert!(html.contains("<td>&lt;b&gt;&amp;</td><td>1</td><td></td>"));
        assert!(html.contains("<td>quiet</td><td>0</td><td>e-1</td>"));
        assert!(!html.contains("<b>&"));
        assert!(html.contains("<th>gaps signalled</th><td>4</td>"));
        assert!(!html.contains("{rows}"));
        assert!(html.contains(
            "<th>redis reader</th><td>disconnected, 2 reconnects, 0 gaps, 0 skipped</td>"
        ));
        assert!(html.contains("<th>redis last error</th><td>reconnecting: refused &lt;here&gt; ("));

        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["redis"]["last_error"]["during"], "reconnecting");
        assert_eq!(json["redis"]["last_error"]["at_unix_ms"], 0);
        let without = StatusReport {
            redis: None,
            ..report
        };
        let json = serde_json::to_value(&without).unwrap();
        assert!(json.get("redis").is_none(), "{json}");
    }
}
