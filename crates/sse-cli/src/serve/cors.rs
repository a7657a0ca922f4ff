//! CORS for pages on other origins: `Access-Control-Allow-Origin` on subscribe and
//! publish answers, and preflight (`OPTIONS`) answers for publishing (and for
//! subscribing with headers such as `Last-Event-ID` or `X-Authorization` from `fetch`).

use std::time::Duration;

use http::{HeaderName, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::auth::TOKEN_HEADER;
use super::config::AllowedOrigins;

/// How long browsers may cache a preflight answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// The layer for `origins`, or `None` when no origin is allowed (no CORS headers at all).
pub fn cors_layer(origins: &AllowedOrigins) -> Option<CorsLayer> {
    let allow = match origins {
        AllowedOrigins::None => return None,
        AllowedOrigins::Any => AllowOrigin::any(),
        AllowedOrigins::List(list) => AllowOrigin::list(list.iter().cloned()),
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([
                HeaderName::from_static(TOKEN_HEADER),
                header::CONTENT_TYPE,
                header::CACHE_CONTROL,
                HeaderName::from_static(sse_core::http::LAST_EVENT_ID),
            ])
            .max_age(PREFLIGHT_MAX_AGE),
    )
}
