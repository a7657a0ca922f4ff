//! Headless Chromium driven through its DevTools HTTP endpoint (`/json/list`): pages
//! mirror their state in the tab title, so no WebSocket client is needed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::TIMEOUT;
use super::http::get;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Chromium, killed and its profile removed when dropped.
pub struct Browser {
    child: Child,
    profile: PathBuf,
}

impl Browser {
    pub fn open(url: &str) -> Browser {
        Browser::open_with(url, &[])
    }

    /// [`Browser::open`] with extra Chromium flags.
    pub fn open_with(url: &str, flags: &[&str]) -> Browser {
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let profile =
            std::env::temp_dir().join(format!("sse-cli-chromium-{}-{stamp}", std::process::id()));
        std::fs::create_dir_all(&profile).unwrap();
        let child = Command::new(CHROMIUM)
            .args(sse_testkit::chromium::HEADLESS_FLAGS)
            .arg("--remote-debugging-port=0")
            .args(flags)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        Browser { child, profile }
    }

    /// The DevTools port, from the file Chromium writes into its profile.
    pub fn devtools_port(&self) -> u16 {
        let file = self.profile.join("DevToolsActivePort");
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Ok(text) = std::fs::read_to_string(&file)
                && let Some(port) = text.lines().next().and_then(|l| l.trim().parse().ok())
            {
                return port;
            }
            assert!(
                Instant::now() < deadline,
                "chromium wrote no DevToolsActivePort"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// The title of the tab showing `url_prefix`, if there is one yet.
    pub fn title(&self, port: u16, url_prefix: &str) -> Option<String> {
        let addr = format!("127.0.0.1:{port}").parse().unwrap();
        let pages = get(addr, "/json/list", &[]).json();
        pages
            .as_array()?
            .iter()
            .find(|p| {
                p["type"] == "page" && p["url"].as_str().is_some_and(|u| u.starts_with(url_prefix))
            })
            .and_then(|p| p["title"].as_str().map(str::to_owned))
    }

    /// Waits until the tab's title satisfies `check`; returns it.
    pub fn wait_for_title(
        &self,
        port: u16,
        url_prefix: &str,
        what: &str,
        check: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + TIMEOUT;
        let mut last = None;
        loop {
            if let Some(title) = self.title(port, url_prefix) {
                if check(&title) {
                    return title;
                }
                last = Some(title);
            }
            assert!(
                Instant::now() < deadline,
                "the page never showed {what}; last title: {last:?}"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Whether the test can run: Chromium is there, or the reason it is skipped. In CI a
/// missing Chromium is a failure.
pub fn chromium_available() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "chromium is not installed at {CHROMIUM}, and CI is set: install the `chromium` package"
        );
    }
    eprintln!("skipped: chromium not installed (no {CHROMIUM})");
    false
}
