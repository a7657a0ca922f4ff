//! The keep-alive timer: sse-core's [`Timer`] over tokio's clock, which warp runs on.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use sse_core::stream::Timer;
use tokio::time::{Instant, Sleep, sleep_until};

/// A [`Timer`] on tokio's clock.
///
/// The `Sleep` is made on first poll, not when the timer is armed: a body may be built
/// anywhere, and is polled by warp's server, which has the time driver.
#[derive(Debug, Default)]
pub(crate) struct TokioTimer {
    deadline: Option<Instant>,
    sleep: Option<Pin<Box<Sleep>>>,
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
            .get_or_insert_with(|| Box::pin(sleep_until(deadline)))
            .as_mut()
            .poll(cx)
    }
}
