//! The sign-in page's passkey button: the page carries the script its CSP allows by hash,
//! and the assertion it posts signs the browser in (no password, no second step).

use base64::{Engine, engine::general_purpose::STANDARD};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{Browser, REDIRECT_URI, Rp, alice, hidden, location, open_sign_in, query_of};
use crate::{
    helpers::{Backend, PASSWORD, TestApp, expect_json, payload_of, spawn_app},
    passkeys::Device,
};

both_backends!(
    a_passkey_signs_in_on_the_hosted_page,
    a_refused_passkey_shows_the_form_again_and_a_foreign_post_is_forbidden,
);

/// Posts `assertion` with the page's request handle and `csrf`.
async fn post_passkey(
    app: &TestApp,
    browser: &mut Browser,
    page: &str,
    csrf: &str,
    assertion: &str,
) -> reqwest::Response {
    let request = hidden(page, "request");
    let form = [
        ("request", request.as_str()),
        ("csrf", csrf),
        ("assertion", assertion),
    ];
    browser
        .post(&app.url("/oauth2/sign-in/passkey"), &form)
        .await
}

async fn a_passkey_signs_in_on_the_hosted_page(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let mut device = Device::new();
    let token = app.token_for("alice", PASSWORD).await;
    app.add_passkey(&token, &mut device, "Laptop").await;
    let rp = Rp::register(&app, json!({})).await;
    let mut browser = Browser::new();
    let url = Rp::url(&app, &rp.params("openid"));
    let to_page = browser.get(&url).await;
    let page_response = browser.get(&location(&app, &to_page)).await;
    let csp = page_response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = page_response.text().await.unwrap();
    assert!(page.contains(r#"id="passkey-sign-in""#), "{page}");
    let script = page
        .split("<script>")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("an inline script");
    let hash = STANDARD.encode(Sha256::digest(script.as_bytes()));
    assert!(
        csp.contains(&format!("script-src 'sha256-{hash}'")),
        "{csp}"
    );
    assert!(csp.contains("connect-src 'self'"), "{csp}");

    // What the script does: options from the API, the authenticator's answer posted.
    let options = expect_json(app.authentication_options(&json!({})).await, 200).await;
    let assertion = device.get(&options).await;
    let csrf = hidden(&page, "csrf");
    let back = post_passkey(&app, &mut browser, &page, &csrf, &assertion).await;
    let back = location(&app, &back);
    assert!(back.starts_with(REDIRECT_URI), "{back}");
    let code = query_of(&back)["code"].clone();
    let tokens = expect_json(rp.exchange(&app, &code).await, 200).await;
    let amr = payload_of(tokens["id_token"].as_str().unwrap())["amr"].clone();
    assert!(amr.as_array().unwrap().contains(&json!("user")), "{amr}");
    let signed_in = app.audit_rows_of("login.succeeded").await;
    let last = signed_in.last().unwrap();
    assert_eq!(last.detail["via"], "hosted_page");
}

async fn a_refused_passkey_shows_the_form_again_and_a_foreign_post_is_forbidden(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({})).await;
    let mut browser = Browser::new();
    let page = open_sign_in(&app, &mut browser, &Rp::url(&app, &rp.params("openid"))).await;
    let csrf = hidden(&page, "csrf");
    // A credential the authenticator made but the account never registered, and text that
    // is no assertion: the form again, with the error.
    let token = app.token_for("alice", PASSWORD).await;
    let mut unregistered = Device::new();
    unregistered
        .create(&app.registration_options(&token).await)
        .await;
    let options = expect_json(app.authentication_options(&json!({})).await, 200).await;
    let unknown = unregistered.get(&options).await;
    for assertion in [unknown, "{not json".to_owned()] {
        let again = post_passkey(&app, &mut browser, &page, &csrf, &assertion).await;
        assert_eq!(again.status(), 200);
        let html = again.text().await.unwrap();
        assert!(html.contains("That passkey was not accepted"), "{html}");
        assert!(html.contains(r#"role="alert""#), "{html}");
    }
    // Without this browser's CSRF token: 403, nothing signed in.
    let forged = post_passkey(&app, &mut Browser::new(), &page, &csrf, "{}").await;
    assert_eq!(forged.status(), 403);
    let missing = post_passkey(&app, &mut browser, &page, "", "{}").await;
    assert_eq!(missing.status(), 403);
    let on_pages = app.audit_rows_of("login.succeeded").await;
    assert!(
        on_pages
            .iter()
            .all(|row| row.detail["via"] != "hosted_page")
    );
}
