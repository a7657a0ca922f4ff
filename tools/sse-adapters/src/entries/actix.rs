//! actix-web: sse-actix's `Sse` responder.

use std::io;
use std::net::TcpListener;

use actix_web::http::StatusCode;
use actix_web::{App, Either, HttpRequest, HttpResponse, HttpServer, web};
use sse_actix::Sse;
use sse_core::http::LAST_EVENT_ID;

use crate::{BoxSource, Site};

/// Serves `sse_actix::hub_endpoint(hub)` at `/events` until the process ends.
pub fn hub(listener: TcpListener, hub: sse_core::Hub) -> io::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || App::new().route("/events", sse_actix::hub_endpoint(hub.clone())))
            .workers(1)
            .disable_signals()
            .h1_allow_half_closed(false)
            .listen(listener)?
            .run()
            .await
    })
}

/// Serves until the process ends.
pub fn serve(listener: TcpListener, site: Site) -> io::Result<()> {
    let workers = site.workers;
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(site.clone()))
                .route("/", web::get().to(page))
                .route("/events", web::get().to(events))
        })
        .workers(workers)
        .backlog(4096)
        .max_connections(100_000)
        .disable_signals()
        // Event-stream clients never half-close: drop the body as soon as one leaves.
        .h1_allow_half_closed(false)
        .listen(listener)?
        .run()
        .await
    })
}

async fn page(site: web::Data<Site>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(site.page.unwrap_or_default())
}

async fn events(
    site: web::Data<Site>,
    request: HttpRequest,
) -> Either<Sse<BoxSource>, HttpResponse> {
    let query = Some(request.query_string()).filter(|q| !q.is_empty());
    let header = request.headers().get(LAST_EVENT_ID).map(|v| v.as_bytes());
    match site.events.respond(query, header) {
        Ok(response) => {
            let (source, options) = response.into_parts();
            Either::Left(Sse::new(source).with_options(options))
        }
        Err(refusal) => {
            let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
            Either::Right(HttpResponse::build(status).body(refusal.message))
        }
    }
}
