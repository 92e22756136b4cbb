//! A passkey as the second step of a password login, with options bound to its `mfa_token`.

use std::time::Duration;

use serde_json::json;

use super::Device;
use crate::{
    helpers::{Backend, PASSWORD, assert_problem, expect_json, payload_of, spawn_app},
    mfa::MFA_GRANT,
};

both_backends!(
    a_passkey_answers_the_second_step_of_a_password_login,
    options_for_one_mfa_token_do_not_answer_another,
);

async fn a_passkey_answers_the_second_step_of_a_password_login(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let enrolled = app.enrol(&token).await;
    app.clock.advance(Duration::from_secs(30));
    let mut device = Device::new();
    // With TOTP on, registering takes a code too.
    let refused = app
        .post_as(
            &token,
            "/api/v1/passkeys/registration",
            &json!({"current_password": PASSWORD}),
        )
        .await;
    assert_problem(refused, 403, "mfa-code-required").await;
    let code = crate::mfa::code_at(&enrolled.secret, app.clock.now());
    let options = app
        .post_as(
            &token,
            "/api/v1/passkeys/registration",
            &json!({"current_password": PASSWORD, "code": code}),
        )
        .await;
    let options = expect_json(options, 200).await;
    let credential = device.create(&options).await;
    let passkey = expect_json(app.create_passkey(&token, &credential, "Key").await, 201).await;

    let challenge = app.first_step("alice").await;
    assert_eq!(
        challenge["methods"],
        json!(["totp", "recovery_code", "webauthn"])
    );
    let mfa_token = challenge["mfa_token"].as_str().unwrap();
    let options = app
        .authentication_options(&json!({"mfa_token": mfa_token}))
        .await;
    let options = expect_json(options, 200).await;
    assert_eq!(
        options["publicKey"]["allowCredentials"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let assertion = device.get(&options).await;
    let granted = app.mfa_passkey_step(mfa_token, &assertion).await;
    let granted = expect_json(granted, 200).await;
    let kind = if passkey["backup_eligible"] == true {
        "swk"
    } else {
        "hwk"
    };
    let claims = payload_of(granted["access_token"].as_str().unwrap());
    assert_eq!(claims["amr"], json!(["pwd", kind, "user", "mfa"]));

    let again = app.mfa_passkey_step(mfa_token, &assertion).await;
    assert_problem(again, 401, "invalid-mfa-token").await;
}

async fn options_for_one_mfa_token_do_not_answer_another(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let mut device = Device::new();
    app.add_passkey(&token, &mut device, "Key").await;
    app.enrol(&token).await;
    app.clock.advance(Duration::from_secs(30));

    let bogus = app
        .authentication_options(&json!({"mfa_token": "nope"}))
        .await;
    assert_problem(bogus, 401, "invalid-mfa-token").await;
    let first = app.first_step("alice").await;
    let second = app.first_step("alice").await;
    let first_token = first["mfa_token"].as_str().unwrap();
    let options = app
        .authentication_options(&json!({"mfa_token": first_token}))
        .await;
    let assertion = device.get(&expect_json(options, 200).await).await;
    let crossed = app
        .mfa_passkey_step(second["mfa_token"].as_str().unwrap(), &assertion)
        .await;
    assert_problem(crossed, 401, "invalid-passkey").await;
    // Nor does a sign-in's assertion answer a second step, or the reverse.
    let (sign_in, _) = {
        let options = expect_json(app.authentication_options(&json!({})).await, 200).await;
        (device.get(&options).await, ())
    };
    let resp = app.mfa_passkey_step(first_token, &sign_in).await;
    assert_problem(resp, 401, "invalid-passkey").await;
    assert_eq!(app.audit_rows_of("login.failed").await.len(), 2);
    let wrong = app.passkey_grant(&assertion).await;
    assert_problem(wrong, 401, "invalid-passkey").await;
}

impl crate::helpers::TestApp {
    /// The MFA grant with a passkey's `assertion`.
    pub async fn mfa_passkey_step(&self, mfa_token: &str, assertion: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/token/access"))
            .form(&[
                ("grant_type", MFA_GRANT),
                ("mfa_token", mfa_token),
                ("assertion", assertion),
            ])
            .send()
            .await
            .expect("POST /api/v1/token/access")
    }
}
