//! `cargo xtask compat`: every server adapter × every client, each cell running the
//! same scripted scenario (see `tools/sse-compat`), compared with
//! `xtask/compat/expected.txt`.
//!
//! The compat binaries are built once, in debug, in the usual target dir, by the same
//! command as the test step's build (so after it, nothing is rebuilt). The server
//! adapters are the ones `sse-compat-server --list` names, the Rust clients the ones
//! `sse-compat-client --list` names; curl, Node (npm `eventsource`), Python (the
//! openai SDK's and httpx-sse's decoders, in the venv `xtask/compat/.venv`) and
//! headless Chromium are added when found. A missing tool makes its column SKIP outside CI and
//! FAIL with `CI` set. Every cell runs its processes under a kill-on-drop guard with a
//! deadline, on loopback only; a few cells run at once.
//!
//! `cargo xtask compat [--server NAME]... [--client NAME]... [--jobs N]`

mod clients;
mod collector;
mod matrix;
mod process;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use self::clients::{Bed, Client, Column};
use self::matrix::Outcome;
use self::process::Guard;
use crate::steps::{cargo, workspace_root};

/// How long one cell may take, from starting its server to the client's record.
const CELL_DEADLINE: Duration = Duration::from_secs(20);
/// How long a server may take to print its address.
const START_DEADLINE: Duration = Duration::from_secs(10);
/// Cells run at once unless `--jobs` says otherwise.
const DEFAULT_JOBS: usize = 3;

/// Which cells to run.
struct Options {
    servers: Vec<String>,
    clients: Vec<String>,
    jobs: usize,
}

/// Builds the compat binaries, runs the matrix, prints it; `Err` if any cell failed.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let started = Instant::now();
    let root = workspace_root();
    let bed = build(&root)?;
    let built = started.elapsed();
    let expected = std::fs::read_to_string(root.join("xtask/compat/expected.txt"))
        .map_err(|e| format!("xtask/compat/expected.txt: {e}"))?;
    let servers = selected(list(&bed.server)?, &options.servers, "server")?;
    let mut clients: Vec<Client> = list(&bed.client)?.into_iter().map(Client::Rust).collect();
    clients.extend([Client::Curl, Client::Node, Client::Python, Client::Chromium]);
    let names: Vec<String> = clients.iter().map(Client::name).collect();
    let chosen = selected(names, &options.clients, "client")?;
    let columns: Vec<Column> = clients
        .into_iter()
        .filter(|c| chosen.contains(&c.name()))
        .map(|client| Column {
            tool: client.locate(&bed),
            client,
        })
        .collect();

    println!(
        "compat: {} servers × {} clients, {} at a time",
        servers.len(),
        columns.len(),
        options.jobs
    );
    let outcomes = run_cells(&bed, &servers, &columns, &expected, options.jobs);
    let names: Vec<String> = columns.iter().map(|c| c.client.name()).collect();
    let at = |s: usize, c: usize| {
        let cell = outcomes.get(s * columns.len() + c).cloned();
        cell.unwrap_or_else(|| Outcome::fail("not run"))
    };
    print!("\n{}", matrix::render(&servers, &names, at));
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let passed = count(|o| matches!(o, Outcome::Pass));
    let failed = count(|o| matches!(o, Outcome::Fail { .. }));
    let skipped = count(|o| matches!(o, Outcome::Skip { .. }));
    println!("\ncompat: {passed} passed, {failed} failed, {skipped} skipped");
    println!(
        "compat: took {:.1?} ({:.1?} building, {:.1?} running the cells)",
        started.elapsed(),
        built,
        started.elapsed() - built
    );
    if skipped > 0 {
        println!("compat: SKIPPED columns were not tested (their tool is missing here)");
    }
    match failed {
        0 => Ok(()),
        n => Err(format!("compat: {n} cell(s) failed")),
    }
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        servers: Vec::new(),
        clients: Vec::new(),
        jobs: DEFAULT_JOBS,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--server" => options.servers.push(value()?.clone()),
            "--client" => options.clients.push(value()?.clone()),
            "--jobs" => {
                options.jobs = value()?
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or("--jobs needs a positive number")?;
            }
            other => return Err(format!("compat: unexpected argument `{other}`")),
        }
    }
    Ok(options)
}

/// `all`, narrowed to `wanted` if any were named (each must exist).
fn selected(all: Vec<String>, wanted: &[String], what: &str) -> Result<Vec<String>, String> {
    if let Some(unknown) = wanted.iter().find(|w| !all.contains(w)) {
        return Err(format!(
            "no {what} named `{unknown}` (there are: {})",
            all.join(", ")
        ));
    }
    Ok(all
        .into_iter()
        .filter(|n| wanted.is_empty() || wanted.contains(n))
        .collect())
}

/// Builds the compat binaries (debug) and finds them.
///
/// They are built exactly as the test step builds the workspace (`cargo test
/// --workspace --all-features`, which builds a package's binaries for its integration
/// tests): the same features, so after that step this is a no-op instead of a second
/// build of every dependency under another feature set.
fn build(root: &Path) -> Result<Bed, String> {
    println!("compat: building (as the test step does)");
    let status = Command::new(cargo())
        .args([
            "test",
            "--quiet",
            "--workspace",
            "--all-features",
            "--no-run",
        ])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building sse-compat failed ({status})"));
    }
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(PathBuf::from(dir)),
        None => root.join("target"),
    };
    let bin = |name: &str| {
        let path = target
            .join("debug")
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        match path.is_file() {
            true => Ok(path),
            false => Err(format!("{} is missing after the build", path.display())),
        }
    };
    Ok(Bed {
        server: bin("sse-compat-server")?,
        client: bin("sse-compat-client")?,
        root: root.to_owned(),
        browser: Mutex::new(()),
    })
}

/// What `binary --list` prints, one name a line.
fn list(binary: &Path) -> Result<Vec<String>, String> {
    let output = Command::new(binary)
        .arg("--list")
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!("{} --list failed", binary.display()));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}

/// Runs every cell on `jobs` threads; outcomes in row-major order.
fn run_cells(
    bed: &Bed,
    servers: &[String],
    columns: &[Column],
    expected: &str,
    jobs: usize,
) -> Vec<Outcome> {
    let cells: VecDeque<Cell> = servers
        .iter()
        .flat_map(|server| columns.iter().map(move |column| (server.as_str(), column)))
        .enumerate()
        .map(|(index, (server, column))| Cell {
            index,
            server,
            column,
        })
        .collect();
    let total = cells.len();
    let queue = Mutex::new(cells);
    let results = Mutex::new(vec![Outcome::fail("not run"); total]);
    let ci = in_ci();
    thread::scope(|scope| {
        for _ in 0..jobs.min(total) {
            scope.spawn(|| {
                while let Some(Cell {
                    index,
                    server,
                    column,
                }) = next(&queue)
                {
                    let started = Instant::now();
                    let outcome = run_cell(bed, server, column, expected, ci);
                    println!(
                        "compat: {server:<10} × {:<10} {:<5} {:>7.2?}",
                        column.client.name(),
                        match outcome {
                            Outcome::Pass => "pass",
                            Outcome::Fail { .. } => "FAIL",
                            Outcome::Skip { .. } => "skip",
                        },
                        started.elapsed()
                    );
                    let mut results = results.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(slot) = results.get_mut(index) {
                        *slot = outcome;
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// One cell to run: its place in row-major order, its server and its column.
struct Cell<'a> {
    index: usize,
    server: &'a str,
    column: &'a Column,
}

fn next<'a>(queue: &Mutex<VecDeque<Cell<'a>>>) -> Option<Cell<'a>> {
    queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front()
}

/// One cell: a fresh server process, the client against it, the record compared.
fn run_cell(bed: &Bed, server: &str, column: &Column, expected: &str, ci: bool) -> Outcome {
    let tool = match &column.tool {
        Ok(tool) => tool,
        Err(missing) if ci => return Outcome::fail(format!("{missing} missing (CI)")),
        Err(missing) => {
            return Outcome::Skip {
                tool: missing.clone(),
            };
        }
    };
    let started = Instant::now();
    let mut command = Command::new(&bed.server);
    command.args(["--adapter", server, "--addr", "127.0.0.1:0"]);
    let (mut server_process, announced) =
        match Guard::spawn_announcing(server, command, started + START_DEADLINE) {
            Ok(running) => running,
            Err(e) => return Outcome::fail(e),
        };
    let Some(base) = announced
        .split_whitespace()
        .last()
        .filter(|b| b.starts_with("http://"))
    else {
        return Outcome::fail(format!("server announced {announced:?}, not its address"));
    };
    let outcome = match column.client.run(tool, bed, base, started + CELL_DEADLINE) {
        Ok(record) => matrix::compare(expected, &record),
        Err(e) => Outcome::fail(e),
    };
    // A server that died explains the failure better than what the client saw.
    match (outcome, server_process.check_running()) {
        (Outcome::Fail { details, .. }, Err(died)) => Outcome::Fail {
            reason: "server died".into(),
            details: format!("{died}\n      client: {details}"),
        },
        (outcome, _) => outcome,
    }
}

/// Whether this is a CI run (`CI` set, and not to `false` or `0`).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}
