//! Third-party clients: the consent page, approved (and remembered) or denied.

use serde_json::json;

use super::{Browser, Rp, alice, hidden, location, query_of};
use crate::helpers::{Backend, TestApp, spawn_app};

both_backends!(
    consent_once_given_is_remembered,
    denied_consent_sends_access_denied,
    prompt_login_then_consent_ends_with_a_code,
);

/// Signs in through a third-party client's request: the consent page's HTML.
async fn consent_page(app: &TestApp, browser: &mut Browser, rp: &Rp) -> String {
    let page = super::open_sign_in(app, browser, &Rp::url(app, &rp.params("openid email"))).await;
    let to_consent =
        super::submit_sign_in(app, browser, &page, "alice", crate::helpers::PASSWORD).await;
    let consent_url = location(app, &to_consent);
    assert!(
        consent_url.contains("/oauth2/consent?request="),
        "{consent_url}"
    );
    let page = browser.get(&consent_url).await;
    assert_eq!(page.status(), 200);
    page.text().await.unwrap()
}

async fn answer(app: &TestApp, browser: &mut Browser, page: &str, decision: &str) -> String {
    let (request, csrf) = (hidden(page, "request"), hidden(page, "csrf"));
    let form = [
        ("request", request.as_str()),
        ("csrf", csrf.as_str()),
        ("decision", decision),
    ];
    let back = browser.post(&app.url("/oauth2/consent"), &form).await;
    location(app, &back)
}

async fn consent_once_given_is_remembered(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({"first_party": false})).await;
    let mut browser = Browser::new();
    let page = consent_page(&app, &mut browser, &rp).await;
    assert!(page.contains("Your e-mail address"), "{page}");
    let back = query_of(&answer(&app, &mut browser, &page, "approve").await);
    assert!(back.contains_key("code"), "{back:?}");
    // Remembered: the next request gets its code at once, even with prompt=none.
    let mut params = rp.params("openid email");
    params.push(("prompt".into(), "none".into()));
    let again = browser.get(&Rp::url(&app, &params)).await;
    assert!(query_of(&location(&app, &again)).contains_key("code"));
    // A scope not yet granted asks again; with prompt=none that is consent_required.
    let mut params = rp.params("openid email profile");
    params.push(("prompt".into(), "none".into()));
    let more = browser.get(&Rp::url(&app, &params)).await;
    assert_eq!(
        query_of(&location(&app, &more))["error"],
        "consent_required"
    );
}

async fn denied_consent_sends_access_denied(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({"first_party": false})).await;
    let mut browser = Browser::new();
    let page = consent_page(&app, &mut browser, &rp).await;
    let back = query_of(&answer(&app, &mut browser, &page, "deny").await);
    assert_eq!(back["error"], "access_denied");
    assert_eq!(back["state"], rp.state);
    assert!(!back.contains_key("code"));
}

async fn prompt_login_then_consent_ends_with_a_code(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({"first_party": false})).await;
    let mut browser = Browser::new();
    let mut params = rp.params("openid email");
    params.push(("prompt".into(), "login consent".into()));
    let url = Rp::url(&app, &params);
    let page = super::open_sign_in(&app, &mut browser, &url).await;
    let to_consent =
        super::submit_sign_in(&app, &mut browser, &page, "alice", crate::helpers::PASSWORD).await;
    let consent_url = location(&app, &to_consent);
    assert!(consent_url.contains("/oauth2/consent?"), "{consent_url}");
    let page = browser.get(&consent_url).await.text().await.unwrap();
    let back = query_of(&answer(&app, &mut browser, &page, "approve").await);
    assert!(
        back.contains_key("code"),
        "a code, not the sign-in page again: {back:?}"
    );
}
