//! The second step at the token endpoint: the password alone opens no session; the
//! `mfa_token` is single use, expires, and dies after 5 wrong codes; a TOTP step is never
//! accepted twice; a recovery code is spent once, whatever races.

use std::time::Duration;

use serde_json::json;

use super::code_at;
use crate::helpers::{Backend, assert_problem, expect_json, payload_of, spawn_app};

both_backends!(
    a_login_takes_two_steps_and_its_tokens_say_so,
    codes_are_good_one_step_either_side_and_never_twice,
    the_mfa_token_is_single_use_expires_and_dies_after_five_wrong_codes,
    a_recovery_code_signs_in_once_and_mails_the_owner,
    one_recovery_code_raced_by_many_logins_succeeds_once,
);

/// One step: a code accepted at enrolment is not accepted again for a login.
const STEP: Duration = Duration::from_secs(30);

async fn a_login_takes_two_steps_and_its_tokens_say_so(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let enrolled = app.enrol(&token).await;
    app.clock.advance(STEP);
    let sessions = app.sessions().await.len();

    let challenge = app.first_step("alice").await;
    assert_eq!(challenge["methods"], json!(["totp", "recovery_code"]));
    let mfa_token = challenge["mfa_token"].as_str().unwrap();
    assert!(mfa_token.len() >= 43, "{challenge}");
    assert_eq!(
        app.sessions().await.len(),
        sessions,
        "no session before the second step"
    );
    assert!(challenge.get("access_token").is_none());

    let code = code_at(&enrolled.secret, app.clock.now());
    let granted = expect_json(app.second_step(mfa_token, "otp", &code).await, 200).await;
    let claims = payload_of(granted["access_token"].as_str().unwrap());
    assert_eq!(claims["amr"], json!(["pwd", "otp", "mfa"]));
    let session = app.sessions().await.pop().unwrap();
    assert_eq!(session.amr, "pwd otp mfa");
    assert_eq!(app.audit_rows_of("login.mfa_required").await.len(), 1);
    assert_eq!(app.audit_rows_of("mfa.totp_enabled").await.len(), 1);
    let succeeded = app.audit_rows_of("login.succeeded").await;
    assert_eq!(succeeded.last().unwrap().detail["amr"], "pwd otp mfa");
    assert_eq!(claims["auth_time"], session.created_at.timestamp());

    app.clock.advance(Duration::from_secs(600));
    let refreshed = app
        .refreshed(granted["refresh_token"].as_str().unwrap())
        .await;
    let refreshed = payload_of(&refreshed.access);
    assert_eq!(
        refreshed["amr"], claims["amr"],
        "a refresh keeps the login's methods"
    );
    assert_eq!(refreshed["auth_time"], claims["auth_time"]);
}

async fn codes_are_good_one_step_either_side_and_never_twice(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let secret = app.enrol(&token).await.secret;
    app.clock.advance(STEP * 4);
    let now = app.clock.now();
    let try_code = |code: String| {
        let app = &app;
        async move {
            let challenge = app.first_step("alice").await;
            let token = challenge["mfa_token"].as_str().unwrap().to_owned();
            app.second_step(&token, "otp", &code).await
        }
    };
    let two_back = code_at(&secret, now - STEP * 2);
    assert_problem(try_code(two_back).await, 401, "invalid-mfa-code").await;
    let two_ahead = code_at(&secret, now + STEP * 2);
    assert_problem(try_code(two_ahead).await, 401, "invalid-mfa-code").await;
    let one_back = code_at(&secret, now - STEP);
    expect_json(try_code(one_back.clone()).await, 200).await;
    let replayed = try_code(one_back).await;
    assert_problem(replayed, 401, "invalid-mfa-code").await;
    let one_ahead = code_at(&secret, now + STEP);
    expect_json(try_code(one_ahead.clone()).await, 200).await;
    let current = code_at(&secret, now);
    let older_than_accepted = try_code(current).await;
    assert_problem(older_than_accepted, 401, "invalid-mfa-code").await;
    assert_problem(try_code(one_ahead).await, 401, "invalid-mfa-code").await;
}

async fn the_mfa_token_is_single_use_expires_and_dies_after_five_wrong_codes(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let secret = app.enrol(&token).await.secret;

    app.clock.advance(STEP);
    let used = app.first_step("alice").await["mfa_token"]
        .as_str()
        .unwrap()
        .to_owned();
    expect_json(
        app.second_step(&used, "otp", &code_at(&secret, app.clock.now()))
            .await,
        200,
    )
    .await;
    app.clock.advance(STEP);
    let again = app
        .second_step(&used, "otp", &code_at(&secret, app.clock.now()))
        .await;
    assert_problem(again, 401, "invalid-mfa-token").await;

    let expiring = app.first_step("alice").await["mfa_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock.advance(Duration::from_secs(5 * 60));
    let late = app
        .second_step(&expiring, "otp", &code_at(&secret, app.clock.now()))
        .await;
    assert_problem(late, 401, "invalid-mfa-token").await;

    let guessed = app.first_step("alice").await["mfa_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let right = code_at(&secret, app.clock.now());
    let wrong = if right == "000000" {
        "000001"
    } else {
        "000000"
    };
    for _ in 0..5 {
        let resp = app.second_step(&guessed, "otp", wrong).await;
        assert_problem(resp, 401, "invalid-mfa-code").await;
    }
    let dead = app.second_step(&guessed, "otp", &right).await;
    assert_problem(dead, 401, "invalid-mfa-token").await;
    let failed = app.audit_rows_of("login.failed").await;
    let wrong_codes = failed
        .iter()
        .filter(|row| row.detail["reason"] == "wrong_mfa_code");
    assert_eq!(wrong_codes.count(), 5, "each wrong code is a failed login");
    let unknown = app.second_step("no-such-token", "otp", &right).await;
    assert_problem(unknown, 401, "invalid-mfa-token").await;
}

async fn a_recovery_code_signs_in_once_and_mails_the_owner(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let enrolled = app.enrol(&token).await;
    let code = &enrolled.recovery_codes[0];
    // Typed in capitals without its dash: the same code.
    let typed = code.replace('-', "").to_uppercase();
    let challenge = app.first_step("alice").await;
    let mfa_token = challenge["mfa_token"].as_str().unwrap();
    let granted = app.second_step(mfa_token, "recovery_code", &typed).await;
    let claims = payload_of(
        expect_json(granted, 200).await["access_token"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(claims["amr"], json!(["pwd", "otp", "mfa"]));
    let mailed = app.outbox_events("user.recovery_code_used").await;
    assert_eq!(mailed.len(), 1);
    assert_eq!(mailed[0]["data"]["recovery_codes_left"], 9);
    assert_eq!(app.mfa_of(&token).await["recovery_codes_left"], 9);

    let challenge = app.first_step("alice").await;
    let mfa_token = challenge["mfa_token"].as_str().unwrap();
    let reused = app.second_step(mfa_token, "recovery_code", code).await;
    assert_problem(reused, 401, "invalid-mfa-code").await;
    let someone_elses = app
        .second_step(mfa_token, "recovery_code", "zzzzz-zzzzz")
        .await;
    assert_problem(someone_elses, 401, "invalid-mfa-code").await;
}

async fn one_recovery_code_raced_by_many_logins_succeeds_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let code = app.enrol(&token).await.recovery_codes.remove(3);
    let mut tokens = Vec::new();
    for _ in 0..6 {
        tokens.push(
            app.first_step("alice").await["mfa_token"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let mut attempts = tokio::task::JoinSet::new();
    for mfa_token in tokens {
        let (client, url, code) = (
            app.client.clone(),
            app.url("/api/v1/token/access"),
            code.clone(),
        );
        attempts.spawn(async move {
            let form = [
                ("grant_type", super::MFA_GRANT),
                ("mfa_token", &mfa_token),
                ("recovery_code", &code),
            ];
            client
                .post(url)
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let mut statuses = attempts.join_all().await;
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 401, 401, 401, 401, 401]);
    assert_eq!(app.mfa_of(&token).await["recovery_codes_left"], 9);
}
