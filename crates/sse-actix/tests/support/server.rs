//! An actix-web server on a loopback port, run on the test's actix system.

use std::net::SocketAddr;

use actix_web::dev::ServerHandle;
use actix_web::middleware::{Compress, Condition};
use actix_web::{App, HttpServer, web};

/// How the test server is set up.
#[derive(Clone, Copy, Default)]
pub struct Setup {
    /// Wrap the app in actix's `Compress` middleware.
    pub compress: bool,
    /// Keep actix's default of allowing half-closed connections.
    pub allow_half_closed: bool,
}

/// A running server; stopped when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    handle: ServerHandle,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Not awaited: the system ends with the test anyway.
        drop(self.handle.stop(false));
    }
}

/// Starts a one-worker server on 127.0.0.1 with the routes `configure` adds.
pub fn serve<F>(setup: Setup, configure: F) -> TestServer
where
    F: Fn(&mut web::ServiceConfig) + Send + Clone + 'static,
{
    let server = HttpServer::new(move || {
        App::new()
            .wrap(Condition::new(setup.compress, Compress::default()))
            .configure(configure.clone())
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(1)
    .h1_allow_half_closed(setup.allow_half_closed)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    TestServer { addr, handle }
}
