//! A source that ends after a number of frames, so the server closes responses and
//! clients must reconnect.

use std::task::{Context, Poll};

use sse_core::stream::{Chunk, FrameSource};

pub struct Limited<S> {
    inner: S,
    frames_left: usize,
}

impl<S> Limited<S> {
    pub fn new(inner: S, frames: usize) -> Self {
        Limited {
            inner,
            frames_left: frames,
        }
    }
}

impl<S: FrameSource> FrameSource for Limited<S> {
    type Error = S::Error;

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Chunk, S::Error>>> {
        if self.frames_left == 0 {
            return Poll::Ready(None);
        }
        let polled = self.inner.poll_chunk(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &polled
            && chunk.ends_frame()
        {
            self.frames_left -= 1;
        }
        polled
    }
}
