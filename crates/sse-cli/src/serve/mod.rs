//! `sse serve`: a standalone hub over HTTP (see the [crate docs](crate) for the
//! endpoints and flags).
//!
//! The pieces are public so tests and other binaries can run the same server
//! in-process: [`ServeConfig`] (checked settings), [`hub_builder`] / [`build_hub`]
//! (the hub; another replay store plugs in at the builder), [`router`] (the axum
//! routes) and [`serve`] (run on a listener until a shutdown future completes). With
//! `--redis URL` the hub is shared through Redis: [`connect_redis`], [`redis_router`]
//! and [`serve_redis`].

mod api_error;
mod auth;
mod config;
mod cors;
mod hub;
mod metrics;
mod negotiate;
mod publish;
mod query;
mod router;
mod server;
mod status;
mod subscribe;

pub use api_error::ApiError;
pub use auth::{
    EmptyToken, PublishAccess, Refusal, SubscribeAccess, TOKEN_HEADER, TOKEN_QUERY, Token,
    constant_time_eq,
};
pub use config::{AllowedOrigins, ConfigError, HubSettings, ServeConfig, TlsLoadError, load_tls};
pub use hub::{build_hub, connect_redis, hub_builder};
pub use metrics::{CONTENT_TYPE as METRICS_CONTENT_TYPE, MAX_TOPIC_SERIES, ServeMetrics};
pub use publish::Published;
pub use router::{DEMO_PAGE, redis_router, redis_router_with_metrics, router, router_with_metrics};
pub use server::{SHUTDOWN_GRACE, run, serve, serve_redis, shutdown_signal};
pub use status::{RedisReader, RedisReaderError, StatusReport};
