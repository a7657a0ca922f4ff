//! The matrix's columns: how each client is found and run against a scenario server.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use super::collector::Collector;
use super::process::{Guard, tail};

/// The Python column's interpreter: the venv's, which has `requirements.txt`.
const PYTHON: &str = "xtask/compat/.venv/bin/python";

/// One column of the matrix.
#[derive(Debug, Clone)]
pub enum Client {
    /// A Rust client in `sse-compat-client`, by its `--client` name.
    Rust(String),
    /// `curl -N`, its bytes decoded by `sse-compat-client --client curl`.
    Curl,
    /// The npm `eventsource` package under Node (`xtask/compat/node-client.mjs`).
    Node,
    /// Headless Chromium's `EventSource` (`xtask/compat/page.html`).
    Chromium,
    /// The lenient decoders of the openai SDK and httpx-sse over httpx, in the venv
    /// `xtask/compat/.venv` (`xtask/compat/python-client.py`).
    Python,
}

/// A column with its tool: found, or missing with the reason.
pub struct Column {
    pub client: Client,
    pub tool: Result<PathBuf, String>,
}

/// What running a client needs: the compat binaries and the repository paths.
pub struct Bed {
    pub server: PathBuf,
    pub client: PathBuf,
    pub root: PathBuf,
    /// Only one browser at a time: on two cores, parallel browsers only slow each
    /// other down.
    pub browser: Mutex<()>,
}

impl Client {
    /// The column header.
    pub fn name(&self) -> String {
        match self {
            Client::Rust(name) => name.clone(),
            Client::Curl => "curl".into(),
            Client::Node => "node".into(),
            Client::Chromium => "chromium".into(),
            Client::Python => "python".into(),
        }
    }

    /// Finds the tool this client needs.
    pub fn locate(&self, bed: &Bed) -> Result<PathBuf, String> {
        match self {
            Client::Rust(_) => Ok(bed.client.clone()),
            Client::Curl => runs("curl", "curl"),
            Client::Node => {
                let node = runs("node", "node")?;
                let package = bed
                    .root
                    .join("xtask/compat/node_modules/eventsource/package.json");
                if !package.is_file() {
                    return Err("npm eventsource (run `npm ci --prefix xtask/compat`)".into());
                }
                Ok(node)
            }
            Client::Chromium => {
                let named = std::env::var("CHROMIUM").ok();
                named
                    .iter()
                    .map(String::as_str)
                    .chain(["chromium", "chromium-browser", "google-chrome"])
                    .find_map(|name| runs(name, "chromium").ok())
                    .ok_or_else(|| "chromium".into())
            }
            Client::Python => {
                let python = bed.root.join(PYTHON);
                let imports = Command::new(&python)
                    .args(["-c", "import httpx, httpx_sse, openai"])
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
                match imports {
                    Ok(status) if status.success() => Ok(python),
                    _ => Err("python venv (run `python3 -m venv xtask/compat/.venv && \
                              xtask/compat/.venv/bin/pip install -r xtask/compat/requirements.txt`)"
                        .into()),
                }
            }
        }
    }

    /// Runs the scenario against the server at `base` (`http://host:port`) and
    /// returns the client's record.
    pub fn run(
        &self,
        tool: &Path,
        bed: &Bed,
        base: &str,
        deadline: Instant,
    ) -> Result<String, String> {
        let events = format!("{base}/events");
        let command = match self {
            Client::Rust(name) => compat_client(bed, name, &events),
            Client::Curl => compat_client(bed, "curl", &events),
            Client::Node => {
                let mut command = Command::new(tool);
                command
                    .arg(bed.root.join("xtask/compat/node-client.mjs"))
                    .arg(&events);
                command
            }
            Client::Python => {
                let mut command = Command::new(tool);
                command
                    .arg(bed.root.join("xtask/compat/python-client.py"))
                    .arg(&events);
                command
            }
            Client::Chromium => return run_browser(tool, bed, base, deadline),
        };
        let finished = Guard::spawn(&self.name(), command)?.finish(deadline)?;
        if !finished.status.success() {
            return Err(format!(
                "client {}{}",
                finished.status,
                tail(&finished.stderr)
            ));
        }
        Ok(finished.stdout)
    }
}

fn compat_client(bed: &Bed, name: &str, url: &str) -> Command {
    let mut command = Command::new(&bed.client);
    command.args(["--client", name, "--url", url]);
    command
}

/// Opens the page in a fresh headless Chromium and waits for the record it posts.
fn run_browser(tool: &Path, bed: &Bed, base: &str, deadline: Instant) -> Result<String, String> {
    let _one_at_a_time = bed.browser.lock().unwrap_or_else(|e| e.into_inner());
    let collector = Collector::bind()?;
    let profile = Profile::create()?;
    let mut command = Command::new(tool);
    command
        .args(sse_testkit::chromium::HEADLESS_FLAGS)
        .arg(format!("--user-data-dir={}", profile.0.display()))
        .arg(format!("{base}/?collect={}", collector.url()));
    let mut browser = Guard::spawn("chromium", command)?;
    collector.receive(deadline, || browser.check_running())
}

/// A fresh Chromium profile directory, removed on drop.
struct Profile(PathBuf);

impl Profile {
    fn create() -> Result<Profile, String> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "sse-compat-chromium-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).map_err(|e| format!("profile dir: {e}"))?;
        Ok(Profile(path))
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `Ok(program)` if `program --version` runs and succeeds; `Err(tool)` otherwise.
fn runs(program: &str, tool: &str) -> Result<PathBuf, String> {
    let status = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match status {
        Ok(status) if status.success() => Ok(PathBuf::from(program)),
        _ => Err(tool.to_owned()),
    }
}
