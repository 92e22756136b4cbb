//! Fail open: a range API that hangs past the timeout, fails or answers something else lets
//! the password through; the real binary counts each outcome and logs one warning that
//! names neither the password nor any part of its hash.

use serde_json::json;

use super::*;
use crate::{
    helpers::{Backend, expect_json, spawn_app_with},
    processes::{Api, sample},
};

both_backends!(a_hanging_failing_or_garbled_range_api_lets_the_password_through);

async fn a_hanging_failing_or_garbled_range_api_lets_the_password_through(backend: Backend) {
    let api = RangeApi::start().await;
    // Short, so the hanging fake costs the test little; nothing asserts how long it took.
    let app = spawn_app_with(backend, api.configure(Duration::from_millis(200))).await;
    let replies = [
        Reply::Hang(Duration::from_secs(60)),
        Reply::Status(500),
        Reply::Status(404),
    ];
    for (i, reply) in replies.into_iter().enumerate() {
        api.answer(reply);
        let resp = app
            .register(&format!("user{i}"), &format!("user{i}@example.com"), STRONG)
            .await;
        expect_json(resp, 201).await;
    }
    assert_eq!(api.calls().len(), 3);
}

#[tokio::test]
async fn each_lookup_is_counted_by_outcome_and_a_failure_logged_without_the_hash() {
    let range_api = RangeApi::start().await;
    range_api.answer(Reply::Range(vec![STRONG]));
    let api = Api::start(&[("PWNED_PASSWORDS_URL", range_api.url.clone())]).await;
    let zero = api.scrape().await;
    for outcome in ["breached", "clean", "unknown"] {
        let count = sample(
            &zero,
            "accounts_pwned_password_checks_total",
            &[("outcome", outcome)],
        );
        assert_eq!(count, Some(0.0), "registered at zero: {outcome}");
    }

    let user = |name: &str, password: &str| json!({"username": name, "email": format!("{name}@example.com"), "password": password});
    assert_eq!(api.register(&user("alice", STRONG)).await.status(), 422);
    assert_eq!(api.register(&user("bob", OTHER_STRONG)).await.status(), 201);
    range_api.answer(Reply::Status(503));
    assert_eq!(api.register(&user("carol", STRONG)).await.status(), 201);

    let metrics = api.scrape().await;
    for outcome in ["breached", "clean", "unknown"] {
        let count = sample(
            &metrics,
            "accounts_pwned_password_checks_total",
            &[("outcome", outcome)],
        );
        assert_eq!(count, Some(1.0), "{outcome}");
    }
    let lines = api.lines();
    let warnings: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("breached-password lookup failed"))
        .collect();
    assert_eq!(warnings.len(), 1, "{lines:#?}");
    assert!(
        warnings[0].contains("WARN") && warnings[0].contains("503"),
        "{}",
        warnings[0]
    );
    let (prefix, suffix) = sha1_parts(STRONG);
    for secret in [STRONG, OTHER_STRONG, prefix.as_str(), suffix.as_str()] {
        assert!(
            lines.iter().all(|l| !l.contains(secret)),
            "{secret} in the log"
        );
    }
}
