//! A passkey registered with the password, then a sign-in without a username or password.

use serde_json::json;

use super::Device;
use crate::helpers::{Backend, expect_json, payload_of, spawn_app};

both_backends!(
    a_registered_passkey_signs_in_without_a_username,
    registration_options_ask_for_a_resident_key_and_exclude_the_accounts_passkeys,
);

async fn a_registered_passkey_signs_in_without_a_username(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;
    let mut device = Device::new();

    let passkey = app.add_passkey(&token, &mut device, "  Laptop ").await;
    assert_eq!(passkey["name"], "Laptop");
    assert!(passkey["last_used_at"].is_null());
    let transports = passkey["transports"].as_array().unwrap();
    assert!(transports.contains(&json!("internal")), "{passkey}");
    assert_eq!(app.outbox_events("user.passkey_added").await.len(), 1);
    let added = &app.outbox_events("user.passkey_added").await[0];
    assert_eq!(added["data"]["passkey_name"], "Laptop");
    assert_eq!(app.audit_rows_of("passkey.registered").await.len(), 1);
    let mfa = app.get_json_as(&token, "/api/v1/mfa").await;
    assert_eq!(mfa["passkeys"], 1);
    assert_eq!(
        mfa["methods"],
        json!([]),
        "no TOTP: a password login takes one step"
    );

    let options = expect_json(app.authentication_options(&json!({})).await, 200).await;
    assert_eq!(options["publicKey"]["allowCredentials"], json!([]));
    assert_eq!(options["publicKey"]["userVerification"], "required");
    assert_eq!(options["publicKey"]["rpId"], "accounts.example.com");

    let (_, resp) = app.sign_in_with(&mut device).await;
    let granted = expect_json(resp, 200).await;
    let claims = payload_of(granted["access_token"].as_str().unwrap());
    assert_eq!(claims["sub"], alice["id"]);
    let kind = if passkey["backup_eligible"] == true {
        "swk"
    } else {
        "hwk"
    };
    assert_eq!(claims["amr"], json!([kind, "user", "mfa"]));
    let session = app.sessions().await.pop().unwrap();
    assert_eq!(session.amr, format!("{kind} user mfa"));
    let listed = app.get_json_as(&token, "/api/v1/passkeys").await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert!(listed["items"][0]["last_used_at"].is_string());
    assert!(listed["next_cursor"].is_null());
}

async fn registration_options_ask_for_a_resident_key_and_exclude_the_accounts_passkeys(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;
    let first = app.registration_options(&token).await;
    let options = &first["publicKey"];
    assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(
        options["authenticatorSelection"]["requireResidentKey"],
        true
    );
    assert_eq!(options["rp"]["id"], "accounts.example.com");
    assert_eq!(options["user"]["name"], alice["username"]);
    assert_eq!(options["excludeCredentials"], json!([]));

    let mut device = Device::new();
    app.add_passkey(&token, &mut device, "Phone").await;
    let second = app.registration_options(&token).await;
    let excluded = second["publicKey"]["excludeCredentials"]
        .as_array()
        .unwrap();
    assert_eq!(excluded.len(), 1);
    assert_ne!(
        first["publicKey"]["challenge"],
        second["publicKey"]["challenge"]
    );
}
