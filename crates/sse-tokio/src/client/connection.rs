//! The I/O a [`ClientDriver`](sse_core::ClientDriver) asks of the tokio client: one
//! request at a time through the [`HttpClient`], its response, a tokio timer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http::HeaderMap;
use http::header::{CONTENT_TYPE, LOCATION};
use http_body::Body;
use hyper::body::Incoming;
use hyper_util::client::legacy::ResponseFuture;
use sse_core::TransportError;
use sse_core::client::{ClientIo, ClientRequest, Progress, ResponseHead};
use tokio::time::Sleep;

use super::HttpClient;
use super::request::to_hyper;

/// The tokio client's side of the drive loop.
pub(crate) struct Http {
    client: HttpClient,
    connection: Connection,
    /// The body frame last handed out.
    chunk: Bytes,
    timer: Option<Pin<Box<Sleep>>>,
}

/// Where the current attempt is.
#[derive(Default)]
enum Connection {
    /// No attempt (waiting to reconnect, or stopped).
    #[default]
    Idle,
    /// The request is sent; waiting for the response head.
    Requesting(ResponseFuture),
    /// The response arrived; reading its body.
    Streaming(Incoming),
}

impl Http {
    pub(crate) fn new(client: HttpClient) -> Self {
        Http {
            client,
            connection: Connection::Idle,
            chunk: Bytes::new(),
            timer: None,
        }
    }

    /// Drops the timer too (the source is closed).
    pub(crate) fn stop_timer(&mut self) {
        self.timer = None;
    }
}

impl ClientIo for Http {
    fn connect(&mut self, request: &ClientRequest) -> Result<(), TransportError> {
        self.connection = Connection::Idle;
        let request = to_hyper(request).map_err(TransportError::new)?;
        self.connection = Connection::Requesting(self.client.send(request));
        Ok(())
    }

    fn disconnect(&mut self) {
        self.connection = Connection::Idle;
    }

    fn poll_progress(&mut self, cx: &mut Context<'_>) -> Poll<Progress<'_>> {
        match &mut self.connection {
            Connection::Idle => Poll::Pending,
            Connection::Requesting(future) => match std::task::ready!(Pin::new(future).poll(cx)) {
                Err(error) => {
                    self.connection = Connection::Idle;
                    Poll::Ready(Progress::Failed(TransportError::new(error)))
                }
                Ok(response) => {
                    let head = head(response.status().as_u16(), response.headers());
                    self.connection = Connection::Streaming(response.into_body());
                    Poll::Ready(Progress::Head(head))
                }
            },
            Connection::Streaming(body) => loop {
                match std::task::ready!(Pin::new(&mut *body).poll_frame(cx)) {
                    None => {
                        self.connection = Connection::Idle;
                        return Poll::Ready(Progress::End);
                    }
                    Some(Err(error)) => {
                        self.connection = Connection::Idle;
                        return Poll::Ready(Progress::Failed(TransportError::new(error)));
                    }
                    // Trailers (HTTP/2) carry nothing for the stream.
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data() {
                            self.chunk = data;
                            return Poll::Ready(Progress::Data(&self.chunk));
                        }
                    }
                }
            },
        }
    }

    fn poll_sleep(&mut self, cx: &mut Context<'_>, deadline: Instant) -> Poll<()> {
        let deadline = tokio::time::Instant::from_std(deadline);
        let timer = match &mut self.timer {
            Some(timer) => {
                if timer.deadline() != deadline {
                    timer.as_mut().reset(deadline);
                }
                timer
            }
            None => self
                .timer
                .insert(Box::pin(tokio::time::sleep_until(deadline))),
        };
        timer.as_mut().poll(cx)
    }

    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }
}

fn head(status: u16, headers: &HeaderMap) -> ResponseHead {
    let raw = |name| {
        headers
            .get(name)
            .map(|value: &http::HeaderValue| value.as_bytes().to_vec())
    };
    ResponseHead {
        status,
        content_type: raw(CONTENT_TYPE),
        location: raw(LOCATION),
    }
}
