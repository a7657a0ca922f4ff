//! Project automation, run as `cargo xtask <command>`.
//!
//! - `test`: everything CI runs, in order, stopping at the first failure: format check,
//!   clippy with warnings denied, the `no_std` build and tests of `sse-core`, every
//!   published crate's feature sets, every test and doc test, the docs (warnings
//!   denied), then the compatibility matrix.
//! - `features`: each published crate built with no default features, its defaults,
//!   and each feature alone (see `features.rs`).
//! - `compat`: every server adapter against every client (see `compat.rs`).
//! - `bench [--quick]`: the criterion benchmarks and the fan-out benchmark.

use std::process::ExitCode;

mod bench;
mod compat;
mod features;
mod steps;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match command {
        "test" => steps::test(rest),
        "compat" => compat::run(rest),
        "features" => features::run(rest),
        "bench" => bench::bench(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask <command>

commands:
  test     fmt check, clippy -D warnings, no_std build and tests, feature sets,
           all tests and doc tests, docs with warnings denied, compatibility
           matrix (what CI runs)
  features each published crate checked with no default features, its defaults
           and each feature alone [--package NAME]...
  compat   every server adapter × every client on one scripted scenario
           [--server NAME]... [--client NAME]... [--jobs N]
  bench    criterion benchmarks and the fan-out benchmark against the peers;
           `--quick` for a short run; report in target/bench-report/
  help     this text";
