//! Password reset end to end: the token is mailed through the outbox to MailDev, read back
//! from its inbox, and spent on the confirm endpoint, which ends every session (how the
//! request answers for addresses without an account: `password_reset_request`).

use std::time::{Duration, Instant};

use accounts_api::{
    config::Settings,
    infra::{db::entities::password_reset, security::sha256_hex},
};
use reqwest::Response;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::{
    helpers::{
        Backend, PASSWORD, TestApp, assert_problem, body_text, error_fields, expect_json,
        spawn_app_with,
    },
    maildev::{SMTP_PORT, mails_to, smtp, subjects, unique_domain, wait_for_mails},
    password_change::{
        NEW_PASSWORD, assert_session_ended, password_changed_events, refresh, session,
    },
};

const RESET_SUBJECT: &str = "Reset your password";
const RESET_PAGE: &str = "https://app.example/reset-password";
const WITHIN: Duration = Duration::from_secs(15);

both_backends!(
    a_mailed_token_resets_the_password_once_and_ends_every_session,
    an_expired_token_is_refused,
    a_reset_or_a_change_spends_the_other_tokens,
    deleting_the_account_deletes_its_reset_tokens,
);

/// An app that mails to MailDev in-process, linking to `RESET_PAGE`.
async fn spawn_mailing(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(backend, |s| {
        s.smtp = Some(smtp(SMTP_PORT));
        s.outbox.poll_interval = Duration::from_millis(50);
        s.password_reset.url = Some(RESET_PAGE.into());
        configure(s);
    })
    .await
}

/// `POST /api/v1/password-reset` for `email`.
pub async fn request_reset(app: &TestApp, email: &str) -> Response {
    app.client
        .post(app.url("/api/v1/password-reset"))
        .json(&json!({ "email": email }))
        .send()
        .await
        .expect("POST /api/v1/password-reset")
}

async fn confirm(app: &TestApp, body: &Value) -> Response {
    app.client
        .post(app.url("/api/v1/password-reset/confirm"))
        .json(body)
        .send()
        .await
        .expect("POST /api/v1/password-reset/confirm")
}

async fn reset(app: &TestApp, token: &str) -> Response {
    confirm(
        app,
        &json!({ "token": token, "new_password": NEW_PASSWORD }),
    )
    .await
}

/// The tokens of the first `count` reset e-mails to `address`, waiting for them.
async fn tokens_mailed_to(address: &str, count: usize) -> Vec<String> {
    let deadline = Instant::now() + WITHIN;
    loop {
        let resets: Vec<Value> = mails_to(address)
            .await
            .into_iter()
            .filter(|m| m["subject"] == RESET_SUBJECT)
            .collect();
        if resets.len() >= count {
            return resets.iter().map(token_of).collect();
        }
        assert!(
            Instant::now() < deadline,
            "{count} reset e-mails to {address} expected, {} arrived",
            resets.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The token in a reset e-mail's link, checked to be in its HTML too.
fn token_of(mail: &Value) -> String {
    let text = mail["text"].as_str().unwrap();
    let link = text
        .split_whitespace()
        .find(|word| word.starts_with(RESET_PAGE))
        .unwrap_or_else(|| panic!("no link in {text}"));
    assert!(
        mail["html"].as_str().unwrap().contains(link),
        "the HTML links too"
    );
    link.split("token=").nth(1).unwrap().to_owned()
}

async fn a_mailed_token_resets_the_password_once_and_ends_every_session(backend: Backend) {
    let app = spawn_mailing(backend, |_| {}).await;
    let email = format!("alice@{}", unique_domain());
    let (user, _) = app.register_and_login("alice", &email).await;
    assert_eq!(user["email_verified"], false);
    let sessions = [
        session(&app, "alice", PASSWORD).await,
        session(&app, &email, PASSWORD).await,
    ];

    let asked = request_reset(&app, &format!("  {}", email.to_uppercase())).await;
    assert_eq!(asked.status(), 202);
    let token = tokens_mailed_to(&email, 1).await.remove(0);
    assert_eq!(token.len(), 43);
    let stored = password_reset::Entity::find()
        .all(&app.db().await)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].token_hash, sha256_hex(&token), "only the hash");
    assert_eq!(stored[0].email, email);
    let ttl = stored[0].expires_at - stored[0].created_at;
    assert_eq!(ttl.num_minutes(), 60, "the default lifetime");

    let done = reset(&app, &token).await;
    assert_eq!(done.status(), 204);
    assert_eq!(body_text(done).await, "");

    assert_problem(
        app.login("alice", PASSWORD).await,
        401,
        "invalid-credentials",
    )
    .await;
    for earlier in &sessions {
        assert_session_ended(&app, earlier).await;
    }
    let (access, _) = session(&app, "alice", NEW_PASSWORD).await;
    let me = expect_json(app.get_me(&access).await, 200).await;
    assert_eq!(me["email_verified"], true, "reading the e-mail proved it");

    assert_problem(reset(&app, &token).await, 410, "reset-token-used").await;
    assert_eq!(password_changed_events(&app).await, 1);
    // Sign-up mailed two (welcome, confirmation), then the reset and the change notice.
    let mails = wait_for_mails(&email, 4, WITHIN).await;
    assert!(
        subjects(&mails).contains(&"Your password has been changed".to_owned()),
        "{:?}",
        subjects(&mails)
    );
}

async fn an_expired_token_is_refused(backend: Backend) {
    let app = spawn_mailing(backend, |s| {
        s.password_reset.token_ttl = Duration::from_secs(30 * 60);
    })
    .await;
    let email = format!("alice@{}", unique_domain());
    app.register_and_login("alice", &email).await;
    let (_, refresh_token) = session(&app, "alice", PASSWORD).await;
    assert_eq!(request_reset(&app, &email).await.status(), 202);
    let token = tokens_mailed_to(&email, 1).await.remove(0);

    app.clock.advance(Duration::from_secs(30 * 60));
    assert_problem(reset(&app, &token).await, 410, "reset-token-expired").await;
    // Nothing changed: the session goes on, the password is the old one.
    expect_json(refresh(&app, &refresh_token).await, 200).await;
    session(&app, "alice", PASSWORD).await;
}

async fn a_reset_or_a_change_spends_the_other_tokens(backend: Backend) {
    let app = spawn_mailing(backend, |_| {}).await;
    let email = format!("alice@{}", unique_domain());
    app.register_and_login("alice", &email).await;
    for _ in 0..2 {
        assert_eq!(request_reset(&app, &email).await.status(), 202);
    }
    let tokens = tokens_mailed_to(&email, 2).await;
    assert_ne!(tokens[0], tokens[1]);

    assert_eq!(reset(&app, &tokens[1]).await.status(), 204);
    assert_problem(reset(&app, &tokens[0]).await, 410, "reset-token-used").await;

    // A reset e-mail still in the inbox must not undo a change made since.
    assert_eq!(request_reset(&app, &email).await.status(), 202);
    let pending = tokens_mailed_to(&email, 3).await.remove(2);
    let (access, _) = session(&app, "alice", NEW_PASSWORD).await;
    let changed = app
        .client
        .put(app.url("/api/v1/users/password"))
        .bearer_auth(&access)
        .json(&json!({ "current_password": NEW_PASSWORD, "new_password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 204);
    assert_problem(reset(&app, &pending).await, 410, "reset-token-used").await;
    session(&app, "alice", PASSWORD).await;
}

async fn deleting_the_account_deletes_its_reset_tokens(backend: Backend) {
    let app = spawn_mailing(backend, |_| {}).await;
    let email = format!("alice@{}", unique_domain());
    let (_, access) = app.register_and_login("alice", &email).await;
    assert_eq!(request_reset(&app, &email).await.status(), 202);
    let token = tokens_mailed_to(&email, 1).await.remove(0);

    expect_json(app.delete_me(&access, PASSWORD).await, 200).await;
    let left = password_reset::Entity::find().all(&app.db().await).await;
    assert!(left.unwrap().is_empty(), "the foreign key cascades");
    assert_problem(reset(&app, &token).await, 400, "invalid-reset-token").await;
}

#[tokio::test]
async fn unknown_and_malformed_tokens_and_weak_passwords_are_refused() {
    let app = spawn_mailing(Backend::Sqlite, |_| {}).await;
    let email = format!("alice@{}", unique_domain());
    app.register_and_login("alice", &email).await;

    let forged = "A".repeat(43);
    let overlong = "A".repeat(500);
    for token in [forged.as_str(), "", "   ", overlong.as_str()] {
        assert_problem(reset(&app, token).await, 400, "invalid-reset-token").await;
    }
    for (body, fields) in [
        (json!({}), vec!["token", "new_password"]),
        (
            json!({ "token": 12345, "new_password": "short" }),
            vec!["token", "new_password"],
        ),
        (
            json!({ "token": forged, "new_password": null }),
            vec!["new_password"],
        ),
    ] {
        let problem = assert_problem(confirm(&app, &body).await, 422, "validation").await;
        assert_eq!(error_fields(&problem), fields, "{body}");
    }
    // A weak new password does not spend a good token.
    assert_eq!(request_reset(&app, &email).await.status(), 202);
    let token = tokens_mailed_to(&email, 1).await.remove(0);
    let weak = confirm(&app, &json!({ "token": token, "new_password": "short" })).await;
    let problem = assert_problem(weak, 422, "validation").await;
    assert_eq!(error_fields(&problem), ["new_password"]);
    assert_eq!(reset(&app, &token).await.status(), 204);
}

/// Of concurrent uses of one token exactly one sets the password; the others queue behind
/// its claim (SQLite's write lock, PostgreSQL's row lock) and read "used".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_concurrent_uses_of_one_token_exactly_one_resets() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = spawn_mailing(backend, |_| {}).await;
        let email = format!("alice@{}", unique_domain());
        app.register_and_login("alice", &email).await;
        assert_eq!(request_reset(&app, &email).await.status(), 202);
        let token = tokens_mailed_to(&email, 1).await.remove(0);

        let mut uses = tokio::task::JoinSet::new();
        for i in 0..8 {
            let (client, url) = (
                app.client.clone(),
                app.url("/api/v1/password-reset/confirm"),
            );
            let body = json!({ "token": token, "new_password": format!("{NEW_PASSWORD}-{i}") });
            uses.spawn(async move {
                let resp = client.post(url).json(&body).send().await.unwrap();
                resp.status().as_u16()
            });
        }
        let mut statuses = uses.join_all().await;
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [204, 410, 410, 410, 410, 410, 410, 410],
            "{backend:?}"
        );
        assert_eq!(password_changed_events(&app).await, 1, "{backend:?}");
    }
}
