//! `GET`/`DELETE /api/v1/admin/users/{id}/sessions`: an account's live sessions, for holders
//! of `users:read`; ending them all at once, for holders of `sessions:revoke`, which makes
//! their tokens fail on their very next use.

use std::time::Duration;

use chrono::TimeDelta;
use reqwest::{Method, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Backend, PASSWORD, SessionTokens, TestApp, assert_problem, assert_refresh_refused, expect_json,
    field_names, spawn_app, timestamp,
};

both_backends!(
    listing_an_accounts_sessions_needs_users_read,
    an_accounts_live_sessions_are_listed_newest_first,
    ending_an_accounts_sessions_needs_sessions_revoke,
    ending_an_accounts_sessions_refuses_their_tokens_at_once,
    an_unknown_account_is_not_found,
);

/// `method /api/v1/admin/users/{id}/sessions` as `token`.
async fn sessions(app: &TestApp, method: Method, id: &str, token: &str) -> Response {
    let path = format!("/api/v1/admin/users/{id}/sessions");
    app.call(method, &path, token, None).await
}

fn id_of(user: &Value) -> &str {
    user["id"].as_str().expect("an id")
}

async fn assert_missing(resp: Response, permission: &str) {
    let problem = assert_problem(resp, 403, "missing-permission").await;
    assert_eq!(problem["permission"], permission, "{problem}");
}

async fn listing_an_accounts_sessions_needs_users_read(backend: Backend) {
    let app = spawn_app(backend).await;
    let (bob, bob_token) = app.account_with("bob", &[]).await;
    let (_, almost) = app
        .account_with(
            "almost_admin",
            &["users:write", "sessions:revoke", "audit:read"],
        )
        .await;
    let (_, reader) = app.account_with("reader", &["users:read"]).await;
    let bob = id_of(&bob);

    for token in [&bob_token, &almost] {
        assert_missing(sessions(&app, Method::GET, bob, token).await, "users:read").await;
    }
    let resp = sessions(&app, Method::GET, bob, "not-a-token").await;
    assert_problem(resp, 401, "unauthorized").await;
    let listed = expect_json(sessions(&app, Method::GET, bob, &reader).await, 200).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
}

async fn an_accounts_live_sessions_are_listed_newest_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.account_with("reader", &["users:read"]).await;
    let bob = expect_json(app.register("bob", "bob@example.com", PASSWORD).await, 201).await;
    let bob = id_of(&bob);
    let laptop = app.login_on("bob", "Firefox/128.0").await;
    app.clock.advance(Duration::from_secs(60));
    let phone = app.login_on("bob@example.com", "Mobile Safari/17").await;
    let ended = app.login_on("bob", "lost tablet").await;
    let resp = app
        .call(
            Method::DELETE,
            "/api/v1/sessions/current",
            &ended.access,
            None,
        )
        .await;
    assert_eq!(resp.status(), 204);

    let listed = expect_json(sessions(&app, Method::GET, bob, &admin).await, 200).await;

    let listed = listed.as_array().expect("an array of sessions");
    let ids: Vec<_> = listed.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [phone.session_id(), laptop.session_id()],
        "the ended one is not listed"
    );
    for session in listed {
        let expected = [
            "created_at",
            "expires_at",
            "id",
            "ip",
            "last_used_at",
            "user_agent",
        ];
        assert_eq!(field_names(session), expected, "{session}");
        assert_eq!(session["ip"], "127.0.0.1");
        let created = timestamp(session, "created_at");
        assert_eq!(timestamp(session, "last_used_at"), created);
        assert_eq!(
            timestamp(session, "expires_at") - created,
            TimeDelta::days(30)
        );
    }
    assert_eq!(listed[0]["user_agent"], "Mobile Safari/17");
    assert_eq!(listed[1]["user_agent"], "Firefox/128.0");

    // An account without sessions has an empty list.
    let carol = expect_json(
        app.register("carol", "carol@example.com", PASSWORD).await,
        201,
    )
    .await;
    let none = expect_json(
        sessions(&app, Method::GET, id_of(&carol), &admin).await,
        200,
    )
    .await;
    assert_eq!(none, json!([]));
}

async fn ending_an_accounts_sessions_needs_sessions_revoke(backend: Backend) {
    let app = spawn_app(backend).await;
    let (bob, bob_token) = app.account_with("bob", &[]).await;
    let (_, almost) = app
        .account_with("almost_admin", &["users:read", "users:write", "audit:read"])
        .await;
    let bob = id_of(&bob);

    for token in [&bob_token, &almost] {
        let resp = sessions(&app, Method::DELETE, bob, token).await;
        assert_missing(resp, "sessions:revoke").await;
    }
    let resp = sessions(&app, Method::DELETE, bob, "not-a-token").await;
    assert_problem(resp, 401, "unauthorized").await;
    expect_json(app.get_me(&bob_token).await, 200).await;
    assert!(app.audit_rows_of("session.revoked").await.is_empty());
}

async fn ending_an_accounts_sessions_refuses_their_tokens_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin, admin_token) = app.account_with("revoker", &["sessions:revoke"]).await;
    let admin = id_of(&admin);
    let bob = expect_json(app.register("bob", "bob@example.com", PASSWORD).await, 201).await;
    let bob = id_of(&bob);
    let devices: Vec<SessionTokens> = vec![
        app.login_on("bob", "laptop").await,
        app.login_on("bob", "phone").await,
    ];
    let carol = app.register_and_login("carol", "carol@example.com").await.1;

    let resp = sessions(&app, Method::DELETE, bob, &admin_token).await;

    assert_eq!(resp.status(), 204);
    assert!(resp.text().await.unwrap().is_empty());
    for device in &devices {
        assert_problem(app.get_me(&device.access).await, 401, "unauthorized").await;
        assert_refresh_refused(&app, &device.refresh).await;
    }
    let revoked = app.audit_rows_of("session.revoked").await;
    assert_eq!(revoked.len(), 1, "{revoked:#?}");
    assert_eq!(revoked[0].actor_id, Some(admin.parse().unwrap()));
    assert_eq!(revoked[0].target_id, Some(bob.parse().unwrap()));
    assert_eq!(revoked[0].detail, json!({"sessions": 2}));
    assert_eq!(revoked[0].ip.as_deref(), Some("127.0.0.1"));
    // Others' sessions, the administrator's own included, go on.
    expect_json(app.get_me(&carol).await, 200).await;
    expect_json(app.get_me(&admin_token).await, 200).await;

    // Nothing left to end: still 204, nothing recorded. Bob can log in again.
    let resp = sessions(&app, Method::DELETE, bob, &admin_token).await;
    assert_eq!(resp.status(), 204);
    assert_eq!(app.audit_rows_of("session.revoked").await.len(), 1);
    let again = app.token_for("bob", PASSWORD).await;
    expect_json(app.get_me(&again).await, 200).await;
}

async fn an_unknown_account_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.admin().await;
    let unknown = Uuid::now_v7().to_string();
    for method in [Method::GET, Method::DELETE] {
        for id in [unknown.as_str(), "not-a-uuid", "42"] {
            let resp = sessions(&app, method.clone(), id, &admin).await;
            assert_problem(resp, 404, "not-found").await;
        }
    }
    assert!(app.audit_rows_of("session.revoked").await.is_empty());
}
