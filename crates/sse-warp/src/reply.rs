//! The warp `Reply` for [`Sse`], and the body stream behind it.

use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use sse_core::source::BoxError;
use sse_core::stream::{FrameSource, FrameStream};
use sse_tokio::TokioTimer;
use warp::reply::{Reply, Response};

use crate::Sse;

impl<S> Reply for Sse<S>
where
    S: FrameSource + Send + Unpin + 'static,
    S::Error: Into<BoxError> + Send + 'static,
{
    /// `200 OK`, sse-core's [`HEADERS`](sse_core::response::HEADERS) and the frames
    /// on tokio's timer. hyper drops the body, and with it the source, as soon as the
    /// client goes away; an `Err` from the source aborts the response.
    fn into_response(self) -> Response {
        let frames = Frames(Mutex::new(self.into_inner().into_frames(TokioTimer::new())));
        let mut response = warp::reply::stream(frames).into_response();
        sse_tokio::set_sse_headers(response.headers_mut());
        response
    }
}

/// The frames as the `Send + Sync` stream `warp::reply::stream` takes. The `Mutex` is
/// never locked: polling has `&mut` access and uses `Mutex::get_mut`, which costs
/// nothing, so sources need only be `Send`.
struct Frames<S>(Mutex<FrameStream<S, TokioTimer>>);

impl<S: FrameSource + Unpin> Stream for Frames<S> {
    type Item = Result<Bytes, S::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let frames = self.get_mut().0.get_mut();
        frames.unwrap_or_else(PoisonError::into_inner).poll_next(cx)
    }
}
