//! The `sse` command; see the `sse_cli` library docs or `sse --help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    sse_cli::main()
}
