//! The publisher thread: the benchmark's events, back to back or at a fixed rate,
//! bounded in count and time.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use sse_fanout::payload::{event_data, unix_micros};

/// Where an implementation takes published event data.
pub trait Sink: Send + Sync + 'static {
    /// Publishes one event with this data to every subscriber.
    fn publish(&self, data: Bytes);
}

/// What to publish.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Events to publish.
    pub events: u64,
    /// Bytes of data per event.
    pub size: usize,
    /// Events per second; 0 for back to back.
    pub rate: u64,
    /// Stop after this long even if events are left.
    pub duration: Duration,
}

impl Plan {
    /// When event `index` is due, counted from `start`.
    fn due(&self, start: Instant, index: u64) -> Option<Instant> {
        if self.rate == 0 {
            return None;
        }
        let micros = index.saturating_mul(1_000_000) / self.rate;
        Some(start + Duration::from_micros(micros))
    }
}

/// Starts the publisher thread.
pub fn spawn(sink: Arc<dyn Sink>, plan: Plan) {
    std::thread::spawn(move || {
        let start = Instant::now();
        let mut published = 0;
        while published < plan.events && start.elapsed() < plan.duration {
            if let Some(wait) = plan
                .due(start, published)
                .and_then(|due| due.checked_duration_since(Instant::now()))
            {
                std::thread::sleep(wait);
            }
            let data = event_data(plan.size, unix_micros(SystemTime::now()));
            sink.publish(Bytes::from(data));
            published += 1;
        }
        eprintln!(
            "fanout-server: published {published} of {} events in {:.3?}",
            plan.events,
            start.elapsed()
        );
    });
}
