//! `GET /api/v1/admin/audit`: the audit trail for holders of `audit:read`, its parameters
//! refused with a 422 naming each, and every change made through the admin API listed once,
//! with the administrator as its actor. (Pages and filters: `admin_audit_pages`.)

use std::time::Duration;

use accounts_api::infra::rate_limit::Quota;
use chrono::TimeDelta;
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{
    Backend, PASSWORD, TestApp, assert_problem, error_fields, expect_json, field_names, spawn_app,
    spawn_app_with, timestamp,
};

both_backends!(
    reading_the_trail_needs_audit_read,
    unreadable_parameters_are_refused_naming_them,
    every_admin_change_is_listed_once_with_the_admin_as_actor,
);

/// `GET /api/v1/admin/audit?<query>` as `token`.
pub async fn audit(app: &TestApp, query: &str, token: &str) -> Response {
    let path = format!("/api/v1/admin/audit?{query}");
    app.call(Method::GET, &path, token, None).await
}

/// A page that must be served (asserting 200).
pub async fn page(app: &TestApp, query: &str, token: &str) -> Value {
    expect_json(audit(app, query, token).await, 200).await
}

/// The ids of a page's events, in order.
pub fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {page}"))
        .iter()
        .map(|event| event["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// An app whose per-user limit lets one test page through the trail at leisure.
pub async fn spawn(backend: Backend) -> TestApp {
    spawn_app_with(backend, |s| {
        s.rate_limit.per_user = Quota {
            limit: 1000,
            window: Duration::from_secs(60),
        };
    })
    .await
}

async fn reading_the_trail_needs_audit_read(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, bob) = app.account_with("bob", &[]).await;
    let (_, almost) = app
        .account_with(
            "almost_admin",
            &["users:read", "users:write", "sessions:revoke"],
        )
        .await;
    for token in [&bob, &almost] {
        let problem = assert_problem(audit(&app, "", token).await, 403, "missing-permission").await;
        assert_eq!(problem["permission"], "audit:read", "{problem}");
    }
    assert_problem(audit(&app, "", "not-a-token").await, 401, "unauthorized").await;
    app.clock.advance(Duration::from_secs(1));
    let (_, auditor) = app.account_with("auditor", &["audit:read"]).await;
    let first = page(&app, "", &auditor).await;
    assert_eq!(first["items"][0]["action"], "login.succeeded", "{first}");
}

async fn unreadable_parameters_are_refused_naming_them(backend: Backend) {
    let app = spawn(backend).await;
    let (_, token) = app.account_with("auditor", &["audit:read"]).await;
    let cases: &[(&str, &[&str])] = &[
        ("cursor=garbage", &["cursor"]),
        ("actor=nobody", &["actor"]),
        ("actor=SYSTEM", &["actor"]),
        ("actor=nobody&cursor=garbage", &["cursor", "actor"]),
        ("target=not-a-uuid", &["target"]),
        ("action=nope", &["action"]),
        ("action=LOGIN.FAILED", &["action"]),
        ("limit=0", &["limit"]),
        ("limit=101", &["limit"]),
        ("limit=-1", &["limit"]),
        ("limit=ten", &["limit"]),
    ];
    for (query, fields) in cases {
        let problem = assert_problem(audit(&app, query, &token).await, 422, "validation").await;
        assert_eq!(error_fields(&problem), *fields, "{query}: {problem}");
    }
    // Empty, as a form sends an unset field, is no filter and the first page.
    for query in [
        "cursor=",
        "actor=",
        "limit=1",
        "limit=100",
        "action=login.failed",
        "actor=system",
    ] {
        page(&app, query, &token).await;
    }
}

async fn every_admin_change_is_listed_once_with_the_admin_as_actor(backend: Backend) {
    let app = spawn(backend).await;
    let (admin, token) = app.admin().await;
    let admin = admin["id"].as_str().unwrap().to_owned();
    let (bob, _) = app.account_with("bob", &[]).await;
    let bob = bob["id"].as_str().unwrap().to_owned();
    let permission = format!("/api/v1/admin/users/{bob}/permissions/audit:read");
    let sessions = format!("/api/v1/admin/users/{bob}/sessions");
    for (method, path) in [
        (Method::PUT, &permission),
        (Method::PUT, &permission),
        (Method::DELETE, &permission),
        (Method::DELETE, &permission),
        (Method::DELETE, &sessions),
        (Method::DELETE, &sessions),
    ] {
        app.clock.advance(Duration::from_secs(1));
        assert_eq!(app.call(method, path, &token, None).await.status(), 204);
    }
    app.token_for("bob", PASSWORD).await;

    let body = page(&app, &format!("actor={admin}&target={bob}"), &token).await;

    let events = body["items"].as_array().expect("items");
    let actions: Vec<_> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "session.revoked",
            "permission.revoked",
            "permission.granted"
        ]
    );
    let details: Vec<_> = events.iter().map(|e| &e["detail"]).collect();
    let granted = json!({"permission": "audit:read"});
    assert_eq!(details, [&json!({"sessions": 1}), &granted, &granted]);
    for event in events {
        let expected = [
            "action",
            "actor_id",
            "actor_type",
            "detail",
            "id",
            "ip",
            "occurred_at",
            "request_id",
            "target_id",
        ];
        assert_eq!(field_names(event), expected, "{event}");
        assert_eq!(event["actor_type"], "account");
        assert_eq!(event["ip"], "127.0.0.1");
        assert!(event["request_id"].is_string(), "{event}");
    }
    let times: Vec<_> = events.iter().map(|e| timestamp(e, "occurred_at")).collect();
    assert!(
        times
            .windows(2)
            .all(|w| w[0] - w[1] == TimeDelta::seconds(2)),
        "{times:?}"
    );
    assert_eq!(body["next_cursor"], Value::Null);
    // The trail holds nothing else by the admin on bob, and bob's next login is bob's own.
    let newest = page(&app, "limit=1", &token).await;
    assert_eq!(newest["items"][0]["action"], "login.succeeded");
    assert_eq!(newest["items"][0]["actor_id"], bob);
}
