//! One Redis for several instances, Redis outages, and what is never limited.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, PASSWORD, assert_problem, expect_json, header, spawn_app_with};

use super::*;

#[tokio::test]
async fn two_instances_share_one_redis() {
    let prefix = fresh_prefix();
    let store = Store::Redis(prefix);
    let a = spawn_limited(&store, |s| s.rate_limit.per_ip = quota(4, 60)).await;
    let b = spawn_limited(&store, |s| s.rate_limit.per_ip = quota(4, 60)).await;
    assert_ne!(a.address, b.address);
    for app in [&a, &b, &a, &b] {
        assert_eq!(poke(app, None).await.status(), StatusCode::BAD_REQUEST);
    }
    assert_eq!(poke(&a, None).await.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(poke(&b, None).await.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn redis_down_fails_open_and_health_says_degraded() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.redis.url = Some(REDIS_DOWN.into())).await;
    let (user, token) = app.alice().await;
    assert_eq!(
        user["username"], "alice",
        "registration and login were served"
    );
    let resp = app.get_me(&token).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        limit_headers(&resp).0,
        "",
        "no limit was applied, so none is claimed"
    );

    let health = app.health().await;
    let body: Value = expect_json(health, 200).await;
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["checks"]["rate_limiter"], "degraded");
    assert_eq!(body["checks"]["database"], "ok");
}

#[tokio::test]
async fn redis_down_with_fail_closed_refuses_with_503() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.redis.url = Some(REDIS_DOWN.into());
        s.rate_limit.fail_closed = true;
    })
    .await;
    let resp = app.register("alice", "alice@example.com", PASSWORD).await;
    assert!(!header(resp.headers(), "retry-after").is_empty());
    assert_problem(resp, 503, "unavailable").await;
    assert_eq!(app.count_users().await, 0, "nothing was written");

    let health = app.health().await;
    let body: Value = expect_json(health, 503).await;
    assert_eq!(body["checks"]["rate_limiter"], "unavailable");
}

#[tokio::test]
async fn health_and_docs_are_never_limited() {
    let app = spawn_limited(&Store::Memory, |s| s.rate_limit.per_ip = quota(1, 60)).await;
    for path in [
        "/api/v1/health",
        "/api/v1/health",
        "/openapi.json",
        "/openapi.json",
        "/.well-known/jwks.json",
        "/.well-known/jwks.json",
        "/.well-known/oauth-authorization-server",
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
        "/.well-known/openid-configuration",
    ] {
        let resp = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert_eq!(
            limit_headers(&resp).0,
            "",
            "{path} carries no limit headers"
        );
    }
}

#[tokio::test]
async fn the_document_declares_429_and_the_limit_headers_on_every_limited_operation() {
    let app = spawn_limited(&Store::Memory, |_| {}).await;
    let doc: Value = expect_json(
        app.client
            .get(app.url("/openapi.json"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    // Health, the published keys and the metadata documents are cheap, public and meant to be polled;
    // every other operation of the document is limited, whatever slices it grows.
    let unlimited = [
        "/api/v1/health",
        "/api/v1/health/live",
        "/api/v1/health/ready",
        "/.well-known/jwks.json",
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
    ];
    let (mut limited, mut polled) = (0, Vec::new());
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            if unlimited.contains(&path.as_str()) {
                assert!(!responses.contains_key("429"), "{path} is not limited");
                polled.push(path.as_str());
                continue;
            }
            let refused = &responses["429"];
            assert!(
                refused["headers"].get("Retry-After").is_some(),
                "{method} {path}: 429 has Retry-After"
            );
            for (status, response) in responses {
                for name in ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] {
                    assert!(
                        response["headers"].get(name).is_some(),
                        "{method} {path} {status} declares {name}"
                    );
                }
            }
            limited += 1;
        }
    }
    polled.sort_unstable();
    let mut expected = unlimited.to_vec();
    expected.sort_unstable();
    assert_eq!(
        polled, expected,
        "each unlimited path is in the document, once"
    );
    assert!(limited > 0, "the walk saw the limited operations");
}
