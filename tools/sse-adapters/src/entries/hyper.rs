//! hyper 1, no framework: a `service_fn` answering with sse-tokio's `SseBody`.

use std::convert::Infallible;
use std::io;
use std::net::TcpListener;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use sse_core::http::LAST_EVENT_ID;
use sse_tokio::{BoxError, Sse};

use crate::Site;

type Body = BoxBody<Bytes, BoxError>;

/// Serves `sse_tokio::hub_endpoint(hub)` (a tower service, here under hyper's
/// `service_fn`) on every path until the process ends.
pub fn hub(listener: TcpListener, hub: sse_core::Hub) -> io::Result<()> {
    use tower_service::Service;
    let endpoint = sse_tokio::hub_endpoint(hub);
    super::tokio_runtime(1)?.block_on(async move {
        let listener = super::tokio_listener(listener)?;
        loop {
            let (stream, _) = listener.accept().await?;
            let endpoint = endpoint.clone();
            tokio::spawn(async move {
                let service =
                    service_fn(move |request: Request<Incoming>| endpoint.clone().call(request));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

/// Serves until the process ends: one task per connection, HTTP/1.1.
pub fn serve(listener: TcpListener, site: Site) -> io::Result<()> {
    super::tokio_runtime(site.workers)?.block_on(async move {
        let listener = super::tokio_listener(listener)?;
        loop {
            let (stream, _) = listener.accept().await?;
            let site = site.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let response = respond(&site, &request);
                    async move { Ok::<_, Infallible>(response) }
                });
                // A client that goes away mid-stream is no error of the server's.
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

fn respond(site: &Site, request: &Request<Incoming>) -> Response<Body> {
    match (request.uri().path(), site.page) {
        ("/", Some(page)) => plain(StatusCode::OK, page.into(), "text/html; charset=utf-8"),
        ("/events", _) => {
            let header = request.headers().get(LAST_EVENT_ID).map(|v| v.as_bytes());
            match site.events.respond(request.uri().query(), header) {
                Ok(response) => http::Response::from(Sse::from(response))
                    .map(|body| body.map_err(BoxError::from).boxed()),
                Err(refusal) => {
                    let status =
                        StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
                    plain(status, refusal.message, "text/plain; charset=utf-8")
                }
            }
        }
        _ => plain(StatusCode::NOT_FOUND, "not found".into(), "text/plain"),
    }
}

fn plain(status: StatusCode, text: String, content_type: &'static str) -> Response<Body> {
    let body = Full::new(Bytes::from(text))
        .map_err(|never: Infallible| match never {})
        .boxed();
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    response
}
