//! `sse serve`: a standalone hub over HTTP.

mod api_error;
mod auth;
mod config;
mod cors;

pub use api_error::ApiError;
pub use auth::{PublishAccess, Refusal, SubscribeAccess, Token, constant_time_eq};
pub use config::{AllowedOrigins, ConfigError, HubSettings, ServeConfig};
