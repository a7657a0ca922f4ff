//! Ours on the other frameworks: `sse-actix`'s and `sse-warp`'s responders over a hub
//! subscription, and `sse-async-std`'s trillium body on async-std and on smol. Same
//! hub set-up as on tokio (every benchmark event in the window, 15 s keep-alive).

use std::io;
use std::net::TcpListener;
use std::sync::Arc;

use actix_web::{App, HttpServer, Responder, web};
use sse_async_std::SseConnExt;
use sse_core::hub::{Hub, TopicFilter};
use trillium::{Conn, Handler};
use warp::Filter;

use crate::control::{Bench, Subscribers};
use crate::sinks::{HubSink, bench_hub};

/// The hub and the subscriber count, shared by the handlers.
#[derive(Clone)]
struct Served {
    hub: Hub,
    subscribers: Arc<Subscribers>,
}

impl Served {
    fn start(bench: &Bench) -> io::Result<Served> {
        let hub = bench_hub(bench);
        bench.start_control(HubSink::new(hub.clone())?)?;
        Ok(Served {
            hub,
            subscribers: bench.subscribers(),
        })
    }
}

/// `sse_actix::Sse::subscribe` from an actix-web handler.
pub fn serve_actix(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let served = web::Data::new(Served::start(&bench)?);
    let workers = bench.workers();
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            App::new()
                .app_data(served.clone())
                .route("/events", web::get().to(actix_events))
        })
        .workers(workers)
        .backlog(4096)
        .max_connections(100_000)
        .listen(listener)?
        .run()
        .await
    })
}

async fn actix_events(
    served: web::Data<Served>,
) -> Result<impl Responder, sse_actix::SubscribeRefused> {
    served.subscribers.joined();
    sse_actix::Sse::subscribe(&served.hub, TopicFilter::all(), None)
}

/// `sse_warp::Sse::subscribe` in a warp filter.
pub fn serve_warp(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let served = Served::start(&bench)?;
    let route = warp::path("events").and(warp::get()).and_then(move || {
        served.subscribers.joined();
        let subscribed = sse_warp::Sse::subscribe(&served.hub, TopicFilter::all(), None)
            .map_err(|_| warp::reject::not_found());
        async move { subscribed }
    });
    crate::tokio_runtime(bench.workers())?.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        warp::serve(route).incoming(listener).run().await;
        Ok(())
    })
}

/// A trillium handler answering with `sse-async-std`'s body over a subscription.
struct TrilliumEvents(Served);

impl Handler for TrilliumEvents {
    async fn run(&self, conn: Conn) -> Conn {
        let Served { hub, subscribers } = &self.0;
        subscribers.joined();
        match hub.subscribe(TopicFilter::all()) {
            Ok(subscription) => conn.with_sse(subscription, hub.stream_options()),
            Err(_) => conn.with_status(503).halt(),
        }
    }
}

/// trillium on async-std (its global executor: one thread per core).
pub fn serve_async_std(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let handler = TrilliumEvents(Served::start(&bench)?);
    trillium_config!(trillium_async_std)
        .with_prebound_server(listener)
        .run(handler);
    Ok(())
}

/// trillium on smol (async-global-executor: one thread per core).
pub fn serve_smol(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let handler = TrilliumEvents(Served::start(&bench)?);
    let listener = async_net::TcpListener::try_from(listener)?;
    trillium_config!(trillium_smol)
        .with_prebound_server(listener)
        .run(handler);
    Ok(())
}

/// Connections trillium may hold: beyond any the benchmark opens (trillium's default,
/// 75 % of the soft open-file limit, would answer 503 to the idle scenario's last
/// quarter).
pub const TRILLIUM_MAX_CONNECTIONS: usize = 1_000_000;

/// A trillium runtime crate's `config()` for the benchmark (ours and the floor): no
/// signal handlers, no connection cap, the HTTP settings of [`trillium_http_config`].
/// (A macro: the config types of trillium-smol and trillium-async-std are not nameable.)
macro_rules! trillium_config {
    ($runtime:ident) => {
        $runtime::config()
            .without_signals()
            .with_max_connections(Some($crate::ours_frameworks::TRILLIUM_MAX_CONNECTIONS))
            .with_http_config($crate::ours_frameworks::trillium_http_config())
    };
}
pub(crate) use trillium_config;

/// The HTTP settings trillium serves with: `sse_async_std::http_config()`, which
/// users are told to use. `FANOUT_TRILLIUM_{CHUNK,RESPONSE_BUFFER,REQUEST_HEADERS,
/// RESPONSE_HEADERS}` override single fields (for sweeping them by hand).
pub fn trillium_http_config() -> trillium::HttpConfig {
    let knob = |name: &str| {
        std::env::var(format!("FANOUT_TRILLIUM_{name}"))
            .ok()
            .and_then(|value| value.parse::<usize>().ok())
    };
    let mut config = sse_async_std::http_config();
    if let Some(chunk) = knob("CHUNK") {
        config = config.with_body_write_chunk_len(chunk);
    }
    if let Some(len) = knob("RESPONSE_BUFFER") {
        config = config.with_response_buffer_len(len);
    }
    if let Some(count) = knob("REQUEST_HEADERS") {
        config = config.with_request_header_initial_capacity(count);
    }
    if let Some(count) = knob("RESPONSE_HEADERS") {
        config = config.with_response_header_initial_capacity(count);
    }
    config
}
