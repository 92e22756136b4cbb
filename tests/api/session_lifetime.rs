//! How sessions end with time (idle timeout and absolute lifetime, the clock moved rather
//! than slept), and how the pruner deletes ended sessions, their refresh tokens and old
//! password-reset tokens.

use std::time::{Duration, Instant};

use accounts_api::{
    config::Settings,
    infra::{db::entities::password_reset, security::sha256_hex},
};
use chrono::TimeDelta;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use uuid::Uuid;

use crate::helpers::{
    Backend, PASSWORD, TestApp, assert_problem, assert_refresh_refused, expect_json, reuse_grace,
    spawn_app_with,
};

both_backends!(
    an_idle_session_cannot_be_refreshed,
    refreshing_keeps_a_session_alive_past_its_idle_deadline,
    a_session_ends_at_its_absolute_lifetime_however_often_refreshed,
    the_bearer_check_refuses_a_token_whose_session_ended,
    ended_sessions_and_their_tokens_are_pruned,
);

const MINUTE: Duration = Duration::from_secs(60);

/// Sessions of at most an hour that end after ten idle minutes.
fn short_sessions(settings: &mut Settings) {
    settings.sessions.ttl = 60 * MINUTE;
    settings.sessions.idle_timeout = 10 * MINUTE;
}

/// An app with short sessions and `alice` registered.
async fn app_with_alice(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let app = spawn_app_with(backend, |s| {
        short_sessions(s);
        configure(s);
    })
    .await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    app
}

async fn an_idle_session_cannot_be_refreshed(backend: Backend) {
    let app = app_with_alice(backend, |_| {}).await;
    let login = app.tokens_for("alice", PASSWORD).await;

    app.clock.advance(10 * MINUTE + Duration::from_secs(1));

    assert_refresh_refused(&app, &login.refresh).await;
    // Refused without a write: the token is not spent, the session not touched (checked on
    // what the pruner, which deletes ended sessions, has not deleted yet).
    for session in app.sessions().await {
        assert_eq!(session.last_used_at, session.created_at);
        assert_eq!(session.revoked_at, None);
    }
    for token in app.refresh_tokens().await {
        assert_eq!(token.used_at, None);
    }
}

async fn refreshing_keeps_a_session_alive_past_its_idle_deadline(backend: Backend) {
    let app = app_with_alice(backend, |_| {}).await;
    let mut tokens = app.tokens_for("alice", PASSWORD).await;

    // Refreshed every 9 minutes, the session outlives its first idle deadline many times.
    for _ in 0..5 {
        app.clock.advance(9 * MINUTE);
        tokens = app.refreshed(&tokens.refresh).await;
    }

    expect_json(app.get_me(&tokens.access).await, 200).await;
    let session = &app.sessions().await[0];
    assert_eq!(
        session.last_used_at - session.created_at,
        TimeDelta::minutes(45)
    );
}

async fn a_session_ends_at_its_absolute_lifetime_however_often_refreshed(backend: Backend) {
    let app = app_with_alice(backend, |_| {}).await;
    let mut tokens = app.tokens_for("alice", PASSWORD).await;
    for _ in 0..6 {
        app.clock.advance(9 * MINUTE);
        tokens = app.refreshed(&tokens.refresh).await;
    }
    app.clock.advance(5 * MINUTE);
    tokens = app.refreshed(&tokens.refresh).await; // 59 minutes: still on
    let session = &app.sessions().await[0];
    assert_eq!(session.expires_at - session.created_at, TimeDelta::hours(1));

    app.clock.advance(2 * MINUTE);

    assert_refresh_refused(&app, &tokens.refresh).await;
}

async fn the_bearer_check_refuses_a_token_whose_session_ended(backend: Backend) {
    // Access tokens that outlive the sessions: only the session check can stop them.
    let app = app_with_alice(backend, |s| {
        s.jwt.access_token_ttl = Duration::from_secs(3 * 3600);
    })
    .await;
    let idle = app.tokens_for("alice", PASSWORD).await;
    expect_json(app.get_me(&idle.access).await, 200).await;

    app.clock.advance(10 * MINUTE + Duration::from_secs(1));

    let body = assert_problem(app.get_me(&idle.access).await, 401, "unauthorized").await;
    assert_eq!(body["detail"], "the session has ended", "{body}");

    // Kept busy, a session still ends at its absolute lifetime, and its last token with it.
    let mut busy = app.tokens_for("alice", PASSWORD).await;
    for _ in 0..6 {
        app.clock.advance(9 * MINUTE);
        busy = app.refreshed(&busy.refresh).await;
    }
    app.clock.advance(5 * MINUTE);
    expect_json(app.get_me(&busy.access).await, 200).await;
    app.clock.advance(2 * MINUTE);
    let body = assert_problem(app.get_me(&busy.access).await, 401, "unauthorized").await;
    assert_eq!(body["detail"], "the session has ended", "{body}");
}

async fn ended_sessions_and_their_tokens_are_pruned(backend: Backend) {
    let app = app_with_alice(backend, |s| {
        s.sessions.prune_interval = Duration::from_millis(50);
    })
    .await;
    // At 0: one session kept busy until its absolute end (60), one left idle (ends at 10).
    let mut expiring = app.tokens_for("alice", PASSWORD).await;
    app.tokens_for("alice", PASSWORD).await;
    for _ in 0..6 {
        app.clock.advance(9 * MINUTE);
        expiring = app.refreshed(&expiring.refresh).await;
    }
    // At 54: one revoked by a replay, one live.
    let revoked = app.tokens_for("alice", PASSWORD).await;
    app.refreshed(&revoked.refresh).await;
    app.clock.advance(reuse_grace() + Duration::from_secs(1));
    assert_refresh_refused(&app, &revoked.refresh).await;
    let live = app.tokens_for("alice", PASSWORD).await;
    let live_id = Uuid::parse_str(&live.session_id()).unwrap();
    let resets = old_and_recent_resets(&app, &live_id).await;

    app.clock.advance(7 * MINUTE); // 61: the busy one has reached its end

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let sessions = app.sessions().await;
        let tokens = app.refresh_tokens().await;
        let kept = remaining_resets(&app).await;
        let pruned = sessions.len() == 1
            && tokens.iter().all(|t| t.session_id == live_id)
            && kept == resets.kept;
        if pruned {
            assert_eq!(sessions[0].id, live_id, "the live session remains");
            assert_eq!(tokens.len(), 1, "with its refresh token");
            assert_eq!(tokens[0].token_hash, sha256_hex(&live.refresh));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not pruned within 30 s: sessions {sessions:?}, tokens {tokens:?}, resets {kept:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.refreshed(&live.refresh).await;
}

/// Password-reset rows the pruner must delete (spent or expired over a week ago) and keep.
struct Resets {
    kept: Vec<Uuid>,
}

/// Inserts four reset tokens for the owner of session `live_id`, dated from the clock's now
/// (the session's creation plus the 7 minutes the test moves on): two old, two recent.
async fn old_and_recent_resets(app: &TestApp, live_id: &Uuid) -> Resets {
    let session = app
        .sessions()
        .await
        .into_iter()
        .find(|s| s.id == *live_id)
        .unwrap();
    let now = session.created_at + TimeDelta::minutes(7);
    let ago = |days| now - TimeDelta::days(days);
    let rows = [
        ("spent long ago", ago(9), Some(ago(8))),
        ("expired long ago", ago(8) - TimeDelta::hours(1), None),
        ("spent yesterday", ago(2), Some(ago(1))),
        ("pending", now - TimeDelta::minutes(5), None),
    ];
    let db = app.db().await;
    let mut ids = Vec::new();
    for (name, created_at, used_at) in rows {
        let id = Uuid::now_v7();
        password_reset::ActiveModel {
            id: Set(id),
            user_id: Set(session.user_id),
            email: Set("alice@example.com".into()),
            token_hash: Set(sha256_hex(name)),
            created_at: Set(created_at),
            expires_at: Set(created_at + TimeDelta::hours(1)),
            used_at: Set(used_at),
        }
        .insert(&db)
        .await
        .unwrap();
        ids.push(id);
    }
    db.close().await.ok();
    Resets {
        kept: ids[2..].to_vec(),
    }
}

async fn remaining_resets(app: &TestApp) -> Vec<Uuid> {
    let db = app.db().await;
    let mut ids: Vec<Uuid> = password_reset::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    db.close().await.ok();
    ids.sort();
    ids
}
