//! A login storm queues on the password-hashing slots (`PASSWORD_HASH_CONCURRENCY`) and is
//! refused with 503 and `Retry-After` past `PASSWORD_HASH_QUEUE`, instead of taking every
//! core. Real bcrypt here (the other tests use the fast test hasher).

use std::{num::NonZeroUsize, time::Duration};

use accounts_api::infra::security::HasherKind;
use serde_json::Value;

use crate::helpers::{Backend, PASSWORD, TestApp, expect_json, spawn_app_with};

/// An app hashing with bcrypt at cost 12, one hash at a time, `queue` waiting.
async fn spawn_bcrypt(queue: usize) -> TestApp {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.password_hasher = HasherKind::Bcrypt;
        s.server.password_hash_cost = 12;
        s.server.password_hash_concurrency = NonZeroUsize::new(1);
        s.server.password_hash_queue = queue;
        // Hashes run in the idle scheduling class: on a saturated machine a queued login can
        // wait far longer than the default 10 s, which these tests are not about.
        s.server.password_hash_queue_timeout = Duration::from_secs(600);
        s.rate_limit.enabled = false;
    })
    .await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    app
}

/// One answer: status, `Retry-After`, body.
type Answer = (u16, Option<String>, Value);

/// The answers to `n` logins sent at once, sorted by status.
async fn storm(app: &TestApp, n: usize) -> Vec<Answer> {
    let mut logins = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (client, url) = (app.client.clone(), app.url("/api/v1/token/access"));
        logins.spawn(async move {
            let form = [("username", "alice"), ("password", PASSWORD)];
            let response = client.post(url).form(&form).send().await.unwrap();
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            let status = response.status().as_u16();
            (status, retry_after, response.json().await.unwrap())
        });
    }
    let mut answers: Vec<Answer> = logins.join_all().await;
    answers.sort_by_key(|answer| answer.0);
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_past_the_queue_are_refused_with_retry_after() {
    let app = spawn_bcrypt(0).await;
    // Six bcrypt checks of ~0.25 s each, sent at once, with one slot and no queue.
    let answers = storm(&app, 6).await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.0).collect();
    assert!(
        statuses.iter().all(|s| [200, 503].contains(s)),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&200),
        "the first gets its slot: {statuses:?}"
    );
    assert!(
        statuses.contains(&503),
        "the rest overlap it and are refused: {statuses:?}"
    );
    for (_, retry_after, problem) in answers.iter().filter(|a| a.0 == 503) {
        assert_eq!(retry_after.as_deref(), Some("1"));
        assert_eq!(problem["type"], "/problems/unavailable", "{problem}");
    }
    // Once the storm has passed, the slot is free again.
    assert_eq!(app.login("alice", PASSWORD).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_within_the_queue_wait_their_turn() {
    let app = spawn_bcrypt(8).await;
    let statuses: Vec<u16> = storm(&app, 4).await.iter().map(|a| a.0).collect();
    assert_eq!(statuses, [200, 200, 200, 200]);
}
