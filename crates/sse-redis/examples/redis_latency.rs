//! Publish → receive latency (p50/p99) and throughput through Redis, next to the
//! in-memory hub. A benchmark, not a test: run in release.
//!
//! ```text
//! cargo run --release -p sse-redis --example redis_latency            # starts its own redis-server
//! cargo run --release -p sse-redis --example redis_latency -- redis://127.0.0.1:6379/
//! ```
//!
//! Latency: one event at a time, from just before `publish` to the moment a subscriber
//! (on another `RedisHub`, standing for another process) has the frame. Throughput:
//! `BURST` events published with up to `IN_FLIGHT` publishes at once, until the
//! subscriber has them all. Every loop is bounded in count and time.

use std::future::poll_fn;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sse_core::Event;
use sse_core::hub::{Hub, Subscription, Topic, TopicFilter};
use sse_redis::{RedisHub, RedisOptions};
use tokio::sync::Semaphore;

const ROUNDS: usize = 2_000;
const BURST: usize = 20_000;
const IN_FLIGHT: usize = 64;
const PATIENCE: Duration = Duration::from_secs(30);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (url, _server) = match std::env::args().nth(1) {
        Some(url) => (url, None),
        None => {
            let (url, child) = start_redis()?;
            (url, Some(KillOnDrop(child)))
        }
    };
    let topic = Topic::new("bench")?;

    let memory = Hub::builder().window_count(BURST).build();
    let mut sub = memory.subscribe(TopicFilter::all())?;
    let lat = memory_latency(&memory, &topic, &mut sub).await?;
    report("in-memory hub", &lat);
    let rate = memory_throughput(&memory, &topic, &mut sub).await?;
    println!("  throughput: {rate:.0} events/s");

    for (bounds, max_age) in [
        (
            "length and age bounds: XADD, XTRIM at most once a second",
            Some(Duration::from_secs(300)),
        ),
        ("length bound only: XADD", None),
    ] {
        let options = || {
            RedisOptions::new()
                .stream_key(format!(
                    "sse:bench:{}:{}",
                    std::process::id(),
                    max_age.is_some()
                ))
                .max_len(BURST)
                .max_age(max_age)
        };
        let a = Arc::new(RedisHub::connect(&url, options()).await?);
        let b = RedisHub::connect(&url, options()).await?;
        let mut sub = b.hub().subscribe(TopicFilter::all())?;
        let lat = redis_latency(&a, &topic, &mut sub).await?;
        report(
            &format!("Redis, {bounds} (publish on A, receive on B)"),
            &lat,
        );
        let rate = redis_throughput(&a, &topic, &mut sub).await?;
        println!("  throughput: {rate:.0} events/s ({IN_FLIGHT} publishes in flight)");
    }
    Ok(())
}

async fn next(sub: &mut Subscription) -> Result<(), Box<dyn std::error::Error>> {
    tokio::time::timeout(PATIENCE, poll_fn(|cx| sub.poll_frame(cx)))
        .await?
        .ok_or("subscription ended")?;
    Ok(())
}

async fn memory_latency(
    hub: &Hub,
    topic: &Topic,
    sub: &mut Subscription,
) -> Result<Vec<Duration>, Box<dyn std::error::Error>> {
    let mut out = Vec::with_capacity(ROUNDS);
    for i in 0..ROUNDS {
        let start = Instant::now();
        hub.publish(topic, Event::new(format!("event {i}")))?;
        next(sub).await?;
        out.push(start.elapsed());
    }
    Ok(out)
}

async fn memory_throughput(
    hub: &Hub,
    topic: &Topic,
    sub: &mut Subscription,
) -> Result<f64, Box<dyn std::error::Error>> {
    let start = Instant::now();
    let publisher = {
        let hub = hub.clone();
        let topic = topic.clone();
        tokio::spawn(async move {
            for i in 0..BURST {
                hub.publish(&topic, Event::new(format!("event {i}")))?;
            }
            Ok::<_, sse_core::hub::PublishError>(())
        })
    };
    for _ in 0..BURST {
        next(sub).await?;
    }
    publisher.await??;
    Ok(BURST as f64 / start.elapsed().as_secs_f64())
}

async fn redis_latency(
    redis: &RedisHub,
    topic: &Topic,
    sub: &mut Subscription,
) -> Result<Vec<Duration>, Box<dyn std::error::Error>> {
    let mut out = Vec::with_capacity(ROUNDS);
    for i in 0..ROUNDS {
        let start = Instant::now();
        redis
            .publish(topic, Event::new(format!("event {i}")))
            .await?;
        next(sub).await?;
        out.push(start.elapsed());
    }
    Ok(out)
}

async fn redis_throughput(
    redis: &Arc<RedisHub>,
    topic: &Topic,
    sub: &mut Subscription,
) -> Result<f64, Box<dyn std::error::Error>> {
    let start = Instant::now();
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let publisher = {
        let redis = redis.clone();
        let topic = topic.clone();
        tokio::spawn(async move {
            let mut tasks = Vec::with_capacity(BURST);
            for i in 0..BURST {
                let permit = slots.clone().acquire_owned().await?;
                let redis = redis.clone();
                let topic = topic.clone();
                tasks.push(tokio::spawn(async move {
                    let sent = redis
                        .publish(&topic, Event::new(format!("event {i}")))
                        .await;
                    drop(permit);
                    sent
                }));
            }
            for task in tasks {
                task.await??;
            }
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        })
    };
    for _ in 0..BURST {
        next(sub).await?;
    }
    publisher.await?.map_err(|e| e.to_string())?;
    Ok(BURST as f64 / start.elapsed().as_secs_f64())
}

fn report(name: &str, latencies: &[Duration]) {
    let mut sorted = latencies.to_vec();
    sorted.sort();
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
    println!(
        "{name}: publish → receive over {} events: p50 {:?}, p99 {:?}, max {:?}",
        sorted.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A throwaway `redis-server` (no persistence) on a free loopback port.
fn start_redis() -> Result<(String, Child), Box<dyn std::error::Error>> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let binary = std::env::var("SSE_REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
    let child = Command::new(binary)
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()?;
    let url = format!("redis://127.0.0.1:{port}/");
    let client = redis::Client::open(url.as_str())?;
    for _ in 0..200 {
        if client.get_connection().is_ok() {
            return Ok((url, child));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err("redis-server did not start".into())
}
