//! Rate limiting against a real Redis (127.0.0.1:6379) and the in-memory limiter.

use std::time::Duration;

use accounts_api::{config::Settings, infra::rate_limit::Quota};
use reqwest::{Response, StatusCode};
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{
    Backend, PASSWORD, TestApp, assert_problem, expect_json, header, spawn_app_with,
};

const REDIS: &str = "redis://127.0.0.1:6379";
/// A port where nothing listens: Redis "down".
const REDIS_DOWN: &str = "redis://127.0.0.1:1";

/// Runs a flow on both limiter stores: `both_stores!(flow)` makes `flow::memory` and `flow::redis`.
macro_rules! both_stores {
    ($($flow:ident),+ $(,)?) => {$(
        mod $flow {
            use super::Store;

            #[tokio::test]
            async fn memory() {
                super::$flow(Store::Memory).await;
            }

            #[tokio::test]
            async fn redis() {
                super::$flow(Store::Redis(super::fresh_prefix())).await;
            }
        }
    )+};
}

#[derive(Clone)]
enum Store {
    Memory,
    /// A key prefix of its own, so tests running at once never share buckets.
    Redis(String),
}

fn fresh_prefix() -> String {
    format!("test-{}:", Uuid::now_v7().simple())
}

fn quota(limit: u32, seconds: u64) -> Quota {
    Quota {
        limit,
        window: Duration::from_secs(seconds),
    }
}

/// An app whose limits are all generous except what `configure` tightens. On Redis it fails
/// closed, with all the time in the world for an answer: the whole app and the test's
/// clients share one thread, so on a busy machine a reply can sit unread for long, and an
/// outage must show as a 503, never as a request let through.
async fn spawn_limited(store: &Store, configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(Backend::Sqlite, |s| {
        if let Store::Redis(prefix) = store {
            s.redis.url = Some(REDIS.into());
            s.redis.key_prefix = prefix.clone();
            s.redis.timeout = Duration::from_secs(30);
            s.rate_limit.fail_closed = true;
        }
        s.rate_limit.per_ip = quota(10_000, 60);
        s.rate_limit.per_user = quota(10_000, 60);
        s.rate_limit.login_failures = quota(10_000, 60);
        configure(s);
    })
    .await
}

/// A cheap request to a per-IP-limited operation (400: a body that is not a JSON object).
async fn poke(app: &TestApp, forwarded_for: Option<&str>) -> Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/users"))
        .header("content-type", "application/json");
    if let Some(ip) = forwarded_for {
        request = request.header("x-forwarded-for", ip);
    }
    request.body("[]").send().await.expect("POST /api/v1/users")
}

fn limit_headers(resp: &Response) -> (String, String, String) {
    let h = resp.headers();
    (
        header(h, "ratelimit-limit"),
        header(h, "ratelimit-remaining"),
        header(h, "ratelimit-reset"),
    )
}

both_stores!(
    the_request_past_the_limit_is_refused_until_the_window_slides,
    an_authenticated_operation_is_limited_per_ip_even_without_a_token,
    concurrent_requests_against_a_limit_of_50_let_exactly_50_through,
    each_user_has_a_limit_of_their_own,
    failed_logins_are_limited_per_account_across_ips,
    forwarded_headers_count_only_from_trusted_proxies,
);

async fn the_request_past_the_limit_is_refused_until_the_window_slides(store: Store) {
    let app = spawn_limited(&store, |s| s.rate_limit.per_ip = quota(3, 2)).await;
    for remaining in ["2", "1", "0"] {
        let resp = poke(&app, None).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let (limit, left, reset) = limit_headers(&resp);
        assert_eq!((limit.as_str(), left.as_str()), ("3", remaining));
        assert!(matches!(reset.as_str(), "1" | "2"), "reset {reset}");
    }
    let refused = poke(&app, None).await;
    assert_eq!(limit_headers(&refused).1, "0");
    let retry_after: u64 = header(refused.headers(), "retry-after")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=2).contains(&retry_after), "Retry-After {retry_after}");
    assert_problem(refused, 429, "too-many-requests").await;

    // The in-process limiter reads the app's clock; Redis's script reads Redis's own time.
    app.clock.advance(Duration::from_millis(2_100));
    if let Store::Redis(_) = store {
        tokio::time::sleep(Duration::from_millis(2_100)).await;
    }
    let resp = poke(&app, None).await;
    assert_eq!(
        resp.status(),
        StatusCode::BAD_REQUEST,
        "the window slid, so room again"
    );
    assert_eq!(limit_headers(&resp).1, "2");
}

async fn an_authenticated_operation_is_limited_per_ip_even_without_a_token(store: Store) {
    let app = spawn_limited(&store, |s| s.rate_limit.per_ip = quota(2, 60)).await;
    for _ in 0..2 {
        let resp = app
            .client
            .get(app.url("/api/v1/users"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(limit_headers(&resp).0, "2");
    }
    let refused = app
        .client
        .get(app.url("/api/v1/users"))
        .send()
        .await
        .unwrap();
    assert_problem(refused, 429, "too-many-requests").await;
}

async fn concurrent_requests_against_a_limit_of_50_let_exactly_50_through(store: Store) {
    let app = spawn_limited(&store, |s| s.rate_limit.per_ip = quota(50, 60)).await;
    let health = app.client.get(app.url("/api/v1/health")).send().await;
    let health: Value = expect_json(health.expect("GET /api/v1/health"), 200).await;
    assert_eq!(
        health["checks"]["rate_limiter"], "ok",
        "the store answers before the burst"
    );
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let (client, url) = (app.client.clone(), app.url("/api/v1/users"));
        requests.spawn(async move {
            let resp = client
                .post(url)
                .header("content-type", "application/json")
                .body("[]")
                .send()
                .await;
            resp.expect("POST /api/v1/users").status().as_u16()
        });
    }
    let statuses = requests.join_all().await;
    let passed = statuses.iter().filter(|s| **s == 400).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((passed, refused), (50, 150), "statuses: {statuses:?}");
}

async fn each_user_has_a_limit_of_their_own(store: Store) {
    let app = spawn_limited(&store, |s| s.rate_limit.per_user = quota(3, 60)).await;
    let (_, alice) = app.alice().await;
    for remaining in ["2", "1", "0"] {
        let resp = app.get_me(&alice).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(
            limit_headers(&resp).1,
            remaining,
            "the user limit is the tightest"
        );
    }
    let refused = app.get_me(&alice).await;
    assert_eq!(limit_headers(&refused).0, "3");
    assert_problem(refused, 429, "too-many-requests").await;

    let (_, bob) = app.register_and_login("bob", "bob@example.com").await;
    assert_eq!(
        app.get_me(&bob).await.status(),
        StatusCode::OK,
        "bob has his own budget"
    );
}

async fn failed_logins_are_limited_per_account_across_ips(store: Store) {
    let app = spawn_limited(&store, |s| {
        s.rate_limit.login_failures = quota(3, 60);
        s.server.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    app.alice().await;
    let login = |ip: &'static str, name: &'static str, password: &'static str| {
        app.client
            .post(app.url("/api/v1/token/access"))
            .header("x-forwarded-for", ip)
            .form(&[("username", name), ("password", password)])
            .send()
    };
    for ip in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
        assert_eq!(
            login(ip, "alice", "wrong-password").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Spreading the guesses over IPs, or switching to the e-mail, does not help.
    let refused = login("198.51.100.4", "alice@example.com", PASSWORD)
        .await
        .unwrap();
    assert_problem(refused, 429, "too-many-requests").await;
    // Other accounts are not locked.
    app.register("bob", "bob@example.com", PASSWORD).await;
    let resp = login("198.51.100.4", "bob", PASSWORD).await.unwrap();
    expect_json(resp, 200).await;
}

async fn forwarded_headers_count_only_from_trusted_proxies(store: Store) {
    // Untrusted peer: X-Forwarded-For is ignored, every request counts against 127.0.0.1.
    let app = spawn_limited(&store, |s| s.rate_limit.per_ip = quota(2, 60)).await;
    let clients = ["203.0.113.1", "203.0.113.2", "203.0.113.3"];
    assert_eq!(statuses(&app, &clients).await, [400, 400, 429]);

    // Trusted proxy: each forwarded client has its own bucket.
    let store = match store {
        Store::Memory => Store::Memory,
        Store::Redis(_) => Store::Redis(fresh_prefix()),
    };
    let app = spawn_limited(&store, |s| {
        s.rate_limit.per_ip = quota(2, 60);
        s.server.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let clients = ["203.0.113.1", "203.0.113.1", "203.0.113.2", "203.0.113.1"];
    assert_eq!(statuses(&app, &clients).await, [400, 400, 400, 429]);
}

/// The status of one `poke` per forwarded client address, in order.
async fn statuses(app: &TestApp, forwarded_for: &[&str]) -> Vec<u16> {
    let mut statuses = Vec::new();
    for ip in forwarded_for {
        statuses.push(poke(app, Some(ip)).await.status().as_u16());
    }
    statuses
}

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

    let health = app
        .client
        .get(app.url("/api/v1/health"))
        .send()
        .await
        .unwrap();
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

    let health = app
        .client
        .get(app.url("/api/v1/health"))
        .send()
        .await
        .unwrap();
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
    let mut limited = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            // Health, the published keys and the metadata are cheap, public and meant to be
            // polled.
            let unlimited = [
                "/api/v1/health",
                "/api/v1/health/live",
                "/api/v1/health/ready",
                "/.well-known/jwks.json",
                "/.well-known/oauth-authorization-server",
            ];
            if unlimited.contains(&path.as_str()) {
                assert!(!responses.contains_key("429"), "{path} is not limited");
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
            limited.push(operation["operationId"].as_str().unwrap().to_owned());
        }
    }
    limited.sort();
    assert_eq!(
        limited,
        [
            "changePassword",
            "confirmEmailVerification",
            "confirmPasswordReset",
            "createAccessToken",
            "createUser",
            "deleteCurrentSession",
            "deleteCurrentUser",
            "deleteOtherSessions",
            "deleteSession",
            "deleteUser",
            "deleteUserSessions",
            "getCurrentUser",
            "getUser",
            "grantPermission",
            "listAuditEvents",
            "listSessions",
            "listUserSessions",
            "listUsers",
            "requestEmailVerification",
            "requestPasswordReset",
            "revokePermission",
            "revokeToken",
            "updateCurrentUser",
            "updateUser",
        ]
    );
}
