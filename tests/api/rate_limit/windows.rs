//! The limits themselves, on both stores: windows, per-IP, per-user, per-account
//! failed logins, concurrency and trusted proxies.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{PASSWORD, assert_problem, expect_json, header};

use super::*;

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
    let health: Value = expect_json(app.health().await, 200).await;
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
