//! Benchmarks live in `benches/`; see `cargo bench -p sse-benches`.
