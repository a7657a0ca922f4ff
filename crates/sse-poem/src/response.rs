//! [`Sse`]: the event-stream response, as poem's `IntoResponse`.

use futures_util::TryStreamExt;
use poem::http::StatusCode;
use poem::{Body, IntoResponse, Response};
use sse_core::response::HEADERS;
use sse_core::source::BoxError;
use sse_core::stream::FrameSource;
use sse_tokio::SseBody;

sse_core::define_sse!();

/// `200 OK`, the standard headers, and a body of the frames on tokio's timer. When
/// the client goes away poem drops the body, and with it the source: a hub
/// subscription is released at once.
impl<S> IntoResponse for Sse<S>
where
    S: FrameSource + Send + Unpin + 'static,
    S::Error: Into<BoxError>,
{
    fn into_response(self) -> Response {
        let (source, options) = self.into_inner().into_parts();
        let frames =
            SseBody::new(source, &options).map_err(|error| std::io::Error::other(error.into()));
        let mut response = Response::builder().status(StatusCode::OK);
        for (name, value) in HEADERS {
            response = response.header(name, value);
        }
        response.body(Body::from_bytes_stream(frames))
    }
}
