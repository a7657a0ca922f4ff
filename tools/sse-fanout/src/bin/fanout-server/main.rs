//! `fanout-server`: serves `GET /events` as an event stream with one SSE implementation
//! (see `--impl`), and publishes the benchmark's events when the load generator says
//! `POST /start` on the control port. Prints `ready port=P control=Q` once listening.
//!
//! Every implementation gets the same runtime shape: `--workers` threads for the HTTP
//! side (2: the machine's cores), one publisher thread, one control thread.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};

mod baseline;
mod control;
mod floors;
mod ours_frameworks;
mod ours_tokio;
mod peer_actix;
mod peer_axum;
mod peer_warp;
mod publisher;
mod sinks;

use control::Bench;
use publisher::Plan;

/// The implementations this server can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Implementation {
    /// sse-tokio's `SseBody` over a hub subscription, on hyper 1.
    OursHyper,
    /// sse-tokio's `SseBody` over a hub subscription, from an axum handler.
    OursAxum,
    /// sse-actix's `Sse` responder over a hub subscription.
    OursActix,
    /// sse-warp's `Sse` reply over a hub subscription.
    OursWarp,
    /// sse-async-std's trillium body over a hub subscription, on async-std.
    OursAsyncStd,
    /// sse-async-std's trillium body over a hub subscription, on smol.
    OursSmol,
    /// A bare tokio TCP server writing pre-encoded frames to every socket.
    Baseline,
    /// axum's own `axum::response::sse::Sse` fed by `tokio::sync::broadcast`.
    PeerAxum,
    /// warp's `warp::sse` fed by `tokio::sync::broadcast`.
    PeerWarp,
    /// actix-web-lab's `sse::Sse` fed by `tokio::sync::broadcast`.
    PeerActixWebLab,
    /// hyper 1's floor: a never-ending `StreamBody` of pre-encoded frames.
    FloorHyper,
    /// axum's floor: `Body::from_stream` of pre-encoded frames.
    FloorAxum,
    /// actix-web's floor: `HttpResponse::streaming` of pre-encoded frames.
    FloorActix,
    /// warp's floor: `warp::reply::stream` of pre-encoded frames.
    FloorWarp,
    /// trillium on async-std's floor: `Body::new_streaming` of pre-encoded frames.
    FloorAsyncStd,
    /// trillium on smol's floor: `Body::new_streaming` of pre-encoded frames.
    FloorSmol,
}

impl Implementation {
    /// Whose it is: `ours`, `peer`, `floor` or `baseline`.
    fn kind(self) -> &'static str {
        match self {
            Implementation::OursHyper
            | Implementation::OursAxum
            | Implementation::OursActix
            | Implementation::OursWarp
            | Implementation::OursAsyncStd
            | Implementation::OursSmol => "ours",
            Implementation::Baseline => "baseline",
            Implementation::PeerAxum
            | Implementation::PeerWarp
            | Implementation::PeerActixWebLab => "peer",
            Implementation::FloorHyper
            | Implementation::FloorAxum
            | Implementation::FloorActix
            | Implementation::FloorWarp
            | Implementation::FloorAsyncStd
            | Implementation::FloorSmol => "floor",
        }
    }

    /// How the report names it.
    fn label(self) -> &'static str {
        match self {
            Implementation::OursHyper => "sse-tokio on hyper (hub)",
            Implementation::OursAxum => "sse-tokio on axum (hub)",
            Implementation::OursActix => "sse-actix on actix-web (hub)",
            Implementation::OursWarp => "sse-warp on warp (hub)",
            Implementation::OursAsyncStd => "sse-async-std on trillium + async-std (hub)",
            Implementation::OursSmol => "sse-async-std on trillium + smol (hub)",
            Implementation::Baseline => "baseline: bare tokio TCP, pre-encoded frames",
            Implementation::PeerAxum => "axum::response::sse + broadcast",
            Implementation::PeerWarp => "warp::sse + broadcast",
            Implementation::PeerActixWebLab => "actix-web-lab sse + broadcast",
            Implementation::FloorHyper => "floor: hyper, plain streaming body",
            Implementation::FloorAxum => "floor: axum, plain streaming body",
            Implementation::FloorActix => "floor: actix-web, plain streaming body",
            Implementation::FloorWarp => "floor: warp, plain streaming body",
            Implementation::FloorAsyncStd => "floor: trillium + async-std, plain streaming body",
            Implementation::FloorSmol => "floor: trillium + smol, plain streaming body",
        }
    }
}

#[derive(Debug, Parser)]
#[command(about = "One SSE implementation under test, for the fan-out benchmark.")]
struct Args {
    /// Print the implementations (`name<TAB>kind<TAB>label` per line) and exit.
    #[arg(long)]
    list: bool,
    /// What serves the event stream.
    #[arg(long = "impl", value_enum, required_unless_present = "list")]
    implementation: Option<Implementation>,
    /// Events to publish after `POST /start`.
    #[arg(long, default_value_t = 1)]
    events: u64,
    /// Bytes of data per event (the publish timestamp, then padding).
    #[arg(long, default_value_t = 200)]
    size: usize,
    /// Events per second; 0 publishes back to back.
    #[arg(long, default_value_t = 0)]
    rate: u64,
    /// The publisher stops after this long even if events are left.
    #[arg(long, default_value_t = 30_000)]
    duration_ms: u64,
    /// The process exits after this long whatever happens (a safety net).
    #[arg(long, default_value_t = 300)]
    lifetime_s: u64,
    /// Threads serving HTTP.
    #[arg(long, default_value_t = 2)]
    workers: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let Some(implementation) = args.implementation.filter(|_| !args.list) else {
        list();
        return ExitCode::SUCCESS;
    };
    exit_after(Duration::from_secs(args.lifetime_s));
    match run(implementation, &args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fanout-server: {error}");
            ExitCode::FAILURE
        }
    }
}

fn list() {
    for implementation in Implementation::value_variants() {
        if let Some(name) = implementation.to_possible_value() {
            let (kind, label) = (implementation.kind(), implementation.label());
            println!("{}\t{kind}\t{label}", name.get_name());
        }
    }
}

fn run(implementation: Implementation, args: &Args) -> io::Result<()> {
    let listener = listen(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
    let plan = Plan {
        events: args.events,
        size: args.size,
        rate: args.rate,
        duration: Duration::from_millis(args.duration_ms),
    };
    let bench = Bench::new(listener.local_addr()?.port(), plan, args.workers);
    match implementation {
        Implementation::OursHyper => ours_tokio::serve_hyper(listener, bench),
        Implementation::OursAxum => ours_tokio::serve_axum(listener, bench),
        Implementation::OursActix => ours_frameworks::serve_actix(listener, bench),
        Implementation::OursWarp => ours_frameworks::serve_warp(listener, bench),
        Implementation::OursAsyncStd => ours_frameworks::serve_async_std(listener, bench),
        Implementation::OursSmol => ours_frameworks::serve_smol(listener, bench),
        Implementation::Baseline => baseline::serve(listener, bench),
        Implementation::PeerAxum => peer_axum::serve(listener, bench),
        Implementation::PeerWarp => peer_warp::serve(listener, bench),
        Implementation::PeerActixWebLab => peer_actix::serve(listener, bench),
        Implementation::FloorHyper => floors::serve_hyper(listener, bench),
        Implementation::FloorAxum => floors::serve_axum(listener, bench),
        Implementation::FloorActix => floors::serve_actix(listener, bench),
        Implementation::FloorWarp => floors::serve_warp(listener, bench),
        Implementation::FloorAsyncStd => floors::serve_async_std(listener, bench),
        Implementation::FloorSmol => floors::serve_smol(listener, bench),
    }
}

/// A non-blocking listener with a backlog deep enough for ten thousand connections
/// arriving at once (std's default is 128).
fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.set_reuseaddr(true)?;
        socket.bind(addr)?;
        socket.listen(4096)?.into_std()
    })
}

/// Ends the process after `lifetime`, so a forgotten server never lingers.
fn exit_after(lifetime: Duration) {
    std::thread::spawn(move || {
        std::thread::sleep(lifetime);
        eprintln!("fanout-server: lifetime of {lifetime:?} is over, exiting");
        std::process::exit(3);
    });
}

/// A multi-threaded tokio runtime with `workers` threads, I/O and timers.
fn tokio_runtime(workers: usize) -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers.max(1))
        .enable_all()
        .build()
}
