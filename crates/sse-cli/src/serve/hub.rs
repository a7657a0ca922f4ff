//! Building the hub from [`HubSettings`]: in memory, or shared through Redis
//! (`--redis URL`, [`connect_redis`]).

use sse_core::hub::{Hub, HubBuilder};
use sse_core::stream::{KeepAlive, StreamOptions};
use sse_redis::{RedisHub, RedisOptions};

use super::config::HubSettings;

/// Comment sent first on every stream, so proxies flush the response headers at once.
const INITIAL_COMMENT: &str = "sse hub";

/// A hub builder with `settings` applied (window, subscriber limit, gap policy, stream
/// options).
pub fn hub_builder(settings: &HubSettings) -> HubBuilder {
    Hub::builder()
        .window_count(settings.replay_count)
        .window_age(settings.replay_age)
        .max_subscribers(settings.max_subscribers)
        .on_gap(settings.on_gap)
        .stream_options(stream_options(settings))
}

/// The hub for `settings`, with the in-memory store.
pub fn build_hub(settings: &HubSettings) -> Hub {
    hub_builder(settings).build()
}

/// The hub for `settings`, shared through the Redis at `url`: the stream is bounded by
/// the replay count and age (see [`sse_redis`]).
pub async fn connect_redis(
    url: &str,
    settings: &HubSettings,
) -> Result<RedisHub, sse_redis::Error> {
    let options = RedisOptions::new()
        .max_len(settings.replay_count)
        .max_age(Some(settings.replay_age))
        .hub(hub_builder(settings));
    RedisHub::connect(url, options).await
}

fn stream_options(settings: &HubSettings) -> StreamOptions {
    let options = StreamOptions::default()
        .keep_alive(settings.keep_alive.map(KeepAlive::new))
        .initial_comment(INITIAL_COMMENT);
    match settings.retry {
        Some(retry) => options.retry(retry),
        None => options,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn settings_reach_the_stream_options() {
        let settings = HubSettings {
            keep_alive: None,
            retry: Some(Duration::from_millis(2500)),
            ..HubSettings::default()
        };
        let hub = build_hub(&settings);
        let options = hub.stream_options();
        assert!(options.keep_alive_setting().is_none());
        assert_eq!(options.retry_hint(), Some(Duration::from_millis(2500)));
        assert_eq!(
            &options.preamble().unwrap()[..],
            b": sse hub\nretry: 2500\n"
        );
    }
}
