//! `PUT`/`DELETE /api/v1/admin/users/{id}/permissions/{permission}`: granting and revoking
//! permissions, for holders of `users:write`; a grant is in the target's next token, a
//! revocation counts on its very next request, and `users:write` can never be taken from
//! the last administrator (nor by one from itself), even by two revoking each other at once.

use reqwest::{Method, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Backend, PASSWORD, TestApp, assert_problem, error_fields, expect_json, payload_of, spawn_app,
};

both_backends!(
    granting_and_revoking_need_users_write,
    a_grant_is_in_the_next_token_and_a_revocation_counts_at_once,
    grants_and_revocations_are_idempotent_and_audited_once,
    an_unknown_account_or_permission_is_refused,
    users_write_is_never_revoked_from_oneself_or_the_last_holder,
);

/// `PUT` (grant) or `DELETE` (revoke) `permission` of the account `id`, as `token`.
async fn change(
    app: &TestApp,
    method: Method,
    id: &str,
    permission: &str,
    token: &str,
) -> Response {
    let path = format!("/api/v1/admin/users/{id}/permissions/{permission}");
    app.call(method, &path, token, None).await
}

/// `GET /api/v1/admin/audit` as `token`: an operation that needs `audit:read`.
async fn audit(app: &TestApp, token: &str) -> Response {
    app.call(Method::GET, "/api/v1/admin/audit", token, None)
        .await
}

fn id_of(user: &Value) -> &str {
    user["id"].as_str().expect("an id")
}

/// Asserts the 403 names `permission` as the one missing.
async fn assert_missing(resp: Response, permission: &str) {
    let problem = assert_problem(resp, 403, "missing-permission").await;
    assert_eq!(problem["permission"], permission, "{problem}");
}

async fn granting_and_revoking_need_users_write(backend: Backend) {
    let app = spawn_app(backend).await;
    let (bob, bob_token) = app.account_with("bob", &[]).await;
    let (_, almost) = app
        .account_with(
            "almost_admin",
            &["users:read", "sessions:revoke", "audit:read"],
        )
        .await;
    let bob = id_of(&bob);

    for method in [Method::PUT, Method::DELETE] {
        for token in [&bob_token, &almost] {
            let resp = change(&app, method.clone(), bob, "audit:read", token).await;
            assert_missing(resp, "users:write").await;
        }
        let resp = change(&app, method.clone(), bob, "audit:read", "not-a-token").await;
        assert_problem(resp, 401, "unauthorized").await;
    }
    assert!(app.audit_rows_of("permission.granted").await.is_empty());

    let (_, admin) = app.admin().await;
    let resp = change(&app, Method::PUT, bob, "audit:read", &admin).await;
    assert_eq!(resp.status(), 204);
    assert!(resp.text().await.unwrap().is_empty());
    let resp = change(&app, Method::DELETE, bob, "audit:read", &admin).await;
    assert_eq!(resp.status(), 204);
}

async fn a_grant_is_in_the_next_token_and_a_revocation_counts_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.admin().await;
    let (bob, old_token) = app.account_with("bob", &[]).await;
    let bob = id_of(&bob);
    assert_eq!(payload_of(&old_token)["permissions"], json!([]));
    assert_missing(audit(&app, &old_token).await, "audit:read").await;

    for permission in ["audit:read", "users:read"] {
        let resp = change(&app, Method::PUT, bob, permission, &admin).await;
        assert_eq!(resp.status(), 204);
    }

    // The bearer check reads permissions from the database: the old token works at once.
    expect_json(audit(&app, &old_token).await, 200).await;
    let new_token = app.token_for("bob", PASSWORD).await;
    let claims = payload_of(&new_token);
    assert_eq!(claims["permissions"], json!(["audit:read", "users:read"]));
    assert_eq!(claims["scope"], "audit:read users:read");

    let resp = change(&app, Method::DELETE, bob, "audit:read", &admin).await;
    assert_eq!(resp.status(), 204);

    // The very next request, with either token (the new one still claims it), is refused.
    assert_missing(audit(&app, &old_token).await, "audit:read").await;
    assert_missing(audit(&app, &new_token).await, "audit:read").await;
    let sessions = format!("/api/v1/admin/users/{bob}/sessions");
    let resp = app.call(Method::GET, &sessions, &old_token, None).await;
    expect_json(resp, 200).await;
    let claims = payload_of(&app.token_for("bob", PASSWORD).await);
    assert_eq!(claims["permissions"], json!(["users:read"]));
    assert_eq!(claims["scope"], "users:read");
}

async fn grants_and_revocations_are_idempotent_and_audited_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin, token) = app.admin().await;
    let (bob, _) = app.account_with("bob", &[]).await;
    let (admin, bob) = (id_of(&admin), id_of(&bob));

    for _ in 0..2 {
        let resp = change(&app, Method::PUT, bob, "sessions:revoke", &token).await;
        assert_eq!(resp.status(), 204);
    }
    for _ in 0..2 {
        let resp = change(&app, Method::DELETE, bob, "sessions:revoke", &token).await;
        assert_eq!(resp.status(), 204);
    }
    // Never held: nothing to revoke, nothing recorded.
    let resp = change(&app, Method::DELETE, bob, "users:write", &token).await;
    assert_eq!(resp.status(), 204);

    for action in ["permission.granted", "permission.revoked"] {
        let rows = app.audit_rows_of(action).await;
        assert_eq!(rows.len(), 1, "{action}: {rows:#?}");
        let row = &rows[0];
        assert_eq!(row.actor_id.map(|a| a.to_string()).as_deref(), Some(admin));
        assert_eq!(row.target_id.map(|t| t.to_string()).as_deref(), Some(bob));
        assert_eq!(row.detail, json!({"permission": "sessions:revoke"}));
        assert_eq!(row.ip.as_deref(), Some("127.0.0.1"));
        assert!(row.request_id.is_some(), "{row:#?}");
    }
    let db = app.db().await;
    let held = accounts_api::infra::db::entities::user_permission::of(&db, bob.parse().unwrap())
        .await
        .unwrap();
    db.close().await.ok();
    assert!(held.is_empty(), "{held:?}");
}

async fn an_unknown_account_or_permission_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.admin().await;
    let (bob, _) = app.account_with("bob", &[]).await;
    let bob = id_of(&bob);
    let before = app.audit_rows().await.len();

    let unknown = Uuid::now_v7().to_string();
    for method in [Method::PUT, Method::DELETE] {
        for id in [unknown.as_str(), "not-a-uuid", "42"] {
            let resp = change(&app, method.clone(), id, "users:read", &admin).await;
            assert_problem(resp, 404, "not-found").await;
        }
        for name in [
            "admin",
            "users:READ",
            "users",
            "users:read%20",
            "%00",
            "users%3AREAD",
        ] {
            let resp = change(&app, method.clone(), bob, name, &admin).await;
            let problem = assert_problem(resp, 422, "validation").await;
            assert_eq!(
                error_fields(&problem),
                ["permission"],
                "{name:?}: {problem}"
            );
        }
    }
    // A client that percent-encodes the colon names the same permission.
    let resp = change(&app, Method::PUT, bob, "users%3Aread", &admin).await;
    assert_eq!(resp.status(), 204);
    assert_eq!(app.audit_rows().await.len(), before + 1);
}

async fn users_write_is_never_revoked_from_oneself_or_the_last_holder(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin, admin_token) = app.admin().await;
    let (bob, bob_token) = app.account_with("bob", &[]).await;
    let (admin, bob) = (id_of(&admin), id_of(&bob));

    let resp = change(&app, Method::DELETE, admin, "users:write", &admin_token).await;
    let problem = assert_problem(resp, 409, "lockout").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("your own"),
        "{problem}"
    );
    // Other permissions of one's own may go.
    let resp = change(&app, Method::DELETE, admin, "audit:read", &admin_token).await;
    assert_eq!(resp.status(), 204);

    // With a second holder, either may take it from the other, not from itself.
    let resp = change(&app, Method::PUT, bob, "users:write", &admin_token).await;
    assert_eq!(resp.status(), 204);
    let resp = change(&app, Method::DELETE, bob, "users:write", &bob_token).await;
    assert_problem(resp, 409, "lockout").await;
    let resp = change(&app, Method::DELETE, admin, "users:write", &bob_token).await;
    assert_eq!(resp.status(), 204);
    // The admin lost it on its next request; bob, the last holder, keeps it.
    let resp = change(&app, Method::DELETE, bob, "users:write", &admin_token).await;
    assert_missing(resp, "users:write").await;
    let resp = change(&app, Method::PUT, admin, "users:write", &bob_token).await;
    assert_eq!(resp.status(), 204);

    assert_eq!(app.audit_rows_of("permission.revoked").await.len(), 2);
    assert_eq!(writers(&app).await.len(), 2);
}

/// The accounts holding `users:write`, by id.
async fn writers(app: &TestApp) -> Vec<Uuid> {
    use accounts_api::infra::db::entities::user_permission;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let db = app.db().await;
    let rows = user_permission::Entity::find()
        .filter(user_permission::Column::Permission.eq("users:write"))
        .order_by_asc(user_permission::Column::UserId)
        .all(&db)
        .await
        .expect("read the grants");
    db.close().await.ok();
    rows.into_iter().map(|row| row.user_id).collect()
}

mod two_holders_revoking_each_other_at_once_leave_one {
    use crate::helpers::Backend;

    #[tokio::test(flavor = "multi_thread")]
    async fn sqlite() {
        super::two_holders_revoking_each_other_at_once_leave_one(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn postgres() {
        super::two_holders_revoking_each_other_at_once_leave_one(Backend::Postgres).await;
    }
}

/// The only two holders of `users:write` revoke each other's at the same moment, round after
/// round: exactly one succeeds, the other is refused (409 if it got past the bearer check
/// first, 403 if it came after), and one holder always remains.
async fn two_holders_revoking_each_other_at_once_leave_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let (anna, anna_token) = app.account_with("anna", &["users:write"]).await;
    let (bert, bert_token) = app.account_with("bert", &["users:write"]).await;
    let (anna, bert) = (id_of(&anna), id_of(&bert));

    for round in 0..6 {
        let (by_anna, by_bert) = tokio::join!(
            change(&app, Method::DELETE, bert, "users:write", &anna_token),
            change(&app, Method::DELETE, anna, "users:write", &bert_token),
        );
        let mut statuses = [by_anna.status().as_u16(), by_bert.status().as_u16()];
        statuses.sort_unstable();
        assert!(
            statuses == [204, 403] || statuses == [204, 409],
            "round {round}: {statuses:?}"
        );
        let left = writers(&app).await;
        assert_eq!(left.len(), 1, "round {round}: {left:?}");
        let revoked = if left[0].to_string() == anna {
            bert
        } else {
            anna
        };
        app.grant(revoked, &["users:write"]).await;
    }
    assert_eq!(app.audit_rows_of("permission.revoked").await.len(), 6);
}
