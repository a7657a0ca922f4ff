//! The `sse` command (work in progress).

fn main() {}
