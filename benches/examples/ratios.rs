//! Quick side-by-side numbers without criterion: for each workload and decoder, the
//! best of a fixed number of timed runs (the minimum is the least disturbed by other
//! work on the machine), then our speed relative to each peer and to the memchr floor.
//! The decoders take turns within each round (three warm runs per turn), so a busy
//! spell on the machine hits them alike.
//!
//! `cargo run --release -p sse-benches --example ratios [ROUNDS [WORKLOAD]]`
//! (naming a workload runs only it: handy under a profiler).

use std::time::{Duration, Instant};

use sse_benches::runners::{DECODERS, Runner, memchr_scan};
use sse_benches::workloads;

/// The best of three back-to-back runs: the input and the decoder's buffers are
/// warm, as in a steady stream.
fn time(run: impl Fn() -> usize) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(run());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn mib_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / time.as_secs_f64() / f64::from(1 << 20)
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(30)
        .clamp(1, 10_000);
    let only = std::env::args().nth(2);
    for workload in workloads() {
        if only.as_deref().is_some_and(|name| name != workload.name) {
            continue;
        }
        let chunks = workload.chunks();
        let bytes = workload.stream.len();
        let mut floor = Duration::MAX;
        let mut times: Vec<(&str, Duration)> = DECODERS
            .iter()
            .map(|&(name, _)| (name, Duration::MAX))
            .collect();
        for round in 0..rounds {
            floor = floor.min(time(|| memchr_scan(&chunks)));
            for (slot, &(_, run)) in times.iter_mut().zip(DECODERS.iter()) {
                let run: Runner = run;
                // Slow peers get a few rounds only, so the whole run stays short.
                if round < 3 || slot.1 < Duration::from_millis(20) {
                    slot.1 = slot.1.min(time(|| run(&chunks)));
                }
            }
        }
        println!(
            "{} ({} bytes, {} events)",
            workload.name, bytes, workload.events
        );
        println!(
            "  {:<20} {:>10.0} MiB/s",
            "memchr2_scan",
            mib_per_s(bytes, floor)
        );
        let ours = times[0].1;
        for (name, time) in &times {
            println!(
                "  {name:<20} {:>10.0} MiB/s   ours is {:>6.2}x",
                mib_per_s(bytes, *time),
                time.as_secs_f64() / ours.as_secs_f64()
            );
        }
        println!(
            "  ours reaches {:.0}% of the memchr floor",
            100.0 * floor.as_secs_f64() / ours.as_secs_f64()
        );
    }
}
