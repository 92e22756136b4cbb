//! The refresh-token grant of `POST /api/v1/token/access`: the session a login opens,
//! rotation, reuse detection and its grace window, concurrent refreshes (refusals are in
//! `refresh_refusals`).

use std::time::Duration;

use accounts_api::infra::security::sha256_hex;
use chrono::TimeDelta;
use serde_json::{Value, json};

use crate::helpers::{
    Backend, PASSWORD, SessionTokens, TestApp, assert_problem, assert_refresh_refused, expect_json,
    header, payload_of, reuse_grace, spawn_app,
};

both_backends!(
    a_login_opens_a_session_on_the_device,
    a_refresh_rotates_the_pair_by_form_and_by_json,
    a_replay_after_the_grace_window_ends_the_session,
    inside_the_grace_window_a_rotated_token_still_refreshes,
);

/// Registers `alice` without logging her in; her `User` body.
async fn register_alice(app: &TestApp) -> Value {
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await
}

async fn a_login_opens_a_session_on_the_device(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = register_alice(&app).await;

    let resp = app
        .client
        .post(app.url("/api/v1/token/access"))
        .header("user-agent", "Mozilla/5.0 (refresh tests)")
        .form(&[("username", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let tokens = SessionTokens::from(&expect_json(resp, 200).await);

    assert_eq!(tokens.refresh.len(), 43, "32 random bytes, base64url");
    assert!(
        tokens
            .refresh
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "opaque and URL-safe: {}",
        tokens.refresh
    );
    let claims = payload_of(&tokens.access);
    assert_eq!(claims["sub"], alice["id"]);
    let sessions = app.sessions().await;
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    assert_eq!(
        claims["sid"],
        session.id.to_string(),
        "the token names its session"
    );
    assert_eq!(session.id.get_version_num(), 7);
    assert_eq!(session.user_id.to_string(), alice["id"].as_str().unwrap());
    assert_eq!(
        session.user_agent.as_deref(),
        Some("Mozilla/5.0 (refresh tests)")
    );
    assert_eq!(session.ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(session.last_used_at, session.created_at);
    assert_eq!(session.expires_at - session.created_at, TimeDelta::days(30));
    assert_eq!(session.revoked_at, None);
    let stored = app.refresh_tokens().await;
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].token_hash,
        sha256_hex(&tokens.refresh),
        "only the hash is stored"
    );
    assert_eq!(stored[0].session_id, session.id);
    assert_eq!(stored[0].used_at, None);

    // Another login is another session; no User-Agent is recorded as none.
    let other = app.tokens_for("alice", PASSWORD).await;
    assert_ne!(other.session_id(), tokens.session_id());
    let sessions = app.sessions().await;
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[1].user_agent, None);
}

async fn a_refresh_rotates_the_pair_by_form_and_by_json(backend: Backend) {
    let app = spawn_app(backend).await;
    register_alice(&app).await;
    let login = app.tokens_for("alice", PASSWORD).await;
    app.clock.advance(Duration::from_secs(60));

    let resp = app.refresh(&login.refresh).await;
    assert!(header(resp.headers(), "cache-control").contains("no-store"));
    let body = expect_json(resp, 200).await;
    assert_eq!(body["token_type"], "Bearer", "{body}");
    assert_eq!(body["expires_in"], 900, "{body}");
    let by_form = SessionTokens::from(&body);
    assert_ne!(by_form.refresh, login.refresh);
    assert_ne!(by_form.access, login.access);
    assert_eq!(by_form.session_id(), login.session_id(), "the same session");
    expect_json(app.get_me(&by_form.access).await, 200).await;

    app.clock.advance(Duration::from_secs(60));
    let resp = app
        .client
        .post(app.url("/api/v1/token/access"))
        .json(&json!({ "grant_type": "refresh_token", "refresh_token": by_form.refresh }))
        .send()
        .await
        .unwrap();
    let by_json = SessionTokens::from(&expect_json(resp, 200).await);
    assert_eq!(by_json.session_id(), login.session_id());
    expect_json(app.get_me(&by_json.access).await, 200).await;

    // The session was used at the last refresh; each spent token is marked, the last is not.
    let session = &app.sessions().await[0];
    assert_eq!(
        session.last_used_at - session.created_at,
        TimeDelta::minutes(2)
    );
    let stored = app.refresh_tokens().await;
    let used_at = |token: &str| {
        let hash = sha256_hex(token);
        stored
            .iter()
            .find(|t| t.token_hash == hash)
            .unwrap()
            .used_at
    };
    let minute = |n| Some(session.created_at + TimeDelta::minutes(n));
    assert_eq!(used_at(&login.refresh), minute(1));
    assert_eq!(used_at(&by_form.refresh), minute(2));
    assert_eq!(used_at(&by_json.refresh), None);
    assert_eq!(stored.len(), 3);
}

async fn a_replay_after_the_grace_window_ends_the_session(backend: Backend) {
    let app = spawn_app(backend).await;
    register_alice(&app).await;
    let other_device = app.tokens_for("alice", PASSWORD).await;
    let stolen = app.tokens_for("alice", PASSWORD).await;
    let rotated = app.refreshed(&stolen.refresh).await;
    let newest = app.refreshed(&rotated.refresh).await;
    app.clock.advance(reuse_grace() + Duration::from_secs(1));
    expect_json(app.get_me(&newest.access).await, 200).await;

    let replayed = assert_refresh_refused(&app, &stolen.refresh).await;

    // At once, the session's newest pair is refused too: the thief's and the victim's alike.
    assert_problem(app.get_me(&newest.access).await, 401, "unauthorized").await;
    assert_eq!(
        assert_refresh_refused(&app, &newest.refresh).await,
        replayed
    );
    // Revoked (and perhaps already pruned: the pruner deletes revoked sessions).
    let sid = stolen.session_id();
    let sessions = app.sessions().await;
    assert!(
        sessions
            .iter()
            .filter(|s| s.id.to_string() == sid)
            .all(|s| s.revoked_at.is_some()),
        "the replay revoked the session: {sessions:?}"
    );
    // The account's other session goes on.
    expect_json(app.get_me(&other_device.access).await, 200).await;
    app.refreshed(&other_device.refresh).await;
}

async fn inside_the_grace_window_a_rotated_token_still_refreshes(backend: Backend) {
    let app = spawn_app(backend).await;
    register_alice(&app).await;
    let login = app.tokens_for("alice", PASSWORD).await;
    let tab_a = app.refreshed(&login.refresh).await;
    app.clock.advance(reuse_grace() - Duration::from_secs(1));

    // The other tab refreshes with the same token just after: it gets the same successor
    // (one chain per session), with an access token of its own.
    let tab_b = app.refreshed(&login.refresh).await;

    assert_eq!(tab_a.refresh, tab_b.refresh);
    assert_eq!(tab_b.session_id(), login.session_id());
    expect_json(app.get_me(&tab_a.access).await, 200).await;
    expect_json(app.get_me(&tab_b.access).await, 200).await;
    // Both tabs go on with the one chain: the second use of the successor is again inside
    // its own window.
    let tab_a = app.refreshed(&tab_a.refresh).await;
    assert_eq!(app.refreshed(&tab_b.refresh).await.refresh, tab_a.refresh);
    assert_eq!(app.sessions().await[0].revoked_at, None);

    // Past the window, the first token is a replay.
    app.clock.advance(Duration::from_secs(2));
    assert_refresh_refused(&app, &login.refresh).await;
    assert_problem(app.get_me(&tab_a.access).await, 401, "unauthorized").await;
}

mod concurrent_refreshes_with_one_token_both_succeed {
    use crate::helpers::Backend;

    #[tokio::test(flavor = "multi_thread")]
    async fn sqlite() {
        super::concurrent_refreshes_with_one_token_both_succeed(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn postgres() {
        super::concurrent_refreshes_with_one_token_both_succeed(Backend::Postgres).await;
    }
}

/// Two tabs refreshing with the same token at the same moment, round after round: both get
/// the same successor with an access token each, both work, and the session is not taken
/// for a stolen one.
async fn concurrent_refreshes_with_one_token_both_succeed(backend: Backend) {
    let app = spawn_app(backend).await;
    register_alice(&app).await;
    let mut tokens = app.tokens_for("alice", PASSWORD).await;

    for round in 0..6 {
        let (a, b) = tokio::join!(app.refresh(&tokens.refresh), app.refresh(&tokens.refresh));
        let a = SessionTokens::from(&expect_json(a, 200).await);
        let b = SessionTokens::from(&expect_json(b, 200).await);
        assert_eq!(a.refresh, b.refresh, "round {round}: one chain");
        expect_json(app.get_me(&a.access).await, 200).await;
        expect_json(app.get_me(&b.access).await, 200).await;
        tokens = if round % 2 == 0 { a } else { b };
    }

    assert_eq!(app.sessions().await[0].revoked_at, None);
    app.refreshed(&tokens.refresh).await;
}
