//! What the integration tests share: the two runtimes behind one interface, and
//! bounded waits.
#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use trillium::Handler;
use trillium_client::Client;

/// Every await in the tests is bounded by this; it is a hang guard, never an assertion
/// about speed.
pub const BOUND: Duration = Duration::from_secs(20);

/// The runtime a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    AsyncStd,
    Smol,
}

impl Runtime {
    pub const ALL: [Runtime; 2] = [Runtime::AsyncStd, Runtime::Smol];

    /// Runs `test` to completion on this runtime, failing if it takes longer than
    /// [`BOUND`].
    pub fn block_on<T, F: Future<Output = T>>(self, test: F) -> T {
        let bounded = async {
            let outcome = futures_lite::future::or(async { Some(test.await) }, async {
                async_io::Timer::after(BOUND).await;
                None
            })
            .await;
            outcome.unwrap_or_else(|| panic!("test did not finish within {BOUND:?} on {self:?}"))
        };
        match self {
            Runtime::AsyncStd => async_std::task::block_on(bounded),
            Runtime::Smol => smol::block_on(bounded),
        }
    }

    /// Serves `handler` on an ephemeral loopback port with this runtime's trillium
    /// adapter and the HTTP settings users are told to use ([`http_config`]); returns
    /// the address and a handle that stops the server when dropped.
    ///
    /// [`http_config`]: sse_async_std::http_config
    pub async fn serve(self, handler: impl Handler) -> Server {
        let handle = match self {
            Runtime::AsyncStd => trillium_async_std::config()
                .with_host("127.0.0.1")
                .with_port(0)
                .without_signals()
                .with_http_config(sse_async_std::http_config())
                .spawn(handler),
            Runtime::Smol => trillium_smol::config()
                .with_host("127.0.0.1")
                .with_port(0)
                .without_signals()
                .with_http_config(sse_async_std::http_config())
                .spawn(handler),
        };
        let info = handle.info().await;
        let addr = *info.tcp_socket_addr().expect("bound to a TCP port");
        Server { addr, handle }
    }

    /// An HTTP client on this runtime's connector.
    pub fn client(self) -> Client {
        match self {
            Runtime::AsyncStd => Client::new(trillium_async_std::ClientConfig::default()),
            Runtime::Smol => Client::new(trillium_smol::ClientConfig::default()),
        }
    }
}

/// A running test server.
pub struct Server {
    pub addr: SocketAddr,
    pub handle: trillium_server_common::ServerHandle,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.handle.shut_down());
    }
}

/// Polls `condition` until it holds, failing after [`BOUND`].
pub async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + BOUND;
    while !condition() {
        assert!(
            std::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        async_io::Timer::after(Duration::from_millis(10)).await;
    }
}
