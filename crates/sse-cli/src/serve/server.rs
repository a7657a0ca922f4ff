//! Running the server: bind, print the URL, serve until Ctrl-C or SIGTERM, then end
//! every stream and exit.

use std::future::Future;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use sse_core::hub::Hub;
use sse_redis::RedisHub;
use sse_tokio::server::Server;
use tokio::net::TcpListener;

use super::config::ServeConfig;
use super::hub::{build_hub, connect_redis};
use super::metrics::ServeMetrics;
use super::router::{redis_router_with_metrics, router_with_metrics};
use crate::exit::Failure;

/// How long open requests get to finish after a shutdown signal before the process
/// exits anyway (event streams end at once; this bounds slow uploads).
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// `sse serve`: binds `config`'s address, prints
/// `sse serve: listening on http://ADDR/ (open it in a browser)` (`https://` with TLS)
/// and serves until
/// SIGINT or SIGTERM.
pub async fn run(config: ServeConfig) -> Result<(), Failure> {
    let listener = TcpListener::bind(config.addr())
        .await
        .map_err(|e| bind_failure(config.addr(), &e))?;
    let local = listener
        .local_addr()
        .map_err(|e| Failure::runtime(format!("sse serve: {e}")))?;
    let served = match config.redis_url() {
        Some(url) => {
            let redis = connect_redis(url, config.hub_settings())
                .await
                .map_err(|e| Failure::runtime(format!("sse serve: {e}")))?;
            announce(local, &config);
            serve_redis(listener, Arc::new(redis), &config, shutdown_signal()).await
        }
        None => {
            let hub = build_hub(config.hub_settings());
            announce(local, &config);
            serve(listener, hub, &config, shutdown_signal()).await
        }
    };
    served.map_err(|e| Failure::runtime(format!("sse serve: {e}")))?;
    eprintln!("sse serve: stopped");
    Ok(())
}

/// Serves `hub` on `listener` until `shutdown` completes; then closes the hub (every
/// stream ends cleanly after the events already published) and waits up to
/// [`SHUTDOWN_GRACE`] for open requests.
pub async fn serve(
    listener: TcpListener,
    hub: Hub,
    config: &ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let metrics = ServeMetrics::new();
    let routes = router_with_metrics(hub.clone(), config, metrics.clone());
    serve_routes(listener, routes, metrics, hub, config, shutdown).await
}

/// [`serve`] for a hub shared through Redis ([`redis_router`](super::redis_router)).
pub async fn serve_redis(
    listener: TcpListener,
    redis: Arc<RedisHub>,
    config: &ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let hub = redis.hub().clone();
    let metrics = ServeMetrics::new();
    let routes = redis_router_with_metrics(redis, config, metrics.clone());
    serve_routes(listener, routes, metrics, hub, config, shutdown).await
}

async fn serve_routes(
    listener: TcpListener,
    routes: Router,
    metrics: ServeMetrics,
    hub: Hub,
    config: &ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let graceful = async move {
        shutdown.await;
        eprintln!("sse serve: shutting down");
        hub.close();
        let _ = stopping_tx.send(());
    };
    let mut server = Server::from_listener(listener).options(config.server_options().clone());
    metrics.watch_server(server.stats());
    if let Some(tls) = config.tls_config() {
        server = server.tls(Arc::clone(tls));
    }
    let served = server.serve_with_shutdown(routes, graceful);
    let deadline = async move {
        if stopping_rx.await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        result = served => result,
        () = deadline => {
            eprintln!("sse serve: requests still open after {SHUTDOWN_GRACE:?}; exiting");
            Ok(())
        }
    }
}

fn bind_failure(addr: SocketAddr, error: &io::Error) -> Failure {
    let hint = if error.kind() == io::ErrorKind::AddrInUse {
        " (something else listens there: choose another port with --addr, e.g. --addr 127.0.0.1:0)"
    } else {
        ""
    };
    Failure::runtime(format!("sse serve: cannot listen on {addr}: {error}{hint}"))
}

fn announce(local: SocketAddr, config: &ServeConfig) {
    let scheme = if config.tls_config().is_some() {
        "https"
    } else {
        "http"
    };
    let mut out = io::stdout().lock();
    let _ = writeln!(
        out,
        "sse serve: listening on {scheme}://{local}/ (open it in a browser)"
    );
    let _ = out.flush();
}

/// Completes on the first SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
