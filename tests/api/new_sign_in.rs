//! The new-sign-in notice: a login from a device the account has not used within
//! `NEW_SIGNIN_LOOKBACK` mails the owner; the first login, the same device again, or the
//! notice turned off mail nothing.

use std::time::Duration;

use accounts_api::infra::db::entities::known_device;
use sea_orm::EntityTrait;
use serde_json::Value;

use crate::{
    helpers::{Backend, TestApp, expect_json, spawn_app_with},
    maildev::{SMTP_PORT, smtp, subjects, unique_domain, wait_for_mails},
};

const FIREFOX_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const FIREFOX_UPDATED: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0";
const CHROME_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
    (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
const NOTICE: &str = "user.new_sign_in";

both_backends!(
    only_a_device_new_to_the_account_mails_its_owner,
    a_device_unused_for_the_lookback_counts_as_new_again,
    the_pruner_forgets_unused_devices_but_each_accounts_latest,
);

/// Registers `alice` at a fresh domain, mailing through MailDev; her address.
async fn alice(app: &TestApp) -> String {
    let email = format!("alice@{}", unique_domain());
    expect_json(
        app.register("alice", &email, crate::helpers::PASSWORD)
            .await,
        201,
    )
    .await;
    email
}

async fn mailing(backend: Backend) -> TestApp {
    spawn_app_with(backend, |s| {
        s.smtp = Some(smtp(SMTP_PORT));
        s.outbox.poll_interval = Duration::from_millis(50);
        s.new_sign_in.sessions_url = Some("https://app.test/account/sessions".into());
    })
    .await
}

async fn only_a_device_new_to_the_account_mails_its_owner(backend: Backend) {
    let app = mailing(backend).await;
    let email = alice(&app).await;

    app.login_on("alice", FIREFOX_LINUX).await;
    assert!(
        app.outbox_events(NOTICE).await.is_empty(),
        "the first login is the anchor"
    );
    app.login_on("alice", FIREFOX_UPDATED).await;
    assert!(
        app.outbox_events(NOTICE).await.is_empty(),
        "a browser update is the same device"
    );
    app.login_on("alice", CHROME_ANDROID).await;
    let notices = app.outbox_events(NOTICE).await;
    assert_eq!(notices.len(), 1, "a new browser and system");
    assert_eq!(notices[0]["data"]["sign_in"]["device"], "Chrome on Android");
    app.login_on("alice", CHROME_ANDROID).await;
    assert_eq!(
        app.outbox_events(NOTICE).await.len(),
        1,
        "known from now on"
    );

    // Welcome and confirmation at sign-up, then the notice.
    let mails = wait_for_mails(&email, 3, Duration::from_secs(30)).await;
    let notice: Vec<&Value> = mails
        .iter()
        .filter(|m| m["subject"] == "New sign-in to your account")
        .collect();
    assert_eq!(notice.len(), 1, "{:?}", subjects(&mails));
    let text = notice[0]["text"].as_str().unwrap();
    for fact in [
        "Chrome on Android",
        "127.0.0.1",
        "https://app.test/account/sessions",
    ] {
        assert!(text.contains(fact), "{fact}: {text}");
    }
    let stored = known_device::Entity::find()
        .all(&app.db().await)
        .await
        .unwrap();
    assert_eq!(stored.len(), 2, "two devices, by hash");
    assert!(
        stored
            .iter()
            .all(|d| d.device.len() == 64 && !d.device.contains("Chrome"))
    );
}

async fn a_device_unused_for_the_lookback_counts_as_new_again(backend: Backend) {
    let app = mailing(backend).await;
    alice(&app).await;
    app.login_on("alice", FIREFOX_LINUX).await;
    app.clock.advance(Duration::from_secs(89 * 24 * 3600));
    app.login_on("alice", FIREFOX_LINUX).await;
    assert!(
        app.outbox_events(NOTICE).await.is_empty(),
        "seen 89 days ago"
    );
    app.clock.advance(Duration::from_secs(91 * 24 * 3600));
    app.login_on("alice", FIREFOX_LINUX).await;
    assert_eq!(
        app.outbox_events(NOTICE).await.len(),
        1,
        "unused for 91 days"
    );
}

async fn the_pruner_forgets_unused_devices_but_each_accounts_latest(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.sessions.prune_interval = Duration::from_millis(50);
    })
    .await;
    alice(&app).await;
    app.login_on("alice", FIREFOX_LINUX).await;
    app.clock.advance(Duration::from_secs(60));
    app.login_on("alice", CHROME_ANDROID).await;
    app.clock.advance(Duration::from_secs(91 * 24 * 3600));

    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let kept = loop {
        let kept = known_device::Entity::find()
            .all(&app.db().await)
            .await
            .unwrap();
        if kept.len() == 1 || std::time::Instant::now() > deadline {
            break kept;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        kept.len(),
        1,
        "the older device is forgotten, the latest kept"
    );
    // The latest stays the anchor: a forgotten device is news again.
    let before = app.outbox_events(NOTICE).await.len();
    app.login_on("alice", FIREFOX_LINUX).await;
    assert_eq!(app.outbox_events(NOTICE).await.len(), before + 1);
}

#[tokio::test]
async fn turned_off_it_remembers_and_mails_nothing() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.new_sign_in.notice = false).await;
    alice(&app).await;
    app.login_on("alice", FIREFOX_LINUX).await;
    app.login_on("alice", CHROME_ANDROID).await;
    assert!(app.outbox_events(NOTICE).await.is_empty());
    let stored = known_device::Entity::find()
        .all(&app.db().await)
        .await
        .unwrap();
    assert!(stored.is_empty());
}
