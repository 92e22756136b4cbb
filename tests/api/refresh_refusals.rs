//! Refresh tokens refused: the cases all look alike, and what ends a session's refreshes
//! (a replay, the account's deletion, an unconfirmed address when one is required).

use std::time::Duration;

use accounts_api::infra::security::sha256_hex;
use serde_json::{Value, json};

use crate::helpers::{
    Backend, PASSWORD, TestApp, assert_problem, assert_refresh_refused, expect_json, header,
    reuse_grace, spawn_app, spawn_app_with,
};

both_backends!(
    refused_refresh_tokens_all_look_alike,
    deleting_the_account_ends_its_sessions,
    a_refresh_needs_a_confirmed_address_when_required,
);

/// Registers `alice` without logging her in; her `User` body.
async fn register_alice(app: &TestApp) -> Value {
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await
}

async fn refused_refresh_tokens_all_look_alike(backend: Backend) {
    let app = spawn_app(backend).await;
    register_alice(&app).await;
    let live = app.tokens_for("alice", PASSWORD).await;
    let spent = app.tokens_for("alice", PASSWORD).await;
    let next = app.refreshed(&spent.refresh).await;
    app.clock.advance(reuse_grace() + Duration::from_secs(1));
    let mut altered = live.refresh.clone().into_bytes();
    altered[20] = if altered[20] == b'A' { b'B' } else { b'A' };

    let cases = [
        (
            "unknown",
            "Kx3o2dVh1yZtq9cWbNp4LmR8sJfE0aG7uIkT5wQvY6D".to_owned(),
        ),
        ("empty", String::new()),
        ("an access token", live.access.clone()),
        ("one character changed", String::from_utf8(altered).unwrap()),
        ("replayed", spent.refresh.clone()),
        ("of a revoked session", next.refresh.clone()),
    ];
    let mut answers = Vec::new();
    for (case, token) in &cases {
        let resp = app.refresh(token).await;
        let challenge = header(resp.headers(), "www-authenticate");
        let body = assert_problem(resp, 401, "invalid-refresh-token").await;
        answers.push((*case, body, challenge));
    }

    let (_, first_body, first_challenge) = &answers[0];
    assert!(first_challenge.starts_with("Bearer"), "{first_challenge:?}");
    for (case, body, challenge) in &answers {
        assert_eq!(body, first_body, "{case} is told apart by its body");
        assert_eq!(
            challenge, first_challenge,
            "{case} is told apart by its header"
        );
    }
    // None of them touched the live session.
    expect_json(app.get_me(&live.access).await, 200).await;
    app.refreshed(&live.refresh).await;
}

async fn deleting_the_account_ends_its_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    register_alice(&app).await;
    let phone = app.tokens_for("alice", PASSWORD).await;
    let laptop = app.tokens_for("alice", PASSWORD).await;
    app.refreshed(&laptop.refresh).await;
    expect_json(app.register("bob", "bob@example.com", PASSWORD).await, 201).await;
    let bob = app.tokens_for("bob", PASSWORD).await;

    expect_json(app.delete_me(&phone.access, PASSWORD).await, 200).await;

    assert_refresh_refused(&app, &phone.refresh).await;
    assert_refresh_refused(&app, &laptop.refresh).await;
    assert_problem(app.get_me(&phone.access).await, 401, "unauthorized").await;
    let sessions = app.sessions().await;
    assert_eq!(sessions.len(), 1, "only bob's session is left");
    assert_eq!(sessions[0].id.to_string(), bob.session_id());
    let stored = app.refresh_tokens().await;
    assert_eq!(
        stored.len(),
        1,
        "alice's refresh tokens went with her sessions"
    );
    assert_eq!(stored[0].session_id, sessions[0].id);
    app.refreshed(&bob.refresh).await;
}

async fn a_refresh_needs_a_confirmed_address_when_required(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.email_verification.required = true).await;
    register_alice(&app).await;
    app.execute("UPDATE users SET email_verified = TRUE").await;
    let login = app.tokens_for("alice", PASSWORD).await;
    let tokens = app.refreshed(&login.refresh).await;

    let changed = app
        .patch_me(
            &tokens.access,
            &json!({ "email": "alice@example.org", "current_password": PASSWORD }),
        )
        .await;
    assert_eq!(expect_json(changed, 200).await["email_verified"], false);

    assert_problem(
        app.refresh(&tokens.refresh).await,
        403,
        "email-not-verified",
    )
    .await;
    // The refusal spent nothing: once the new address is confirmed, the same token works.
    let stored = app.refresh_tokens().await;
    assert!(
        stored
            .iter()
            .any(|t| t.token_hash == sha256_hex(&tokens.refresh) && t.used_at.is_none())
    );
    app.execute("UPDATE users SET email_verified = TRUE").await;
    app.refreshed(&tokens.refresh).await;
}
