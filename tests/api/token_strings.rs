//! Any string presented as a refresh, password-reset or e-mail confirmation token (generated
//! by proptest: any Unicode, control characters included, up to 4,096 characters, and
//! strings of a real token's shape) is refused as an unknown token is, never with a 500, and
//! writes nothing: the lookup is by the string's hash, so its content never reaches a query.

use proptest::{
    prelude::any,
    prop_oneof,
    strategy::{Strategy, ValueTree},
    test_runner::TestRunner,
};
use serde_json::json;

use crate::helpers::{Backend, PASSWORD, assert_problem, expect_json, spawn_app_with};

/// `count` strings, the same on every run.
fn strings(count: usize) -> Vec<String> {
    let mut runner = TestRunner::deterministic();
    let strategy = prop_oneof![any::<String>(), "[A-Za-z0-9_-]{43}", ".{0,4096}"];
    (0..count)
        .map(|_| strategy.new_tree(&mut runner).expect("a string").current())
        .collect()
}

#[tokio::test]
async fn any_string_as_a_token_is_refused_like_an_unknown_one() {
    // PostgreSQL: the refresh's one-statement path runs there.
    let app = spawn_app_with(Backend::Postgres, |s| s.rate_limit.enabled = false).await;
    app.register_and_login("alice", "alice@example.com").await;
    let live = app.tokens_for("alice", PASSWORD).await;
    let stored = app.refresh_tokens().await;

    for token in strings(40) {
        assert_problem(app.refresh(&token).await, 401, "invalid-refresh-token").await;
        let reset = app
            .client
            .post(app.url("/api/v1/password-reset/confirm"))
            .json(&json!({ "token": token, "new_password": "new-staple-battery-horse" }))
            .send()
            .await
            .expect("POST /api/v1/password-reset/confirm");
        assert_problem(reset, 400, "invalid-reset-token").await;
        let confirmation = app
            .client
            .post(app.url("/api/v1/users/email-verification/confirm"))
            .json(&json!({ "token": token }))
            .send()
            .await
            .expect("POST /api/v1/users/email-verification/confirm");
        assert_problem(confirmation, 400, "verification-token-invalid").await;
    }

    assert_eq!(
        app.refresh_tokens().await,
        stored,
        "a refusal wrote something"
    );
    expect_json(app.get_me(&live.access).await, 200).await;
    app.refreshed(&live.refresh).await;
    // The password was not reset.
    app.tokens_for("alice", PASSWORD).await;
}
