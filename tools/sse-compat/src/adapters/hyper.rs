//! hyper 1, no framework: a `service_fn` that answers with sse-tokio's `SseBody`.

use std::convert::Infallible;
use std::net::TcpListener;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use sse_tokio::{BoxError, SseBody, request_last_event_id, sse_response};

use super::{tokio_listener, tokio_runtime};
use crate::scenario::Scenario;

type Body = BoxBody<Bytes, BoxError>;

/// Serves until the process is killed: one task per connection, HTTP/1.1.
pub fn serve(listener: TcpListener, scenario: Scenario) -> Result<(), String> {
    tokio_runtime()?.block_on(async move {
        let listener = tokio_listener(listener)?;
        loop {
            let (stream, _) = listener.accept().await.map_err(|e| e.to_string())?;
            let scenario = scenario.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let response = respond(&scenario, &request);
                    async move { Ok::<_, Infallible>(response) }
                });
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service);
                // A client that goes away mid-stream is no error of the server's.
                let _ = connection.await;
            });
        }
    })
}

fn respond(scenario: &Scenario, request: &Request<Incoming>) -> Response<Body> {
    match request.uri().path() {
        "/" => page(),
        "/events" => match scenario.connect(request_last_event_id(request)) {
            Ok(connection) => {
                let body = SseBody::new(connection, scenario.hub().stream_options());
                sse_response(body.map_err(BoxError::from).boxed())
            }
            Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        },
        _ => plain(StatusCode::NOT_FOUND, "not found".into()),
    }
}

fn page() -> Response<Body> {
    let mut response = Response::new(full(crate::PAGE.into()));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

fn plain(status: StatusCode, text: String) -> Response<Body> {
    let mut response = Response::new(full(text));
    *response.status_mut() = status;
    response
}

fn full(text: String) -> Body {
    Full::new(Bytes::from(text))
        .map_err(|never: Infallible| match never {})
        .boxed()
}
