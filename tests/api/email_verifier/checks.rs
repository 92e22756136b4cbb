//! What each verdict and each provider failure does to a sign-up or an e-mail change.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use serde_json::json;

use crate::helpers::{
    Backend, PASSWORD, assert_problem, body_text, error_fields, expect_json, header,
};

use super::*;

#[tokio::test]
async fn a_deliverable_address_is_checked_once_with_our_key_and_registered() {
    let provider = Provider::start().await;
    let app = spawn_checked(Backend::Sqlite, &provider, |_| {}).await;

    expect_json(
        app.register("alice", "Alice@Example.com", PASSWORD).await,
        201,
    )
    .await;

    assert_eq!(provider.calls(), 1);
    let call = provider.last_call();
    assert_eq!(call["api_key"], API_KEY);
    assert_eq!(call["email"], "alice@example.com", "the normalised address");
    assert_eq!(health(&app).await["checks"]["email_verifier"], "ok");
}

both_backends!(each_failed_check_is_a_422_naming_it_and_writes_nothing);

async fn each_failed_check_is_a_422_naming_it_and_writes_nothing(backend: Backend) {
    let provider = Provider::start().await;
    let app = spawn_checked(backend, &provider, |_| {}).await;
    let cases = [
        (
            Reply::verdict("undeliverable", false, false),
            "format check",
        ),
        (
            Reply::verdict("undeliverable", true, false),
            "deliverability check",
        ),
        (
            Reply::verdict("deliverable", true, true),
            "disposable-address check",
        ),
    ];
    for (i, (reply, check)) in cases.into_iter().enumerate() {
        provider.answer(reply);
        let email = format!("user{i}@example.com");
        let resp = app.register(&format!("user{i}"), &email, PASSWORD).await;
        let problem = assert_problem(resp, 422, "validation").await;
        assert_eq!(error_fields(&problem), ["email"], "{problem}");
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(check), "{check}: {problem}");
    }
    assert_eq!(app.count_users().await, 0, "no account written");
    assert_eq!(outbox_rows(&app).await, 0, "no event written");
}

#[tokio::test]
async fn an_undecided_provider_lets_the_address_through() {
    let provider = Provider::start().await;
    provider.answer(Reply::verdict("unknown", true, false));
    let app = spawn_checked(Backend::Sqlite, &provider, |_| {}).await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
}

#[tokio::test]
async fn a_slow_provider_costs_one_timeout_then_is_skipped_for_the_cooldown() {
    let provider = Provider::start().await;
    provider.answer(Reply {
        delay: Duration::from_secs(3),
        ..Reply::deliverable()
    });
    let timeout = Duration::from_millis(400);
    let app = spawn_checked(Backend::Sqlite, &provider, |s| {
        s.email_verifier.as_mut().unwrap().timeout = timeout;
    })
    .await;

    let started = Instant::now();
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    let first = started.elapsed();
    assert!(
        first >= timeout && first < Duration::from_millis(1500),
        "waited {first:?}: the timeout once, no retry"
    );
    let started = Instant::now();
    expect_json(app.register("bob", "bob@example.com", PASSWORD).await, 201).await;
    let second = started.elapsed();
    assert!(
        second < timeout,
        "waited {second:?}: skipped during the cooldown"
    );
    assert_eq!(provider.calls(), 1, "the provider was asked once");
    assert_eq!(health(&app).await["checks"]["email_verifier"], "degraded");
    assert_eq!(health(&app).await["status"], "degraded");
}

#[tokio::test]
async fn a_refused_key_is_a_503_with_retry_after_that_leaks_nothing() {
    let provider = Provider::start().await;
    let app = spawn_checked(Backend::Sqlite, &provider, |_| {}).await;
    for status in [401, 403] {
        provider.answer(Reply::raw(
            status,
            r#"{"error":{"message":"invalid api key"}}"#,
        ));
        let resp = app.register("alice", "alice@example.com", PASSWORD).await;
        assert_eq!(header(resp.headers(), "retry-after"), "7", "the cooldown");
        let text = body_text(resp).await;
        assert!(!text.contains(API_KEY), "{text}");
        let problem: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(problem["status"], 503, "{problem}");
        assert_eq!(problem["type"], "/problems/unavailable", "{problem}");
    }
    assert_eq!(provider.calls(), 2, "errors are not cached");
    assert_eq!(app.count_users().await, 0);
}

#[tokio::test]
async fn provider_outages_and_quota_are_503_with_the_right_retry_after() {
    let provider = Provider::start().await;
    let app = spawn_checked(Backend::Sqlite, &provider, |_| {}).await;
    let cases = [
        (Reply::raw(500, "{}"), "7"),
        (Reply::raw(502, "<html>bad gateway</html>"), "7"),
        (
            Reply {
                retry_after: Some("42"),
                ..Reply::raw(429, "{}")
            },
            "42",
        ),
        (Reply::raw(429, "{}"), "7"),
    ];
    for (reply, retry_after) in cases {
        let status = reply.status;
        provider.answer(reply);
        let resp = app.register("alice", "alice@example.com", PASSWORD).await;
        assert_eq!(
            header(resp.headers(), "retry-after"),
            retry_after,
            "provider {status}"
        );
        assert_problem(resp, 503, "unavailable").await;
    }
    assert_eq!(app.count_users().await, 0);
    assert_eq!(health(&app).await["checks"]["email_verifier"], "degraded");
}

#[tokio::test]
async fn an_unreachable_provider_is_a_503() {
    let provider = Provider {
        url: "http://127.0.0.1:1/v1/".into(),
        state: Arc::default(),
    };
    let app = spawn_checked(Backend::Sqlite, &provider, |_| {}).await;
    let resp = app.register("alice", "alice@example.com", PASSWORD).await;
    assert_problem(resp, 503, "unavailable").await;
}

#[tokio::test]
async fn a_garbled_answer_counts_as_unknown_and_lets_the_address_through() {
    let provider = Provider::start().await;
    let app = spawn_checked(Backend::Sqlite, &provider, |_| {}).await;
    let garbled = [
        Reply::raw(200, "not json at all"),
        Reply::raw(200, r#"{"unexpected": "shape"}"#),
        Reply::raw(200, r#"{"email_deliverability": {"status": 7}}"#),
        Reply::raw(404, "not found"),
    ];
    for (i, reply) in garbled.into_iter().enumerate() {
        provider.answer(reply);
        let resp = app
            .register(
                &format!("user{i}"),
                &format!("user{i}@example.com"),
                PASSWORD,
            )
            .await;
        expect_json(resp, 201).await;
    }
    assert_eq!(app.count_users().await, 4);
    assert_eq!(provider.calls(), 4, "unknown outcomes are not cached");
}

#[tokio::test]
async fn changing_to_a_rejected_address_is_refused_and_changes_nothing() {
    let provider = Provider::start().await;
    let app = spawn_checked(Backend::Postgres, &provider, |_| {}).await;
    let (_, token) = app.alice().await;

    provider.answer(Reply::verdict("deliverable", true, true));
    let resp = app
        .patch_me(
            &token,
            &json!({ "email": "alice@throwaway.test", "username": "alice2", "current_password": PASSWORD }),
        )
        .await;
    let problem = assert_problem(resp, 422, "validation").await;
    assert_eq!(error_fields(&problem), ["email"]);

    let me = expect_json(app.get_me(&token).await, 200).await;
    assert_eq!(me["email"], "alice@example.com");
    assert_eq!(me["username"], "alice");
    // Neither a username-only change nor the current address asks the provider anything.
    let calls = provider.calls();
    for change in [
        json!({ "username": "alice3" }),
        json!({ "email": "ALICE@example.com" }),
    ] {
        expect_json(app.patch_me(&token, &change).await, 200).await;
    }
    assert_eq!(provider.calls(), calls);
}
