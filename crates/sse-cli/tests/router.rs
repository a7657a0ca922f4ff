//! The router in-process: what only a non-loopback peer could show end to end.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use sse_cli::serve::{ServeConfig, Token, build_hub, router};
use tower::ServiceExt;

fn publish_request() -> Request<Body> {
    Request::post("/publish/t").body(Body::from("x")).unwrap()
}

async fn answer(app: Router, request: Request<Body>) -> (StatusCode, serde_json::Value) {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn without_a_publish_token_only_loopback_peers_publish() {
    let config = ServeConfig::new("127.0.0.1:0".parse().unwrap(), None).unwrap();
    let hub = build_hub(config.hub_settings());
    let app = router(hub.clone(), &config);

    // No peer address known: refused rather than guessed.
    let (status, body) = answer(app.clone(), publish_request()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["error"].as_str().unwrap().contains("--publish-token"));

    let remote: SocketAddr = "192.0.2.1:4000".parse().unwrap();
    let (status, _) = answer(
        app.clone().layer(MockConnectInfo(remote)),
        publish_request(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(hub.stats().events_published, 0);

    let local: SocketAddr = "[::1]:4000".parse().unwrap();
    let (status, body) = answer(app.layer(MockConnectInfo(local)), publish_request()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["id"].is_string());
    assert_eq!(hub.stats().events_published, 1);
}

#[tokio::test]
async fn with_a_publish_token_any_peer_with_the_token_publishes() {
    let token = Token::new("p").unwrap();
    let config = ServeConfig::new("127.0.0.1:0".parse().unwrap(), Some(token)).unwrap();
    let app = router(build_hub(config.hub_settings()), &config);
    let remote: SocketAddr = "192.0.2.1:4000".parse().unwrap();
    let app = app.layer(MockConnectInfo(remote));

    let (status, _) = answer(app.clone(), publish_request()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let request = Request::post("/publish/t")
        .header("x-authorization", "p")
        .body(Body::from("x"))
        .unwrap();
    let (status, _) = answer(app, request).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn subscribe_needs_topics() {
    let config = ServeConfig::new("127.0.0.1:0".parse().unwrap(), None).unwrap();
    let app = router(build_hub(config.hub_settings()), &config);
    for target in [
        "/subscribe",
        "/subscribe?topics=",
        "/subscribe?topics=a,,b",
        "/subscribe/a%2F%2Fb",
    ] {
        let request = Request::get(target).body(Body::empty()).unwrap();
        let (status, body) = answer(app.clone(), request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{target}: {body}");
        assert!(body["error"].is_string());
    }
}
