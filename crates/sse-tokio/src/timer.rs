//! The keep-alive timer: sse-core's [`Timer`] over tokio's clock.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use sse_core::stream::Timer;
use tokio::time::{Instant, Sleep};

/// A [`Timer`] on tokio's clock (so `tokio::time::pause` works in tests).
///
/// The `Sleep` is created on first poll, not at construction: building a body outside
/// a runtime is fine, polling it needs a tokio runtime with the `time` driver (as
/// every hyper, axum or tonic server has).
#[derive(Debug, Default)]
pub struct TokioTimer {
    deadline: Option<Instant>,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl TokioTimer {
    /// An unarmed timer.
    pub fn new() -> Self {
        TokioTimer::default()
    }
}

impl Timer for TokioTimer {
    fn now(&self) -> std::time::Instant {
        Instant::now().into_std()
    }

    fn reset(&mut self, deadline: std::time::Instant) {
        let deadline = Instant::from_std(deadline);
        self.deadline = Some(deadline);
        if let Some(sleep) = &mut self.sleep {
            sleep.as_mut().reset(deadline);
        }
    }

    fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(deadline) = self.deadline else {
            return Poll::Pending;
        };
        self.sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)))
            .as_mut()
            .poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn fires_at_the_deadline_and_rearms() {
        let mut timer = TokioTimer::new();
        assert!(std::future::poll_fn(|cx| Poll::Ready(timer.poll_expired(cx).is_pending())).await);
        let start = timer.now();
        timer.reset(start + Duration::from_secs(5));
        std::future::poll_fn(|cx| timer.poll_expired(cx)).await;
        assert!(timer.now() >= start + Duration::from_secs(5));
        timer.reset(timer.now() + Duration::from_secs(5));
        let pending = std::future::poll_fn(|cx| Poll::Ready(timer.poll_expired(cx).is_pending()));
        assert!(pending.await, "re-armed timer must wait again");
        std::future::poll_fn(|cx| timer.poll_expired(cx)).await;
        assert!(timer.now() >= start + Duration::from_secs(10));
    }
}
