//! `GET /metrics`: the hub's figures for Prometheus, in the OpenMetrics text format
//! (`application/openmetrics-text; version=1.0.0`, which Prometheus asks for and
//! reads; it ends with `# EOF`). Needs the subscribe token when `--token` is set,
//! like `/status`.
//!
//! | metric | type | what |
//! |---|---|---|
//! | `sse_events_published_total` | counter | events published (and ingested from Redis) |
//! | `sse_encoded_bytes_total` | counter | bytes of frames encoded, once per event |
//! | `sse_deliveries_total` | counter | frames handed to subscribers |
//! | `sse_replays_total{outcome}` | counter | `Last-Event-ID` outcomes: `resumed`, `expired`, `unknown` |
//! | `sse_gaps_signalled_total` | counter | gaps signalled to subscribers |
//! | `sse_lag_drops_total` | counter | subscribers ended for falling behind the window |
//! | `sse_subscribers_refused_total` | counter | subscriptions refused: the hub was full |
//! | `sse_connections_timed_out_total` | counter | connections the server closed on a timeout |
//! | `sse_subscribers` | gauge | live subscribers |
//! | `sse_subscribers_all_topics` | gauge | of those, how many take every topic |
//! | `sse_topic_subscribers{topic}` | gauge | subscribers naming each topic, at most [`MAX_TOPIC_SERIES`] topics |
//! | `sse_topic_subscribers_omitted` | gauge | topics left out of the above by that cap |
//! | `sse_window_events`, `sse_window_bytes` | gauge | what the replay window holds |
//! | `sse_publish_duration_seconds` | histogram | time `POST /publish` spends handing the event to the hub (or Redis) |
//! | `sse_delivery_delay_seconds` | histogram | publish to the subscriber's write (a proxy, see below) |
//!
//! The delivery delay is a proxy: a subscriber that was waiting and wakes with frames
//! measures from the start of the latest publish this process served (before the hub
//! can wake anyone with it) to the moment it hands its first chunk to the HTTP layer
//! (hyper writes it on that poll or the next). It is exact for a subscriber woken by
//! that publish, and an underestimate when more events were published before it ran.
//! With `--redis` it includes the round trips through Redis. Events that reach the hub from
//! Redis but were published by another process are not measured, nor replays. The
//! subscriber does one clock read when it parks and one when it wakes, and the
//! histograms are lock-free atomics: nothing is allocated per event or subscriber.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, Uri, header};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::{Registry, Unit};
use sse_core::hub::{HubStats, MAX_TRACKED_TOPICS};
use sse_core::stream::{Chunk, FrameSource};

use super::api_error::ApiError;
use super::router::App;

/// Most topics `sse_topic_subscribers` lists (the first ones by name, as `/status`
/// sorts them): the cap the hub applies to the topics it tracks last ids for.
pub const MAX_TOPIC_SERIES: usize = MAX_TRACKED_TOPICS;

/// The content type of the answer.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds of the latency histograms' buckets, in seconds (then `+Inf`).
const BUCKETS: [f64; 16] = [
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.5, 5.0,
];

/// What the server measures itself (the hub counts the rest): shared by the routes,
/// the subscribers' bodies and the connection layer. Cloning shares it.
///
/// ```
/// use sse_cli::serve::ServeMetrics;
///
/// let metrics = ServeMetrics::new();
/// metrics.connection_timed_out();
/// let text = metrics.render(&sse_core::hub::Hub::new().stats());
/// assert!(text.contains("sse_connections_timed_out_total 1\n"));
/// assert!(text.ends_with("# EOF\n"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct ServeMetrics {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The origin of the instants below, kept as nanoseconds since it.
    origin: Instant,
    /// When the latest publish started, nanoseconds after `origin` (0: none yet).
    last_publish: AtomicU64,
    timed_out: AtomicU64,
    /// The HTTP server's own counters, once it runs.
    server: std::sync::OnceLock<sse_tokio::server::ServerStats>,
    publish_duration: Histogram,
    delivery_delay: Histogram,
}

impl Default for Inner {
    fn default() -> Self {
        Inner {
            origin: Instant::now(),
            last_publish: AtomicU64::new(0),
            timed_out: AtomicU64::new(0),
            server: std::sync::OnceLock::new(),
            publish_duration: Histogram::default(),
            delivery_delay: Histogram::default(),
        }
    }
}

impl ServeMetrics {
    /// Fresh metrics: every count at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts a connection the server closed because a timeout expired (the
    /// connection layer calls this).
    pub fn connection_timed_out(&self) {
        self.inner.timed_out.fetch_add(1, Ordering::Relaxed);
    }

    /// Reads the HTTP server's counters from now on: the connections it closes on a
    /// timeout count in `sse_connections_timed_out_total`. The first server given
    /// stays.
    pub fn watch_server(&self, stats: sse_tokio::server::ServerStats) {
        let _ = self.inner.server.set(stats);
    }

    /// Marks the start of a publish (before the hub can wake anyone with it), and
    /// returns the instant for [`published`](Self::published).
    pub(crate) fn publishing(&self) -> Instant {
        let now = Instant::now();
        let at = self.nanos(now).max(1);
        self.inner.last_publish.fetch_max(at, Ordering::Relaxed);
        now
    }

    /// Records how long the publish that started at `started` took.
    pub(crate) fn published(&self, started: Instant) {
        self.inner.publish_duration.observe(started.elapsed());
    }

    /// `source` with its delivery delay measured (see the [module docs](self)).
    pub(crate) fn timed<S>(&self, source: S) -> Timed<S> {
        Timed {
            source,
            metrics: self.clone(),
            parked_at: None,
        }
    }

    /// The OpenMetrics text for the hub's `stats` and what was measured here.
    pub fn render(&self, stats: &HubStats) -> String {
        let figures = Figures {
            stats: stats.clone(),
            gaps_signalled: stats.gaps_signalled,
            timed_out: self.inner.timed_out.load(Ordering::Relaxed)
                + self
                    .inner
                    .server
                    .get()
                    .map_or(0, |server| server.timed_out()),
            publish_duration: self.inner.publish_duration.snapshot(),
            delivery_delay: self.inner.delivery_delay.snapshot(),
        };
        let mut registry = Registry::default();
        registry.register_collector(Box::new(figures));
        let mut text = String::new();
        // Writing to a `String` cannot fail, and the collector's encoding neither.
        let _ = prometheus_client::encoding::text::encode(&mut text, &registry);
        text
    }

    fn nanos(&self, at: Instant) -> u64 {
        let since = at.saturating_duration_since(self.inner.origin);
        u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
    }
}

/// `GET /metrics`.
pub async fn metrics(
    State(app): State<App>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    app.config.subscribe_access().check(&headers, uri.query())?;
    let text = app.metrics.render(&app.hub.stats());
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// A subscriber's frame source that measures the delivery delay (see the
/// [module docs](self)).
#[derive(Debug)]
pub(crate) struct Timed<S> {
    source: S,
    metrics: ServeMetrics,
    /// When the source last had nothing ready, nanoseconds after the origin.
    parked_at: Option<u64>,
}

impl<S> Timed<S> {
    fn observe<T>(&mut self, poll: &Poll<Option<T>>) {
        match poll {
            Poll::Pending => {
                if self.parked_at.is_none() {
                    self.parked_at = Some(self.metrics.nanos(Instant::now()));
                }
            }
            Poll::Ready(Some(_)) => {
                let Some(parked_at) = self.parked_at.take() else {
                    return;
                };
                let inner = &self.metrics.inner;
                let published = inner.last_publish.load(Ordering::Relaxed);
                if published != 0 && published >= parked_at {
                    let now = self.metrics.nanos(Instant::now());
                    let delay = Duration::from_nanos(now.saturating_sub(published));
                    inner.delivery_delay.observe(delay);
                }
            }
            Poll::Ready(None) => self.parked_at = None,
        }
    }
}

impl<S: FrameSource> FrameSource for Timed<S> {
    type Error = S::Error;

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, S::Error>>> {
        let poll = self.source.poll_chunk(cx);
        self.observe(&poll);
        poll
    }

    fn poll_gathered(
        &mut self,
        cx: &mut Context<'_>,
        max_bytes: usize,
    ) -> Poll<Option<Result<Chunk, S::Error>>> {
        let poll = self.source.poll_gathered(cx, max_bytes);
        self.observe(&poll);
        poll
    }
}

/// A latency histogram over [`BUCKETS`] with lock-free counts.
#[derive(Debug, Default)]
struct Histogram {
    /// Observations per bucket (not cumulative); the last is `+Inf`.
    counts: [AtomicU64; BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
}

impl Histogram {
    fn observe(&self, value: Duration) {
        let seconds = value.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|&bound| seconds <= bound)
            .unwrap_or(BUCKETS.len());
        if let Some(count) = self.counts.get(bucket) {
            count.fetch_add(1, Ordering::Relaxed);
        }
        let nanos = u64::try_from(value.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// The buckets as prometheus-client encodes them: `(upper bound, count)` with
    /// `f64::MAX` for `+Inf`, and the sum in seconds. The total count is the sum of
    /// the buckets read, so it always equals the `+Inf` bucket.
    fn snapshot(&self) -> HistogramSnapshot {
        let buckets = BUCKETS
            .iter()
            .copied()
            .chain([f64::MAX])
            .zip(&self.counts)
            .map(|(bound, count)| (bound, count.load(Ordering::Relaxed)))
            .collect();
        let sum = Duration::from_nanos(self.sum_nanos.load(Ordering::Relaxed)).as_secs_f64();
        HistogramSnapshot { buckets, sum }
    }
}

#[derive(Debug)]
struct HistogramSnapshot {
    buckets: Vec<(f64, u64)>,
    sum: f64,
}

/// Everything one scrape reports, encoded by prometheus-client.
#[derive(Debug)]
struct Figures {
    stats: HubStats,
    gaps_signalled: u64,
    timed_out: u64,
    publish_duration: HistogramSnapshot,
    delivery_delay: HistogramSnapshot,
}

impl Collector for Figures {
    fn encode(&self, mut out: DescriptorEncoder) -> fmt::Result {
        let s = &self.stats;
        counter(
            &mut out,
            "sse_events_published",
            "Events published.",
            s.events_published,
        )?;
        let bytes = ConstCounter::new(s.bytes_encoded);
        let metric = out.encode_descriptor(
            "sse_encoded",
            "Bytes of frames encoded, once per event.",
            Some(&Unit::Bytes),
            bytes.metric_type(),
        )?;
        bytes.encode(metric)?;
        counter(
            &mut out,
            "sse_deliveries",
            "Frames handed to subscribers.",
            s.deliveries,
        )?;
        let mut replays = out.encode_descriptor(
            "sse_replays",
            "Subscriptions that came with a Last-Event-ID, by outcome.",
            None,
            MetricType::Counter,
        )?;
        for (outcome, n) in [
            ("resumed", s.replays_resumed),
            ("expired", s.replays_expired),
            ("unknown", s.replays_unknown),
        ] {
            ConstCounter::new(n).encode(replays.encode_family(&[("outcome", outcome)])?)?;
        }
        counter(
            &mut out,
            "sse_gaps_signalled",
            "Gaps signalled to subscribers.",
            self.gaps_signalled,
        )?;
        counter(
            &mut out,
            "sse_lag_drops",
            "Subscribers ended for falling behind the replay window.",
            s.dropped_lagged,
        )?;
        counter(
            &mut out,
            "sse_subscribers_refused",
            "Subscriptions refused because the hub had its maximum of subscribers.",
            s.subscribers_refused,
        )?;
        counter(
            &mut out,
            "sse_connections_timed_out",
            "Connections closed because a timeout expired.",
            self.timed_out,
        )?;
        gauge(
            &mut out,
            "sse_subscribers",
            "Live subscribers.",
            s.subscribers,
        )?;
        gauge(
            &mut out,
            "sse_subscribers_all_topics",
            "Live subscribers that take every topic.",
            s.subscribers_all,
        )?;
        self.encode_topics(&mut out)?;
        gauge(
            &mut out,
            "sse_window_events",
            "Events in the replay window.",
            s.window_len,
        )?;
        gauge(
            &mut out,
            "sse_window_bytes",
            "Bytes of frames in the replay window.",
            s.window_bytes,
        )?;
        histogram(
            &mut out,
            "sse_publish_duration",
            "Time a publish request spends handing its event to the hub (or Redis).",
            &self.publish_duration,
        )?;
        histogram(
            &mut out,
            "sse_delivery_delay",
            "From the start of the latest publish to a woken subscriber's first write \
             (a proxy for the publish-to-write delay).",
            &self.delivery_delay,
        )
    }
}

impl Figures {
    fn encode_topics(&self, out: &mut DescriptorEncoder) -> fmt::Result {
        let topics = &self.stats.subscribers_by_topic;
        let mut metric = out.encode_descriptor(
            "sse_topic_subscribers",
            "Live subscribers naming each topic (one naming several counts under each).",
            None,
            MetricType::Gauge,
        )?;
        for (topic, n) in topics.iter().take(MAX_TOPIC_SERIES) {
            let label = label_value(topic.as_str());
            let labels = [("topic", label.as_str())];
            ConstGauge::new(as_i64(*n)).encode(metric.encode_family(&labels)?)?;
        }
        gauge(
            out,
            "sse_topic_subscribers_omitted",
            "Topics with subscribers left out of sse_topic_subscribers by its cap.",
            topics.len().saturating_sub(MAX_TOPIC_SERIES),
        )
    }
}

fn counter(out: &mut DescriptorEncoder, name: &str, help: &str, value: u64) -> fmt::Result {
    let metric = ConstCounter::new(value);
    metric.encode(out.encode_descriptor(name, help, None, metric.metric_type())?)
}

fn gauge(out: &mut DescriptorEncoder, name: &str, help: &str, value: usize) -> fmt::Result {
    let metric = ConstGauge::new(as_i64(value));
    metric.encode(out.encode_descriptor(name, help, None, metric.metric_type())?)
}

fn histogram(
    out: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    snapshot: &HistogramSnapshot,
) -> fmt::Result {
    let count = snapshot.buckets.iter().map(|&(_, n)| n).sum();
    let mut metric =
        out.encode_descriptor(name, help, Some(&Unit::Seconds), MetricType::Histogram)?;
    metric.encode_histogram::<NoLabelSet>(snapshot.sum, count, &snapshot.buckets, None)
}

fn as_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A label value escaped for the text format (prometheus-client writes values as
/// given): `\` , `"` and line feeds. Topics hold no other control characters.
fn label_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use sse_core::Event;
    use sse_core::hub::{Hub, Topic, TopicFilter};

    use super::*;

    #[test]
    fn histogram_buckets_and_sum() {
        let h = Histogram::default();
        h.observe(Duration::from_micros(30));
        h.observe(Duration::from_millis(3));
        h.observe(Duration::from_secs(60));
        let snap = h.snapshot();
        let at = |bound: f64| snap.buckets.iter().find(|b| b.0 == bound).map(|b| b.1);
        assert_eq!(at(0.000_05), Some(1));
        assert_eq!(at(0.005), Some(1));
        assert_eq!(at(f64::MAX), Some(1));
        assert_eq!(snap.buckets.iter().map(|b| b.1).sum::<u64>(), 3);
        assert!((snap.sum - 60.003_03).abs() < 1e-9);
    }

    #[test]
    fn topic_labels_are_escaped_and_rendered() {
        let hub = Hub::new();
        let topic = Topic::new(r#"we"ird\topic"#).unwrap();
        let _sub = hub.subscribe(TopicFilter::from(topic.clone())).unwrap();
        hub.publish(&topic, Event::new("x")).unwrap();
        let text = ServeMetrics::new().render(&hub.stats());
        assert!(
            text.contains("sse_topic_subscribers{topic=\"we\\\"ird\\\\topic\"} 1\n"),
            "{text}"
        );
        assert!(text.contains("sse_events_published_total 1\n"));
        assert!(text.contains("sse_replays_total{outcome=\"expired\"} 0\n"));
        assert!(text.contains("# TYPE sse_publish_duration_seconds histogram\n"));
    }

    #[test]
    fn delivery_delay_is_measured_after_a_park_only() {
        let metrics = ServeMetrics::new();
        let mut timed = metrics.timed(());
        timed.observe::<()>(&Poll::Ready(Some(())));
        assert_eq!(
            metrics
                .inner
                .delivery_delay
                .snapshot()
                .buckets
                .iter()
                .map(|b| b.1)
                .sum::<u64>(),
            0
        );
        timed.observe::<()>(&Poll::Pending);
        let started = metrics.publishing();
        metrics.published(started);
        timed.observe::<()>(&Poll::Ready(Some(())));
        let snap = metrics.inner.delivery_delay.snapshot();
        assert_eq!(snap.buckets.iter().map(|b| b.1).sum::<u64>(), 1);
    }
}
