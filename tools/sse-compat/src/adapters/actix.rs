//! actix-web: sse-actix's `Sse` responder and `LastEventId` extractor, on one worker.

use std::net::TcpListener;

use actix_web::http::StatusCode;
use actix_web::{App, Either, HttpResponse, HttpServer, web};
use sse_actix::{LastEventId, Sse};
use sse_core::response::SseResponse;

use crate::scenario::{Connection, Scenario};

/// Serves until the process is killed.
pub fn serve(listener: TcpListener, scenario: Scenario) -> Result<(), String> {
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(scenario.clone()))
                .route("/", web::get().to(page))
                .route("/events", web::get().to(events))
        })
        .workers(1)
        .disable_signals()
        // Event-stream clients never half-close: drop the body as soon as one leaves.
        .h1_allow_half_closed(false)
        .listen(listener)
        .map_err(|e| format!("listen: {e}"))?;
        server.run().await.map_err(|e| e.to_string())
    })
}

async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(crate::PAGE)
}

async fn events(
    scenario: web::Data<Scenario>,
    LastEventId(last): LastEventId,
) -> Either<Sse<Connection>, HttpResponse> {
    match scenario.connect(last) {
        Ok(connection) => {
            let options = scenario.hub().stream_options().clone();
            Either::Left(Sse::from(SseResponse::with_options(connection, options)))
        }
        Err(e) => Either::Right(
            HttpResponse::build(StatusCode::INTERNAL_SERVER_ERROR).body(e.to_string()),
        ),
    }
}
