//! `DELETE /api/v1/users`: closing one's own account, password required.

use serde_json::json;

use crate::helpers::{Backend, PASSWORD, assert_problem, error_fields, expect_json, spawn_app};

both_backends!(
    delete_returns_the_user_and_removes_it,
    deleted_users_token_stops_working_everywhere,
    delete_with_the_wrong_password_is_forbidden,
    delete_without_a_password_names_the_field,
);

async fn delete_returns_the_user_and_removes_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;
    app.register_and_login("bob", "bob@example.com").await;

    let deleted = expect_json(app.delete_me(&token, PASSWORD).await, 200).await;

    assert_eq!(deleted, alice);
    assert_eq!(app.count_users().await, 1, "only bob is left");
    assert_problem(
        app.login("alice", PASSWORD).await,
        401,
        "invalid-credentials",
    )
    .await;
    assert_eq!(app.login("bob", PASSWORD).await.status(), 200);
    // The names are free again.
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
}

async fn deleted_users_token_stops_working_everywhere(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    expect_json(app.delete_me(&token, PASSWORD).await, 200).await;

    assert_problem(app.get_me(&token).await, 401, "unauthorized").await;
    assert_problem(
        app.patch_me(&token, &json!({ "username": "ghost" })).await,
        401,
        "unauthorized",
    )
    .await;
    assert_problem(app.delete_me(&token, PASSWORD).await, 401, "unauthorized").await;
    assert_eq!(app.count_users().await, 0);
}

async fn delete_with_the_wrong_password_is_forbidden(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;

    assert_problem(
        app.delete_me(&token, "not-the-password").await,
        403,
        "wrong-password",
    )
    .await;

    assert_eq!(app.count_users().await, 1);
    assert_eq!(expect_json(app.get_me(&token).await, 200).await, alice);
}

async fn delete_without_a_password_names_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let url = app.url("/api/v1/users");

    let resp = app
        .client
        .delete(&url)
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(resp, 422, "validation").await;
    assert_eq!(error_fields(&problem), ["password"]);

    assert_eq!(app.count_users().await, 1);
}
