//! poem: sse-poem's `Sse` (`IntoResponse`).

use std::io;
use std::net::TcpListener;

use poem::http::StatusCode;
use poem::listener::TcpAcceptor;
use poem::web::Html;
use poem::{EndpointExt, IntoResponse, Request, Response, Route, Server, get, handler};
use sse_core::http::LAST_EVENT_ID;
use sse_poem::Sse;

use crate::Site;

/// Serves `sse_poem::hub_endpoint(hub)` at `/events` until the process ends.
pub fn hub(listener: TcpListener, hub: sse_core::Hub) -> io::Result<()> {
    super::tokio_runtime(1)?.block_on(async move {
        listener.set_nonblocking(true)?;
        let acceptor = TcpAcceptor::from_std(listener)?;
        let app = Route::new().at("/events", get(sse_poem::hub_endpoint(hub)));
        Server::new_with_acceptor(acceptor).run(app).await
    })
}

/// Serves until the process ends.
pub fn serve(listener: TcpListener, site: Site) -> io::Result<()> {
    super::tokio_runtime(site.workers)?.block_on(async move {
        listener.set_nonblocking(true)?;
        let acceptor = TcpAcceptor::from_std(listener)?;
        let page = site.page.unwrap_or_default();
        let app = Route::new()
            .at("/", get(poem::endpoint::make_sync(move |_| Html(page))))
            .at("/events", get(events).data(site));
        Server::new_with_acceptor(acceptor).run(app).await
    })
}

#[handler]
fn events(request: &Request, site: poem::web::Data<&Site>) -> Response {
    let header = request.headers().get(LAST_EVENT_ID).map(|v| v.as_bytes());
    match site.events.respond(request.uri().query(), header) {
        Ok(response) => Sse::from(response).into_response(),
        Err(refusal) => refusal
            .message
            .with_status(StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST))
            .into_response(),
    }
}
