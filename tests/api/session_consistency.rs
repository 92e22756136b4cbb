//! Sessions stay consistent across instances and under failure: a revocation on one
//! instance holds on every other at once, a refresh racing a cascading delete neither
//! deadlocks nor fails, one racing a logout loses, and a login or refresh that fails
//! half-way writes nothing.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};

use accounts_api::infra::security::sha256_hex;
use reqwest::Response;

use crate::helpers::{
    Backend, PASSWORD, TestApp, assert_problem, assert_refresh_refused, expect_json, reuse_grace,
    spawn_app,
};

both_backends!(a_second_instance_sees_a_revocation_at_once);

async fn a_second_instance_sees_a_revocation_at_once(backend: Backend) {
    let one = spawn_app(backend).await;
    let two = one.second_instance().await;
    expect_json(
        one.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    let login = one.tokens_for("alice", PASSWORD).await;

    // Either instance honours the other's tokens, rotation included.
    expect_json(two.get_me(&login.access).await, 200).await;
    let rotated = two.refreshed(&login.refresh).await;
    expect_json(one.get_me(&rotated.access).await, 200).await;

    // A replay on one instance ends the session; the other refuses its newest pair at once.
    one.clock.advance(reuse_grace() + Duration::from_secs(1));
    assert_refresh_refused(&one, &login.refresh).await;
    assert_problem(two.get_me(&rotated.access).await, 401, "unauthorized").await;
    assert_refresh_refused(&two, &rotated.refresh).await;

    // An account deleted through one instance is gone from the other at once.
    let other = one.tokens_for("alice", PASSWORD).await;
    expect_json(two.get_me(&other.access).await, 200).await;
    expect_json(one.delete_me(&other.access, PASSWORD).await, 200).await;
    assert_problem(two.get_me(&other.access).await, 401, "unauthorized").await;
    assert_refresh_refused(&two, &other.refresh).await;
}

/// A delete that cascades from a session to its refresh tokens (deleting the account, the
/// pruner) locks the session row, then the token rows. A refresh must take them in the same
/// order: one that held its token while waiting for the session would deadlock with it.
#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_queued_behind_a_cascading_delete_neither_deadlocks_nor_fails() {
    let app = spawn_app(Backend::Postgres).await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    let tokens = app.tokens_for("alice", PASSWORD).await;
    let sid = tokens.session_id();

    let resp = refresh_queued_behind(
        &app,
        tokens.refresh,
        &format!("SELECT id FROM sessions WHERE id = '{sid}' FOR UPDATE"),
        Some(&format!("DELETE FROM sessions WHERE id = '{sid}'")),
    )
    .await;

    assert_problem(resp, 401, "invalid-refresh-token").await;
    assert!(app.refresh_tokens().await.is_empty());
}

/// A refresh that waits for a logout in progress is refused once the logout commits: it does
/// not answer a pair for a session that has just ended.
#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_queued_behind_a_logout_is_refused() {
    let app = spawn_app(Backend::Postgres).await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    let tokens = app.tokens_for("alice", PASSWORD).await;
    let sid = tokens.session_id();

    let resp = refresh_queued_behind(
        &app,
        tokens.refresh.clone(),
        &format!("UPDATE sessions SET revoked_at = now() WHERE id = '{sid}'"),
        None,
    )
    .await;

    assert_problem(resp, 401, "invalid-refresh-token").await;
    // No token issued for the ended session, none spent (unless the pruner deleted it).
    let stored = app.refresh_tokens().await;
    let presented = sha256_hex(&tokens.refresh);
    assert!(
        stored
            .iter()
            .all(|t| t.token_hash == presented && t.used_at.is_none()),
        "{stored:?}"
    );
}

/// Runs `hold` (which must lock the session's row) in a transaction of the test's own,
/// starts a refresh of `refresh_token`, waits until the refresh waits for that lock, runs
/// `then` in the same transaction and commits: the refresh's answer.
async fn refresh_queued_behind(
    app: &TestApp,
    refresh_token: String,
    hold: &str,
    then: Option<&str>,
) -> Response {
    let db = app.db().await;
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared(hold).await.unwrap();
    let refresh = tokio::spawn({
        let (client, url) = (app.client.clone(), app.url("/api/v1/token/access"));
        let form = [
            ("grant_type", "refresh_token".to_owned()),
            ("refresh_token", refresh_token),
        ];
        async move { client.post(url).form(&form).send().await.unwrap() }
    });
    wait_for_a_lock_wait(&db).await;
    if let Some(then) = then {
        txn.execute_unprepared(then)
            .await
            .unwrap_or_else(|e| panic!("`{then}` failed: {e}"));
    }
    txn.commit().await.unwrap();
    refresh.await.unwrap()
}

/// Waits (up to 30 s) until a backend of the app's database waits for a row lock.
async fn wait_for_a_lock_wait(db: &DatabaseConnection) {
    let probe = "SELECT COUNT(*) AS n FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock'";
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), probe))
            .await
            .unwrap()
            .unwrap();
        if row.try_get::<i64>("", "n").unwrap() > 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the refresh never waited for the session"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Storing a refresh token fails (a trigger refuses it): the login opens no session, the
/// refresh spends no token, and the same token works once storing works again.
#[tokio::test]
async fn a_login_or_refresh_that_fails_half_way_writes_nothing() {
    let app = spawn_app(Backend::Postgres).await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    let tokens = app.tokens_for("alice", PASSWORD).await;
    app.clock.advance(Duration::from_secs(60));
    let (sessions, stored) = (app.sessions().await, app.refresh_tokens().await);
    app.execute(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$; \
         CREATE TRIGGER refuse BEFORE INSERT ON refresh_tokens \
         FOR EACH ROW EXECUTE FUNCTION refuse();",
    )
    .await;

    assert_problem(app.login("alice", PASSWORD).await, 500, "internal").await;
    assert_problem(app.refresh(&tokens.refresh).await, 500, "internal").await;

    assert_eq!(
        app.sessions().await,
        sessions,
        "no session opened or touched"
    );
    assert_eq!(
        app.refresh_tokens().await,
        stored,
        "no token spent or stored"
    );
    app.execute("DROP TRIGGER refuse ON refresh_tokens").await;
    app.refreshed(&tokens.refresh).await;
}
