//! [`Sse`], this crate's event-stream response: sse-core's [`SseResponse`] under the
//! name every adapter uses, turned into an [`SseBody`] or, with the `server`
//! feature, sent by [`SseConnExt::with_sse`](crate::SseConnExt::with_sse).

use sse_core::response::SseResponse;
use sse_core::stream::FrameSource;

use crate::body::SseBody;

sse_core::define_sse!();

impl<S: FrameSource> From<Sse<S>> for SseBody<S> {
    fn from(sse: Sse<S>) -> Self {
        SseBody::from(sse.into_inner())
    }
}

impl<S: FrameSource> From<SseResponse<S>> for SseBody<S> {
    fn from(response: SseResponse<S>) -> Self {
        let (source, options) = response.into_parts();
        SseBody::new(source, &options)
    }
}
