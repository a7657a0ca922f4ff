//! The keep-alive timer: [`sse_core::stream::Timer`] over an `async-io` timer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use sse_core::stream::Timer;

/// A one-shot timer on the `async-io` reactor, which async-std and smol both run on.
///
/// [`FrameStream`](sse_core::stream::FrameStream) re-arms it for keep-alives; the
/// adapter's body and writer types create one per stream, so applications rarely touch
/// it, except to drive a `FrameStream` by hand.
///
/// ```
/// use std::time::{Duration, Instant};
/// use sse_async_std::AsyncIoTimer;
/// use sse_core::stream::Timer;
///
/// let mut timer = AsyncIoTimer::new();
/// timer.reset(Instant::now() + Duration::from_millis(5));
/// smol::block_on(std::future::poll_fn(|cx| timer.poll_expired(cx)));
/// ```
#[derive(Debug)]
pub struct AsyncIoTimer {
    timer: async_io::Timer,
}

impl AsyncIoTimer {
    /// A timer that is not armed (it never fires until [`Timer::reset`]).
    pub fn new() -> Self {
        AsyncIoTimer {
            timer: async_io::Timer::never(),
        }
    }
}

impl Default for AsyncIoTimer {
    fn default() -> Self {
        AsyncIoTimer::new()
    }
}

impl Timer for AsyncIoTimer {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn reset(&mut self, deadline: Instant) {
        self.timer.set_at(deadline);
    }

    fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.timer).poll(cx).map(drop)
    }
}
