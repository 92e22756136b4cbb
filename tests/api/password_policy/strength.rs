//! zxcvbn's score: guessable passwords are refused at sign-up, change and reset with a 422
//! naming the field and the rule; a refused reset leaves its token usable.

use super::*;
use crate::helpers::{Backend, PASSWORD, expect_json, spawn_app};

/// The start of the strength rule's message.
const TOO_EASY: &str = "is too easy to guess (zxcvbn score ";

both_backends!(
    sign_up_refuses_common_and_username_built_passwords,
    a_change_refuses_a_guessable_new_password,
    a_reset_refuses_a_guessable_password_and_its_token_stays_usable,
);

async fn sign_up_refuses_common_and_username_built_passwords(backend: Backend) {
    let app = spawn_app(backend).await;
    for password in [
        "password1",
        "qwertyuiop",
        "alice2024",
        "alicealice",
        "alice.smith99",
    ] {
        let resp = app
            .register("alice", "alice.smith@example.com", password)
            .await;
        assert_refused(resp, "password", TOO_EASY, password).await;
    }
    let resp = app.register("bob", "bob@example.com", "iloveyou123").await;
    let problem = assert_problem(resp, 422, "validation").await;
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("of 4, at least 3 needed): ") && message.ends_with('.'),
        "the score, the minimum and zxcvbn's warning: {message}"
    );
    assert_eq!(app.count_users().await, 0);
    expect_json(
        app.register("alice", "alice@example.com", STRONG).await,
        201,
    )
    .await;
}

async fn a_change_refuses_a_guessable_new_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, access) = app.alice().await;
    for weak in ["alicealice", "letmein123"] {
        let resp = change(&app, &access, PASSWORD, weak).await;
        assert_refused(resp, "new_password", TOO_EASY, weak).await;
    }
    // Unchanged: the old password still logs in, and a strong one is taken.
    app.token_for("alice", PASSWORD).await;
    assert_eq!(change(&app, &access, PASSWORD, STRONG).await.status(), 204);
}

async fn a_reset_refuses_a_guessable_password_and_its_token_stays_usable(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, _) = app.alice().await;
    reset_token(&app, &alice, "reset-me").await;

    let resp = confirm_reset(&app, "reset-me", "alice2024").await;
    assert_refused(resp, "new_password", TOO_EASY, "alice2024").await;

    assert_eq!(confirm_reset(&app, "reset-me", STRONG).await.status(), 204);
    app.token_for("alice", STRONG).await;
    assert_eq!(
        confirm_reset(&app, "reset-me", OTHER_STRONG).await.status(),
        410,
        "spent by the reset that went through"
    );
}
