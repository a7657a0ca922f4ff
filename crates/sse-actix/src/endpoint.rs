//! [`hub_endpoint`]: a hub's event stream as one actix [`Route`].

use actix_web::{HttpRequest, Route, web};
use sse_core::hub::{Hub, Subscription};
use sse_core::subscribe::SubscribeRequest;

use crate::Sse;
use crate::extract::{SseRejection, header, query};

/// A `GET` route that streams `hub`: the topics of `?topics=` (every topic when
/// none are named), resumed after the request's `Last-Event-ID` (header or
/// `?lastEventId=`), with the hub's stream options. Bad topics or ids are answered
/// `400 Bad Request`, a closed or full hub `503 Service Unavailable`, each with the
/// reason as text.
///
/// ```
/// use actix_web::App;
/// use sse_core::hub::Hub;
///
/// let hub = Hub::new();
/// let app = App::new().route("/events", sse_actix::hub_endpoint(hub));
/// # drop(app);
/// ```
pub fn hub_endpoint(hub: Hub) -> Route {
    web::get().to(move |req: HttpRequest| {
        let subscribed = subscribe(&hub, &req);
        async move { subscribed }
    })
}

/// Subscribes the request on `hub`.
fn subscribe(hub: &Hub, req: &HttpRequest) -> Result<Sse<Subscription>, SseRejection> {
    let response = SubscribeRequest::parse(query(req), header(req))?.subscribe(hub)?;
    Ok(Sse::from(response))
}
