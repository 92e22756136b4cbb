//! `PUT /api/v1/users/password`: changing one's password with the current one; the caller's
//! session goes on, every other session ends at once, and the owner is mailed.

use std::time::Duration;

use accounts_api::infra::{db::entities::outbox, rate_limit::Quota};
use reqwest::Response;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::{
    helpers::{
        Backend, PASSWORD, TestApp, assert_problem, body_text, error_fields, expect_json, header,
        spawn_app, spawn_app_with,
    },
    maildev::{SMTP_PORT, smtp, subjects, unique_domain, wait_for_mails},
};

pub const NEW_PASSWORD: &str = "new-staple-battery-horse";
const CHANGED_SUBJECT: &str = "Your password has been changed";

both_backends!(
    a_change_keeps_this_session_and_ends_every_other_at_once,
    a_wrong_current_password_is_refused_and_counted_as_a_failed_login,
    the_new_password_follows_the_sign_up_rules,
    the_owner_is_mailed_that_the_password_changed,
);

/// Logs in (a new session): its access token and refresh token.
pub async fn session(app: &TestApp, login: &str, password: &str) -> (String, String) {
    let body = expect_json(app.login(login, password).await, 200).await;
    let token = |field: &str| body[field].as_str().expect("a token").to_owned();
    (token("access_token"), token("refresh_token"))
}

/// The refresh-token grant.
pub async fn refresh(app: &TestApp, refresh_token: &str) -> Response {
    app.client
        .post(app.url("/api/v1/token/access"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
        .expect("POST /api/v1/token/access")
}

/// Asserts that a session's tokens are refused: its access token and its refresh token.
pub async fn assert_session_ended(app: &TestApp, (access, refresh_token): &(String, String)) {
    assert_problem(app.get_me(access).await, 401, "unauthorized").await;
    let refused = refresh(app, refresh_token).await;
    assert_problem(refused, 401, "invalid-refresh-token").await;
}

async fn change(app: &TestApp, access: &str, body: &Value) -> Response {
    app.client
        .put(app.url("/api/v1/users/password"))
        .bearer_auth(access)
        .json(body)
        .send()
        .await
        .expect("PUT /api/v1/users/password")
}

fn passwords(current: &str, new: &str) -> Value {
    json!({ "current_password": current, "new_password": new })
}

/// The `user.password_changed` events in the outbox.
pub async fn password_changed_events(app: &TestApp) -> usize {
    outbox::Entity::find()
        .filter(outbox::Column::EventType.eq("user.password_changed"))
        .all(&app.db().await)
        .await
        .expect("read the outbox")
        .len()
}

async fn a_change_keeps_this_session_and_ends_every_other_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, _) = app.alice().await;
    let this = session(&app, "alice", PASSWORD).await;
    let other = session(&app, "alice@example.com", PASSWORD).await;

    let resp = change(&app, &this.0, &passwords(PASSWORD, NEW_PASSWORD)).await;
    assert_eq!(resp.status(), 204);
    assert_eq!(body_text(resp).await, "");

    assert_problem(
        app.login("alice", PASSWORD).await,
        401,
        "invalid-credentials",
    )
    .await;
    session(&app, "alice", NEW_PASSWORD).await;
    // This session goes on, access and refresh token alike; the other one ended at once.
    assert_eq!(expect_json(app.get_me(&this.0).await, 200).await, alice);
    expect_json(refresh(&app, &this.1).await, 200).await;
    assert_session_ended(&app, &other).await;
    assert_eq!(password_changed_events(&app).await, 1);

    // The password just set is the current one now.
    let again = change(&app, &this.0, &passwords(NEW_PASSWORD, PASSWORD)).await;
    assert_eq!(again.status(), 204);
    session(&app, "alice", PASSWORD).await;
}

async fn a_wrong_current_password_is_refused_and_counted_as_a_failed_login(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.rate_limit.login_failures = Quota {
            limit: 3,
            window: Duration::from_secs(15 * 60),
        };
    })
    .await;
    let (_, access) = app.alice().await;
    let other = session(&app, "alice", PASSWORD).await;

    for _ in 0..3 {
        let resp = change(&app, &access, &passwords("not-the-password", NEW_PASSWORD)).await;
        assert_problem(resp, 403, "wrong-password").await;
    }
    // Over the quota even the right password is not checked, here and at the token endpoint,
    // whose failed logins are the same count.
    let refused = change(&app, &access, &passwords(PASSWORD, NEW_PASSWORD)).await;
    assert!(!header(refused.headers(), "retry-after").is_empty());
    assert_problem(refused, 429, "too-many-requests").await;
    assert_problem(app.login("alice", PASSWORD).await, 429, "too-many-requests").await;

    // Nothing changed: no session ended, no event.
    expect_json(app.get_me(&other.0).await, 200).await;
    assert_eq!(password_changed_events(&app).await, 0);
    app.clock.advance(Duration::from_secs(15 * 60));
    session(&app, "alice", PASSWORD).await;
    let resp = change(&app, &access, &passwords(PASSWORD, NEW_PASSWORD)).await;
    assert_eq!(resp.status(), 204);
}

async fn the_new_password_follows_the_sign_up_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, access) = app.alice().await;

    let too_long = "x".repeat(73);
    for (new, why) in [
        ("short", "too short"),
        (too_long.as_str(), "over 72 bytes"),
        ("has\0a-nul-inside", "a NUL"),
        (PASSWORD, "the current password"),
    ] {
        let resp = change(&app, &access, &passwords(PASSWORD, new)).await;
        let problem = assert_problem(resp, 422, "validation").await;
        assert_eq!(error_fields(&problem), ["new_password"], "{why}");
    }
    for (body, fields) in [
        (json!({}), vec!["current_password", "new_password"]),
        (
            json!({ "current_password": 12345678, "new_password": NEW_PASSWORD }),
            vec!["current_password"],
        ),
        (
            json!({ "current_password": PASSWORD, "new_password": null }),
            vec!["new_password"],
        ),
    ] {
        let problem = assert_problem(change(&app, &access, &body).await, 422, "validation").await;
        assert_eq!(error_fields(&problem), fields, "{body}");
    }
    let anonymous = app
        .client
        .put(app.url("/api/v1/users/password"))
        .json(&passwords(PASSWORD, NEW_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401, "unauthorized").await;

    session(&app, "alice", PASSWORD).await;
    assert_eq!(password_changed_events(&app).await, 0);
}

async fn the_owner_is_mailed_that_the_password_changed(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.smtp = Some(smtp(SMTP_PORT));
        s.outbox.poll_interval = Duration::from_millis(50);
    })
    .await;
    let email = format!("alice@{}", unique_domain());
    let (_, access) = app.register_and_login("alice", &email).await;

    let resp = change(&app, &access, &passwords(PASSWORD, NEW_PASSWORD)).await;
    assert_eq!(resp.status(), 204);

    // Sign-up sent two (welcome, confirmation); the change sends the third.
    let mails = wait_for_mails(&email, 3, Duration::from_secs(15)).await;
    let changed: Vec<&Value> = mails
        .iter()
        .filter(|m| m["subject"] == CHANGED_SUBJECT)
        .collect();
    assert_eq!(changed.len(), 1, "{:?}", subjects(&mails));
    let text = changed[0]["text"].as_str().unwrap();
    assert!(text.starts_with("Hello, alice!"), "{text}");
    assert!(
        !text.contains(NEW_PASSWORD)
            && !changed[0]["html"].as_str().unwrap().contains(NEW_PASSWORD)
    );
}
