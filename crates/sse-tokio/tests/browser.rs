//! Our axum server with a client nobody here wrote: headless Chromium's
//! `EventSource`.
//!
//! The page opens `new EventSource('/events')`, collects what it receives and POSTs it
//! back as JSON; then the server ends the stream and the browser must reconnect with
//! the right `Last-Event-ID`. Needs `chromium` on `PATH` (Debian package `chromium`):
//! without it the test fails when `CI` is set and is skipped otherwise.
#![cfg(feature = "axum")]

mod support;

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use futures_util::{StreamExt, stream};
use serde_json::{Value, json};
use sse_tokio::axum::LastEventId;
use sse_tokio::{Event, EventId, EventType, KeepAlive, Sse, StreamOptions};
use tokio::sync::{Mutex, mpsc, oneshot};

/// Waits for the browser are longer than the other tests': Chromium starts slowly on
/// a busy machine.
const BROWSER_LIMIT: Duration = Duration::from_secs(90);

const PAGE: &str = r#"<!doctype html>
<meta charset="utf-8">
<title>sse-tokio</title>
<script>
const results = { messages: [], greetings: [], opened: 0 };
const source = new EventSource('/events');
source.onopen = () => { results.opened += 1; };
source.onmessage = (e) => {
  results.messages.push({ type: e.type, data: e.data, lastEventId: e.lastEventId });
};
source.addEventListener('greeting', (e) => {
  results.greetings.push({ type: e.type, data: e.data, lastEventId: e.lastEventId });
});
source.addEventListener('done', (e) => {
  results.done = { data: e.data, lastEventId: e.lastEventId };
  fetch('/results', { method: 'POST', headers: { 'content-type': 'application/json' },
                      body: JSON.stringify(results) });
});
</script>
"#;

/// What the server tells the test.
struct Shared {
    /// The JSON the page posted.
    results: mpsc::Sender<Value>,
    /// The `Last-Event-ID` of each `/events` request, in order.
    connections: mpsc::Sender<Option<String>>,
    /// Fired by the test to end the first stream.
    end_first: Mutex<Option<oneshot::Receiver<()>>>,
}

fn first_stream_events() -> Vec<Event> {
    let id = |s: &str| EventId::new(s).unwrap();
    vec![
        Event::new("first line\nsecond line\n\nfourth after a blank").with_id(id("1")),
        Event::new("héllo wörld ✓ 日本語 🎉").with_id(id("2")),
        Event::new("hi there")
            .with_type(EventType::new("greeting").unwrap())
            .with_id(id("3")),
        Event::new("no id of its own").with_comment("comments are ignored"),
        Event::new("end")
            .with_type(EventType::new("done").unwrap())
            .with_id(id("last-7")),
    ]
}

async fn events(
    State(shared): State<Arc<Shared>>,
    LastEventId(last): LastEventId,
) -> impl IntoResponse {
    let _ = shared
        .connections
        .send(last.as_ref().map(|id| id.to_string()))
        .await;
    let options = StreamOptions::default()
        .retry(Duration::from_millis(200))
        .keep_alive(Some(KeepAlive::new(Duration::from_secs(5))));
    let end = shared.end_first.lock().await.take();
    match end {
        // The first connection: the events, then open until the test ends it.
        Some(end) => {
            let rest = stream::once(async move {
                let _ = end.await;
                None
            });
            let events = stream::iter(first_stream_events().into_iter().map(Some))
                .chain(rest)
                .take_while(|event| std::future::ready(event.is_some()))
                .filter_map(std::future::ready);
            Sse::from_stream(events.boxed()).with_options(options.clone())
        }
        // Reconnections: stay open, silent.
        None => Sse::from_stream(stream::pending().boxed()).with_options(options.clone()),
    }
}

async fn results(State(shared): State<Arc<Shared>>, axum::Json(value): axum::Json<Value>) {
    let _ = shared.results.send(value).await;
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.is_file())
}

async fn within<T>(what: &str, future: impl std::future::Future<Output = T>) -> T {
    match tokio::time::timeout(BROWSER_LIMIT, future).await {
        Ok(value) => value,
        Err(_) => panic!("timed out waiting for {what}"),
    }
}

#[tokio::test]
async fn chromium_event_source_receives_everything_and_resumes_with_last_event_id() {
    let Some(chromium) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "chromium is not installed, and CI is set: install the Debian package `chromium`"
            );
        }
        println!("skipped: chromium not installed");
        return;
    };

    let (results_tx, mut results_rx) = mpsc::channel(4);
    let (connections_tx, mut connections_rx) = mpsc::channel(16);
    let (end_tx, end_rx) = oneshot::channel();
    let shared = Arc::new(Shared {
        results: results_tx,
        connections: connections_tx,
        end_first: Mutex::new(Some(end_rx)),
    });
    let router = Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/events", get(events))
        .route("/results", post(results))
        .with_state(shared);
    let (addr, _server) = support::axum_serve(router).await;

    let profile = std::env::temp_dir().join(format!(
        "sse-tokio-chromium-{}-{}",
        std::process::id(),
        addr.port()
    ));
    let mut browser = tokio::process::Command::new(chromium)
        .args(sse_testkit::chromium::HEADLESS_FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("http://{addr}/"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromium starts");

    let first = within("the browser's first connection", connections_rx.recv()).await;
    assert_eq!(
        first,
        Some(None),
        "a first connection sends no Last-Event-ID"
    );

    let results = within("the page's results", results_rx.recv())
        .await
        .unwrap();
    assert_eq!(results["opened"], 1);
    assert_eq!(
        results["messages"],
        json!([
            { "type": "message", "data": "first line\nsecond line\n\nfourth after a blank", "lastEventId": "1" },
            { "type": "message", "data": "héllo wörld ✓ 日本語 🎉", "lastEventId": "2" },
            { "type": "message", "data": "no id of its own", "lastEventId": "3" },
        ])
    );
    assert_eq!(
        results["greetings"],
        json!([{ "type": "greeting", "data": "hi there", "lastEventId": "3" }])
    );
    assert_eq!(
        results["done"],
        json!({ "data": "end", "lastEventId": "last-7" })
    );

    // End the stream: the browser reconnects after `retry` with the last id.
    end_tx.send(()).unwrap();
    let again = within("the browser's reconnection", connections_rx.recv()).await;
    assert_eq!(again, Some(Some("last-7".to_owned())));

    let _ = browser.kill().await;
    let _ = within("chromium to exit", browser.wait()).await;
    let _ = std::fs::remove_dir_all(&profile);
}
