//! E-mail ownership confirmation end to end: the token is mailed through the outbox and the
//! relay to MailDev, read back from its inbox, and spent on the confirm endpoint.

use std::time::{Duration, Instant};

use accounts_api::{
    config::Settings,
    infra::{db::entities::email_verification, rate_limit::Quota, security::sha256_hex},
};
use reqwest::Response;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::{
    helpers::{
        Backend, PASSWORD, TestApp, assert_problem, error_fields, expect_json, header,
        spawn_app_with,
    },
    maildev::{SMTP_PORT, mails_to, smtp, subjects, unique_domain, wait_for_mails},
};

const CONFIRM_SUBJECT: &str = "Confirm your e-mail address";
const CONFIRM_PAGE: &str = "https://app.example/confirm-email";
const WITHIN: Duration = Duration::from_secs(15);

/// An app that delivers its e-mails to MailDev in-process, linking to `CONFIRM_PAGE`.
async fn spawn_mailing(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(backend, |s| {
        s.smtp = Some(smtp(SMTP_PORT));
        s.outbox.poll_interval = Duration::from_millis(50);
        s.email_verification.confirm_url = Some(CONFIRM_PAGE.into());
        configure(s);
    })
    .await
}

/// The tokens of the first `count` confirmation e-mails to `address`, waiting for them.
async fn tokens_mailed_to(address: &str, count: usize) -> Vec<String> {
    let deadline = Instant::now() + WITHIN;
    loop {
        let confirmations: Vec<Value> = mails_to(address)
            .await
            .into_iter()
            .filter(|m| m["subject"] == CONFIRM_SUBJECT)
            .collect();
        if confirmations.len() >= count {
            return confirmations.iter().map(token_of).collect();
        }
        assert!(
            Instant::now() < deadline,
            "{count} confirmation e-mails to {address} expected, {} arrived",
            confirmations.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The token in a confirmation e-mail's link, checked to be in its HTML too.
fn token_of(mail: &Value) -> String {
    let text = mail["text"].as_str().unwrap();
    let link = text
        .split_whitespace()
        .find(|word| word.starts_with(CONFIRM_PAGE))
        .unwrap_or_else(|| panic!("no link in {text}"));
    assert!(
        mail["html"].as_str().unwrap().contains(link),
        "the HTML links too"
    );
    link.split("token=").nth(1).unwrap().to_owned()
}

async fn confirm(app: &TestApp, body: &Value) -> Response {
    app.client
        .post(app.url("/api/v1/users/email-verification/confirm"))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn request_new(app: &TestApp, token: &str) -> Response {
    app.client
        .post(app.url("/api/v1/users/email-verification"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

both_backends!(signing_up_mails_a_token_that_confirms_the_address_once);

async fn signing_up_mails_a_token_that_confirms_the_address_once(backend: Backend) {
    let app = spawn_mailing(backend, |_| {}).await;
    let email = format!("alice@{}", unique_domain());
    let (user, access) = app.register_and_login("alice", &email).await;
    assert_eq!(user["email_verified"], false);

    let token = tokens_mailed_to(&email, 1).await.remove(0);
    assert_eq!(token.len(), 43);
    let stored = email_verification::Entity::find()
        .all(&app.db().await)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].token_hash,
        sha256_hex(&token),
        "only the hash is kept"
    );
    assert_eq!(stored[0].email, email);
    let ttl = stored[0].expires_at - stored[0].created_at;
    assert_eq!(ttl.num_hours(), 24, "the default lifetime");

    let confirmed = expect_json(confirm(&app, &json!({ "token": token })).await, 200).await;
    assert_eq!(confirmed["email_verified"], true);
    assert_eq!(confirmed["id"], user["id"]);
    let me = expect_json(app.get_me(&access).await, 200).await;
    assert_eq!(me["email_verified"], true);

    let again = confirm(&app, &json!({ "token": token })).await;
    assert_problem(again, 410, "verification-token-used").await;
}

both_backends!(deleting_the_account_deletes_its_tokens);

async fn deleting_the_account_deletes_its_tokens(backend: Backend) {
    let app = spawn_mailing(backend, |_| {}).await;
    let email = format!("alice@{}", unique_domain());
    let (_, access) = app.register_and_login("alice", &email).await;
    let token = tokens_mailed_to(&email, 1).await.remove(0);

    expect_json(app.delete_me(&access, PASSWORD).await, 200).await;
    let left = email_verification::Entity::find()
        .all(&app.db().await)
        .await;
    assert!(left.unwrap().is_empty(), "the foreign key cascades");
    let resp = confirm(&app, &json!({ "token": token })).await;
    assert_problem(resp, 400, "verification-token-invalid").await;
}

#[tokio::test]
async fn an_expired_token_is_gone() {
    let app = spawn_mailing(Backend::Postgres, |s| {
        s.email_verification.token_ttl = Duration::from_secs(1);
    })
    .await;
    let email = format!("alice@{}", unique_domain());
    let (_, access) = app.register_and_login("alice", &email).await;
    let token = tokens_mailed_to(&email, 1).await.remove(0);
    app.clock.advance(Duration::from_secs(2));

    let resp = confirm(&app, &json!({ "token": token })).await;
    assert_problem(resp, 410, "verification-token-expired").await;
    let me = expect_json(app.get_me(&access).await, 200).await;
    assert_eq!(me["email_verified"], false);
}

both_backends!(a_token_for_an_address_changed_since_is_refused);

async fn a_token_for_an_address_changed_since_is_refused(backend: Backend) {
    let app = spawn_mailing(backend, |_| {}).await;
    let domain = unique_domain();
    let (old, new) = (format!("alice@{domain}"), format!("alice.new@{domain}"));
    let (_, access) = app.register_and_login("alice", &old).await;
    let old_token = tokens_mailed_to(&old, 1).await.remove(0);

    let moving = json!({ "email": new, "current_password": PASSWORD });
    let changed = expect_json(app.patch_me(&access, &moving).await, 200).await;
    assert_eq!(changed["email_verified"], false);
    let new_token = tokens_mailed_to(&new, 1).await.remove(0);

    let resp = confirm(&app, &json!({ "token": old_token })).await;
    assert_problem(resp, 410, "verification-token-address-changed").await;
    let confirmed = expect_json(confirm(&app, &json!({ "token": new_token })).await, 200).await;
    assert_eq!(confirmed["email"], new);
    assert_eq!(confirmed["email_verified"], true);

    // Sending the same address again is no change: no new confirmation, still confirmed.
    let same = expect_json(app.patch_me(&access, &json!({ "email": new })).await, 200).await;
    assert_eq!(same["email_verified"], true);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = wait_for_mails(&new, 3, WITHIN).await;
    let confirmations = subjects(&mails)
        .iter()
        .filter(|s| *s == CONFIRM_SUBJECT)
        .count();
    assert_eq!(confirmations, 1, "{:?}", subjects(&mails));
}

#[tokio::test]
async fn unknown_and_malformed_tokens_are_refused_as_invalid() {
    let app = spawn_mailing(Backend::Sqlite, |_| {}).await;
    let forged = "A".repeat(43);
    let overlong = "A".repeat(500);
    for token in [forged.as_str(), "", "   ", overlong.as_str()] {
        let resp = confirm(&app, &json!({ "token": token })).await;
        assert_problem(resp, 400, "verification-token-invalid").await;
    }
    // A missing or mistyped field is invalid input: 422 naming it, as for any other field.
    for body in [
        json!({ "token": 12345 }),
        json!({}),
        json!({ "token": null }),
    ] {
        let resp = confirm(&app, &body).await;
        let problem = assert_problem(resp, 422, "validation").await;
        assert_eq!(error_fields(&problem), ["token"], "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_concurrent_uses_of_one_token_exactly_one_confirms() {
    let app = spawn_mailing(Backend::Postgres, |_| {}).await;
    let email = format!("alice@{}", unique_domain());
    app.register_and_login("alice", &email).await;
    let token = tokens_mailed_to(&email, 1).await.remove(0);

    let mut uses = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (client, url, token) = (
            app.client.clone(),
            app.url("/api/v1/users/email-verification/confirm"),
            token.clone(),
        );
        uses.spawn(async move {
            let resp = client.post(url).json(&json!({ "token": token })).send();
            resp.await.unwrap().status().as_u16()
        });
    }
    let mut statuses = uses.join_all().await;
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 410, 410, 410, 410, 410, 410, 410, 410, 410]);
}

#[tokio::test]
async fn a_new_token_can_be_requested_within_a_quota_until_confirmed() {
    let app = spawn_mailing(Backend::Postgres, |s| {
        s.rate_limit.verification_emails = Quota {
            limit: 2,
            window: Duration::from_secs(3600),
        };
    })
    .await;
    let email = format!("alice@{}", unique_domain());
    let (_, access) = app.register_and_login("alice", &email).await;
    let first = tokens_mailed_to(&email, 1).await.remove(0);

    let anonymous = app
        .client
        .post(app.url("/api/v1/users/email-verification"))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401, "unauthorized").await;

    assert_eq!(request_new(&app, &access).await.status(), 202);
    let second = tokens_mailed_to(&email, 2).await.remove(1);
    assert_ne!(first, second);
    assert_eq!(request_new(&app, &access).await.status(), 202);
    let refused = request_new(&app, &access).await;
    assert!(!header(refused.headers(), "retry-after").is_empty());
    assert_problem(refused, 429, "too-many-requests").await;

    // Every token sent stays valid until it expires; the first one used wins.
    expect_json(confirm(&app, &json!({ "token": first })).await, 200).await;
    let resp = request_new(&app, &access).await;
    assert_problem(resp, 409, "email-already-verified").await;
}

both_backends!(required_confirmation_blocks_tokens_until_the_address_is_confirmed);

async fn required_confirmation_blocks_tokens_until_the_address_is_confirmed(backend: Backend) {
    let app = spawn_mailing(backend, |s| s.email_verification.required = true).await;
    let email = format!("alice@{}", unique_domain());
    expect_json(app.register("alice", &email, PASSWORD).await, 201).await;

    assert_problem(
        app.login("alice", "wrong-password").await,
        401,
        "invalid-credentials",
    )
    .await;
    let refused = assert_problem(
        app.login("alice", PASSWORD).await,
        403,
        "email-not-verified",
    )
    .await;
    assert!(refused["detail"].as_str().unwrap().contains("confirm"));
    // The refusal mails a fresh token, since the account has no access token to ask with.
    let resent = tokens_mailed_to(&email, 2).await.remove(1);

    expect_json(confirm(&app, &json!({ "token": resent })).await, 200).await;
    let token = app.token_for(&email, PASSWORD).await;
    let me = expect_json(app.get_me(&token).await, 200).await;
    assert_eq!(me["email_verified"], true);
}
