//! With the `tracing` feature, the reader logs each error it meets with what it does
//! next. (`cargo test -p sse-redis --features tracing --test tracing`.)
#![cfg(feature = "tracing")]

mod redis_process;

use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use sse_redis::{RedisHub, RedisOptions};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

use redis_process::RedisProcess;

/// One event as logged: its level and its fields (`message` included), as text.
#[derive(Debug, Clone)]
struct Logged {
    level: Level,
    fields: Vec<(String, String)>,
}

impl Logged {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Keeps every event from this crate; spans are not used by it.
#[derive(Debug, Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Logged>>>);

impl Recorder {
    fn events(&self) -> Vec<Logged> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let mut text = String::new();
        let _ = write!(text, "{value:?}");
        self.0.push((field.name().to_owned(), text));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("sse_redis")
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        let logged = Logged {
            level: *event.metadata().level(),
            fields,
        };
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(logged);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

async fn wait_for(mut condition: impl FnMut() -> bool, what: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !condition() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

// One thread: the reader task runs where the recorder is the default subscriber.
#[tokio::test(flavor = "current_thread")]
async fn the_reader_logs_a_lost_connection_each_failed_attempt_and_the_reconnection() {
    let Some(mut server) = RedisProcess::start("tracing") else {
        return;
    };
    let recorder = Recorder::default();
    let _default = tracing::subscriber::set_default(recorder.clone());
    let options = RedisOptions::new()
        .connect_timeout(Duration::from_millis(500))
        .response_timeout(Duration::from_millis(500))
        .block(Duration::from_millis(500))
        .backoff(Duration::from_millis(20), Duration::from_millis(200));
    let a = RedisHub::connect(&server.url(), options).await.unwrap();
    assert!(recorder.events().is_empty(), "{:?}", recorder.events());

    server.kill();
    let message = |e: &Logged, text: &str| e.field("message").is_some_and(|m| m.contains(text));
    let refused = |e: &Logged| {
        message(e, "failed reconnecting: trying again")
            && e.field("error")
                .is_some_and(|m| m.to_lowercase().contains("connection refused"))
    };
    wait_for(
        || recorder.events().iter().any(refused),
        "a refused attempt is logged",
    )
    .await;
    let events = recorder.events();
    let lost = events
        .iter()
        .find(|e| message(e, "read failed: reconnecting"))
        .unwrap_or_else(|| panic!("the failed read is logged: {events:?}"));
    assert_eq!(lost.level, Level::WARN);
    assert!(
        lost.field("error").is_some_and(|e| !e.is_empty()),
        "{lost:?}"
    );
    assert_eq!(lost.field("key"), Some(RedisOptions::DEFAULT_STREAM_KEY));
    let attempt = events.iter().find(|e| refused(e)).unwrap();
    assert_eq!(attempt.level, Level::WARN);
    assert!(attempt.field("retry_in_ms").is_some(), "{attempt:?}");
    assert_eq!(attempt.field("attempts"), Some("1"), "{attempt:?}");

    server.restart();
    wait_for(|| a.reader_status().connected, "the reader reconnects").await;
    let events = recorder.events();
    let back = events
        .iter()
        .find(|e| message(e, "reconnected: reading on"))
        .unwrap_or_else(|| panic!("the reconnection is logged: {events:?}"));
    assert_eq!(back.level, Level::INFO);
}
