//! The refresh-token reuse grace (`REFRESH_TOKEN_REUSE_GRACE`): a token redeemed again
//! inside the window gets the successor its first redemption stored, never a chain of its
//! own; past the window, any use of a spent token ends the session for every holder.

use std::time::Duration;

use accounts_api::infra::security::sha256_hex;

use crate::helpers::{
    Backend, PASSWORD, SessionTokens, TestApp, assert_refresh_refused, assert_token_rejected,
    expect_json, spawn_app_with,
};

both_backends!(
    redemptions_inside_the_window_all_get_the_same_successor,
    two_tabs_and_a_thief_share_one_chain_and_a_late_replay_ends_it,
    refresh_tokens_are_stored_only_as_hashes,
);

/// The window of these tests, set through the settings (not the default).
const GRACE: Duration = Duration::from_secs(30);

async fn app_with_alice(backend: Backend) -> TestApp {
    let app = spawn_app_with(backend, |s| s.sessions.reuse_grace = GRACE).await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    app
}

async fn redemptions_inside_the_window_all_get_the_same_successor(backend: Backend) {
    let app = app_with_alice(backend).await;
    let login = app.tokens_for("alice", PASSWORD).await;

    let mut redeemed = Vec::new();
    for _ in 0..3 {
        redeemed.push(app.refreshed(&login.refresh).await);
        app.clock.advance(GRACE / 4);
    }

    let successor = &redeemed[0].refresh;
    assert_ne!(successor, &login.refresh);
    for (i, pair) in redeemed.iter().enumerate() {
        assert_eq!(&pair.refresh, successor, "redemption {i}: one successor");
        assert_eq!(pair.session_id(), login.session_id(), "redemption {i}");
        expect_json(app.get_me(&pair.access).await, 200).await;
    }
    // One chain: the login's token and its one successor, nothing beside them.
    assert_eq!(app.refresh_tokens().await.len(), 2);
    // The successor goes on, and the session was never taken for a stolen one.
    let next = app.refreshed(successor).await;
    expect_json(app.get_me(&next.access).await, 200).await;
    assert_eq!(app.sessions().await[0].revoked_at, None);
}

/// The pairs each holder of one session's token ends up with.
struct Holders {
    login: SessionTokens,
    tab_a: SessionTokens,
    tab_b: SessionTokens,
    thief: SessionTokens,
    /// Tab A rotated T1 first.
    winner: SessionTokens,
}

/// Tab A redeems T0 -> T1; tab B and then a thief replay T0 inside the window and get T1
/// too; tab A rotates T1 first and gets T2.
async fn share_one_chain(app: &TestApp) -> Holders {
    let login = app.tokens_for("alice", PASSWORD).await;
    let tab_a = app.refreshed(&login.refresh).await;
    app.clock.advance(Duration::from_secs(1));
    let tab_b = app.refreshed(&login.refresh).await;
    app.clock.advance(Duration::from_secs(1));
    let thief = app.refreshed(&login.refresh).await;

    assert_eq!(tab_b.refresh, tab_a.refresh, "tab B gets T1 too");
    assert_eq!(thief.refresh, tab_a.refresh, "the thief gets T1 too");
    for pair in [&tab_a, &tab_b, &thief] {
        assert_eq!(pair.session_id(), login.session_id());
        expect_json(app.get_me(&pair.access).await, 200).await;
    }

    app.clock.advance(Duration::from_secs(1));
    let winner = app.refreshed(&tab_a.refresh).await;
    assert_ne!(winner.refresh, tab_a.refresh);
    assert_ne!(winner.refresh, login.refresh);
    expect_json(app.get_me(&winner.access).await, 200).await;
    Holders {
        login,
        tab_a,
        tab_b,
        thief,
        winner,
    }
}

/// After `replayed` was refused past the window, nothing of the session works any more.
async fn assert_session_ended(app: &TestApp, holders: &Holders) {
    for token in [
        &holders.login.refresh,
        &holders.tab_a.refresh,
        &holders.winner.refresh,
    ] {
        assert_refresh_refused(app, token).await;
    }
    for pair in [
        &holders.login,
        &holders.tab_a,
        &holders.tab_b,
        &holders.thief,
        &holders.winner,
    ] {
        assert_token_rejected(app, &pair.access).await;
    }
    let sid = holders.login.session_id();
    let sessions = app.sessions().await;
    assert!(
        sessions
            .iter()
            .filter(|s| s.id.to_string() == sid)
            .all(|s| s.revoked_at.is_some()),
        "the replay revoked the session: {sessions:?}"
    );
}

async fn two_tabs_and_a_thief_share_one_chain_and_a_late_replay_ends_it(backend: Backend) {
    let app = app_with_alice(backend).await;

    // T0 replayed past the window.
    let first = share_one_chain(&app).await;
    let bystander = app.tokens_for("alice", PASSWORD).await;
    app.clock.advance(GRACE + Duration::from_secs(1));
    expect_json(app.get_me(&first.winner.access).await, 200).await;
    assert_refresh_refused(&app, &first.login.refresh).await;
    assert_session_ended(&app, &first).await;

    // T1 (spent when tab A rotated it) replayed past the window: the same end.
    let second = share_one_chain(&app).await;
    app.clock.advance(GRACE + Duration::from_secs(1));
    expect_json(app.get_me(&second.winner.access).await, 200).await;
    assert_refresh_refused(&app, &second.thief.refresh).await;
    assert_session_ended(&app, &second).await;

    // Another session of the account goes on.
    expect_json(app.get_me(&bystander.access).await, 200).await;
    app.refreshed(&bystander.refresh).await;
}

async fn refresh_tokens_are_stored_only_as_hashes(backend: Backend) {
    let app = app_with_alice(backend).await;
    let login = app.tokens_for("alice", PASSWORD).await;
    let mut handed_out = vec![login.refresh.clone()];
    for _ in 0..3 {
        handed_out.push(app.refreshed(&login.refresh).await.refresh);
        app.clock.advance(Duration::from_secs(1));
    }
    let last = app.refreshed(handed_out.last().unwrap()).await;
    handed_out.push(last.refresh);
    handed_out.sort();
    handed_out.dedup();
    assert_eq!(handed_out.len(), 3, "T0, T1 (three times), T2");

    let stored = app.refresh_tokens().await;
    let mut hashes: Vec<String> = stored.iter().map(|t| t.token_hash.clone()).collect();
    hashes.sort();
    let mut expected: Vec<String> = handed_out.iter().map(|t| sha256_hex(t)).collect();
    expected.sort();
    assert_eq!(
        hashes, expected,
        "one row per token handed out, by its hash"
    );
    for row in &stored {
        assert_eq!(row.token_hash.len(), 64);
        assert!(row.token_hash.bytes().all(|b| b.is_ascii_hexdigit()));
        let columns = format!("{row:?}");
        for token in &handed_out {
            assert!(!columns.contains(token.as_str()), "{token} stored: {row:?}");
        }
    }
}
