//! What an access token says of its session's login (`amr`, `auth_time`), and that a refresh
//! keeps it while `iat` moves on.

use std::time::Duration;

use crate::helpers::{Backend, PASSWORD, expect_json, payload_of, spawn_app};

both_backends!(a_refresh_keeps_the_logins_methods_and_time);

async fn a_refresh_keeps_the_logins_methods_and_time(backend: Backend) {
    let app = spawn_app(backend).await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    let login = app.tokens_for("alice", PASSWORD).await;
    let session = app.sessions().await.remove(0);
    let first = payload_of(&login.access);
    assert_eq!(first["amr"], serde_json::json!(["pwd"]), "a password login");
    assert_eq!(first["auth_time"], session.created_at.timestamp());
    assert_eq!(session.amr, "pwd");

    app.clock.advance(Duration::from_secs(600));
    let refreshed = payload_of(&app.refreshed(&login.refresh).await.access);
    assert_eq!(refreshed["amr"], first["amr"]);
    assert_eq!(
        refreshed["auth_time"], first["auth_time"],
        "the login's time, not the refresh's"
    );
    assert_eq!(
        refreshed["iat"].as_i64().unwrap() - first["iat"].as_i64().unwrap(),
        600,
        "a new token all the same"
    );
}
