//! The keep-alive timer: sse-core's [`Timer`] over actix's clock (`actix_rt::time`, which
//! is tokio's timer driver under every actix-web worker).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_rt::time::{Instant, Sleep, sleep_until};
use sse_core::stream::Timer;

/// A [`Timer`] on actix's clock.
///
/// The `Sleep` is made on first poll, not when the timer is armed: a body may be built
/// anywhere, and is polled on an actix worker, which has the time driver.
#[derive(Debug, Default)]
pub(crate) struct RtTimer {
    deadline: Option<Instant>,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl Timer for RtTimer {
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
