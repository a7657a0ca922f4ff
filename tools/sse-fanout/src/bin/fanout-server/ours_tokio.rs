//! Ours on tokio: `sse-tokio`'s `SseBody` over a hub subscription, served by hyper 1
//! directly and by axum. The hub keeps every benchmark event in its window (so no
//! subscriber lags) and its default stream options (15 s keep-alive).

use std::io;
use std::net::TcpListener;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use sse_core::hub::{Hub, Subscription, TopicFilter};
use sse_tokio::{SseBody, sse_response};

use crate::control::{Bench, Subscribers};
use crate::sinks::{HubSink, bench_hub};

/// hyper 1's HTTP/1.1 connection, a `service_fn` answering every request with the
/// event stream.
pub fn serve_hyper(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let hub = bench_hub(&bench);
    bench.start_control(HubSink::new(hub.clone())?)?;
    let subscribers = bench.subscribers();
    crate::tokio_runtime(bench.workers())?.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        loop {
            let (socket, _) = listener.accept().await?;
            let (hub, subscribers) = (hub.clone(), subscribers.clone());
            tokio::spawn(async move {
                let service = service_fn(move |_request| {
                    let body = subscribe(&hub, &subscribers);
                    async move { body.map(sse_response) }
                });
                // A client that goes away ends the connection; nothing to report.
                let _ = hyper_builder()
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    })
}

/// hyper's HTTP/1.1 settings: its defaults, unless `FANOUT_HYPER_MAX_BUF` (bytes,
/// at least 8192) or `FANOUT_HYPER_WRITEV` (`true`/`false`) say otherwise (for trying
/// them by hand; the report runs the defaults).
pub fn hyper_builder() -> http1::Builder {
    let mut builder = http1::Builder::new();
    let knob = |name: &str| std::env::var(format!("FANOUT_HYPER_{name}")).ok();
    if let Some(max) = knob("MAX_BUF").and_then(|v| v.parse::<usize>().ok()) {
        builder.max_buf_size(max.max(8192));
    }
    if let Some(writev) = knob("WRITEV").and_then(|v| v.parse::<bool>().ok()) {
        builder.writev(writev);
    }
    builder
}

/// axum's router with a handler returning the body (`IntoResponse`).
pub fn serve_axum(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let hub = bench_hub(&bench);
    bench.start_control(HubSink::new(hub.clone())?)?;
    let state = Arc::new((hub, bench.subscribers()));
    let app = Router::new()
        .route("/events", get(axum_events))
        .with_state(state);
    crate::tokio_runtime(bench.workers())?.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, app).await
    })
}

async fn axum_events(
    State(state): State<Arc<(Hub, Arc<Subscribers>)>>,
) -> Result<SseBody<Subscription>, StatusCode> {
    let (hub, subscribers) = &*state;
    subscribe(hub, subscribers).map_err(|_| StatusCode::SERVICE_UNAVAILABLE)
}

fn subscribe(
    hub: &Hub,
    subscribers: &Subscribers,
) -> Result<SseBody<Subscription>, sse_core::hub::SubscribeError> {
    subscribers.joined();
    SseBody::subscribe(hub, TopicFilter::all(), None)
}
