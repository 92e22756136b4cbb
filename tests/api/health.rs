//! `GET /api/v1/health`, and how the API answers once its database is gone.

use crate::helpers::{Backend, PASSWORD, assert_problem, expect_json, header, spawn_app};

both_backends!(health_is_ok_with_a_working_database);

async fn health_is_ok_with_a_working_database(backend: Backend) {
    let app = spawn_app(backend).await;

    let resp = app.health().await;

    assert!(header(resp.headers(), "content-type").starts_with("application/json"));
    let body = expect_json(resp, 200).await;
    assert_eq!(body["status"], "ok", "body: {body}");
    assert_eq!(body["checks"]["database"], "ok", "body: {body}");
}

#[tokio::test]
async fn health_is_unavailable_once_the_database_is_dropped() {
    let app = spawn_app(Backend::Postgres).await;
    expect_json(app.health().await, 200).await;

    app.drop_database().await;
    let resp = app.health().await;

    let body = expect_json(resp, 503).await;
    assert_eq!(body["status"], "unavailable", "body: {body}");
    assert_eq!(body["checks"]["database"], "unavailable", "body: {body}");
}

#[tokio::test]
async fn api_answers_503_problems_once_the_database_is_dropped() {
    let app = spawn_app(Backend::Postgres).await;
    let (_, token) = app.alice().await;

    app.drop_database().await;

    assert_problem(
        app.register("bob", "bob@example.com", PASSWORD).await,
        503,
        "unavailable",
    )
    .await;
    assert_problem(app.login("alice", PASSWORD).await, 503, "unavailable").await;
    assert_problem(app.get_me(&token).await, 503, "unavailable").await;
}
