//! Peer: warp's `warp::sse` over a `tokio::sync::broadcast` channel, as in warp's
//! chat example: every subscriber's stream maps messages into `warp::sse::Event`s
//! (a `String` each, encoded per subscriber), with warp's default keep-alive.

use std::convert::Infallible;
use std::io;
use std::net::TcpListener;

use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use warp::Filter;

use crate::control::Bench;
use crate::sinks::{Text, TextSink, channel};

pub fn serve(listener: TcpListener, bench: Bench) -> io::Result<()> {
    let tx = channel::<Text>(bench.events());
    bench.start_control(TextSink(tx.clone()))?;
    let subscribers = bench.subscribers();
    let route = warp::path("events").and(warp::get()).map(move || {
        subscribers.joined();
        let stream = BroadcastStream::new(tx.subscribe()).filter_map(|message| {
            let text = message.ok()?;
            Some(Ok::<_, Infallible>(
                warp::sse::Event::default().data(text.to_string()),
            ))
        });
        warp::sse::reply(warp::sse::keep_alive().stream(stream))
    });
    crate::tokio_runtime(bench.workers())?.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        warp::serve(route).incoming(listener).run().await;
        Ok(())
    })
}
