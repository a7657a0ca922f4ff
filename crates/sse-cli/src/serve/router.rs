//! The routes of the server, as an axum [`Router`] that can run in-process.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use http::{HeaderValue, header};
use sse_core::hub::Hub;
use sse_redis::RedisHub;

use super::config::ServeConfig;
use super::cors::cors_layer;
use super::metrics::ServeMetrics;
use super::{metrics, publish, status, subscribe};

/// The demo page, compiled into the binary.
pub const DEMO_PAGE: &str = include_str!("assets/demo.html");

/// What every handler shares.
#[derive(Debug, Clone)]
pub(crate) struct App {
    pub(crate) hub: Hub,
    /// Set with `--redis`: publishes go through it (the hub is its local hub).
    pub(crate) redis: Option<Arc<RedisHub>>,
    pub(crate) config: Arc<ServeConfig>,
    pub(crate) started: Instant,
    pub(crate) metrics: ServeMetrics,
}

/// The server's routes over `hub`:
///
/// | route | what |
/// |---|---|
/// | `GET /` | the demo page |
/// | `GET /subscribe/{topic}` | event stream of the topic and its sub-topics |
/// | `GET /subscribe?topics=a,b` | event stream of several topics (`*`: all) |
/// | `POST /publish/{topic}` | publish the body as one event (`?event=TYPE`) |
/// | `GET /status` | figures, JSON or HTML |
/// | `GET /metrics` | figures for Prometheus (OpenMetrics text) |
///
/// Publishing without a token needs the peer address: serve with
/// `into_make_service_with_connect_info::<SocketAddr>()` (requests without it are
/// refused with `403`).
///
/// ```
/// use sse_cli::serve::{HubSettings, ServeConfig, build_hub, router};
///
/// let config = ServeConfig::new("127.0.0.1:0".parse().unwrap(), None).unwrap();
/// let hub = build_hub(config.hub_settings());
/// let app: axum::Router = router(hub, &config);
/// # drop(app);
/// ```
pub fn router(hub: Hub, config: &ServeConfig) -> Router {
    router_with_metrics(hub, config, ServeMetrics::new())
}

/// [`router`] reporting into `metrics`, which the caller keeps to count what happens
/// outside the routes (e.g. [`ServeMetrics::connection_timed_out`]).
pub fn router_with_metrics(hub: Hub, config: &ServeConfig, metrics: ServeMetrics) -> Router {
    routes(App {
        hub,
        redis: None,
        config: Arc::new(config.clone()),
        started: Instant::now(),
        metrics,
    })
}

/// The same routes over a hub shared through Redis: streams are served from its local
/// hub, publishes are appended to the Redis stream.
pub fn redis_router(redis: Arc<RedisHub>, config: &ServeConfig) -> Router {
    redis_router_with_metrics(redis, config, ServeMetrics::new())
}

/// [`redis_router`] reporting into `metrics` (see [`router_with_metrics`]).
pub fn redis_router_with_metrics(
    redis: Arc<RedisHub>,
    config: &ServeConfig,
    metrics: ServeMetrics,
) -> Router {
    routes(App {
        hub: redis.hub().clone(),
        redis: Some(redis),
        config: Arc::new(config.clone()),
        started: Instant::now(),
        metrics,
    })
}

fn routes(app: App) -> Router {
    let mut streams = Router::new()
        .route("/subscribe", get(subscribe::by_query))
        .route("/subscribe/{*topic}", get(subscribe::by_path))
        .route("/publish/{*topic}", post(publish::publish));
    if let Some(cors) = cors_layer(app.config.origins()) {
        streams = streams.layer(cors);
    }
    Router::new()
        .route("/", get(demo_page))
        .route("/status", get(status::status))
        .route("/metrics", get(metrics::metrics))
        .merge(streams)
        .with_state(app)
}

async fn demo_page() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
        Html(DEMO_PAGE),
    )
}
