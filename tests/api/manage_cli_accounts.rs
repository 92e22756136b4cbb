//! `manage users disable|enable`, and the audit rows the CLI's changes leave (actor: the
//! system), run as real processes.

use serde_json::json;

use crate::{
    helpers::{Backend, PASSWORD, assert_problem, payload_of, spawn_app},
    manage_cli::{account, manage_fails, manage_ok},
};

both_backends!(
    disabling_ends_sessions_and_refuses_logins_until_enabled,
    the_clis_changes_are_audited_as_the_systems,
);

async fn disabling_ends_sessions_and_refuses_logins_until_enabled(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = &app.database_url;
    account(&app, "alice", "alice@example.com").await;
    let tokens = app.tokens_for("alice", PASSWORD).await;

    let printed = manage_ok(url, &["users", "disable", "ALICE"]);
    assert_eq!(printed.trim(), "disabled alice; its sessions have ended");
    let again = manage_ok(url, &["users", "disable", "alice"]);
    assert_eq!(again.trim(), "alice is already disabled; nothing to do");

    // The access token and the refresh token die at once.
    assert_eq!(app.get_me(&tokens.access).await.status(), 401);
    assert_eq!(app.refresh(&tokens.refresh).await.status(), 401);
    // The right password learns why; a wrong one is the usual 401, telling nothing.
    let problem = assert_problem(app.login("alice", PASSWORD).await, 403, "account-disabled").await;
    assert!(problem["detail"].as_str().unwrap().contains("disabled"));
    assert_problem(
        app.login("alice", "not-the-password").await,
        401,
        "invalid-credentials",
    )
    .await;

    let printed = manage_ok(url, &["users", "enable", "alice@example.com"]);
    assert_eq!(printed.trim(), "enabled alice");
    let again = manage_ok(url, &["users", "enable", "alice"]);
    assert_eq!(again.trim(), "alice is not disabled; nothing to do");
    let token = app.token_for("alice", PASSWORD).await;
    assert_eq!(app.get_me(&token).await.status(), 200);

    let unknown = manage_fails(url, &["users", "disable", "nobody"]);
    assert!(unknown.contains("no account"), "{unknown}");
}

async fn the_clis_changes_are_audited_as_the_systems(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = &app.database_url;
    let alice: uuid::Uuid = account(&app, "alice", "alice@example.com")
        .await
        .parse()
        .unwrap();
    for args in [
        ["users", "grant", "alice", "users:read"],
        ["users", "grant", "alice", "users:read"], // no change, no row
        ["users", "revoke", "alice", "users:read"],
        ["users", "disable", "alice", ""],
        ["users", "enable", "alice", ""],
    ] {
        let args: Vec<&str> = args.into_iter().filter(|a| !a.is_empty()).collect();
        manage_ok(url, &args);
    }
    let rows = app.audit_rows().await;
    let cli_rows: Vec<_> = rows
        .iter()
        .filter(|r| r.action != "user.signed_up")
        .collect();
    let actions: Vec<&str> = cli_rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "permission.granted",
            "permission.revoked",
            "account.disabled",
            "account.enabled"
        ]
    );
    for row in &cli_rows {
        assert_eq!(row.actor_id, None, "the system acted: {row:#?}");
        assert_eq!(row.target_id, Some(alice));
        assert_eq!((row.ip.as_deref(), row.request_id.as_deref()), (None, None));
    }
    assert_eq!(cli_rows[0].detail, json!({"permission": "users:read"}));
    assert_eq!(cli_rows[2].detail, json!({"sessions_ended": 0}));

    // A permission granted by the CLI is in the next token.
    manage_ok(url, &["users", "grant", "alice", "audit:read"]);
    let token = app.token_for("alice", PASSWORD).await;
    assert_eq!(payload_of(&token)["permissions"], json!(["audit:read"]));
}
