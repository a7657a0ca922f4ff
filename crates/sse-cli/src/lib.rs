//! The `sse` command: listen to, decode and serve Server-Sent Events.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::process::ExitCode;

use clap::Parser;

pub mod cli;
pub mod decode;
pub mod exit;
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
        Command::Listen(_) | Command::Serve(_) => Err(Failure::runtime("not yet")),
    }
}
