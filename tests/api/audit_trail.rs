//! The audit trail of the caller's own actions: each security-relevant change leaves
//! exactly one row, in its transaction, naming actor, target, client IP and request id;
//! a refused change leaves none. (Administrators' changes: `admin_*`; the CLI's:
//! `manage_cli`; retention: `audit_retention`.)

use accounts_api::infra::{
    db::entities::{audit_event, email_verification, password_reset},
    security::sha256_hex,
};
use chrono::{Duration, Utc};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Backend, PASSWORD, TestApp, expect_json, spawn_app};

both_backends!(
    signing_up_logging_in_and_out_are_audited,
    failed_logins_are_audited_without_the_login_typed,
    sessions_ended_by_their_owner_are_audited,
    password_and_email_changes_are_audited,
    tokens_mailed_for_confirmation_and_reset_are_audited_when_spent,
    a_replayed_refresh_token_and_a_deletion_are_audited,
);

/// The one row of `action`, asserting there is exactly one.
async fn only(app: &TestApp, action: &str) -> audit_event::Model {
    let rows = app.audit_rows_of(action).await;
    assert_eq!(rows.len(), 1, "{action}: {rows:#?}");
    rows.into_iter().next().unwrap()
}

fn id_of(user: &Value) -> Uuid {
    user["id"].as_str().unwrap().parse().unwrap()
}

/// The row says the account did it to itself, from the loopback client.
fn assert_by_self(row: &audit_event::Model, account: Uuid) {
    assert_eq!(row.actor_id, Some(account), "{row:#?}");
    assert_eq!(row.target_id, Some(account), "{row:#?}");
    assert_eq!(row.ip.as_deref(), Some("127.0.0.1"), "{row:#?}");
    assert!(row.request_id.is_some(), "{row:#?}");
}

async fn signing_up_logging_in_and_out_are_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .post(app.url("/api/v1/users"))
        .header("x-request-id", "sign-up-42")
        .json(&json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let alice = id_of(&expect_json(response, 201).await);
    let signed_up = only(&app, "user.signed_up").await;
    assert_by_self(&signed_up, alice);
    assert_eq!(signed_up.request_id.as_deref(), Some("sign-up-42"));

    let token = app.token_for("alice", PASSWORD).await;
    assert_by_self(&only(&app, "login.succeeded").await, alice);

    let response = app
        .call(Method::DELETE, "/api/v1/sessions/current", &token, None)
        .await;
    assert_eq!(response.status(), 204);
    let logged_out = only(&app, "session.logged_out").await;
    assert_by_self(&logged_out, alice);
    assert!(logged_out.detail["session_id"].is_string());
    assert_eq!(app.audit_rows().await.len(), 3, "nothing else was recorded");
}

async fn failed_logins_are_audited_without_the_login_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, _) = app.alice().await;
    let before = app.audit_rows().await.len();
    assert_eq!(app.login("alice", "wrong-password-1").await.status(), 401);
    assert_eq!(
        app.login("typed-a-secret-here", PASSWORD).await.status(),
        401
    );
    let failed = app.audit_rows_of("login.failed").await;
    assert_eq!(failed.len(), 2, "{failed:#?}");
    assert_eq!(failed[0].target_id, Some(id_of(&alice)));
    assert_eq!(failed[0].actor_id, None);
    assert_eq!(failed[0].detail, json!({"reason": "invalid_credentials"}));
    assert_eq!(failed[1].target_id, None, "no account has that login");
    let everything = serde_json::to_string(&failed[1].detail).unwrap();
    assert!(!everything.contains("typed-a-secret-here"));
    assert!(!everything.contains(PASSWORD));
    assert_eq!(app.audit_rows().await.len(), before + 2);
}

async fn sessions_ended_by_their_owner_are_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;
    let alice = id_of(&alice);
    let laptop = app.login_on("alice", "laptop").await;
    let phone = app.login_on("alice", "phone").await;

    let path = format!("/api/v1/sessions/{}", laptop.session_id());
    let response = app.call(Method::DELETE, &path, &token, None).await;
    assert_eq!(response.status(), 204);
    let revoked = only(&app, "session.revoked").await;
    assert_by_self(&revoked, alice);
    assert_eq!(revoked.detail["session_id"], json!(laptop.session_id()));

    // Ending a session that has already ended changes nothing and records nothing.
    let response = app.call(Method::DELETE, &path, &token, None).await;
    assert_eq!(response.status(), 404);

    let response = app
        .call(Method::DELETE, "/api/v1/sessions", &token, None)
        .await;
    assert_eq!(response.status(), 204);
    let revoked = app.audit_rows_of("session.revoked").await;
    assert_eq!(revoked.len(), 2, "{revoked:#?}");
    assert_eq!(revoked[1].detail, json!({"sessions": 1}), "the phone's");

    let phone_again = app.login_on("alice", "phone").await;
    let response = app
        .client
        .post(app.url("/api/v1/token/revoke"))
        .form(&[("token", phone_again.refresh.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let revoked = app.audit_rows_of("session.revoked").await;
    assert_eq!(revoked.len(), 3, "{revoked:#?}");
    assert_eq!(revoked[2].detail, json!({"via": "token_revocation"}));
    assert_eq!(revoked[2].target_id, Some(alice));
    drop(phone);
}

async fn password_and_email_changes_are_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;
    let alice = id_of(&alice);
    let response = app
        .call(
            Method::PUT,
            "/api/v1/users/password",
            &token,
            Some(&json!({"current_password": "not-the-password", "new_password": "a-new-passphrase"})),
        )
        .await;
    assert_eq!(response.status(), 403);
    assert!(app.audit_rows_of("password.changed").await.is_empty());
    let response = app
        .call(
            Method::PUT,
            "/api/v1/users/password",
            &token,
            Some(&json!({"current_password": PASSWORD, "new_password": "a-new-passphrase"})),
        )
        .await;
    assert_eq!(response.status(), 204);
    assert_by_self(&only(&app, "password.changed").await, alice);

    let response = app
        .patch_me(
            &token,
            &json!({"email": "alice@elsewhere.example", "current_password": "a-new-passphrase"}),
        )
        .await;
    expect_json(response, 200).await;
    let changed = only(&app, "email.changed").await;
    assert_by_self(&changed, alice);
    assert_eq!(
        changed.detail,
        json!({"from": "alice@example.com", "to": "alice@elsewhere.example"})
    );
    // A rename is no e-mail change.
    expect_json(
        app.patch_me(&token, &json!({"username": "alicia"})).await,
        200,
    )
    .await;
    assert_eq!(app.audit_rows_of("email.changed").await.len(), 1);
}

async fn tokens_mailed_for_confirmation_and_reset_are_audited_when_spent(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, _) = app.alice().await;
    let alice = id_of(&alice);
    let db = app.db().await;
    let now = Utc::now();
    email_verification::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(alice),
        email: Set("alice@example.com".into()),
        token_hash: Set(sha256_hex("confirm-me")),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(1)),
        used_at: Set(None),
    }
    .insert(&db)
    .await
    .unwrap();
    password_reset::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(alice),
        email: Set("alice@example.com".into()),
        token_hash: Set(sha256_hex("reset-me")),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(1)),
        used_at: Set(None),
    }
    .insert(&db)
    .await
    .unwrap();
    db.close().await.ok();

    let confirm = |token: &'static str| {
        app.client
            .post(app.url("/api/v1/users/email-verification/confirm"))
            .json(&json!({ "token": token }))
            .send()
    };
    expect_json(confirm("confirm-me").await.unwrap(), 200).await;
    let confirmed = only(&app, "email.confirmed").await;
    assert_by_self(&confirmed, alice);
    assert_eq!(confirmed.detail, json!({"email": "alice@example.com"}));
    // The spent token is refused, and the refusal rolls back everything, the row too.
    assert_eq!(confirm("confirm-me").await.unwrap().status(), 410);
    assert_eq!(app.audit_rows_of("email.confirmed").await.len(), 1);

    let response = app
        .client
        .post(app.url("/api/v1/password-reset/confirm"))
        .json(&json!({"token": "reset-me", "new_password": "a-new-passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_by_self(&only(&app, "password.reset").await, alice);
}

async fn a_replayed_refresh_token_and_a_deletion_are_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, _) = app.alice().await;
    let alice = id_of(&alice);
    let tokens = app.tokens_for("alice", PASSWORD).await;
    app.refreshed(&tokens.refresh).await;
    app.clock.advance(crate::helpers::reuse_grace() * 2);
    assert_eq!(app.refresh(&tokens.refresh).await.status(), 401);
    let reuse = only(&app, "session.refresh_reuse_detected").await;
    assert_eq!(reuse.actor_id, None, "whoever replayed it is unknown");
    assert_eq!(reuse.target_id, Some(alice));
    assert_eq!(reuse.detail["session_id"], json!(tokens.session_id()));

    let token = app.token_for("alice", PASSWORD).await;
    assert_eq!(app.delete_me(&token, PASSWORD).await.status(), 200);
    let deleted = only(&app, "account.deleted").await;
    assert_by_self(&deleted, alice);
    // The trail outlives the account it names.
    assert!(
        app.audit_rows()
            .await
            .iter()
            .all(|row| row.target_id.is_none_or(|t| t == alice))
    );
}
