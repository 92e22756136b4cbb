//! `/api/v1/sessions`: listing the caller's sessions, logging out, ending another session
//! or all the others; an ended session's tokens are refused at once, on every instance.

use std::time::Duration;

use chrono::TimeDelta;
use reqwest::Response;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{
    Backend, PASSWORD, SessionTokens, TestApp, assert_problem, expect_json, spawn_app, timestamp,
};

both_backends!(
    sessions_are_listed_newest_first_with_their_device,
    ended_and_idle_sessions_are_not_listed,
    logout_ends_the_current_session_at_once,
    another_session_of_mine_can_be_ended_by_id,
    a_session_that_is_not_mine_is_not_found,
    ending_the_other_sessions_keeps_the_current_one,
    a_second_instance_sees_a_logout_at_once,
);

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Registers `name` (`<name>@example.com`) without logging in.
async fn register(app: &TestApp, name: &str) {
    let email = format!("{name}@example.com");
    expect_json(app.register(name, &email, PASSWORD).await, 201).await;
}

async fn list(app: &TestApp, access: &str) -> Vec<Value> {
    let resp = app
        .client
        .get(app.url("/api/v1/sessions"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    let body = expect_json(resp, 200).await;
    body.as_array().expect("an array of sessions").clone()
}

/// `DELETE /api/v1/sessions<suffix>` with `access`.
async fn delete(app: &TestApp, suffix: &str, access: &str) -> Response {
    app.client
        .delete(app.url(&format!("/api/v1/sessions{suffix}")))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

/// Asserts that a session's access token and refresh token both work.
async fn assert_alive(app: &TestApp, session: &SessionTokens) {
    expect_json(app.get_me(&session.access).await, 200).await;
    expect_json(app.refresh(&session.refresh).await, 200).await;
}

/// Asserts that a session has ended: its access token and its refresh token are refused.
async fn assert_ended(app: &TestApp, session: &SessionTokens) {
    assert_problem(app.get_me(&session.access).await, 401, "unauthorized").await;
    assert_problem(
        app.refresh(&session.refresh).await,
        401,
        "invalid-refresh-token",
    )
    .await;
}

fn ids(sessions: &[Value]) -> Vec<&str> {
    sessions.iter().map(|s| s["id"].as_str().unwrap()).collect()
}

async fn sessions_are_listed_newest_first_with_their_device(backend: Backend) {
    let app = spawn_app(backend).await;
    register(&app, "alice").await;
    register(&app, "bob").await;
    let laptop = app.login_on("alice", "Firefox/128.0").await;
    app.clock.advance(Duration::from_secs(60));
    let phone = app.login_on("alice@example.com", "Mobile Safari/17").await;
    app.login_on("bob", "curl/8").await;

    let seen_from_phone = list(&app, &phone.access).await;

    assert_eq!(seen_from_phone.len(), 2, "bob's session is not listed");
    let (newest, oldest) = (&seen_from_phone[0], &seen_from_phone[1]);
    for session in [newest, oldest] {
        let mut keys: Vec<_> = session.as_object().unwrap().keys().collect();
        keys.sort();
        let expected = [
            "created_at",
            "current",
            "expires_at",
            "id",
            "ip",
            "last_used_at",
            "user_agent",
        ];
        assert_eq!(keys, expected, "{session}");
        let id = Uuid::parse_str(session["id"].as_str().unwrap()).unwrap();
        assert_eq!(id.get_version_num(), 7);
        assert_eq!(session["ip"], "127.0.0.1");
        let created = timestamp(session, "created_at");
        assert_eq!(timestamp(session, "last_used_at"), created);
        assert_eq!(
            timestamp(session, "expires_at") - created,
            TimeDelta::days(30),
            "SESSION_TTL"
        );
    }
    assert_eq!(newest["user_agent"], "Mobile Safari/17");
    assert_eq!(newest["current"], true);
    assert_eq!(oldest["user_agent"], "Firefox/128.0");
    assert_eq!(oldest["current"], false);
    assert_eq!(
        timestamp(newest, "created_at") - timestamp(oldest, "created_at"),
        TimeDelta::seconds(60)
    );

    let seen_from_laptop = list(&app, &laptop.access).await;
    assert_eq!(ids(&seen_from_laptop), ids(&seen_from_phone));
    let current: Vec<_> = seen_from_laptop.iter().map(|s| &s["current"]).collect();
    assert_eq!(current, [false, true]);

    // A login without a User-Agent records none.
    let (_, token) = app.register_and_login("carol", "carol@example.com").await;
    assert_eq!(list(&app, &token).await[0]["user_agent"], Value::Null);
}

async fn ended_and_idle_sessions_are_not_listed(backend: Backend) {
    let app = spawn_app(backend).await;
    register(&app, "alice").await;
    let idle = app.login_on("alice", "old tablet").await;
    let ended = app.login_on("alice", "lost phone").await;
    assert_eq!(delete(&app, "/current", &ended.access).await.status(), 204);
    app.clock.advance(6 * DAY);
    let recent = app.login_on("alice", "laptop").await;
    // The tablet has not refreshed for more than SESSION_IDLE_TIMEOUT (7 days); the laptop,
    // refreshed now, lives on with a new access token.
    app.clock.advance(2 * DAY);
    let refreshed =
        SessionTokens::from(&expect_json(app.refresh(&recent.refresh).await, 200).await);

    let sessions = list(&app, &refreshed.access).await;

    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0]["user_agent"], "laptop");
    assert_eq!(sessions[0]["current"], true);
    assert!(timestamp(&sessions[0], "last_used_at") > timestamp(&sessions[0], "created_at"));
    assert_problem(
        app.refresh(&idle.refresh).await,
        401,
        "invalid-refresh-token",
    )
    .await;
}

async fn logout_ends_the_current_session_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    register(&app, "alice").await;
    let laptop = app.login_on("alice", "laptop").await;
    let phone = app.login_on("alice", "phone").await;

    // `current` is the route of its own, not a session id (which would be a 404).
    let resp = delete(&app, "/current", &laptop.access).await;

    assert_eq!(resp.status(), 204);
    assert!(resp.text().await.unwrap().is_empty());
    assert_ended(&app, &laptop).await;
    assert_problem(
        delete(&app, "/current", &laptop.access).await,
        401,
        "unauthorized",
    )
    .await;
    assert_alive(&app, &phone).await;
}

async fn another_session_of_mine_can_be_ended_by_id(backend: Backend) {
    let app = spawn_app(backend).await;
    register(&app, "alice").await;
    let laptop = app.login_on("alice", "laptop").await;
    app.clock.advance(Duration::from_secs(1));
    let lost_phone = app.login_on("alice", "lost phone").await;
    let phone_id = list(&app, &lost_phone.access).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let resp = delete(&app, &format!("/{phone_id}"), &laptop.access).await;

    assert_eq!(resp.status(), 204);
    assert_ended(&app, &lost_phone).await;
    let left = list(&app, &laptop.access).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["user_agent"], "laptop");
    // Ended already: nothing left to end.
    let again = delete(&app, &format!("/{phone_id}"), &laptop.access).await;
    assert_problem(again, 404, "not-found").await;
    assert_alive(&app, &laptop).await;
}

async fn a_session_that_is_not_mine_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    register(&app, "alice").await;
    register(&app, "bob").await;
    let alice = app.login_on("alice", "laptop").await;
    let bob = app.login_on("bob", "phone").await;
    let bobs_id = list(&app, &bob.access).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let unknown = Uuid::now_v7().to_string();
    for suffix in [
        format!("/{bobs_id}"),
        format!("/{unknown}"),
        "/not-a-uuid".to_owned(),
        "/42".to_owned(),
    ] {
        let resp = delete(&app, &suffix, &alice.access).await;
        assert_problem(resp, 404, "not-found").await;
    }

    assert_alive(&app, &bob).await;
    assert_eq!(list(&app, &alice.access).await.len(), 1);
}

async fn ending_the_other_sessions_keeps_the_current_one(backend: Backend) {
    let app = spawn_app(backend).await;
    register(&app, "alice").await;
    register(&app, "bob").await;
    let others = [
        app.login_on("alice", "laptop").await,
        app.login_on("alice", "tablet").await,
    ];
    let phone = app.login_on("alice", "phone").await;
    let bob = app.login_on("bob", "bob's phone").await;

    let resp = delete(&app, "", &phone.access).await;

    assert_eq!(resp.status(), 204);
    for other in &others {
        assert_ended(&app, other).await;
    }
    let left = list(&app, &phone.access).await;
    assert_eq!(left.len(), 1);
    assert_eq!(
        (&left[0]["user_agent"], &left[0]["current"]),
        (&"phone".into(), &true.into())
    );
    assert_alive(&app, &bob).await;
    // Nothing else to end: still 204.
    assert_eq!(delete(&app, "", &phone.access).await.status(), 204);
    assert_alive(&app, &phone).await;
}

async fn a_second_instance_sees_a_logout_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    register(&app, "alice").await;
    let session = app.login_on("alice", "laptop").await;
    let other = app.second_instance().await;
    expect_json(other.get_me(&session.access).await, 200).await;

    assert_eq!(
        delete(&app, "/current", &session.access).await.status(),
        204
    );

    assert_ended(&other, &session).await;
}
