//! The `sse` command: listen to, decode and serve Server-Sent Events.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::process::ExitCode;

use clap::Parser;

pub mod cli;
pub mod decode;
pub mod exit;
pub mod listen;
pub mod output;
pub mod serve;
pub mod units;

use cli::{Cli, Command};
use exit::Failure;

/// Runs the command line of the process and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{failure}");
            failure.exit_code()
        }
    }
}

/// Runs one command.
pub fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Decode(args) => decode::run(&args),
        Command::Serve(args) => {
            let config = serve::ServeConfig::from_args(&args)
                .map_err(|e| Failure::usage(format!("sse serve: {e}")))?;
            runtime()?.block_on(serve::run(config))
        }
        Command::Listen(args) => runtime()?.block_on(listen::run(args)),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))
}
