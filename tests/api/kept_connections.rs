//! The bearer check's kept PostgreSQL connections (`src/infra/db/kept.rs`) under failure: a
//! connection the server killed, and a read its client gave up on mid-statement, cost at most
//! a 503 with `Retry-After`, never a wrong answer, and the reads that follow are served.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Backend, TestApp, expect_json, spawn_app};

/// Reads until one is served: each answer is 200 or 503 with `Retry-After` (never a 500),
/// and within `attempts`.
async fn served_within(app: &TestApp, token: &str, attempts: usize) {
    for _ in 0..attempts {
        let answer = app.get_me(token).await;
        match answer.status() {
            StatusCode::OK => return,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(answer.headers().contains_key("retry-after"), "{answer:?}");
            }
            other => panic!("{other}: {}", answer.text().await.unwrap_or_default()),
        }
    }
    panic!("no read served in {attempts} attempts");
}

#[tokio::test]
async fn reads_recover_when_the_server_kills_their_connections() {
    let app = spawn_app(Backend::Postgres).await;
    let (_, token) = app.alice().await;
    for _ in 0..3 {
        expect_json(app.get_me(&token).await, 200).await;
    }
    // Every connection of the app's, kept or pooled, ended by the server.
    app.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .await;
    // Each dead connection costs one 503 at most, as a busy connection is not pinged
    // before use (kept or pooled alike): at most the pool's ten.
    served_within(&app, &token, 12).await;
    for _ in 0..5 {
        expect_json(app.get_me(&token).await, 200).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_abandoned_mid_statement_leaves_the_next_reads_right() {
    let app = spawn_app(Backend::Postgres).await;
    let (alice, token) = app.alice().await;
    expect_json(app.get_me(&token).await, 200).await;
    // The read's statement waits behind a lock until its client has given up.
    let blocker = app.db().await;
    let lock = sea_orm::TransactionTrait::begin(&blocker).await.unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(
        &lock,
        "LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE",
    )
    .await
    .unwrap();
    let abandoned = app
        .client
        .get(format!("{}/api/v1/users", app.address))
        .bearer_auth(&token)
        .timeout(Duration::from_millis(500))
        .send()
        .await;
    assert!(abandoned.is_err_and(|e| e.is_timeout()));
    lock.commit().await.unwrap();
    for _ in 0..5 {
        let me = expect_json(app.get_me(&token).await, 200).await;
        assert_eq!(me["id"], alice["id"]);
    }
}
