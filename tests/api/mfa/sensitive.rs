//! What takes `current_password` takes a second-factor `code` too once the account has one:
//! a password change, an e-mail change, account deletion, removing TOTP, new recovery codes.

use std::time::Duration;

use serde_json::json;

use super::code_at;
use crate::helpers::{
    Backend, PASSWORD, assert_problem, assert_token_rejected, expect_json, spawn_app,
};

both_backends!(
    each_sensitive_change_is_refused_without_the_code,
    removing_totp_ends_the_other_sessions_and_makes_login_one_step,
    new_recovery_codes_void_the_old_ones,
    a_password_change_kills_a_pending_second_step,
);

const STEP: Duration = Duration::from_secs(30);
const NEW_PASSWORD: &str = "a-new-and-long-passphrase";

async fn each_sensitive_change_is_refused_without_the_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let secret = app.enrol(&token).await.secret;
    let change_password = |code: Option<String>| {
        let mut body = json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD});
        if let Some(code) = code {
            body["code"] = code.into();
        }
        app.client
            .put(app.url("/api/v1/users/password"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    assert_problem(
        change_password(None).await.unwrap(),
        403,
        "mfa-code-required",
    )
    .await;
    let wrong = change_password(Some("000000".into())).await.unwrap();
    if code_at(&secret, app.clock.now()) != "000000" {
        assert_problem(wrong, 403, "wrong-mfa-code").await;
    }
    let email = app
        .patch_me(
            &token,
            &json!({"email": "new@example.com", "current_password": PASSWORD}),
        )
        .await;
    assert_problem(email, 403, "mfa-code-required").await;
    let delete = app
        .client
        .delete(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .json(&json!({"password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_problem(delete, 403, "mfa-code-required").await;
    for (path, body) in [
        (
            "/api/v1/mfa/totp",
            json!({"current_password": PASSWORD, "code": "000000"}),
        ),
        (
            "/api/v1/mfa/recovery-codes",
            json!({"current_password": PASSWORD, "code": "000000"}),
        ),
    ] {
        let resp = if path.ends_with("totp") {
            app.delete_as(&token, path, &body).await
        } else {
            app.post_as(&token, path, &body).await
        };
        if code_at(&secret, app.clock.now()) != "000000" {
            assert_problem(resp, 403, "wrong-mfa-code").await;
        }
        let without = json!({"current_password": PASSWORD});
        let resp = if path.ends_with("totp") {
            app.delete_as(&token, path, &without).await
        } else {
            app.post_as(&token, path, &without).await
        };
        assert_problem(resp, 422, "validation").await;
    }

    app.clock.advance(STEP);
    let email = app
        .patch_me(
            &token,
            &json!({
                "email": "new@example.com",
                "current_password": PASSWORD,
                "code": code_at(&secret, app.clock.now()),
            }),
        )
        .await;
    assert_eq!(expect_json(email, 200).await["email"], "new@example.com");
    app.clock.advance(STEP);
    let changed = change_password(Some(code_at(&secret, app.clock.now())))
        .await
        .unwrap();
    assert_eq!(changed.status(), 204);
}

async fn removing_totp_ends_the_other_sessions_and_makes_login_one_step(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let enrolled = app.enrol(&token).await;
    app.clock.advance(STEP);
    let other = app.login_two_steps("alice", &enrolled.secret).await;
    let other = other["access_token"].as_str().unwrap().to_owned();

    let body = json!({"current_password": PASSWORD, "code": enrolled.recovery_codes[0]});
    let resp = app.delete_as(&token, "/api/v1/mfa/totp", &body).await;
    assert_eq!(resp.status(), 204);
    assert_token_rejected(&app, &other).await;
    expect_json(app.get_me(&token).await, 200).await;
    let after = app.mfa_of(&token).await;
    assert_eq!(after["totp"]["enabled"], false);
    assert_eq!(after["recovery_codes_left"], 0);
    assert_eq!(app.outbox_events("user.mfa_disabled").await.len(), 1);
    expect_json(app.login("alice", PASSWORD).await, 200).await;
    let again = app.delete_as(&token, "/api/v1/mfa/totp", &body).await;
    assert_problem(again, 409, "totp-not-enabled").await;
}

async fn new_recovery_codes_void_the_old_ones(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let enrolled = app.enrol(&token).await;
    app.clock.advance(STEP);
    let body =
        json!({"current_password": PASSWORD, "code": code_at(&enrolled.secret, app.clock.now())});
    let resp = app
        .post_as(&token, "/api/v1/mfa/recovery-codes", &body)
        .await;
    let fresh = expect_json(resp, 200).await["recovery_codes"].clone();
    let fresh: Vec<String> = serde_json::from_value(fresh).unwrap();
    assert_eq!(fresh.len(), 10);
    assert!(fresh.iter().all(|c| !enrolled.recovery_codes.contains(c)));

    let challenge = app.first_step("alice").await;
    let mfa_token = challenge["mfa_token"].as_str().unwrap();
    let old = app
        .second_step(mfa_token, "recovery_code", &enrolled.recovery_codes[1])
        .await;
    assert_problem(old, 401, "invalid-mfa-code").await;
    expect_json(
        app.second_step(mfa_token, "recovery_code", &fresh[1]).await,
        200,
    )
    .await;
}

async fn a_password_change_kills_a_pending_second_step(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let secret = app.enrol(&token).await.secret;
    let pending = app.first_step("alice").await["mfa_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock.advance(STEP);
    let body = json!({
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "code": code_at(&secret, app.clock.now()),
    });
    let changed = app
        .client
        .put(app.url("/api/v1/users/password"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 204);
    app.clock.advance(STEP);
    let late = app
        .second_step(&pending, "otp", &code_at(&secret, app.clock.now()))
        .await;
    assert_problem(late, 401, "invalid-mfa-token").await;
}
