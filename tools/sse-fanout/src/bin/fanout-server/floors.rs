//! Each framework's own floor: the same framework, set up as for our adapter, serving a
//! trivial never-ending streaming body (the broadcast channel's pre-encoded frames as
//! they come, with no SSE logic: no encoding, no keep-alive timer, no hub). The idle
//! scenario's "ours over the floor" is what our adapter adds to a connection on top of
//! what the framework itself costs.

use std::io;
use std::net::TcpListener;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use actix_web::{App, HttpResponse, HttpServer, web};
use axum::Router;
use axum::extract::State;
use bytes::Bytes;
use futures_util::Stream;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use trillium::{Conn, Handler};
use warp::Filter;

use crate::control::{Bench, Subscribers};
use crate::sinks::{FrameSink, channel};

const CONTENT_TYPE: &str = "text/event-stream";

/// The channel every floor subscribes to, and the subscriber count.
#[derive(Clone)]
struct Floor {
    tx: broadcast::Sender<Bytes>,
    subscribers: Arc<Subscribers>,
}

impl Floor {
    fn start(bench: &Bench) -> io::Result<Floor> {
        let tx = channel::<Bytes>(bench.events());
        bench.start_control(FrameSink(tx.clone()))?;
        Ok(Floor {
            tx,
            subscribers: bench.subscribers(),
        })
    }

    fn frames(&self) -> Frames {
        self.subscribers.joined();
        Frames(Mutex::new(BroadcastStream::new(self.tx.subscribe())))
    }
}

/// The channel's frames as a `Send + Sync` stream of byte chunks (warp wants `Sync`; the
/// mutex is never contended: polling goes through `get_mut`). Lagging skips frames.
struct Frames(Mutex<BroadcastStream<Bytes>>);

impl Stream for Frames {
    type Item = Result<Bytes, io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let inner = self
            .get_mut()
            .0
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        loop {
            match Pin::new(&mut *inner).poll_next(cx) {
                Poll::Ready(Some(Ok(frame))) => return Poll::Ready(Some(Ok(frame))),
                Poll::Ready(Some(Err(_lagged))) => continue,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// hyper 1's HTTP/1.1 connection with ours' settings, a `StreamBody` of frames.
pub fn serve_hyper(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let floor = Floor::start(&bench)?;
    crate::tokio_runtime(bench.workers())?.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        loop {
            let (socket, _) = listener.accept().await?;
            let floor = floor.clone();
            tokio::spawn(async move {
                let service = service_fn(move |_request| {
                    let body = hyper_body(floor.frames());
                    async move {
                        hyper::Response::builder()
                            .header("content-type", CONTENT_TYPE)
                            .body(body)
                    }
                });
                // A client that goes away ends the connection; nothing to report.
                let _ = crate::tuning::hyper_builder()
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    })
}

fn hyper_body(
    frames: Frames,
) -> http_body_util::StreamBody<
    impl Stream<Item = Result<hyper::body::Frame<Bytes>, io::Error>> + Send + Sync,
> {
    use futures_util::StreamExt;
    http_body_util::StreamBody::new(frames.map(|frame| frame.map(hyper::body::Frame::data)))
}

/// axum's router, a handler returning `Body::from_stream`.
pub fn serve_axum(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let floor = Floor::start(&bench)?;
    let app = Router::new()
        .route("/events", axum::routing::get(axum_events))
        .with_state(floor);
    crate::tokio_runtime(bench.workers())?.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, app).await
    })
}

async fn axum_events(State(floor): State<Floor>) -> axum::response::Response {
    let mut response = axum::response::Response::new(axum::body::Body::from_stream(floor.frames()));
    response.headers_mut().insert(
        "content-type",
        axum::http::HeaderValue::from_static(CONTENT_TYPE),
    );
    response
}

/// actix-web, `HttpResponse::streaming`.
pub fn serve_actix(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let floor = web::Data::new(Floor::start(&bench)?);
    let workers = bench.workers();
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            App::new()
                .app_data(floor.clone())
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

async fn actix_events(floor: web::Data<Floor>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .streaming(floor.frames())
}

/// warp, `warp::reply::stream`.
pub fn serve_warp(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let floor = Floor::start(&bench)?;
    let route = warp::path("events").and(warp::get()).map(move || {
        warp::reply::with_header(
            warp::reply::stream(floor.frames()),
            "content-type",
            CONTENT_TYPE,
        )
    });
    crate::tokio_runtime(bench.workers())?.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        warp::serve(route).incoming(listener).run().await;
        Ok(())
    })
}

/// A trillium handler answering with `Body::new_streaming` of the frames.
struct TrilliumFloor(Floor);

impl Handler for TrilliumFloor {
    async fn run(&self, conn: Conn) -> Conn {
        use futures_util::TryStreamExt;
        let body = trillium::Body::new_streaming(self.0.frames().into_async_read(), None);
        conn.with_response_header("content-type", CONTENT_TYPE)
            .with_status(200)
            .with_body(body)
            .halt()
    }
}

/// trillium on async-std, configured as ours is (`trillium_config!`).
pub fn serve_async_std(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let handler = TrilliumFloor(Floor::start(&bench)?);
    crate::tuning::trillium_config!(trillium_async_std)
        .with_prebound_server(listener)
        .run(handler);
    Ok(())
}

/// trillium on smol, configured as ours is (`trillium_config!`).
pub fn serve_smol(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let handler = TrilliumFloor(Floor::start(&bench)?);
    let listener = async_net::TcpListener::try_from(listener)?;
    crate::tuning::trillium_config!(trillium_smol)
        .with_prebound_server(listener)
        .run(handler);
    Ok(())
}
