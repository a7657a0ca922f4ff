//! How the workspace's tests and the compat matrix start headless Chromium.

/// The flags every headless Chromium of the tests runs with: no window, no sandbox
/// (tests run as root), no GPU, no QUIC (loopback HTTP only), and none of the
/// background traffic a first run would start. Add `--user-data-dir` (a fresh
/// profile per browser) and the page's URL.
pub const HEADLESS_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
