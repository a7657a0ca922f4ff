//! The shared behaviour suite against `sse_poem::hub_endpoint`.

use std::io;
use std::net::TcpListener;

use poem::listener::TcpAcceptor;
use poem::{Route, Server, get};
use sse_core::Hub;

/// Serves the hub endpoint at `/events` on `listener`, on a tokio runtime of its own.
fn serve(listener: TcpListener, hub: Hub) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let acceptor = TcpAcceptor::from_std(listener)?;
        let app = Route::new().at("/events", get(sse_poem::hub_endpoint(hub)));
        Server::new_with_acceptor(acceptor).run(app).await
    })
}

sse_testkit::behaviour_suite!(serve);
