//! Peer: actix-web-lab's `sse::Sse` over a `tokio::sync::broadcast` channel: every
//! subscriber's stream maps messages into `sse::Event`s (encoded per subscriber), with
//! a 15 s keep-alive like the other implementations.

use std::io;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, HttpServer, Responder, web};
use actix_web_lab::sse;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::control::{Bench, Subscribers};
use crate::sinks::{Text, TextSink, channel};

struct Peer {
    tx: broadcast::Sender<Text>,
    subscribers: Arc<Subscribers>,
}

pub fn serve(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let tx = channel::<Text>(bench.events());
    bench.start_control(TextSink(tx.clone()))?;
    let peer = web::Data::new(Peer {
        tx,
        subscribers: bench.subscribers(),
    });
    let workers = bench.workers();
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            App::new()
                .app_data(peer.clone())
                .route("/events", web::get().to(events))
        })
        .workers(workers)
        .backlog(4096)
        .max_connections(100_000)
        .listen(listener)?
        .run()
        .await
    })
}

async fn events(peer: web::Data<Peer>) -> impl Responder {
    peer.subscribers.joined();
    let stream = BroadcastStream::new(peer.tx.subscribe()).filter_map(|message| {
        let text = message.ok()?;
        Some(sse::Event::Data(sse::Data::new(text.to_string())))
    });
    sse::Sse::from_infallible_stream(stream).with_keep_alive(Duration::from_secs(15))
}
