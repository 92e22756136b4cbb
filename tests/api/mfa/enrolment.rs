//! Enrolment: a pending secret shown once (base32, otpauth URI, QR code), confirmed by its
//! first code within 15 minutes; then `getMfa` reports it and the secret is sealed at rest.

use std::time::Duration;

use accounts_api::infra::db::entities::{mfa_challenge, totp_credential};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use super::{code_at, secret_of};
use crate::helpers::{
    Backend, PASSWORD, assert_problem, expect_json, header, spawn_app, spawn_app_with,
};

both_backends!(
    an_enrolment_is_confirmed_by_its_first_code_and_reported,
    a_pending_enrolment_expires_and_a_new_one_replaces_it,
    enrolment_needs_the_password_and_no_second_totp,
    the_pruner_forgets_dead_second_steps_and_expired_enrolments,
);

async fn an_enrolment_is_confirmed_by_its_first_code_and_reported(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let before = app.mfa_of(&token).await;
    assert_eq!(
        before,
        json!({"totp": {"enabled": false, "confirmed_at": null}, "recovery_codes_left": 0, "passkeys": 0, "methods": []})
    );

    let resp = app
        .post_as(
            &token,
            "/api/v1/mfa/totp",
            &json!({"current_password": PASSWORD}),
        )
        .await;
    assert_eq!(header(resp.headers(), "cache-control"), "no-store");
    let started = expect_json(resp, 201).await;
    let uri = started["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/accounts-api:alice?secret="),
        "{uri}"
    );
    assert!(uri.ends_with("&issuer=accounts-api"), "{uri}");
    let secret = secret_of(uri);
    assert_eq!(secret.len(), 20, "160 bits");
    assert!(uri.contains(started["secret"].as_str().unwrap()));
    let svg = started["qr_svg"].as_str().unwrap();
    assert!(svg.contains("<svg") && svg.contains("</svg>"), "{svg}");
    assert_eq!(
        app.mfa_of(&token).await["totp"]["enabled"],
        false,
        "pending"
    );

    // The secret is stored sealed: neither its bytes nor its base32 appear in the row.
    let db = app.db().await;
    let row = totp_credential::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !row.sealed_secret
            .contains(started["secret"].as_str().unwrap())
    );
    assert!(row.confirmed_at.is_none());
    db.close().await.ok();

    let wrong = app
        .post_as(
            &token,
            "/api/v1/mfa/totp/confirm",
            &json!({"code": "000000"}),
        )
        .await;
    assert_problem(wrong, 403, "wrong-mfa-code").await;
    let code = code_at(&secret, app.clock.now());
    let confirmed = app
        .post_as(&token, "/api/v1/mfa/totp/confirm", &json!({"code": code}))
        .await;
    let codes = expect_json(confirmed, 200).await["recovery_codes"].clone();
    let codes = codes.as_array().unwrap();
    assert_eq!(codes.len(), 10);
    for code in codes {
        let code = code.as_str().unwrap();
        assert!(code.len() == 11 && &code[5..6] == "-", "{code}");
    }
    let after = app.mfa_of(&token).await;
    assert_eq!(after["totp"]["enabled"], true);
    assert!(after["totp"]["confirmed_at"].is_string());
    assert_eq!(after["recovery_codes_left"], 10);
    assert_eq!(after["methods"], json!(["totp", "recovery_code"]));
    assert_eq!(app.outbox_events("user.mfa_enabled").await.len(), 1);
}

async fn a_pending_enrolment_expires_and_a_new_one_replaces_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let start = || async {
        let resp = app
            .post_as(
                &token,
                "/api/v1/mfa/totp",
                &json!({"current_password": PASSWORD}),
            )
            .await;
        secret_of(
            expect_json(resp, 201).await["otpauth_uri"]
                .as_str()
                .unwrap(),
        )
    };
    let first = start().await;
    let second = start().await;
    assert_ne!(first, second);
    let stale = code_at(&first, app.clock.now());
    let resp = app
        .post_as(&token, "/api/v1/mfa/totp/confirm", &json!({"code": stale}))
        .await;
    if stale != code_at(&second, app.clock.now()) {
        assert_problem(resp, 403, "wrong-mfa-code").await;
    }

    app.clock.advance(Duration::from_secs(15 * 60));
    let late = code_at(&second, app.clock.now());
    let resp = app
        .post_as(&token, "/api/v1/mfa/totp/confirm", &json!({"code": late}))
        .await;
    assert_problem(resp, 409, "no-totp-enrolment").await;
    let none_started = app
        .post_as(
            &token,
            "/api/v1/mfa/totp/confirm",
            &json!({"code": "123456"}),
        )
        .await;
    assert_problem(none_started, 409, "no-totp-enrolment").await;
}

async fn enrolment_needs_the_password_and_no_second_totp(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let wrong = app
        .post_as(
            &token,
            "/api/v1/mfa/totp",
            &json!({"current_password": "nope"}),
        )
        .await;
    assert_problem(wrong, 403, "wrong-password").await;
    let missing = app.post_as(&token, "/api/v1/mfa/totp", &json!({})).await;
    assert_problem(missing, 422, "validation").await;

    app.enrol(&token).await;
    let again = app
        .post_as(
            &token,
            "/api/v1/mfa/totp",
            &json!({"current_password": PASSWORD}),
        )
        .await;
    assert_problem(again, 409, "totp-already-enabled").await;
    let anonymous = app
        .client
        .post(app.url("/api/v1/mfa/totp"))
        .json(&json!({"current_password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401, "unauthorized").await;
}

async fn the_pruner_forgets_dead_second_steps_and_expired_enrolments(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.sessions.prune_interval = Duration::from_millis(50);
    })
    .await;
    let (_, alice) = app.alice().await;
    app.enrol(&alice).await;
    app.first_step("alice").await;
    let (_, bob) = app.register_and_login("bob", "bob@example.com").await;
    let pending = app
        .post_as(
            &bob,
            "/api/v1/mfa/totp",
            &json!({"current_password": PASSWORD}),
        )
        .await;
    expect_json(pending, 201).await;
    app.clock.advance(Duration::from_secs(16 * 60));

    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let db = app.db().await;
        let challenges = mfa_challenge::Entity::find().count(&db).await.unwrap();
        let totps = totp_credential::Entity::find().all(&db).await.unwrap();
        db.close().await.ok();
        if challenges == 0 && totps.len() == 1 {
            assert!(
                totps[0].confirmed_at.is_some(),
                "alice's confirmed TOTP stays"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not pruned: {challenges} challenges, {} TOTP rows",
            totps.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
