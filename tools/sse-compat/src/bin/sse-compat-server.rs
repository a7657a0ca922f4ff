//! `sse-compat-server --adapter NAME --addr 127.0.0.1:0`: serves the compat scenario
//! over one adapter and prints `listening on http://ADDR` once it is bound.
//! `--list` prints the adapter names.

use std::io::Write;
use std::net::TcpListener;
use std::process::ExitCode;

use sse_compat::adapters;
use sse_compat::scenario::Scenario;

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sse-compat-server: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut adapter = None;
    let mut addr = String::from("127.0.0.1:0");
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--list" => {
                for name in adapters::names() {
                    println!("{name}");
                }
                return Ok(());
            }
            "--adapter" => adapter = args.next(),
            "--addr" => addr = args.next().ok_or("--addr needs a value")?,
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    let name = adapter.ok_or("--adapter NAME is required (see --list)")?;
    if !adapters::names().any(|known| known == name) {
        return Err(format!("no adapter named `{name}`"));
    }
    let listener = TcpListener::bind(&addr).map_err(|e| format!("bind {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on http://{bound}")
        .and_then(|()| stdout.flush())
        .map_err(|e| e.to_string())?;
    adapters::serve(&name, listener, Scenario::new()?)
}
