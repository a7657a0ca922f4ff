//! `fanout-load`: the load generator of the fan-out benchmark. It holds `--clients`
//! connections to a `fanout-server` on loopback, tells it to start publishing, counts
//! the frames that arrive, and prints one JSON line: deliveries, elapsed time, the
//! server's CPU time and memory from /proc, its own CPU time (to show it is not the
//! bottleneck) and, with `--timestamps`, publish → receive latency percentiles.
//!
//! It is deliberately light: one thread, one read buffer shared by every connection,
//! frames counted with `memchr::memmem` over the raw bytes (after removing chunked
//! coding), no HTTP library.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

mod connections;
mod control;
mod run;

#[derive(Debug, Parser)]
#[command(about = "Load generator of the SSE fan-out benchmark.")]
struct Args {
    /// The server's event-stream port on 127.0.0.1.
    #[arg(long)]
    port: u16,
    /// The event stream's path (and query): what the server's ready line said.
    #[arg(long, default_value = "/events")]
    path: String,
    /// The server's control port on 127.0.0.1.
    #[arg(long)]
    control: u16,
    /// The server's process id (its CPU time and memory are read from /proc).
    #[arg(long)]
    server_pid: u32,
    /// Connections to hold.
    #[arg(long)]
    clients: usize,
    /// Events the server publishes (each connection should get them all).
    #[arg(long)]
    events: u64,
    /// Stop counting after this long, delivered or not.
    #[arg(long, default_value_t = 30_000)]
    deadline_ms: u64,
    /// Give up opening connections after this long.
    #[arg(long, default_value_t = 60_000)]
    connect_timeout_ms: u64,
    /// Connection attempts in flight at once.
    #[arg(long, default_value_t = 256)]
    connect_parallelism: usize,
    /// Read each event's publish timestamp and report latency percentiles.
    #[arg(long)]
    timestamps: bool,
    /// Wait this long after the last delivery before reading the server's memory.
    #[arg(long, default_value_t = 0)]
    settle_ms: u64,
    /// Print the frame count every 100 ms to stderr.
    #[arg(long)]
    trace: bool,
}

impl Args {
    fn plan(&self) -> run::Plan {
        run::Plan {
            server: SocketAddr::from((Ipv4Addr::LOCALHOST, self.port)),
            path: self.path.clone(),
            control: SocketAddr::from((Ipv4Addr::LOCALHOST, self.control)),
            server_pid: self.server_pid,
            clients: self.clients,
            events: self.events,
            deadline: Duration::from_millis(self.deadline_ms),
            connect_timeout: Duration::from_millis(self.connect_timeout_ms),
            connect_parallelism: self.connect_parallelism.max(1),
            timestamps: self.timestamps,
            settle: Duration::from_millis(self.settle_ms),
            trace: self.trace,
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match measure(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fanout-load: {error}");
            ExitCode::FAILURE
        }
    }
}

fn measure(args: &Args) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let local = tokio::task::LocalSet::new();
    let outcome = local.block_on(&runtime, run::run(args.plan()))?;
    let line = serde_json::to_string(&outcome).map_err(io::Error::other)?;
    println!("{line}");
    Ok(())
}
