//! Running the fan-out benchmark: one server process and one load generator per
//! (scenario, implementation), with a bounded wait on each.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::limits::FileLimit;
use super::scenario::{Measure, Scenario};
use crate::steps::cargo;

/// How long a server may take to print its ready line.
const READY_WAIT: Duration = Duration::from_secs(20);
/// How long the load generator may take to open its connections.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
/// Slack on top of the scenario's deadline and the connect timeout before the load
/// generator is killed.
const LOAD_SLACK: Duration = Duration::from_secs(30);

/// Whose implementation it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An adapter of this workspace.
    Ours,
    /// What users would otherwise pick.
    Peer,
    /// A framework serving a plain never-ending streaming body (no SSE logic): what
    /// the framework itself costs, measured in the idle scenarios only.
    Floor,
    /// The limit: bare TCP.
    Baseline,
}

impl Kind {
    /// Where rows of this kind go in tables and charts: ours, the floors, the peers,
    /// the baseline.
    pub fn order(self) -> u8 {
        match self {
            Kind::Ours => 0,
            Kind::Floor => 1,
            Kind::Peer => 2,
            Kind::Baseline => 3,
        }
    }
}

/// The floor implementation of one of ours: `ours-X` → `floor-X`.
pub fn floor_name(ours: &str) -> Option<String> {
    ours.strip_prefix("ours-")
        .map(|rest| format!("floor-{rest}"))
}

/// One implementation the server binary can run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Implementation {
    /// Its `--impl` name.
    pub name: String,
    pub kind: Kind,
    /// How the report names it.
    pub label: String,
}

/// The load generator's JSON line (see `tools/sse-fanout/src/bin/fanout-load`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub clients_wanted: usize,
    pub clients_connected: usize,
    pub connect_failures: usize,
    pub connect_seconds: f64,
    pub events: u64,
    pub frames: u64,
    pub frames_expected: u64,
    /// `complete`, `time_limit` or `connections_ended`.
    pub stop: String,
    pub elapsed_seconds: f64,
    pub deliveries_per_second: f64,
    pub server_cpu_seconds: f64,
    pub server_rss_before_kib: u64,
    pub server_rss_connected_kib: u64,
    pub server_rss_end_kib: u64,
    pub server_peak_kib: u64,
    pub load_cpu_seconds: f64,
    pub load_cpu_share: f64,
    pub latency_us: Option<Latency>,
    pub errors: Vec<String>,
}

/// Latency percentiles, µs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latency {
    pub count: usize,
    pub p50: u64,
    pub p99: u64,
    pub max: u64,
}

/// One (scenario, implementation) measurement, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub scenario: String,
    pub implementation: Implementation,
    pub outcome: Result<Outcome, String>,
}

/// The two release binaries.
#[derive(Debug, Clone)]
pub struct Binaries {
    server: PathBuf,
    load: PathBuf,
}

/// Builds the server and the load generator in release mode.
pub fn build(root: &Path, target: &Path) -> Result<Binaries, String> {
    let status = Command::new(cargo())
        .args(["build", "--release", "-p", "sse-fanout", "--bins"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building sse-fanout failed ({status})"));
    }
    let release = target.join("release");
    Ok(Binaries {
        server: release.join("fanout-server"),
        load: release.join("fanout-load"),
    })
}

/// The implementations the server binary was built with.
pub fn implementations(binaries: &Binaries) -> Result<Vec<Implementation>, String> {
    let output = Command::new(&binaries.server)
        .arg("--list")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binaries.server.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines().map(parse_implementation).collect()
}

/// `name<TAB>kind<TAB>label`.
fn parse_implementation(line: &str) -> Result<Implementation, String> {
    let mut fields = line.splitn(3, '\t');
    let (Some(name), Some(kind), Some(label)) = (fields.next(), fields.next(), fields.next())
    else {
        return Err(format!("bad implementation line `{line}`"));
    };
    let kind = match kind {
        "ours" => Kind::Ours,
        "peer" => Kind::Peer,
        "floor" => Kind::Floor,
        "baseline" => Kind::Baseline,
        other => return Err(format!("unknown kind `{other}` in `{line}`")),
    };
    Ok(Implementation {
        name: name.into(),
        kind,
        label: label.into(),
    })
}

/// What a server's ready line says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ready {
    port: u16,
    control: u16,
    /// The event stream's path, when not the default `/events`.
    path: Option<String>,
}

/// `ready port=P control=Q [path=/x?y]`.
fn parse_ready(line: &str) -> Option<Ready> {
    let rest = line.trim().strip_prefix("ready ")?;
    let mut port = None;
    let mut control = None;
    let mut path = None;
    for field in rest.split_ascii_whitespace() {
        match field.split_once('=') {
            Some(("port", value)) => port = value.parse().ok(),
            Some(("control", value)) => control = value.parse().ok(),
            Some(("path", value)) if value.starts_with('/') => path = Some(value.to_owned()),
            _ => {}
        }
    }
    Some(Ready {
        port: port?,
        control: control?,
        path,
    })
}

/// Where one run's processes log.
pub struct Logs<'a> {
    pub dir: &'a Path,
}

impl Logs<'_> {
    fn file(&self, scenario: &Scenario, implementation: &Implementation, who: &str) -> Stdio {
        let path = self.dir.join(format!(
            "{}-{}.{who}.log",
            scenario.key, implementation.name
        ));
        File::create(path).map_or_else(|_| Stdio::null(), Stdio::from)
    }
}

/// Measures one implementation in one scenario.
pub fn run(
    binaries: &Binaries,
    scenario: &Scenario,
    implementation: &Implementation,
    limit: &FileLimit,
    logs: &Logs<'_>,
) -> Result<Outcome, String> {
    let deadline_ms = scenario.deadline.as_millis().to_string();
    let lifetime = scenario.deadline + CONNECT_TIMEOUT + LOAD_SLACK * 2;
    let mut server = command(limit, &binaries.server)
        .args(["--impl", &implementation.name])
        .args(["--events", &scenario.events.to_string()])
        .args(["--size", &scenario.size.to_string()])
        .args(["--rate", &scenario.rate.to_string()])
        .args(["--duration-ms", &deadline_ms])
        .args(["--lifetime-s", &lifetime.as_secs().to_string()])
        .stdout(Stdio::piped())
        .stderr(logs.file(scenario, implementation, "server"))
        .spawn()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let outcome = drive(binaries, scenario, implementation, limit, logs, &mut server);
    // The server never exits by itself before its lifetime: end it now.
    let _ = server.kill();
    let _ = server.wait();
    outcome
}

fn drive(
    binaries: &Binaries,
    scenario: &Scenario,
    implementation: &Implementation,
    limit: &FileLimit,
    logs: &Logs<'_>,
    server: &mut Child,
) -> Result<Outcome, String> {
    let stdout = server.stdout.take().ok_or("no server stdout")?;
    let ready = first_line(stdout, READY_WAIT)
        .ok_or_else(|| "the server did not say it was ready (see its log)".to_owned())?;
    let ready = parse_ready(&ready).ok_or_else(|| format!("unexpected ready line `{ready}`"))?;
    let mut load = command(limit, &binaries.load);
    load.args(["--port", &ready.port.to_string()])
        .args(["--control", &ready.control.to_string()])
        .args(["--server-pid", &server.id().to_string()])
        .args(["--clients", &scenario.clients.to_string()])
        .args(["--path", ready.path.as_deref().unwrap_or("/events")])
        .args(["--events", &scenario.events.to_string()])
        .args(["--deadline-ms", &scenario.deadline.as_millis().to_string()])
        .args([
            "--connect-timeout-ms",
            &CONNECT_TIMEOUT.as_millis().to_string(),
        ]);
    match scenario.measure {
        Measure::Latency => {
            load.arg("--timestamps");
        }
        Measure::Idle => {
            load.args(["--settle-ms", "500"]);
        }
        Measure::Throughput => {}
    }
    let child = load
        .stdout(Stdio::piped())
        .stderr(logs.file(scenario, implementation, "load"))
        .spawn()
        .map_err(|e| format!("cannot start the load generator: {e}"))?;
    let output = wait_bounded(child, scenario.deadline + CONNECT_TIMEOUT + LOAD_SLACK)?;
    let line = output.lines().last().unwrap_or_default();
    serde_json::from_str(line).map_err(|e| format!("load generator said `{line}`: {e}"))
}

fn command(limit: &FileLimit, program: &Path) -> Command {
    match limit.prefix.split_first() {
        Some((first, rest)) => {
            let mut command = Command::new(first);
            command.args(rest).arg(program);
            command
        }
        None => Command::new(program),
    }
}

/// The first line of `stdout`, if it comes within `wait`.
fn first_line(stdout: impl Read + Send + 'static, wait: Duration) -> Option<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let mut reader = BufReader::new(stdout);
        if reader.read_line(&mut line).is_ok() {
            let _ = tx.send(line);
        }
        // Keep reading so the server never blocks on a full pipe.
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    rx.recv_timeout(wait).ok()
}

/// Waits for `child` to exit within `limit` (killing it otherwise) and returns its
/// stdout.
fn wait_bounded(mut child: Child, limit: Duration) -> Result<String, String> {
    let mut stdout = child.stdout.take().ok_or("no load generator stdout")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "the load generator ran over {limit:?} and was killed"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(format!("the load generator failed ({status}; see its log)"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_line() {
        let ready = |port, control, path: Option<&str>| Ready {
            port,
            control,
            path: path.map(str::to_owned),
        };
        assert_eq!(
            parse_ready("ready port=4000 control=4001\n"),
            Some(ready(4000, 4001, None))
        );
        assert_eq!(
            parse_ready("ready control=2 port=1"),
            Some(ready(1, 2, None))
        );
        assert_eq!(
            parse_ready("ready port=1 control=2 path=/subscribe?topics=bench"),
            Some(ready(1, 2, Some("/subscribe?topics=bench")))
        );
        assert_eq!(parse_ready("ready port=4000"), None);
        assert_eq!(parse_ready("listening on 4000"), None);
    }

    #[test]
    fn implementation_lines() {
        let line = "peer-axum\tpeer\taxum::response::sse + broadcast";
        let implementation = parse_implementation(line).unwrap();
        assert_eq!(implementation.kind, Kind::Peer);
        assert_eq!(implementation.label, "axum::response::sse + broadcast");
        assert!(parse_implementation("x\tfriend\ty").is_err());
        let floor = parse_implementation("floor-smol\tfloor\tfloor: trillium").unwrap();
        assert_eq!(floor.kind, Kind::Floor);
        assert_eq!(floor_name("ours-smol").as_deref(), Some("floor-smol"));
        assert_eq!(floor_name("peer-axum"), None);
        assert!(parse_implementation("x ours y").is_err());
    }

    #[test]
    fn outcome_reads_the_load_generators_json() {
        let json = r#"{"clients_wanted":10,"clients_connected":10,"connect_failures":0,
            "connect_seconds":0.01,"server_answer":"started subscribers=10","events":5,
            "frames":50,"frames_expected":50,"stop":"complete","elapsed_seconds":0.5,
            "deliveries_per_second":100.0,"server_cpu_seconds":0.02,
            "server_rss_before_kib":1000,"server_rss_connected_kib":1100,
            "server_rss_end_kib":1200,"server_peak_kib":1300,"load_cpu_seconds":0.01,
            "load_cpu_share":0.02,"latency_us":{"count":50,"p50":100,"p99":900,"max":1000},
            "errors":[]}"#;
        let outcome: Outcome = serde_json::from_str(json).unwrap();
        assert_eq!(outcome.stop, "complete");
        assert_eq!(outcome.latency_us.map(|l| l.p99), Some(900));
    }
}
