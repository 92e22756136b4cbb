//! Permissions in the access token and in the bearer check, disabled accounts, and the audit
//! trail's retention. (The admin API that grants and checks them: `admin_*`.)

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{
    Backend, PASSWORD, assert_problem, expect_json, payload_of, spawn_app, spawn_app_with,
};

both_backends!(
    a_new_account_has_no_permissions_in_its_token,
    permissions_are_signed_into_each_new_token,
    a_disabled_account_is_refused_at_once_even_with_a_live_session,
);

fn id_of(user: &Value) -> &str {
    user["id"].as_str().unwrap()
}

async fn a_new_account_has_no_permissions_in_its_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let claims = payload_of(&token);
    assert_eq!(claims["permissions"], json!([]));
    assert!(claims.get("scope").is_none(), "no empty scope: {claims}");
}

async fn permissions_are_signed_into_each_new_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, _) = app.alice().await;
    app.grant(id_of(&alice), &["users:read", "audit:read"])
        .await;
    let tokens = app.tokens_for("alice", PASSWORD).await;
    let claims = payload_of(&tokens.access);
    assert_eq!(claims["permissions"], json!(["audit:read", "users:read"]));
    assert_eq!(claims["scope"], "audit:read users:read");

    // A refresh reads them again: granted and revoked since the login.
    app.grant(id_of(&alice), &["sessions:revoke"]).await;
    app.revoke(id_of(&alice), "audit:read").await;
    let refreshed = app.refreshed(&tokens.refresh).await;
    let claims = payload_of(&refreshed.access);
    assert_eq!(
        claims["permissions"],
        json!(["sessions:revoke", "users:read"])
    );
    assert_eq!(claims["scope"], "sessions:revoke users:read");
}

async fn a_disabled_account_is_refused_at_once_even_with_a_live_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, _) = app.alice().await;
    let tokens = app.tokens_for("alice", PASSWORD).await;
    assert_eq!(app.get_me(&tokens.access).await.status(), 200);
    app.disable_in_database(id_of(&alice)).await;
    assert_problem(app.get_me(&tokens.access).await, 401, "unauthorized").await;
    assert_problem(
        app.refresh(&tokens.refresh).await,
        401,
        "invalid-refresh-token",
    )
    .await;

    assert_problem(app.login("alice", PASSWORD).await, 403, "account-disabled").await;
    assert_problem(
        app.login("alice", "a-wrong-password").await,
        401,
        "invalid-credentials",
    )
    .await;
    let failed = app.audit_rows_of("login.failed").await;
    let reasons: Vec<&Value> = failed.iter().map(|row| &row.detail["reason"]).collect();
    assert_eq!(
        reasons,
        [&json!("account_disabled"), &json!("invalid_credentials")]
    );
    assert_eq!(
        app.audit_rows_of("login.succeeded").await.len(),
        2,
        "alice's logins before she was disabled only"
    );
}

#[tokio::test]
async fn audit_rows_older_than_the_retention_are_pruned() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.audit.retention = Duration::from_secs(24 * 3600);
        s.sessions.prune_interval = Duration::from_millis(50);
    })
    .await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    assert_eq!(app.audit_rows().await.len(), 1);
    app.clock.advance(Duration::from_secs(2 * 24 * 3600));
    app.token_for("alice", PASSWORD).await;

    // The pruner ticks every 50 ms; allow a busy machine far longer.
    let mut rows = app.audit_rows().await;
    for _ in 0..600 {
        if rows.len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        rows = app.audit_rows().await;
    }
    let actions: Vec<&str> = rows.iter().map(|row| row.action.as_str()).collect();
    assert_eq!(
        actions,
        ["login.succeeded"],
        "the sign-up is past retention"
    );
}
