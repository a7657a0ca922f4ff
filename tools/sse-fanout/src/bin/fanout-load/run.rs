//! One measurement: connect, start, count until done or out of time, read /proc.

use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde::Serialize;
use sse_fanout::percentile::Summary;
use sse_fanout::procfs::{self, Memory};

use crate::connections::{self, Tally};
use crate::control;

/// How often the run loop looks at the tally.
const POLL: Duration = Duration::from_millis(2);

/// What to do.
#[derive(Debug, Clone)]
pub struct Plan {
    pub server: SocketAddr,
    /// The event stream's path (and query) on the server.
    pub path: String,
    pub control: SocketAddr,
    pub server_pid: u32,
    pub clients: usize,
    pub events: u64,
    pub deadline: Duration,
    pub connect_timeout: Duration,
    pub connect_parallelism: usize,
    pub timestamps: bool,
    pub settle: Duration,
    pub trace: bool,
}

/// Why counting stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// Every connection got every event.
    Complete,
    /// The deadline passed first.
    TimeLimit,
    /// Every connection ended first.
    ConnectionsEnded,
}

/// The JSON line printed at the end.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub clients_wanted: usize,
    pub clients_connected: usize,
    pub connect_failures: usize,
    pub connect_seconds: f64,
    pub server_answer: String,
    pub events: u64,
    pub frames: u64,
    pub frames_expected: u64,
    pub stop: Stop,
    /// From `POST /start` to the last frame counted.
    pub elapsed_seconds: f64,
    pub deliveries_per_second: f64,
    /// Server CPU time (user + system) over the same interval.
    pub server_cpu_seconds: f64,
    pub server_rss_before_kib: u64,
    pub server_rss_connected_kib: u64,
    pub server_rss_end_kib: u64,
    pub server_peak_kib: u64,
    /// This process's CPU time over the interval, and as a share of one core.
    pub load_cpu_seconds: f64,
    pub load_cpu_share: f64,
    pub latency_us: Option<Summary>,
    pub errors: Vec<String>,
}

pub async fn run(plan: Plan) -> io::Result<Outcome> {
    let before = procfs::memory(Some(plan.server_pid))?;
    let tally = Rc::new(Tally::new(plan.timestamps));
    let connect_started = Instant::now();
    let request = connections::request(&plan.path);
    connections::spawn(
        plan.server,
        &request,
        plan.clients,
        plan.connect_parallelism,
        &tally,
    );
    while tally.open.get() + tally.failed.get() < plan.clients
        && connect_started.elapsed() < plan.connect_timeout
    {
        tokio::time::sleep(POLL).await;
    }
    let connect_seconds = connect_started.elapsed().as_secs_f64();
    let connected = tally.open.get();
    let connected_memory = procfs::memory(Some(plan.server_pid))?;

    let server_cpu = procfs::cpu_time(Some(plan.server_pid))?;
    let load_cpu = procfs::cpu_time(None)?;
    let started = Instant::now();
    let server_answer = control::start(plan.control, connected).await?;
    let expected = plan.events * connected as u64;
    let mut next_trace = Duration::ZERO;
    let stop = loop {
        if tally.frames.get() >= expected {
            break Stop::Complete;
        }
        if started.elapsed() >= plan.deadline {
            break Stop::TimeLimit;
        }
        if tally.ended.get() >= connected {
            break Stop::ConnectionsEnded;
        }
        if plan.trace && started.elapsed() >= next_trace {
            eprintln!(
                "fanout-load: {:>8.3?} {:>10} frames",
                started.elapsed(),
                tally.frames.get()
            );
            next_trace += Duration::from_millis(100);
        }
        tokio::time::sleep(POLL).await;
    };
    let server_cpu = procfs::cpu_time(Some(plan.server_pid))?.since(&server_cpu);
    let load_cpu = procfs::cpu_time(None)?.since(&load_cpu);
    let elapsed = match (stop, tally.last_frame.get()) {
        (Stop::Complete, Some(last)) => last.saturating_duration_since(started),
        _ => started.elapsed(),
    };
    tokio::time::sleep(plan.settle).await;
    let end = procfs::memory(Some(plan.server_pid))?;
    Ok(outcome(
        &plan,
        &tally,
        Measured {
            connect_seconds,
            connected,
            server_answer,
            stop,
            elapsed,
            server_cpu,
            load_cpu,
            memory: [before, connected_memory, end],
        },
    ))
}

/// The numbers taken during a run.
struct Measured {
    connect_seconds: f64,
    connected: usize,
    server_answer: String,
    stop: Stop,
    elapsed: Duration,
    server_cpu: Duration,
    load_cpu: Duration,
    /// Before connecting, once connected, at the end.
    memory: [Memory; 3],
}

fn outcome(plan: &Plan, tally: &Tally, measured: Measured) -> Outcome {
    let [before, connected, end] = measured.memory;
    let elapsed = measured.elapsed.as_secs_f64();
    let frames = tally.frames.get();
    let per_second = |value: f64| if elapsed > 0.0 { value / elapsed } else { 0.0 };
    let latencies = tally.latencies.take();
    Outcome {
        clients_wanted: plan.clients,
        clients_connected: measured.connected,
        connect_failures: tally.failed.get(),
        connect_seconds: measured.connect_seconds,
        server_answer: measured.server_answer,
        events: plan.events,
        frames,
        frames_expected: plan.events * measured.connected as u64,
        stop: measured.stop,
        elapsed_seconds: elapsed,
        deliveries_per_second: per_second(frames as f64),
        server_cpu_seconds: measured.server_cpu.as_secs_f64(),
        server_rss_before_kib: before.rss_kib,
        server_rss_connected_kib: connected.rss_kib,
        server_rss_end_kib: end.rss_kib,
        server_peak_kib: end.peak_kib,
        load_cpu_seconds: measured.load_cpu.as_secs_f64(),
        load_cpu_share: per_second(measured.load_cpu.as_secs_f64()),
        latency_us: Summary::of(latencies),
        errors: tally.errors.take(),
    }
}
