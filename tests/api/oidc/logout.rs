//! Logout without `id_token_hint`: a signed-in browser is asked to confirm (a form with a
//! CSRF token of its own), so another site cannot sign it out; the confirmation ends the
//! browser session. A hint-less logout that asks to be sent somewhere is refused.

use serde_json::json;

use super::{Browser, Rp, alice, hidden, sign_in};
use crate::helpers::{Backend, TestApp, spawn_app};

both_backends!(
    a_logout_without_a_hint_asks_first_and_the_confirmation_signs_out,
    a_logout_without_a_hint_cannot_be_forced_or_redirected,
);

/// A browser signed in through `rp`'s authorization request.
async fn signed_in(app: &TestApp) -> (Browser, Rp) {
    alice(app).await;
    let rp = Rp::register(app, json!({})).await;
    let mut browser = Browser::new();
    sign_in(app, &mut browser, &Rp::url(app, &rp.params("openid"))).await;
    (browser, rp)
}

/// Whether the browser's session still signs it in: a `prompt=none` request gets a code.
async fn still_signed_in(app: &TestApp, browser: &mut Browser, rp: &Rp) -> bool {
    let mut params = rp.params("openid");
    params.push(("prompt".into(), "none".into()));
    let back = browser.get(&Rp::url(app, &params)).await;
    super::query_of(&super::location(app, &back)).contains_key("code")
}

async fn a_logout_without_a_hint_asks_first_and_the_confirmation_signs_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, rp) = signed_in(&app).await;
    let asked = browser.get(&app.url("/oauth2/logout")).await;
    assert_eq!(asked.status(), 200);
    let page = asked.text().await.unwrap();
    assert!(page.contains("Sign out?"), "{page}");
    assert!(
        still_signed_in(&app, &mut browser, &rp).await,
        "asking ends nothing"
    );

    let csrf = hidden(&page, "csrf");
    let out = browser
        .post(&app.url("/oauth2/logout"), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(out.status(), 200);
    assert!(out.text().await.unwrap().contains("You are signed out"));
    assert!(!still_signed_in(&app, &mut browser, &rp).await);
    // Signed out already: the signed-out page, no question.
    let again = browser.get(&app.url("/oauth2/logout")).await;
    assert!(again.text().await.unwrap().contains("You are signed out"));
}

async fn a_logout_without_a_hint_cannot_be_forced_or_redirected(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut browser, rp) = signed_in(&app).await;
    browser.get(&app.url("/oauth2/logout")).await;
    // Another site's form: no token, or one it made up.
    for form in [vec![], vec![("csrf", "forged")], vec![("csrf", "")]] {
        let forced = browser.post(&app.url("/oauth2/logout"), &form).await;
        assert_eq!(forced.status(), 403);
    }
    // A redirect without a hint is not followed, nothing ends.
    let query = "post_logout_redirect_uri=https%3A%2F%2Fevil.example.com%2F";
    let refused = browser
        .get(&app.url(&format!("/oauth2/logout?{query}")))
        .await;
    assert_eq!(refused.status(), 400);
    assert!(still_signed_in(&app, &mut browser, &rp).await);
}
