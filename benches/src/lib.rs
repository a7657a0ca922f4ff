//! Workloads and decoder runners shared by the benchmarks of `sse-core`.
//!
//! - `cargo bench -p sse-benches --bench decode`: criterion, decode throughput of our
//!   `Decoder` and of the peer crates (`eventsource-stream`, `sse-stream`, `sseer`,
//!   `russe`), with a bare `memchr` newline count as the floor.
//! - `cargo bench -p sse-benches --bench encode`: criterion, encode throughput.
//! - `cargo run --release -p sse-benches --example ratios`: the same decoders taking
//!   turns, printed as ratios (steadier than absolute numbers on a busy machine).
//!
//! Every decoder is given the same bytes in the same 8 KiB chunks, as a socket
//! would deliver them, and must find every event (checked before timing and by the
//! tests of [`runners`]).

use bytes::Bytes;

pub mod runners;

/// Size of the chunks a stream is fed in.
pub const CHUNK: usize = 8 << 10;

/// A named decode workload: the stream and the number of events in it.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Short name, used as the benchmark group name.
    pub name: &'static str,
    /// The whole stream.
    pub stream: Vec<u8>,
    /// How many events a correct decoder dispatches from it.
    pub events: usize,
}

impl Workload {
    /// The stream cut into [`CHUNK`]-byte pieces.
    pub fn chunks(&self) -> Vec<Bytes> {
        self.stream
            .chunks(CHUNK)
            .map(Bytes::copy_from_slice)
            .collect()
    }
}

/// 10 000 events, each an `id` and about 50 bytes of data on one line.
pub fn small_events() -> Workload {
    let mut stream = Vec::new();
    let events = 10_000;
    for n in 0..events {
        let line =
            format!("id: {n}\ndata: {{\"seq\":{n:06},\"price\":101.25,\"sym\":\"ACME\"}}\n\n");
        stream.extend_from_slice(line.as_bytes());
    }
    Workload {
        name: "small_events",
        stream,
        events,
    }
}

/// One event whose data is a single 1 MiB line.
pub fn large_event() -> Workload {
    let mut stream = b"event: snapshot\ndata: ".to_vec();
    stream.extend((0..1 << 20).map(|i| b"abcdefghijklmnopqrstuvwxyz0123456789"[i % 36]));
    stream.extend_from_slice(b"\n\n");
    Workload {
        name: "large_event",
        stream,
        events: 1,
    }
}

/// 500 events of 64 data lines of about 60 bytes each.
pub fn multiline_events() -> Workload {
    let mut stream = Vec::new();
    let events = 500;
    for n in 0..events {
        stream.extend_from_slice(format!("event: table\nid: {n}\n").as_bytes());
        for row in 0..64 {
            let line =
                format!("data: | row {row:02} | {n:08} | lorem ipsum dolor sit amet consec |\n");
            stream.extend_from_slice(line.as_bytes());
        }
        stream.push(b'\n');
    }
    Workload {
        name: "multiline_events",
        stream,
        events,
    }
}

/// All decode workloads.
pub fn workloads() -> Vec<Workload> {
    vec![small_events(), large_event(), multiline_events()]
}
