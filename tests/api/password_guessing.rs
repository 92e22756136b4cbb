//! Password checks that could be guessed around (issue 22, point 3): account deletion is
//! charged and audited like a login, the failed-login quota cannot be exceeded by
//! concurrent guesses, and a correct password never counts as a failure.

use std::time::Duration;

use accounts_api::infra::rate_limit::Quota;
use serde_json::json;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::helpers::{Backend, PASSWORD, TestApp, assert_problem, expect_json, spawn_app_with};

/// The flows below on both limiter stores, each on a multi-thread runtime (on the
/// current-thread runtime the requests would never overlap).
macro_rules! both_stores_in_parallel {
    ($($flow:ident),+ $(,)?) => {$(
        mod $flow {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn memory() {
                super::$flow(None).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn redis() {
                super::$flow(Some(super::fresh_prefix())).await;
            }
        }
    )+};
}

both_stores_in_parallel!(
    concurrent_wrong_guesses_never_pass_the_quota,
    a_right_password_never_counts_as_a_failure,
);

both_backends!(deleting_the_account_is_charged_and_audited_like_a_login);

const QUOTA: u32 = 10;

/// `limit` in any 15 minutes.
fn failures(limit: u32) -> Quota {
    Quota {
        limit,
        window: Duration::from_secs(15 * 60),
    }
}

async fn deleting_the_account_is_charged_and_audited_like_a_login(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.rate_limit.login_failures = failures(3)).await;
    let (alice, token) = app.alice().await;

    for _ in 0..3 {
        let resp = app.delete_me(&token, "not-the-password").await;
        assert_problem(resp, 403, "wrong-password").await;
    }
    let checks = app.audit_rows_of("password.check_failed").await;
    assert_eq!(checks.len(), 3);
    assert_eq!(
        checks[0].detail,
        json!({ "operation": "deleteCurrentUser" })
    );
    assert_eq!(
        checks[0].target_id.map(|id| id.to_string()).as_deref(),
        alice["id"].as_str()
    );
    // The oracle is closed: past the quota even the right password is not tried.
    assert_problem(
        app.delete_me(&token, PASSWORD).await,
        429,
        "too-many-requests",
    )
    .await;
    assert_eq!(app.count_users().await, 1);
    app.clock.advance(Duration::from_secs(15 * 60));
    expect_json(app.delete_me(&token, PASSWORD).await, 200).await;
}

fn fresh_prefix() -> String {
    format!("test-{}:", Uuid::now_v7().simple())
}

/// An app whose only tight limit is `QUOTA` failed logins per account, on Redis (under
/// `prefix`, failing closed so an outage shows) or in memory.
async fn spawn_guarded(redis_prefix: Option<String>) -> TestApp {
    spawn_app_with(Backend::Sqlite, |s| {
        if let Some(prefix) = redis_prefix {
            s.redis.url = Some("redis://127.0.0.1:6379".into());
            s.redis.key_prefix = prefix;
            s.redis.timeout = Duration::from_secs(30);
            s.rate_limit.fail_closed = true;
        }
        s.rate_limit.per_ip = failures(10_000);
        s.rate_limit.per_user = failures(10_000);
        s.rate_limit.login_failures = failures(QUOTA);
    })
    .await
}

/// `count` password logins of alice with `password`, all at once; their statuses, sorted.
async fn logins_at_once(app: &TestApp, count: usize, password: &'static str) -> Vec<u16> {
    let mut logins = JoinSet::new();
    for _ in 0..count {
        let (client, url) = (app.client.clone(), app.url("/api/v1/token/access"));
        logins.spawn(async move {
            let form = [("username", "alice"), ("password", password)];
            let resp = client.post(url).form(&form).send().await;
            resp.expect("POST /api/v1/token/access").status().as_u16()
        });
    }
    let mut statuses = logins.join_all().await;
    statuses.sort_unstable();
    statuses
}

fn tally(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

/// 50 wrong guesses at once against a quota of 10: exactly 10 are tried (401), 40 refused.
async fn concurrent_wrong_guesses_never_pass_the_quota(redis_prefix: Option<String>) {
    let app = spawn_guarded(redis_prefix).await;
    app.alice().await;

    let statuses = logins_at_once(&app, 50, "a-wrong-guess").await;

    assert_eq!(tally(&statuses, 401), QUOTA as usize, "{statuses:?}");
    assert_eq!(tally(&statuses, 429), 50 - QUOTA as usize, "{statuses:?}");
    let failed = app.audit_rows_of("login.failed").await;
    assert_eq!(
        failed.len(),
        QUOTA as usize,
        "only the tried ones are audited"
    );
}

/// Right passwords, even many at once between wrong ones, leave the failures' count alone.
/// While a right one is being checked it holds one of the quota's slots (it could have been
/// wrong), so at one failure from the quota, logins at once may be refused (429) until it
/// is forgiven; none is ever counted.
async fn a_right_password_never_counts_as_a_failure(redis_prefix: Option<String>) {
    let app = spawn_guarded(redis_prefix).await;
    app.alice().await;

    let statuses = logins_at_once(&app, QUOTA as usize - 1, "a-wrong-guess").await;
    assert_eq!(tally(&statuses, 401), QUOTA as usize - 1);
    let statuses = logins_at_once(&app, 20, PASSWORD).await;
    assert!(tally(&statuses, 200) >= 1, "{statuses:?}");
    assert_eq!(
        tally(&statuses, 200) + tally(&statuses, 429),
        20,
        "{statuses:?}"
    );
    for _ in 0..3 {
        assert_eq!(app.login("alice", PASSWORD).await.status(), 200);
    }
    // One failure is still allowed, and then no more.
    assert_problem(
        app.login("alice", "a-wrong-guess").await,
        401,
        "invalid-credentials",
    )
    .await;
    assert_problem(
        app.login("alice", "a-wrong-guess").await,
        429,
        "too-many-requests",
    )
    .await;
}
