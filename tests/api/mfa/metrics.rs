//! The second factors' counters, from a real API process of their own (so every count is
//! exact): enrolment, the second step's outcomes, a wrong code as a security refusal. The
//! process runs on the system clock, so codes are computed from it.

use chrono::Utc;
use serde_json::{Value, json};

use super::{MFA_GRANT, code_at, secret_of};
use crate::{
    helpers::{PASSWORD, client, expect_json},
    processes::{Api, sample},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_and_second_steps_are_counted() {
    let api = Api::start(&[]).await;
    let http = client();
    let user = json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD});
    assert_eq!(api.register(&user).await.status(), 201);
    let password_grant = || {
        http.post(api.url("/api/v1/token/access"))
            .form(&[("username", "alice"), ("password", PASSWORD)])
            .send()
    };
    let login = expect_json(password_grant().await.unwrap(), 200).await;
    let token = login["access_token"].as_str().unwrap();
    let call = |path: &str, body: Value| {
        http.post(api.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let started = call("/api/v1/mfa/totp", json!({"current_password": PASSWORD}));
    let started = expect_json(started.await.unwrap(), 201).await;
    let secret = secret_of(started["otpauth_uri"].as_str().unwrap());
    let confirmed = call(
        "/api/v1/mfa/totp/confirm",
        json!({"code": code_at(&secret, Utc::now())}),
    );
    let codes = expect_json(confirmed.await.unwrap(), 200).await["recovery_codes"].clone();

    let challenge = expect_json(password_grant().await.unwrap(), 401).await;
    let mfa_token = challenge["mfa_token"].as_str().unwrap();
    let second_step = |field: &'static str, code: String| {
        http.post(api.url("/api/v1/token/access"))
            .form(&[
                ("grant_type", MFA_GRANT),
                ("mfa_token", mfa_token),
                (field, &code),
            ])
            .send()
    };
    let wrong = second_step("recovery_code", "zzzzz-zzzzz".into())
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = second_step("recovery_code", codes[0].as_str().unwrap().into());
    expect_json(right.await.unwrap(), 200).await;

    let metrics = api.scrape().await;
    let count = |name: &str, labels: &[(&str, &str)]| sample(&metrics, name, labels);
    for (event, n) in [
        ("enabled", 1.0),
        ("recovery_code_used", 1.0),
        ("code_refused", 1.0),
        ("disabled", 0.0),
        ("reset", 0.0),
    ] {
        assert_eq!(
            count("accounts_mfa_events_total", &[("event", event)]),
            Some(n),
            "{event}"
        );
    }
    for (outcome, n) in [("mfa_required", 1.0), ("failed", 1.0), ("succeeded", 2.0)] {
        assert_eq!(
            count("accounts_logins_total", &[("outcome", outcome)]),
            Some(n),
            "{outcome}"
        );
    }
    let refusals = count(
        "accounts_security_refusals_total",
        &[("reason", "wrong_mfa_code")],
    );
    assert_eq!(refusals, Some(1.0));
}
