//! What `users:write` alone cannot do (issue 22, point 3): grant or revoke a permission its
//! holder lacks, or delete the last account holding it through `DELETE /api/v1/users`.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, PASSWORD, TestApp, assert_problem, expect_json, spawn_app};

both_backends!(
    an_administrator_changes_only_permissions_it_holds,
    the_last_users_write_holder_cannot_delete_itself,
);

async fn change(app: &TestApp, method: Method, id: &str, permission: &str, token: &str) -> u16 {
    let path = format!("/api/v1/admin/users/{id}/permissions/{permission}");
    let resp = app.call(method, &path, token, None).await;
    let status = resp.status().as_u16();
    if status == 403 {
        let problem = assert_problem(resp, 403, "missing-permission").await;
        assert_eq!(problem["permission"], permission, "{problem}");
    }
    status
}

async fn an_administrator_changes_only_permissions_it_holds(backend: Backend) {
    let app = spawn_app(backend).await;
    let (writer, token) = app.account_with("writer", &["users:write"]).await;
    let (bob, _) = app.account_with("bob", &["audit:read"]).await;
    let (writer, bob) = (writer["id"].as_str().unwrap(), bob["id"].as_str().unwrap());

    // Not even to itself: users:write is not every permission.
    for (method, target, permission) in [
        (Method::PUT, writer, "audit:read"),
        (Method::PUT, bob, "sessions:revoke"),
        (Method::DELETE, bob, "audit:read"),
    ] {
        assert_eq!(change(&app, method, target, permission, &token).await, 403);
    }
    let refused = app.audit_rows_of("permission.change_refused").await;
    assert_eq!(refused.len(), 3);
    assert_eq!(
        refused[0].actor_id.map(|id| id.to_string()).as_deref(),
        Some(writer)
    );
    assert_eq!(
        refused[0].detail,
        json!({ "permission": "audit:read", "change": "grant", "reason": "not_held" })
    );
    assert_eq!(refused[2].detail["change"], "revoke");
    assert!(app.audit_rows_of("permission.granted").await.is_empty());
    let bob_token = app.token_for("bob", PASSWORD).await;
    let audit = app
        .call(Method::GET, "/api/v1/admin/audit", &bob_token, None)
        .await;
    expect_json(audit, 200).await;

    // What it holds, it may pass on.
    assert_eq!(
        change(&app, Method::PUT, bob, "users:write", &token).await,
        204
    );
    let (_, admin) = app.admin().await;
    assert_eq!(
        change(&app, Method::PUT, writer, "audit:read", &admin).await,
        204
    );
    assert_eq!(
        change(&app, Method::DELETE, bob, "audit:read", &token).await,
        204
    );
}

async fn the_last_users_write_holder_cannot_delete_itself(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.account_with("admin", &["users:write"]).await;
    // Without users:write, deleting oneself is no lock-out even when nobody else holds it.
    let (_, plain) = app.account_with("plain", &[]).await;
    let (_, other) = app.account_with("other", &[]).await;
    expect_json(app.delete_me(&plain, PASSWORD).await, 200).await;

    let problem = assert_problem(app.delete_me(&admin, PASSWORD).await, 409, "lockout").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("users:write"),
        "{problem}"
    );
    let refused = app.audit_rows_of("account.deletion_refused").await;
    assert_eq!(refused.len(), 1);
    assert_eq!(
        refused[0].detail,
        json!({ "reason": "last_users_write_holder" })
    );
    expect_json(app.get_me(&admin).await, 200).await;

    // Once another enabled account holds it, the first may go.
    let other_id = expect_json(app.get_me(&other).await, 200).await["id"].clone();
    let path = format!(
        "/api/v1/admin/users/{}/permissions/users:write",
        other_id.as_str().unwrap()
    );
    assert_eq!(
        app.call(Method::PUT, &path, &admin, None).await.status(),
        204
    );
    expect_json(app.delete_me(&admin, PASSWORD).await, 200).await;
}
