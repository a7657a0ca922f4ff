//! Peer: poem's own `poem::web::sse::SSE` over a `tokio::sync::broadcast` channel, as
//! in poem's SSE example: every subscriber's stream maps the channel's messages into
//! `poem::web::sse::Event`s (encoded per subscriber), with a 15 s keep-alive.

use std::io;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use poem::listener::TcpAcceptor;
use poem::web::sse::{Event, SSE};
use poem::{EndpointExt, Route, Server, get, handler};
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
    let peer = Arc::new(Peer {
        tx,
        subscribers: bench.subscribers(),
    });
    crate::tokio_runtime(bench.workers())?.block_on(async move {
        let acceptor = TcpAcceptor::from_std(listener)?;
        let app = Route::new().at("/events", get(events).data(peer));
        Server::new_with_acceptor(acceptor).run(app).await
    })
}

#[handler]
fn events(peer: poem::web::Data<&Arc<Peer>>) -> SSE {
    peer.subscribers.joined();
    let stream = BroadcastStream::new(peer.tx.subscribe())
        .filter_map(|message| message.ok().map(|text| Event::message(&*text)));
    SSE::new(stream).keep_alive(Duration::from_secs(15))
}
