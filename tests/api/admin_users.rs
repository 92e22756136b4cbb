//! `/api/v1/admin/users/{id}`: reading, disabling and enabling, confirming and deleting any
//! account, each behind its permission, each change audited once with the administrator as
//! actor, and no administrator able to lock themselves out. (Listing:
//! `admin_users_pagination`.)

use std::time::Duration;

use accounts_api::infra::db::entities::audit_event;
use reqwest::{Method, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Backend, PASSWORD, TestApp, assert_problem, error_fields, expect_json, field_names,
    spawn_app_with,
};

both_backends!(
    each_operation_needs_its_permission,
    an_account_is_read_with_its_permissions_and_live_sessions,
    disabling_ends_every_session_at_once_and_enabling_lets_it_log_in,
    a_change_needs_a_field_of_the_right_type_and_an_account,
);

/// An app whose limits do not get in the way of the many calls one administrator makes.
pub async fn spawn_unlimited(backend: Backend) -> TestApp {
    spawn_app_with(backend, |s| s.rate_limit.enabled = false).await
}

pub fn id_of(account: &Value) -> Uuid {
    account["id"]
        .as_str()
        .expect("an id")
        .parse()
        .expect("a UUID")
}

pub fn path_of(id: impl std::fmt::Display) -> String {
    format!("/api/v1/admin/users/{id}")
}

pub async fn get(app: &TestApp, token: &str, id: impl std::fmt::Display) -> Response {
    app.call(Method::GET, &path_of(id), token, None).await
}

pub async fn patch(app: &TestApp, token: &str, id: Uuid, body: Value) -> Response {
    app.call(Method::PATCH, &path_of(id), token, Some(&body))
        .await
}

pub async fn delete(app: &TestApp, token: &str, id: Uuid) -> Response {
    app.call(Method::DELETE, &path_of(id), token, None).await
}

/// The one audit row of `action`, by `actor` on `target`, from the loopback client.
pub async fn only_row(
    app: &TestApp,
    action: &str,
    actor: Uuid,
    target: Uuid,
) -> audit_event::Model {
    let rows = app.audit_rows_of(action).await;
    assert_eq!(rows.len(), 1, "{action}: {rows:#?}");
    let row = rows.into_iter().next().unwrap();
    assert_eq!(row.actor_id, Some(actor), "{row:#?}");
    assert_eq!(row.target_id, Some(target), "{row:#?}");
    assert_eq!(row.ip.as_deref(), Some("127.0.0.1"), "{row:#?}");
    assert!(row.request_id.is_some(), "{row:#?}");
    row
}

async fn each_operation_needs_its_permission(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (bob, _) = app.register_and_login("bob", "bob@example.com").await;
    let (_, plain) = app.account_with("plain", &[]).await;
    let (_, reader) = app.account_with("reader", &["users:read"]).await;
    let (_, writer) = app.account_with("writer", &["users:write"]).await;
    let bob_path = path_of(id_of(&bob));
    let change = json!({"email_verified": true});
    let operations = [
        (Method::GET, "/api/v1/admin/users", None, "users:read"),
        (Method::GET, bob_path.as_str(), None, "users:read"),
        (
            Method::PATCH,
            bob_path.as_str(),
            Some(&change),
            "users:write",
        ),
        (Method::DELETE, bob_path.as_str(), None, "users:write"),
    ];
    for (method, path, body, permission) in operations.clone() {
        let response = app.call(method.clone(), path, &plain, body).await;
        let problem = assert_problem(response, 403, "missing-permission").await;
        assert_eq!(problem["permission"], permission, "{method} {path}");
        let anonymous = app
            .client
            .request(method, app.url(path))
            .send()
            .await
            .unwrap();
        assert_problem(anonymous, 401, "unauthorized").await;
    }
    for (method, path, body, permission) in operations {
        let (allowed, refused) = match permission {
            "users:read" => (&reader, &writer),
            _ => (&writer, &reader),
        };
        let response = app.call(method.clone(), path, refused, body).await;
        let problem = assert_problem(response, 403, "missing-permission").await;
        assert_eq!(problem["permission"], permission, "{method} {path}");
        let response = app.call(method.clone(), path, allowed, body).await;
        let expected = if method == Method::DELETE { 204 } else { 200 };
        assert_eq!(response.status(), expected, "{method} {path}");
    }
    assert_problem(get(&app, &reader, id_of(&bob)).await, 404, "not-found").await;
}

async fn an_account_is_read_with_its_permissions_and_live_sessions(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (_, admin) = app.admin().await;
    let (bob, _) = app.account_with("bob", &["audit:read", "users:read"]).await;
    let phone = app.login_on("bob", "phone").await;
    let laptop = app.login_on("bob", "laptop").await;
    let ended = format!("/api/v1/sessions/{}", laptop.session_id());
    let response = app.call(Method::DELETE, &ended, &phone.access, None).await;
    assert_eq!(response.status(), 204);

    let detail = expect_json(get(&app, &admin, id_of(&bob)).await, 200).await;

    let expected = [
        "created_at",
        "disabled",
        "disabled_at",
        "email",
        "email_verified",
        "id",
        "locale",
        "passkey_count",
        "permissions",
        "session_count",
        "updated_at",
        "username",
    ];
    assert_eq!(field_names(&detail), expected, "{detail}");
    for field in [
        "id",
        "username",
        "email",
        "email_verified",
        "locale",
        "created_at",
        "updated_at",
    ] {
        assert_eq!(detail[field], bob[field], "{field}");
    }
    assert_eq!(detail["disabled"], false);
    assert_eq!(detail["disabled_at"], Value::Null);
    // Permission order (as the API lists them), not name order.
    assert_eq!(detail["permissions"], json!(["users:read", "audit:read"]));
    assert_eq!(detail["session_count"], 2, "the first login and the phone");
    assert_eq!(detail["passkey_count"], 0);

    // Idle sessions are not live: a week later, none is (the administrator logs in anew).
    app.clock.advance(Duration::from_secs(7 * 24 * 3600 + 1));
    let admin = app.token_for("root_admin", PASSWORD).await;
    let detail = expect_json(get(&app, &admin, id_of(&bob)).await, 200).await;
    assert_eq!(detail["session_count"], 0);

    assert_problem(get(&app, &admin, Uuid::now_v7()).await, 404, "not-found").await;
    assert_problem(get(&app, &admin, "not-a-uuid").await, 404, "not-found").await;
}

async fn disabling_ends_every_session_at_once_and_enabling_lets_it_log_in(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (root, admin) = app.admin().await;
    let (bob, bob_token) = app.register_and_login("bob", "bob@example.com").await;
    let phone = app.login_on("bob", "phone").await;
    expect_json(app.get_me(&phone.access).await, 200).await;
    app.clock.advance(Duration::from_secs(60));

    let detail = expect_json(
        patch(&app, &admin, id_of(&bob), json!({"disabled": true})).await,
        200,
    )
    .await;

    assert_eq!(detail["disabled"], true);
    assert!(detail["disabled_at"].is_string(), "{detail}");
    assert_eq!(detail["disabled_at"], detail["updated_at"]);
    assert_eq!(detail["session_count"], 0);
    for token in [&bob_token, &phone.access] {
        assert_problem(app.get_me(token).await, 401, "unauthorized").await;
    }
    assert_problem(
        app.refresh(&phone.refresh).await,
        401,
        "invalid-refresh-token",
    )
    .await;
    assert_problem(app.login("bob", PASSWORD).await, 403, "account-disabled").await;
    assert_problem(
        app.login("bob", "wrong-password-1").await,
        401,
        "invalid-credentials",
    )
    .await;
    let row = only_row(&app, "account.disabled", id_of(&root), id_of(&bob)).await;
    assert_eq!(row.detail, json!({"sessions_ended": 2}));

    // Disabling it again changes nothing and records nothing.
    let again = patch(&app, &admin, id_of(&bob), json!({"disabled": true})).await;
    assert_eq!(
        expect_json(again, 200).await["disabled_at"],
        detail["disabled_at"]
    );
    assert_eq!(app.audit_rows_of("account.disabled").await.len(), 1);

    let detail = expect_json(
        patch(&app, &admin, id_of(&bob), json!({"disabled": false})).await,
        200,
    )
    .await;
    assert_eq!(detail["disabled"], false);
    assert_eq!(detail["disabled_at"], Value::Null);
    only_row(&app, "account.enabled", id_of(&root), id_of(&bob)).await;
    let token = app.token_for("bob", PASSWORD).await;
    expect_json(app.get_me(&token).await, 200).await;
}

async fn a_change_needs_a_field_of_the_right_type_and_an_account(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (_, admin) = app.admin().await;
    let (bob, _) = app.register_and_login("bob", "bob@example.com").await;
    let before = app.audit_rows().await.len();

    let cases = [
        (json!({}), vec!["disabled", "email_verified"]),
        (json!({"disabled": "yes"}), vec!["disabled"]),
        (
            json!({"disabled": null, "email_verified": 1}),
            vec!["disabled", "email_verified"],
        ),
    ];
    for (body, fields) in cases {
        let problem = assert_problem(
            patch(&app, &admin, id_of(&bob), body).await,
            422,
            "validation",
        )
        .await;
        assert_eq!(error_fields(&problem), fields, "{problem}");
    }
    let body = json!({"disabled": true});
    let unknown = patch(&app, &admin, Uuid::now_v7(), body.clone()).await;
    assert_problem(unknown, 404, "not-found").await;
    let not_a_uuid = app
        .call(Method::PATCH, &path_of("bob"), &admin, Some(&body))
        .await;
    assert_problem(not_a_uuid, 404, "not-found").await;
    assert_problem(delete(&app, &admin, Uuid::now_v7()).await, 404, "not-found").await;
    assert_eq!(app.audit_rows().await.len(), before, "nothing changed");
    assert_eq!(
        app.login("bob", PASSWORD).await.status(),
        200,
        "bob is as he was"
    );
}
