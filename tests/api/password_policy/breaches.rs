//! The breach lookup: a password whose SHA-1 suffix the range lists is refused, after the
//! cheaper rules and only if they pass; only the 5-digit prefix leaves the service.

use super::*;
use crate::helpers::{Backend, PASSWORD, expect_json, spawn_app_with};

both_backends!(
    a_breached_password_is_refused_and_only_its_hash_prefix_is_sent,
    change_and_reset_refuse_a_breached_password_too,
);

async fn a_breached_password_is_refused_and_only_its_hash_prefix_is_sent(backend: Backend) {
    let api = RangeApi::start().await;
    api.answer(Reply::Range(vec![STRONG]));
    let app = spawn_app_with(backend, api.configure(Duration::from_secs(5))).await;

    let resp = app.register("alice", "alice@example.com", STRONG).await;
    assert_refused(resp, "password", BREACHED, STRONG).await;

    let (prefix, suffix) = sha1_parts(STRONG);
    let calls = api.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].path, format!("/range/{prefix}"));
    assert_eq!(calls[0].add_padding.as_deref(), Some("true"));
    for secret in [STRONG, suffix.as_str(), &suffix.to_lowercase()] {
        assert!(!calls[0].path.contains(secret), "{calls:?}");
    }

    // A password the range does not list (the padding lines never match) is taken.
    expect_json(
        app.register("alice", "alice@example.com", OTHER_STRONG)
            .await,
        201,
    )
    .await;
    // A guessable one is refused by the strength rule without a lookup.
    let resp = app.register("bob", "bob@example.com", "password1").await;
    assert_refused(resp, "password", "is too easy to guess", "password1").await;
    assert_eq!(api.calls().len(), 2, "no lookup for a guessable password");
}

async fn change_and_reset_refuse_a_breached_password_too(backend: Backend) {
    let api = RangeApi::start().await;
    let app = spawn_app_with(backend, api.configure(Duration::from_secs(5))).await;
    let (alice, access) = app.alice().await;
    api.answer(Reply::Range(vec![STRONG]));

    let resp = change(&app, &access, PASSWORD, STRONG).await;
    assert_refused(resp, "new_password", BREACHED, STRONG).await;

    reset_token(&app, &alice, "reset-me").await;
    let resp = confirm_reset(&app, "reset-me", STRONG).await;
    assert_refused(resp, "new_password", BREACHED, STRONG).await;
    assert_eq!(
        confirm_reset(&app, "reset-me", OTHER_STRONG).await.status(),
        204,
        "the token was not spent by the refusal"
    );
}
