//! One HTTP attempt of the client: the request in flight, then the response body
//! being read; what happens to it is fed to the state machine.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use futures_io::AsyncRead;
use sse_core::{ClientMachine, TransportError};
use trillium_client::{Conn, KnownHeaderName, ResponseBody};

/// How many bytes are read from the response body at a time.
const READ_BUFFER: usize = 16 * 1024;

type Request = Pin<Box<dyn Future<Output = trillium_client::Result<Conn>> + Send>>;

/// The state of the current attempt.
pub(super) enum Connection {
    /// No attempt: waiting to reconnect, or stopped.
    Idle,
    /// The request is sent or being sent; waiting for the response head.
    Requesting(Request),
    /// Reading the response body.
    Reading {
        body: Pin<Box<ResponseBody<'static>>>,
        buffer: Box<[u8]>,
    },
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Connection::Idle => "Idle",
            Connection::Requesting(_) => "Requesting",
            Connection::Reading { .. } => "Reading",
        })
    }
}

impl Connection {
    /// Starts an attempt with the prepared request.
    pub(super) fn request(conn: Conn) -> Connection {
        Connection::Requesting(Box::pin(std::future::IntoFuture::into_future(conn)))
    }

    /// Makes progress on the attempt; when something happened (a response, bytes, the
    /// end, an error), feeds it to `machine` and returns `Ready`.
    pub(super) fn poll_feed(
        &mut self,
        cx: &mut Context<'_>,
        machine: &mut ClientMachine,
    ) -> Poll<()> {
        match self {
            Connection::Idle => Poll::Pending,
            Connection::Requesting(request) => {
                let outcome = std::task::ready!(request.as_mut().poll(cx));
                *self = Connection::Idle;
                match outcome {
                    Ok(conn) => self.respond(conn, machine),
                    Err(error) => machine.handle_error(Instant::now(), transport_error(&error)),
                }
                Poll::Ready(())
            }
            Connection::Reading { body, buffer } => loop {
                let outcome = std::task::ready!(body.as_mut().poll_read(cx, buffer));
                let now = Instant::now();
                match outcome {
                    Ok(0) => {
                        *self = Connection::Idle;
                        machine.handle_end(now);
                    }
                    Ok(read) => machine.handle_data(now, buffer.get(..read).unwrap_or_default()),
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                    Err(error) => {
                        *self = Connection::Idle;
                        machine.handle_error(now, TransportError::new(error.to_string()));
                    }
                }
                return Poll::Ready(());
            },
        }
    }

    /// The response head arrived: the machine validates it; the body is kept for
    /// reading (an attempt the machine rejects is dropped by its next action).
    fn respond(&mut self, mut conn: Conn, machine: &mut ClientMachine) {
        let status = conn.status().map_or(0, |status| status as u16);
        let content_type = conn
            .response_headers()
            .get(KnownHeaderName::ContentType)
            .map(AsRef::as_ref);
        machine.handle_response(Instant::now(), status, content_type);
        if let Some(body) = conn.take_response_body() {
            *self = Connection::Reading {
                // An event stream has no length; the client's memory is bounded by the
                // decoder's limits instead of a body size limit.
                body: Box::pin(body.with_max_len(u64::MAX)),
                buffer: vec![0; READ_BUFFER].into_boxed_slice(),
            };
        }
    }
}

fn transport_error(error: &trillium_client::Error) -> TransportError {
    TransportError::new(error.to_string())
}
