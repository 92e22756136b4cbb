//! `GET /api/v1/users`: the caller's own account.

use crate::helpers::{Backend, assert_problem, assert_user, expect_json, spawn_app};

both_backends!(
    get_returns_the_callers_own_user,
    get_without_a_token_is_unauthorized
);

async fn get_returns_the_callers_own_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, alice_token) = app.alice().await;
    let (bob, bob_token) = app.register_and_login("bob", "Bob@Example.com").await;

    let me = expect_json(app.get_me(&bob_token).await, 200).await;
    assert_user(&me, "bob", "bob@example.com");
    assert_eq!(me["id"], bob["id"]);
    assert_eq!(
        me, bob,
        "GET differs from what POST returned (timestamp precision?)"
    );

    let me = expect_json(app.get_me(&alice_token).await, 200).await;
    assert_eq!(me, alice);
}

async fn get_without_a_token_is_unauthorized(backend: Backend) {
    let app = spawn_app(backend).await;
    app.alice().await;

    let resp = app
        .client
        .get(app.url("/api/v1/users"))
        .send()
        .await
        .unwrap();

    assert_problem(resp, 401, "unauthorized").await;
}
