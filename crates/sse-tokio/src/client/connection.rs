//! One connection attempt: the response future, then the response body.

use std::error::Error;
use std::fmt::Write;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http_body::Body;
use hyper::body::Incoming;
use hyper_util::client::legacy::ResponseFuture;
use sse_core::TransportError;

use super::HttpClient;
use super::redirect::{MAX_REDIRECTS, redirect};
use super::request::PreparedRequest;

/// Where the current attempt is.
#[derive(Default)]
pub(crate) enum Connection {
    /// No attempt (waiting to reconnect, or stopped).
    #[default]
    Idle,
    /// The request is sent; waiting for the response head.
    Requesting(ResponseFuture, Box<PreparedRequest>),
    /// The response arrived; reading its body.
    Streaming(Incoming),
}

/// What happened on the connection, for the client state machine.
#[derive(Debug)]
pub(crate) enum Progress {
    /// The response is a redirect to follow from this request.
    Redirect(Box<PreparedRequest>),
    /// Too many redirects in a row.
    RedirectLoop,
    /// The response head.
    Response {
        status: u16,
        content_type: Option<http::HeaderValue>,
    },
    /// Body bytes.
    Data(Bytes),
    /// The body ended.
    End,
    /// Connecting, or reading, failed.
    Failed(TransportError),
}

impl Connection {
    /// Sends `request` through `client`.
    pub(crate) fn send(client: &HttpClient, request: PreparedRequest) -> Connection {
        Connection::Requesting(client.send(request.to_request()), Box::new(request))
    }

    /// Polls the attempt. `Idle` is always pending (nothing to wait for). After a
    /// response the body is read; after the end or a failure the attempt is idle.
    pub(crate) fn poll_progress(&mut self, cx: &mut Context<'_>) -> Poll<Progress> {
        match self {
            Connection::Idle => Poll::Pending,
            Connection::Requesting(future, sent) => match Pin::new(future).poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Err(error)) => {
                    *self = Connection::Idle;
                    Poll::Ready(Progress::Failed(transport_error(&error)))
                }
                Poll::Ready(Ok(response)) => {
                    let followed = redirect(
                        response.status(),
                        response.headers(),
                        sent.method(),
                        sent.uri(),
                    );
                    if let Some(followed) = followed {
                        let progress = if sent.redirects() >= MAX_REDIRECTS {
                            Progress::RedirectLoop
                        } else {
                            Progress::Redirect(Box::new(sent.follow(followed)))
                        };
                        *self = Connection::Idle;
                        return Poll::Ready(progress);
                    }
                    let status = response.status().as_u16();
                    let content_type = response.headers().get(CONTENT_TYPE).cloned();
                    *self = Connection::Streaming(response.into_body());
                    Poll::Ready(Progress::Response {
                        status,
                        content_type,
                    })
                }
            },
            Connection::Streaming(body) => loop {
                match Pin::new(&mut *body).poll_frame(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(None) => {
                        *self = Connection::Idle;
                        return Poll::Ready(Progress::End);
                    }
                    Poll::Ready(Some(Err(error))) => {
                        *self = Connection::Idle;
                        return Poll::Ready(Progress::Failed(transport_error(&error)));
                    }
                    Poll::Ready(Some(Ok(frame))) => {
                        // Trailers (HTTP/2) carry nothing for the stream.
                        if let Ok(data) = frame.into_data() {
                            return Poll::Ready(Progress::Data(data));
                        }
                    }
                }
            },
        }
    }
}

/// The error and its sources, as one line (hyper-util's top-level message alone is
/// "client error (Connect)").
fn transport_error(error: &(dyn Error + 'static)) -> TransportError {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(text, ": {cause}");
        source = cause.source();
    }
    TransportError::new(text)
}
