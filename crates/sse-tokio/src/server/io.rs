//! The socket wrapper that enforces the write timeout and reports reads.
//!
//! The write timeout cannot live in a response body: once the socket is full, hyper
//! stops polling the body, so only the socket sees that no byte goes out. A write that
//! stays pending starts a deadline; any byte written clears it; a write still pending
//! at the deadline fails with [`io::ErrorKind::TimedOut`], which closes the connection.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use super::activity::Activity;

pin_project! {
    /// A socket whose writes time out when no byte can be written for a while.
    #[derive(Debug)]
    pub(crate) struct DeadlineIo<T> {
        #[pin]
        inner: T,
        write_timeout: Option<Duration>,
        // Armed while a write is pending; boxed once per connection, on first use.
        stalled: Option<Pin<Box<Sleep>>>,
        armed: bool,
        activity: Arc<Activity>,
    }
}

impl<T> DeadlineIo<T> {
    pub(crate) fn new(inner: T, write_timeout: Option<Duration>, activity: Arc<Activity>) -> Self {
        DeadlineIo {
            inner,
            write_timeout,
            stalled: None,
            armed: false,
            activity,
        }
    }

    /// The socket.
    pub(crate) fn get_ref(&self) -> &T {
        &self.inner
    }
}

/// The error of a write that made no progress for `after`.
fn write_timed_out(after: Duration) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("no byte could be written for {after:?}"),
    )
}

impl<T: AsyncWrite> DeadlineIo<T> {
    /// Runs one write-side poll under the deadline.
    fn guard<R>(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        progressed: impl Fn(&R) -> bool,
        op: impl FnOnce(Pin<&mut T>, &mut Context<'_>) -> Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        let this = self.project();
        match op(this.inner, cx) {
            Poll::Ready(result) => {
                if result.as_ref().map_or(true, &progressed) {
                    *this.armed = false;
                }
                Poll::Ready(result)
            }
            Poll::Pending => {
                let Some(after) = *this.write_timeout else {
                    return Poll::Pending;
                };
                let deadline = Instant::now() + after;
                let sleep = match this.stalled {
                    Some(sleep) => {
                        if !*this.armed {
                            sleep.as_mut().reset(deadline);
                        }
                        sleep
                    }
                    None => this
                        .stalled
                        .insert(Box::pin(tokio::time::sleep_until(deadline))),
                };
                *this.armed = true;
                ready!(sleep.as_mut().poll(cx));
                *this.armed = false;
                Poll::Ready(Err(write_timed_out(after)))
            }
        }
    }
}

impl<T: AsyncRead> AsyncRead for DeadlineIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.project();
        let before = buf.filled().len();
        let polled = this.inner.poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.on_read();
        }
        polled
    }
}

impl<T: AsyncWrite> AsyncWrite for DeadlineIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.guard(cx, |n| *n > 0, |inner, cx| inner.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.guard(
            cx,
            |n| *n > 0,
            |inner, cx| inner.poll_write_vectored(cx, bufs),
        )
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.guard(cx, |()| true, |inner, cx| inner.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.guard(cx, |()| true, |inner, cx| inner.poll_shutdown(cx))
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;

    use super::super::activity::WaitLimits;
    use super::*;

    fn activity() -> Arc<Activity> {
        Activity::new(WaitLimits {
            header: None,
            idle: None,
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_write_that_cannot_progress_times_out() {
        let (near, mut far) = tokio::io::duplex(16);
        let mut io = DeadlineIo::new(near, Some(Duration::from_secs(30)), activity());
        io.write_all(&[0; 16]).await.unwrap();
        let error = io.write_all(&[0; 16]).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        // Progress clears the deadline: after the reader drains, writes work again.
        let mut sink = [0; 16];
        tokio::io::AsyncReadExt::read_exact(&mut far, &mut sink)
            .await
            .unwrap();
        io.write_all(&[0; 16]).await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_but_steady_reader_is_not_cut_off() {
        let (near, mut far) = tokio::io::duplex(16);
        let mut io = DeadlineIo::new(near, Some(Duration::from_secs(30)), activity());
        let reader = tokio::spawn(async move {
            let mut sink = [0; 16];
            for _ in 0..8 {
                tokio::time::sleep(Duration::from_secs(20)).await;
                tokio::io::AsyncReadExt::read_exact(&mut far, &mut sink)
                    .await
                    .unwrap();
            }
        });
        io.write_all(&[0; 128]).await.unwrap();
        reader.await.unwrap();
    }
}
