//! What a ceremony survives: a replayed or expired challenge, a challenge finished on
//! another instance, a foreign origin or RP ID, a cloned authenticator, a forged answer.

use std::time::Duration;

use serde_json::json;

use super::Device;
use crate::helpers::{Backend, assert_problem, expect_json, spawn_app, spawn_app_with};

both_backends!(
    a_challenge_is_single_use_and_expires,
    another_instance_finishes_what_one_started,
    an_assertion_from_another_origin_or_for_another_rp_id_is_refused,
    a_cloned_authenticator_is_refused_audited_and_reported,
    a_forged_or_misdirected_credential_is_refused,
);

async fn a_challenge_is_single_use_and_expires(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let mut device = Device::new();
    app.add_passkey(&token, &mut device, "Key").await;

    let (assertion, first) = app.sign_in_with(&mut device).await;
    expect_json(first, 200).await;
    assert_problem(app.passkey_grant(&assertion).await, 401, "invalid-passkey").await;

    let options = expect_json(app.authentication_options(&json!({})).await, 200).await;
    let late = device.get(&options).await;
    app.clock.advance(Duration::from_secs(5 * 60 + 1));
    assert_problem(app.passkey_grant(&late).await, 401, "invalid-passkey").await;

    // A registration's options expire alike.
    let options = app.registration_options(&token).await;
    let credential = device_for_registration().create(&options).await;
    app.clock.advance(Duration::from_secs(5 * 60 + 1));
    let resp = app.create_passkey(&token, &credential, "Late").await;
    assert_credential_refused(resp).await;
}

fn device_for_registration() -> Device {
    Device::new()
}

async fn another_instance_finishes_what_one_started(backend: Backend) {
    let app = spawn_app(backend).await;
    let other = app.second_instance().await;
    let (_, token) = app.alice().await;
    let mut device = Device::new();
    let options = app.registration_options(&token).await;
    let credential = device.create(&options).await;
    expect_json(other.create_passkey(&token, &credential, "Key").await, 201).await;

    let options = expect_json(other.authentication_options(&json!({})).await, 200).await;
    let assertion = device.get(&options).await;
    expect_json(app.passkey_grant(&assertion).await, 200).await;
    assert_problem(
        other.passkey_grant(&assertion).await,
        401,
        "invalid-passkey",
    )
    .await;
}

async fn an_assertion_from_another_origin_or_for_another_rp_id_is_refused(backend: Backend) {
    // Passkeys bound to the parent domain, used only from the listed origin.
    let app = spawn_app_with(backend, |settings| {
        settings.webauthn.rp_id = Some("example.com".into());
    })
    .await;
    let (_, token) = app.alice().await;
    let mut device = Device::new();
    app.add_passkey(&token, &mut device, "Key").await;
    let succeeded = app.audit_rows_of("login.succeeded").await.len();

    // A sibling site under the same RP ID (a browser lets it ask): its origin is not listed.
    let mut sibling = device.clone_at("https://shop.example.com");
    let options = expect_json(app.authentication_options(&json!({})).await, 200).await;
    assert_eq!(options["publicKey"]["rpId"], "example.com");
    let assertion = sibling.get(&options).await;
    assert_problem(app.passkey_grant(&assertion).await, 401, "invalid-passkey").await;

    // An authenticator that signs for another RP ID than the options name.
    let mut careless = device.clone_at(crate::helpers::PASSKEY_ORIGIN).any_rp_id();
    let mut other_rp = expect_json(app.authentication_options(&json!({})).await, 200).await;
    other_rp["publicKey"]["rpId"] = json!("accounts.example.com");
    let assertion = careless.get(&other_rp).await;
    assert_problem(app.passkey_grant(&assertion).await, 401, "invalid-passkey").await;

    // A real authenticator will not sign for a look-alike site at all.
    let mut phished = device.clone_at("https://accounts-example.com");
    let mut relayed = expect_json(app.authentication_options(&json!({})).await, 200).await;
    relayed["publicKey"]["rpId"] = json!("accounts-example.com");
    assert!(phished.try_get(&relayed).await.is_err());
    assert_eq!(app.audit_rows_of("login.succeeded").await.len(), succeeded);
}

/// A 422 naming `credential`.
async fn assert_credential_refused(resp: reqwest::Response) {
    let problem = assert_problem(resp, 422, "validation").await;
    assert_eq!(problem["errors"][0]["field"], "credential", "{problem}");
}

async fn a_cloned_authenticator_is_refused_audited_and_reported(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let mut device = Device::new();
    app.add_passkey(&token, &mut device, "Key").await;
    let mut clone = device.clone_at(crate::helpers::PASSKEY_ORIGIN);

    let (_, original) = app.sign_in_with(&mut device).await;
    expect_json(original, 200).await;
    let (_, cloned) = app.sign_in_with(&mut clone).await;
    assert_problem(cloned, 401, "invalid-passkey").await;

    let regressed = app.audit_rows_of("passkey.counter_regressed").await;
    assert_eq!(regressed.len(), 1);
    let refused = app.outbox_events("user.passkey_sign_in_refused").await;
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0]["data"]["passkey_name"], "Key");
    // The genuine authenticator, whose counter is ahead, still signs in.
    let (_, again) = app.sign_in_with(&mut device).await;
    expect_json(again, 200).await;
}

async fn a_forged_or_misdirected_credential_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, alice) = app.alice().await;
    let (_, bob) = app.register_and_login("bob", "bob@example.com").await;

    // Bob cannot finish Alice's registration with his own session.
    let options = app.registration_options(&alice).await;
    let credential = Device::new().create(&options).await;
    let resp = app.create_passkey(&bob, &credential, "Stolen").await;
    assert_credential_refused(resp).await;
    expect_json(app.create_passkey(&alice, &credential, "Mine").await, 201).await;

    for bad in [json!(null), json!("text"), json!({"id": "x"})] {
        let resp = app
            .post_as(&alice, "/api/v1/passkeys", &json!({"credential": bad}))
            .await;
        assert_credential_refused(resp).await;
    }
    let form = [
        ("grant_type", super::PASSKEY_GRANT),
        ("assertion", "not json"),
    ];
    let resp = app
        .client
        .post(app.url("/api/v1/token/access"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_problem(resp, 422, "validation").await;
    let forged = json!({"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {
        "clientDataJSON": "e30", "authenticatorData": "AAAA", "signature": "AAAA"}});
    let resp = app.passkey_grant(&forged.to_string()).await;
    assert_problem(resp, 401, "invalid-passkey").await;
}
