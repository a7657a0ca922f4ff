//! Decoding throughput: our `Decoder` side by side with peer crates and with a bare
//! `memchr2` line-end scan over the same chunks (the floor no parser can beat).
//!
//! `cargo bench -p sse-benches --bench decode -- --warm-up-time 1 --measurement-time 3`
//!
//! Each runner returns the number of events it dispatched; that number is checked
//! against the workload before timing, so a decoder that skips work cannot look fast.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sse_benches::runners::{DECODERS, memchr_scan};
use sse_benches::{Workload, workloads};

fn bench_workload(c: &mut Criterion, workload: &Workload) {
    let chunks = workload.chunks();
    let mut group = c.benchmark_group(workload.name);
    group.throughput(Throughput::Bytes(workload.stream.len() as u64));
    // The slowest peers take up to ~100 ms per run on the large event.
    group.sample_size(20);
    group.bench_function("memchr2_scan", |b| {
        b.iter(|| memchr_scan(black_box(&chunks)))
    });
    for (name, run) in DECODERS {
        let events = run(&chunks);
        if events != workload.events {
            eprintln!(
                "{name} dispatched {events} events of {} in {}; not timed",
                workload.events, workload.name
            );
            continue;
        }
        group.bench_function(name, |b| b.iter(|| run(black_box(&chunks))));
    }
    group.finish();
}

fn decode(c: &mut Criterion) {
    for workload in workloads() {
        bench_workload(c, &workload);
    }
}

criterion_group!(benches, decode);
criterion_main!(benches);
