//! A hub served on smol: `cargo run -p sse-async-std --example smol_server`, then
//! `curl -N 'http://127.0.0.1:8080/?topics=ticks'` or the `client` example.
//!
//! A task publishes a tick every second on topic `ticks` and the time every five on
//! `clock`; each request subscribes to the topics of its `?topics=` query (all
//! without one) and resumes from its `Last-Event-ID`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sse_core::Event;
use sse_core::hub::{Hub, Topic};
use sse_core::stream::{KeepAlive, StreamOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = StreamOptions::default()
        .keep_alive(Some(KeepAlive::new(Duration::from_secs(10))))
        .retry(Duration::from_secs(2));
    let hub = Hub::builder().stream_options(options).build();

    let publisher = hub.clone();
    let ticks = Topic::new("ticks")?;
    let clock = Topic::new("clock")?;
    smol::spawn(async move {
        for n in 0u64.. {
            smol::Timer::after(Duration::from_secs(1)).await;
            if publisher
                .publish(&ticks, Event::new(format!("tick {n}")))
                .is_err()
            {
                break;
            }
            if n % 5 == 0 {
                let secs = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default();
                let _ = publisher.publish(&clock, Event::new(secs.as_secs().to_string()));
            }
        }
    })
    .detach();

    println!("serving on http://127.0.0.1:8080/?topics=ticks");
    // trillium answers 503 beyond 75 % of `ulimit -n` connections by default: set the
    // cap to the streams this server should hold. `http_config()` sizes trillium's
    // per-connection buffers for event streams (about half the memory per idle stream).
    trillium_smol::config()
        .with_host("127.0.0.1")
        .with_port(8080)
        .with_max_connections(Some(10_000))
        .with_http_config(sse_async_std::http_config())
        .run(sse_async_std::hub_endpoint(hub));
    Ok(())
}
