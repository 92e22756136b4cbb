//! `PATCH /api/v1/users` moving the account to another address: a stolen access token alone
//! must not take the account over (issue 22, point 2).

use std::time::Duration;

use accounts_api::infra::{db::entities::password_reset, rate_limit::Quota, security::sha256_hex};
use chrono::{TimeDelta, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    helpers::{
        Backend, PASSWORD, TestApp, assert_problem, error_fields, expect_json, spawn_app,
        spawn_app_with,
    },
    maildev::{SMTP_PORT, smtp, subjects, unique_domain, wait_for_mails},
};

both_backends!(
    a_new_address_needs_the_current_password,
    a_wrong_password_is_refused_audited_and_counted_as_a_failed_login,
    a_move_spends_reset_tokens_and_tells_the_old_address,
    a_reset_token_is_bound_to_the_address_it_was_mailed_to,
    moves_spend_the_confirmation_e_mail_quota,
    the_old_address_is_mailed_the_new_one_masked,
);

const NEW: &str = "alice@elsewhere.example";

fn moving(password: &str) -> Value {
    json!({ "email": NEW, "current_password": password })
}

/// `POST /api/v1/password-reset/confirm` with `token`.
async fn confirm_reset(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/password-reset/confirm"))
        .json(&json!({ "token": token, "new_password": "an-entirely-new-passphrase" }))
        .send()
        .await
        .expect("POST /api/v1/password-reset/confirm")
}

/// A reset token for alice's account as if mailed to `address` now: the row the mailer
/// writes, with a token the test knows.
async fn reset_token_for(app: &TestApp, user_id: &str, address: &str) -> String {
    let token = format!("reset-{}", Uuid::now_v7().simple());
    let now = Utc::now();
    password_reset::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id.parse().unwrap()),
        email: Set(address.to_owned()),
        token_hash: Set(sha256_hex(&token)),
        created_at: Set(now),
        expires_at: Set(now + TimeDelta::hours(1)),
        used_at: Set(None),
    }
    .insert(&app.db().await)
    .await
    .expect("store a reset token");
    token
}

async fn a_new_address_needs_the_current_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;

    let problem = assert_problem(
        app.patch_me(&token, &json!({ "email": NEW })).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(error_fields(&problem), ["current_password"]);
    let body = json!({ "email": NEW, "current_password": 12345678 });
    let problem = assert_problem(app.patch_me(&token, &body).await, 422, "validation").await;
    assert_eq!(error_fields(&problem), ["current_password"]);
    assert_eq!(expect_json(app.get_me(&token).await, 200).await, alice);

    let moved = expect_json(app.patch_me(&token, &moving(PASSWORD)).await, 200).await;
    assert_eq!(moved["email"], NEW);
    assert_eq!(moved["email_verified"], false);
    // A rename alone needs no password.
    let renamed = app.patch_me(&token, &json!({ "username": "alicia" })).await;
    assert_eq!(expect_json(renamed, 200).await["username"], "alicia");
}

async fn a_wrong_password_is_refused_audited_and_counted_as_a_failed_login(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.rate_limit.login_failures = Quota {
            limit: 2,
            window: Duration::from_secs(15 * 60),
        };
    })
    .await;
    let (alice, token) = app.alice().await;

    for _ in 0..2 {
        let resp = app.patch_me(&token, &moving("not-the-password")).await;
        assert_problem(resp, 403, "wrong-password").await;
    }
    let checks = app.audit_rows_of("password.check_failed").await;
    assert_eq!(checks.len(), 2);
    assert_eq!(
        checks[0].detail,
        json!({ "operation": "updateCurrentUser" })
    );
    assert_eq!(
        checks[0].actor_id.map(|id| id.to_string()),
        alice["id"].as_str().map(Into::into)
    );
    // The account's failed logins are spent: the right password is not even tried, here
    // or at the token endpoint.
    let resp = app.patch_me(&token, &moving(PASSWORD)).await;
    assert_problem(resp, 429, "too-many-requests").await;
    assert_problem(app.login("alice", PASSWORD).await, 429, "too-many-requests").await;
    assert_eq!(expect_json(app.get_me(&token).await, 200).await, alice);
    assert!(app.audit_rows_of("email.changed").await.is_empty());
}

async fn a_move_spends_reset_tokens_and_tells_the_old_address(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;
    let id = alice["id"].as_str().unwrap();
    reset_token_for(&app, id, "alice@example.com").await;

    expect_json(app.patch_me(&token, &moving(PASSWORD)).await, 200).await;

    let resets = password_reset::Entity::find()
        .all(&app.db().await)
        .await
        .unwrap();
    assert_eq!(resets.len(), 1);
    assert!(
        resets[0].used_at.is_some(),
        "a pending reset token is spent"
    );
    let notices = app.outbox_events("user.email_changed").await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    let data = &notices[0]["data"];
    assert_eq!(
        data["email"], "alice@example.com",
        "mailed to the old address"
    );
    assert_eq!(data["new_email"], NEW);
    assert_eq!(data["user_id"], alice["id"]);
    // The confirmation goes to the new address.
    let requested = app.outbox_events("user.email_verification_requested").await;
    assert_eq!(requested.last().unwrap()["data"]["email"], NEW);
    let changed = app.audit_rows_of("email.changed").await;
    assert_eq!(
        changed[0].detail,
        json!({ "from": "alice@example.com", "to": NEW })
    );
}

async fn a_reset_token_is_bound_to_the_address_it_was_mailed_to(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;
    let id = alice["id"].as_str().unwrap();

    // Mailed to the old address, then the address moved (by the owner, or by hand: the
    // binding holds whether or not the token was spent on the way).
    let spent = reset_token_for(&app, id, "alice@example.com").await;
    expect_json(app.patch_me(&token, &moving(PASSWORD)).await, 200).await;
    assert_problem(
        confirm_reset(&app, &spent).await,
        400,
        "invalid-reset-token",
    )
    .await;
    let unspent = reset_token_for(&app, id, NEW).await;
    app.execute("UPDATE users SET email = 'alice@third.example'")
        .await;
    assert_problem(
        confirm_reset(&app, &unspent).await,
        400,
        "invalid-reset-token",
    )
    .await;

    // A token for the address the account has now works.
    let current = reset_token_for(&app, id, "alice@third.example").await;
    assert_eq!(confirm_reset(&app, &current).await.status(), 204);
}

async fn moves_spend_the_confirmation_e_mail_quota(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.rate_limit.verification_emails = Quota {
            limit: 2,
            window: Duration::from_secs(3600),
        };
    })
    .await;
    let (_, token) = app.alice().await;
    for address in ["a1@elsewhere.example", "a2@elsewhere.example"] {
        let body = json!({ "email": address, "current_password": PASSWORD });
        expect_json(app.patch_me(&token, &body).await, 200).await;
    }
    let body = json!({ "email": "a3@elsewhere.example", "current_password": PASSWORD });
    let refused = app.patch_me(&token, &body).await;
    assert!(refused.headers().contains_key("retry-after"));
    assert_problem(refused, 429, "too-many-requests").await;
    let me = expect_json(app.get_me(&token).await, 200).await;
    assert_eq!(me["email"], "a2@elsewhere.example", "nothing changed");
    assert_eq!(app.outbox_events("user.email_changed").await.len(), 2);
}

/// Through MailDev: the notice reaches the old mailbox, naming the new one only in part.
async fn the_old_address_is_mailed_the_new_one_masked(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.smtp = Some(smtp(SMTP_PORT));
        s.outbox.poll_interval = Duration::from_millis(50);
    })
    .await;
    let domain = unique_domain();
    let (old, new) = (format!("alice@{domain}"), format!("alice.moved@{domain}"));
    let (_, token) = app.register_and_login("alice", &old).await;
    let body = json!({ "email": new, "current_password": PASSWORD });
    expect_json(app.patch_me(&token, &body).await, 200).await;

    let mails = wait_for_mails(&old, 3, Duration::from_secs(20)).await;
    let notice = mails
        .iter()
        .find(|m| m["subject"] == "Your e-mail address has been changed")
        .unwrap_or_else(|| panic!("no notice among {:?}", subjects(&mails)));
    let text = notice["text"].as_str().unwrap();
    assert!(text.contains("al***@"), "{text}");
    assert!(
        !text.contains("alice.moved"),
        "the new address is masked: {text}"
    );
}
