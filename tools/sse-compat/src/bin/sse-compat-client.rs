//! `sse-compat-client --client NAME --url URL`: runs the compat scenario with one of
//! the Rust clients (or the curl driver) and prints the record, one line per event.
//! `--list` prints the Rust clients' names.

use std::process::ExitCode;

use sse_compat::clients::{RUST_CLIENTS, find};

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sse-compat-client: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut client = None;
    let mut url = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--list" => {
                for (name, _) in RUST_CLIENTS {
                    println!("{name}");
                }
                return Ok(());
            }
            "--client" => client = args.next(),
            "--url" => url = args.next(),
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    let name = client.ok_or("--client NAME is required (see --list)")?;
    let url = url.ok_or("--url URL is required")?;
    let run = find(&name).ok_or_else(|| format!("no client named `{name}`"))?;
    for line in run(&url)? {
        println!("{line}");
    }
    Ok(())
}
