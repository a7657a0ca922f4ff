//! Peer: axum's own `axum::response::sse::Sse` over a `tokio::sync::broadcast` channel,
//! the way axum's examples and most axum applications do it: every subscriber's stream
//! maps the channel's messages into `axum::response::sse::Event`s (encoded per
//! subscriber), with axum's default keep-alive.

use std::convert::Infallible;
use std::io;
use std::net::TcpListener;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::Stream;
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
    let app = Router::new().route("/events", get(events)).with_state(peer);
    crate::tokio_runtime(bench.workers())?.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, app).await
    })
}

async fn events(
    State(peer): State<Arc<Peer>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    peer.subscribers.joined();
    let stream = BroadcastStream::new(peer.tx.subscribe())
        .filter_map(|message| message.ok().map(|text| Ok(Event::default().data(&*text))));
    Sse::new(stream).keep_alive(KeepAlive::default())
}
