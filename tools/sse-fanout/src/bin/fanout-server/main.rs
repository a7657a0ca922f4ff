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
use sse_adapters::{ADAPTERS, Adapter};

mod baseline;
mod control;
mod floors;
mod ours;
mod own_server;
mod peer_actix;
mod peer_axum;
mod peer_poem;
mod peer_warp;
mod publisher;
mod sinks;
mod tuning;

use control::Bench;
use publisher::Plan;

/// The implementations besides the entries of the one adapter list (`ours-NAME`):
/// ours on our own server, the peers, the floors and the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Other {
    /// `sse serve` as the binary runs it (its routes and server, lean writer).
    OursServe,
    /// A bare tokio TCP server writing pre-encoded frames to every socket.
    Baseline,
    /// axum's own `axum::response::sse::Sse` fed by `tokio::sync::broadcast`.
    PeerAxum,
    /// warp's `warp::sse` fed by `tokio::sync::broadcast`.
    PeerWarp,
    /// actix-web-lab's `sse::Sse` fed by `tokio::sync::broadcast`.
    PeerActixWebLab,
    /// poem's own `poem::web::sse::SSE` fed by `tokio::sync::broadcast`.
    PeerPoem,
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

impl Other {
    /// Whose it is: `peer`, `floor` (the framework alone, no SSE logic) or `baseline`.
    fn kind(self) -> &'static str {
        match self {
            Other::OursServe => "ours",
            Other::Baseline => "baseline",
            Other::PeerAxum | Other::PeerWarp | Other::PeerActixWebLab | Other::PeerPoem => "peer",
            Other::FloorHyper
            | Other::FloorAxum
            | Other::FloorActix
            | Other::FloorWarp
            | Other::FloorAsyncStd
            | Other::FloorSmol => "floor",
        }
    }

    /// How the report names it.
    fn label(self) -> &'static str {
        match self {
            Other::OursServe => "`sse serve` (its own server, lean writer)",
            Other::Baseline => "baseline: bare tokio TCP, pre-encoded frames",
            Other::PeerAxum => "axum::response::sse + broadcast",
            Other::PeerWarp => "warp::sse + broadcast",
            Other::PeerActixWebLab => "actix-web-lab sse + broadcast",
            Other::PeerPoem => "poem::web::sse + broadcast",
            Other::FloorHyper => "floor: hyper, plain streaming body",
            Other::FloorAxum => "floor: axum, plain streaming body",
            Other::FloorActix => "floor: actix-web, plain streaming body",
            Other::FloorWarp => "floor: warp, plain streaming body",
            Other::FloorAsyncStd => "floor: trillium + async-std, plain streaming body",
            Other::FloorSmol => "floor: trillium + smol, plain streaming body",
        }
    }
}

/// What serves the event stream.
#[derive(Debug, Clone, Copy)]
enum Implementation {
    /// An adapter of the workspace over a hub subscription.
    Ours(&'static Adapter),
    /// A peer or the baseline.
    Other(Other),
}

/// `ours-NAME` for an adapter of the list, else a peer's or the baseline's name.
fn implementation(name: &str) -> Result<Implementation, String> {
    if let Some(adapter) = name.strip_prefix("ours-").and_then(sse_adapters::find) {
        return Ok(Implementation::Ours(adapter));
    }
    Other::from_str(name, false)
        .map(Implementation::Other)
        .map_err(|_| format!("unknown implementation `{name}` (see --list)"))
}

#[derive(Debug, Parser)]
#[command(about = "One SSE implementation under test, for the fan-out benchmark.")]
struct Args {
    /// Print the implementations (`name<TAB>kind<TAB>label` per line) and exit.
    #[arg(long)]
    list: bool,
    /// What serves the event stream.
    #[arg(long = "impl", value_parser = implementation, required_unless_present = "list")]
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
    for adapter in ADAPTERS {
        println!("ours-{}\tours\t{} (hub)", adapter.name, adapter.label);
    }
    for implementation in Other::value_variants() {
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
        Implementation::Ours(adapter) => ours::serve(adapter, listener, bench),
        Implementation::Other(Other::OursServe) => own_server::serve_sse_serve(listener, bench),
        Implementation::Other(Other::Baseline) => baseline::serve(listener, bench),
        Implementation::Other(Other::PeerAxum) => peer_axum::serve(listener, bench),
        Implementation::Other(Other::PeerWarp) => peer_warp::serve(listener, bench),
        Implementation::Other(Other::PeerActixWebLab) => peer_actix::serve(listener, bench),
        Implementation::Other(Other::PeerPoem) => peer_poem::serve(listener, bench),
        Implementation::Other(Other::FloorHyper) => floors::serve_hyper(listener, bench),
        Implementation::Other(Other::FloorAxum) => floors::serve_axum(listener, bench),
        Implementation::Other(Other::FloorActix) => floors::serve_actix(listener, bench),
        Implementation::Other(Other::FloorWarp) => floors::serve_warp(listener, bench),
        Implementation::Other(Other::FloorAsyncStd) => floors::serve_async_std(listener, bench),
        Implementation::Other(Other::FloorSmol) => floors::serve_smol(listener, bench),
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
