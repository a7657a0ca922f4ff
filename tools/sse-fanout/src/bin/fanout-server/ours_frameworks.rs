//! Ours on the other frameworks: `sse-actix`'s and `sse-warp`'s responders over a hub
//! subscription, and `sse-async-std`'s trillium body on async-std and on smol. Same
//! hub set-up as on tokio (every benchmark event in the window, 15 s keep-alive).

use std::io;
use std::net::TcpListener;
use std::sync::Arc;

use actix_web::{App, HttpServer, Responder, web};
use sse_async_std::SseConnExt;
use sse_core::hub::{Hub, TopicFilter};
use sse_core::subscribe::SubscribeRequest;
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

/// `sse_actix::Sse` of a hub subscription from an actix-web handler.
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
) -> Result<impl Responder, sse_actix::SseRejection> {
    served.subscribers.joined();
    let request = SubscribeRequest::new(TopicFilter::all(), None);
    Ok(sse_actix::Sse::from(request.subscribe(&served.hub)?))
}

/// `sse_warp::Sse` of a hub subscription in a warp filter.
pub fn serve_warp(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let served = Served::start(&bench)?;
    let route = warp::path("events").and(warp::get()).and_then(move || {
        served.subscribers.joined();
        let subscribed = SubscribeRequest::new(TopicFilter::all(), None)
            .subscribe(&served.hub)
            .map(sse_warp::Sse::from)
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
    trillium_async_std::config()
        .with_prebound_server(listener)
        .without_signals()
        .run(handler);
    Ok(())
}

/// trillium on smol (async-global-executor: one thread per core).
pub fn serve_smol(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let handler = TrilliumEvents(Served::start(&bench)?);
    let listener = async_net::TcpListener::try_from(listener)?;
    trillium_smol::config()
        .with_prebound_server(listener)
        .without_signals()
        .run(handler);
    Ok(())
}
