//! The demo page in headless Chromium: it subscribes with the browser's `EventSource`
//! and shows what is published over HTTP.
//!
//! The page mirrors its state in the tab title (`open · 1 event · DATA — sse hub`);
//! the test reads the title from Chromium's DevTools HTTP endpoint (`/json/list`), so
//! it needs no WebSocket client. Without Chromium the test says "skipped" (and fails
//! when `CI` is set).

mod harness;

use harness::browser::{Browser, chromium_available};
use harness::http::{get, publish};
use harness::process::Server;

#[test]
fn demo_page_shows_events_published_over_http() {
    if !chromium_available() {
        return;
    }
    let server = Server::start(&[]);
    let page = format!("{}/?topics=browser-test", server.base());
    let browser = Browser::open(&page);
    let port = browser.devtools_port();

    browser.wait_for_title(port, &page, "an open connection", |t| t.starts_with("open"));
    // The page's EventSource is a subscriber of the topic now.
    let status = get(server.addr, "/status", &[]).json();
    assert_eq!(
        status["subscribers"]["by_topic"]["browser-test"], 1,
        "{status}"
    );

    // A sub-topic reaches the page's topic; the marker is unique to this run.
    let marker = format!("hello-from-the-test-{}", std::process::id());
    publish(server.addr, "browser-test/greetings", &marker);
    let title = browser.wait_for_title(port, &page, "the published event", |t| t.contains(&marker));
    assert!(title.starts_with("open · 1 event · "), "{title}");

    // An event on another topic does not reach the page; the next one on its topic does.
    publish(server.addr, "elsewhere", "not for the page");
    publish(server.addr, "browser-test", "second");
    let title = browser.wait_for_title(port, &page, "the second event", |t| t.contains("second"));
    assert!(title.starts_with("open · 2 events · second"), "{title}");
}
