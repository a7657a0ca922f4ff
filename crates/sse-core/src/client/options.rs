//! [`SourceOptions`]: what an `EventSource` builder collects besides its URL and its
//! HTTP client, the same on every runtime.

use std::string::String;
use std::time::Instant;
use std::vec::Vec;

use bytes::Bytes;

use super::config::ClientConfig;
use super::driver::ClientDriver;
use super::machine::ClientMachine;
use super::request::{ClientRequest, RequestError};
use crate::event::EventId;

/// The settings of one event source: reconnection policy, extra headers, method and
/// body, a starting `Last-Event-ID`, the jitter seed. Each runtime's builder keeps
/// one and hands its setters over; [`driver`](Self::driver) applies them all to the
/// request, so both clients build their driver the same way.
///
/// ```
/// use std::time::Instant;
/// use sse_core::EventId;
/// use sse_core::client::{ClientRequest, SourceOptions};
///
/// let options = SourceOptions::default()
///     .header("authorization", "Bearer t")
///     .method("POST")
///     .body("{}")
///     .last_event_id(EventId::new("41")?)
///     .seed(7);
/// let driver = options.driver(ClientRequest::get("http://127.0.0.1:8080/s")?, Instant::now(), || 0)?;
/// assert_eq!(driver.machine().last_event_id().as_str(), "41");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    config: ClientConfig,
    headers: Vec<(String, Vec<u8>)>,
    method: Option<String>,
    body: Option<Bytes>,
    last_event_id: Option<EventId>,
    seed: Option<u64>,
}

impl SourceOptions {
    /// The reconnection policy, timeouts and decoder limits.
    pub fn config(mut self, config: ClientConfig) -> Self {
        self.config = config;
        self
    }

    /// A header sent with every request too (a name given twice is sent twice);
    /// checked by [`driver`](Self::driver).
    pub fn header(mut self, name: impl Into<String>, value: impl AsRef<[u8]>) -> Self {
        self.headers.push((name.into(), value.as_ref().to_vec()));
        self
    }

    /// The request method (default: the request's); checked by
    /// [`driver`](Self::driver).
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// The request body, sent again on every attempt (default: the request's).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Resumes from `id`: the first request already sends it as `Last-Event-ID`.
    pub fn last_event_id(mut self, id: EventId) -> Self {
        self.last_event_id = Some(id);
        self
    }

    /// Seeds the jitter of reconnection delays (default: `random_seed` of
    /// [`driver`](Self::driver)), for reproducible runs.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The drive loop for `request` with these settings, starting at `now`;
    /// `random_seed` is called when no seed was set. Fails on an invalid method or
    /// header.
    pub fn driver(
        self,
        mut request: ClientRequest,
        now: Instant,
        random_seed: impl FnOnce() -> u64,
    ) -> Result<ClientDriver, RequestError> {
        if let Some(method) = &self.method {
            request = request.method_named(method)?;
        }
        if let Some(body) = self.body {
            request = request.body(body);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value)?;
        }
        let seed = self.seed.unwrap_or_else(random_seed);
        let mut machine = ClientMachine::new(self.config, now, seed);
        if let Some(id) = self.last_event_id {
            machine = machine.with_last_event_id(id);
        }
        Ok(ClientDriver::new(machine, request))
    }
}

/// The setters every runtime's `EventSourceBuilder` has, each handing its value to
/// the builder's `options:` [`SourceOptions`] field: `config`, `header`, `body`,
/// `last_event_id` and `seed`. Invoke it inside the builder's `impl` block; the
/// method (typed by each runtime's HTTP crate), the HTTP client and `build` stay the
/// runtime's own.
///
/// ```
/// use sse_core::client::SourceOptions;
///
/// struct Builder {
///     options: SourceOptions,
/// }
///
/// impl Builder {
///     sse_core::source_builder_setters!();
/// }
///
/// let builder = Builder { options: SourceOptions::default() }.seed(7).header("x-a", "1");
/// # let _ = builder.options;
/// ```
#[macro_export]
macro_rules! source_builder_setters {
    () => {
        /// The reconnection policy: initial retry, backoff bounds, retries, timeouts,
        /// server-error retries, decoder limits (see `sse_core::ClientConfig`).
        pub fn config(mut self, config: $crate::client::ClientConfig) -> Self {
            self.options = self.options.config(config);
            self
        }

        /// Sends this header with every request too (say, `authorization`); a name
        /// given twice is sent twice. Checked by `build`.
        pub fn header(
            mut self,
            name: impl ::core::convert::Into<::std::string::String>,
            value: impl ::core::convert::AsRef<[u8]>,
        ) -> Self {
            self.options = self.options.header(name, value);
            self
        }

        /// The request body, sent again on every attempt, for `POST`-based streams.
        pub fn body(mut self, body: impl ::core::convert::Into<$crate::__private::Bytes>) -> Self {
            self.options = self.options.body(body);
            self
        }

        /// Resumes from `id`: the first request already sends it as `Last-Event-ID`.
        pub fn last_event_id(mut self, id: $crate::EventId) -> Self {
            self.options = self.options.last_event_id(id);
            self
        }

        /// Seeds the jitter of reconnection delays (default: random), for
        /// reproducible runs.
        pub fn seed(mut self, seed: u64) -> Self {
            self.options = self.options.seed(seed);
            self
        }
    };
}
