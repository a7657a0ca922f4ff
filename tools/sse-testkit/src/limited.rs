//! A source that ends after a number of frames, so the server closes responses and
//! clients must reconnect.

use std::task::{Context, Poll};

use sse_core::stream::{Chunk, FrameSource};

/// A [`FrameSource`] that passes on `inner`'s chunks until a number of whole frames
/// have gone by, then ends.
pub struct Limited<S> {
    inner: S,
    frames_left: usize,
}

impl<S> Limited<S> {
    /// Ends `inner` after `frames` whole frames.
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

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::convert::Infallible;

    use bytes::Bytes;

    use super::*;

    /// Hands out the chunks it was given, then ends.
    struct Chunks(VecDeque<Chunk>);

    impl FrameSource for Chunks {
        type Error = Infallible;

        fn poll_chunk(&mut self, _: &mut Context<'_>) -> Poll<Option<Result<Chunk, Infallible>>> {
            Poll::Ready(self.0.pop_front().map(Ok))
        }
    }

    #[test]
    fn ends_after_the_whole_frames_asked_for_counting_parts_as_one() {
        let part = |text: &'static str, ends_frame| Chunk::part(Bytes::from(text), ends_frame);
        let inner = Chunks(VecDeque::from([
            part("data: a", false),
            part("\n\n", true),
            part("data: b\n\n", true),
            part("data: c\n\n", true),
        ]));
        let mut limited = Limited::new(inner, 2);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut seen = Vec::new();
        while let Poll::Ready(Some(Ok(chunk))) = limited.poll_chunk(&mut cx) {
            seen.push(chunk.into_bytes());
        }
        assert_eq!(seen, ["data: a", "\n\n", "data: b\n\n"]);
        assert!(matches!(limited.poll_chunk(&mut cx), Poll::Ready(None)));
    }
}
