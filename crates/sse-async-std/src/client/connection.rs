//! The I/O a [`ClientDriver`](sse_core::ClientDriver) asks of the futures-io client:
//! one request at a time through trillium-client, its response body, an `async-io`
//! timer.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use futures_io::AsyncRead;
use sse_core::TransportError;
use sse_core::client::{ClientIo, ClientRequest, Progress, ResponseHead};
use trillium_client::{Client, Conn, KnownHeaderName, Method, ResponseBody};

/// How many bytes are read from the response body at a time.
const READ_BUFFER: usize = 16 * 1024;

type Request = Pin<Box<dyn Future<Output = trillium_client::Result<Conn>> + Send>>;

/// The futures-io client's side of the drive loop.
pub(super) struct Http {
    client: Client,
    connection: Connection,
    buffer: Box<[u8]>,
    timer: async_io::Timer,
    armed: Option<Instant>,
}

/// The state of the current attempt.
#[derive(Default)]
enum Connection {
    /// No attempt: waiting to reconnect, or stopped.
    #[default]
    Idle,
    /// The request is sent or being sent; waiting for the response head.
    Requesting(Request),
    /// Reading the response body.
    Reading(Pin<Box<ResponseBody<'static>>>),
}

impl fmt::Debug for Http {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.connection {
            Connection::Idle => "Idle",
            Connection::Requesting(_) => "Requesting",
            Connection::Reading { .. } => "Reading",
        })
    }
}

impl Http {
    /// A stream holds its connection, so the client's connection reuse is off.
    pub(super) fn new(client: Client) -> Self {
        Http {
            client: client.without_keepalive(),
            connection: Connection::Idle,
            buffer: vec![0; READ_BUFFER].into_boxed_slice(),
            timer: async_io::Timer::never(),
            armed: None,
        }
    }

    /// The trillium request for `request`.
    fn conn(&self, request: &ClientRequest) -> Result<Conn, TransportError> {
        let method = Method::try_from(request.method()).map_err(|_| {
            TransportError::new(format!("trillium cannot send method {}", request.method()))
        })?;
        let mut conn = self.client.build_conn(method, request.url().clone());
        // The request's headers replace the client's defaults of the same name
        // (trillium sends `accept: */*`); a name repeated in the request is sent twice.
        let headers = conn.request_headers_mut();
        for (index, (name, value)) in request.headers().enumerate() {
            let repeated = request.headers().take(index).any(|(seen, _)| seen == name);
            if repeated {
                headers.append(name.to_owned(), value.to_vec());
            } else {
                headers.insert(name.to_owned(), value.to_vec());
            }
        }
        if !request.body_bytes().is_empty() {
            conn = conn.with_body(request.body_bytes().to_vec());
        }
        Ok(conn)
    }
}

impl ClientIo for Http {
    fn connect(&mut self, request: &ClientRequest) -> Result<(), TransportError> {
        self.connection = Connection::Idle;
        let conn = self.conn(request)?;
        self.connection =
            Connection::Requesting(Box::pin(std::future::IntoFuture::into_future(conn)));
        Ok(())
    }

    fn disconnect(&mut self) {
        self.connection = Connection::Idle;
    }

    fn poll_progress(&mut self, cx: &mut Context<'_>) -> Poll<Progress<'_>> {
        match &mut self.connection {
            Connection::Idle => Poll::Pending,
            Connection::Requesting(request) => match std::task::ready!(request.as_mut().poll(cx)) {
                Ok(mut conn) => {
                    let head = head(&conn);
                    self.connection = match conn.take_response_body() {
                        // An event stream has no length; the client's memory is
                        // bounded by the decoder's limits instead.
                        Some(body) => Connection::Reading(Box::pin(body.with_max_len(u64::MAX))),
                        None => Connection::Idle,
                    };
                    Poll::Ready(Progress::Head(head))
                }
                Err(error) => {
                    self.connection = Connection::Idle;
                    Poll::Ready(Progress::Failed(transport_error(error)))
                }
            },
            Connection::Reading(body) => loop {
                match std::task::ready!(body.as_mut().poll_read(cx, &mut self.buffer)) {
                    Ok(0) => {
                        self.connection = Connection::Idle;
                        return Poll::Ready(Progress::End);
                    }
                    Ok(read) => {
                        let bytes = self.buffer.get(..read).unwrap_or_default();
                        return Poll::Ready(Progress::Data(bytes));
                    }
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                    Err(error) => {
                        self.connection = Connection::Idle;
                        return Poll::Ready(Progress::Failed(TransportError::new(error)));
                    }
                }
            },
        }
    }

    fn poll_sleep(&mut self, cx: &mut Context<'_>, deadline: Instant) -> Poll<()> {
        if self.armed != Some(deadline) {
            self.timer.set_at(deadline);
            self.armed = Some(deadline);
        }
        std::task::ready!(Pin::new(&mut self.timer).poll(cx));
        self.armed = None;
        Poll::Ready(())
    }

    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// What the driver needs of the response head.
fn head(conn: &Conn) -> ResponseHead {
    let headers = conn.response_headers();
    let raw = |name| {
        headers
            .get(name)
            .map(|value: &trillium_client::HeaderValue| value.as_ref().to_vec())
    };
    ResponseHead {
        status: conn.status().map_or(0, |status| status as u16),
        content_type: raw(KnownHeaderName::ContentType),
        location: raw(KnownHeaderName::Location),
    }
}

/// The failure with its cause: trillium's I/O variant is transparent (it has no
/// `source`), so the `io::Error` itself is kept for callers to match its kind.
fn transport_error(error: trillium_client::Error) -> TransportError {
    match error {
        trillium_client::Error::Io(error) => TransportError::new(error),
        other => TransportError::new(other),
    }
}
