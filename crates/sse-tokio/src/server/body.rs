//! The bodies the server hands out and takes back: request bodies with a read
//! deadline, response bodies that mark their request done when they end.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};

use super::activity::Busy;
use super::log::log;

/// Why a request body could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum RequestBodyError {
    /// The connection failed or the client sent an invalid body.
    Http(hyper::Error),
    /// The whole body did not arrive within the body timeout after the head.
    TimedOut(Duration),
}

impl fmt::Display for RequestBodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestBodyError::Http(_) => f.write_str("the request body could not be read"),
            RequestBodyError::TimedOut(after) => {
                write!(f, "the request body did not arrive within {after:?}")
            }
        }
    }
}

impl std::error::Error for RequestBodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RequestBodyError::Http(error) => Some(error),
            RequestBodyError::TimedOut(_) => None,
        }
    }
}

pin_project! {
    /// A request body that must arrive whole within the body timeout after its head
    /// (see [`ServerOptions::body_timeout`](super::ServerOptions::body_timeout)).
    #[derive(Debug)]
    pub struct RequestBody {
        // `None`: no body (a request the server read itself, see `first`).
        inner: Option<Incoming>,
        limit: Option<(Duration, Instant)>,
        timer: Option<Pin<Box<Sleep>>>,
    }
}

impl RequestBody {
    pub(crate) fn new(inner: Incoming, timeout: Option<Duration>) -> RequestBody {
        let limit = timeout
            .filter(|_| !inner.is_end_stream())
            .map(|after| (after, Instant::now() + after));
        RequestBody {
            inner: Some(inner),
            limit,
            timer: None,
        }
    }

    /// The body of a request that has none (its head said so).
    pub(crate) fn empty() -> RequestBody {
        RequestBody {
            inner: None,
            limit: None,
            timer: None,
        }
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = RequestBodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, RequestBodyError>>> {
        let this = self.project();
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        if let Poll::Ready(frame) = Pin::new(inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(RequestBodyError::Http)));
        }
        let Some((after, deadline)) = *this.limit else {
            return Poll::Pending;
        };
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => {
                log!(debug, "request body timed out after {after:?}");
                Poll::Ready(Some(Err(RequestBodyError::TimedOut(after))))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(Incoming::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), Incoming::size_hint)
    }
}

pin_project! {
    /// A response body that keeps its request counted as in progress (so no head or
    /// idle timeout closes the connection) until it ends or is dropped.
    #[derive(Debug)]
    pub struct ResponseBody<B> {
        #[pin]
        inner: B,
        busy: Option<Busy>,
    }
}

impl<B> ResponseBody<B> {
    pub(crate) fn new(inner: B, busy: Busy) -> Self {
        ResponseBody {
            inner,
            busy: Some(busy),
        }
    }
}

impl<B: Body> Body for ResponseBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let this = self.project();
        let polled = this.inner.poll_frame(cx);
        if let Poll::Ready(None | Some(Err(_))) = polled {
            this.busy.take();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
