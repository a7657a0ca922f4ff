//! Workloads and decoder runners shared by the benchmarks of `sse-core`.
//!
//! - `cargo bench -p sse-benches --bench decode`: criterion, decode throughput of our
//!   `Decoder` and of the peer crates (`eventsource-stream`, `sse-stream`, `sseer`,
//!   `russe`), with a bare `memchr` newline count as the floor.
//! - `cargo bench -p sse-benches --bench encode`: criterion, encode throughput.
//! - `cargo run --release -p sse-benches --example ratios`: the same decoders taking
//!   turns, printed as ratios (steadier than absolute numbers on a busy machine).
//!
//! Every decoder is given the same bytes (about 4 MiB per workload) in the same
//! 16 KiB chunks, as a socket would deliver them, reads each event's data, and must
//! find every event (checked before timing and by the tests of [`runners`]).

use bytes::Bytes;

pub mod runners;

/// Size of the chunks a stream is fed in.
pub const CHUNK: usize = 16 << 10;

/// Size a workload's stream is made about.
const STREAM: usize = 4 << 20;

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

/// Repeats the event `make(n)` for n = 0, 1, … until the stream has about
/// [`STREAM`] bytes.
fn repeated(name: &'static str, make: impl Fn(usize) -> Vec<u8>) -> Workload {
    let mut stream = Vec::with_capacity(STREAM + (1 << 20) + 64);
    let mut events = 0;
    while stream.len() < STREAM {
        stream.extend_from_slice(&make(events));
        events += 1;
    }
    Workload {
        name,
        stream,
        events,
    }
}

/// A small event of about 100 bytes: an `id` and about 70 bytes of JSON data on one
/// line, with `ending` as the line ending.
fn small_event(n: usize, ending: &str) -> Vec<u8> {
    format!(
        "id: {n}{ending}data: {{\"seq\":{n:08},\"price\":101.25,\"qty\":300,\"sym\":\"ACME\",\"venue\":\"XNAS\",\"side\":\"buy\"}}{ending}{ending}"
    )
    .into_bytes()
}

/// Events of about 100 bytes, lines ended by LF.
pub fn small_lf() -> Workload {
    repeated("small_lf", |n| small_event(n, "\n"))
}

/// Events of about 100 bytes, lines ended by CR LF.
pub fn small_crlf() -> Workload {
    repeated("small_crlf", |n| small_event(n, "\r\n"))
}

/// A `data:` line of `len` bytes of text, and the blank line.
fn one_line_event(len: usize) -> Vec<u8> {
    let mut event = b"data: ".to_vec();
    event.extend((0..len).map(|i| b"abcdefghijklmnopqrstuvwxyz0123456789"[i % 36]));
    event.extend_from_slice(b"\n\n");
    event
}

/// Events whose data is one 64 KiB line (each spans several chunks).
pub fn line_64k() -> Workload {
    repeated("line_64k", |_| one_line_event(64 << 10))
}

/// Events whose data is one 1 MiB line.
pub fn line_1m() -> Workload {
    repeated("line_1m", |_| one_line_event(1 << 20))
}

/// Events of 20 data lines of 60 bytes each.
pub fn multiline_20() -> Workload {
    repeated("multiline_20", |n| {
        let mut event = Vec::new();
        for row in 0..20 {
            event.extend_from_slice(
                format!("data: | row {row:02} | {n:08} | lorem ipsum dolor sit amet, co |\n")
                    .as_bytes(),
            );
        }
        event.push(b'\n');
        event
    })
}

/// All decode workloads.
pub fn workloads() -> Vec<Workload> {
    vec![
        small_lf(),
        line_64k(),
        multiline_20(),
        small_crlf(),
        line_1m(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workloads_have_the_sizes_they_are_named_for() {
        for workload in workloads() {
            assert!(workload.stream.len() >= STREAM, "{}", workload.name);
            let mean = workload.stream.len() / workload.events;
            let expected = match workload.name {
                "small_lf" | "small_crlf" => 90..=130,
                "multiline_20" => 1150..=1300,
                "line_64k" => (64 << 10)..=(65 << 10),
                _ => (1 << 20)..=(1 << 20) + 64,
            };
            assert!(
                expected.contains(&mean),
                "{}: {mean} bytes per event",
                workload.name
            );
        }
    }
}
