//! What the authorization and token endpoints refuse, and how.

use std::time::Duration;

use serde_json::{Value, json};

use super::{
    Browser, REDIRECT_URI, Rp, alice, hidden, location, open_sign_in, query_of, sign_in,
    token_request,
};
use crate::helpers::{Backend, TestApp, expect_json, header, spawn_app};

both_backends!(
    a_redirect_uri_not_registered_exactly_is_an_error_page_never_a_redirect,
    pkce_is_required_and_only_s256,
    a_wrong_verifier_or_another_clients_code_is_invalid_grant,
    a_replayed_code_is_refused_and_revokes_what_it_issued,
    an_expired_code_is_refused,
    prompt_none_without_a_session_is_login_required,
    request_objects_are_refused_as_unsupported,
    the_sign_in_form_needs_its_csrf_token,
    a_confidential_client_with_a_wrong_secret_is_invalid_client,
    a_parameter_given_twice_is_invalid_request_and_spends_nothing,
);

async fn oauth_error(response: reqwest::Response, status: u16) -> Value {
    let body = expect_json(response, status).await;
    assert!(body["error_description"].is_string(), "{body}");
    body
}

/// A signed-in browser's code for `rp`.
async fn code_for(app: &TestApp, rp: &Rp) -> String {
    let mut browser = Browser::new();
    sign_in(
        app,
        &mut browser,
        &Rp::url(app, &rp.params("openid offline_access")),
    )
    .await["code"]
        .clone()
}

async fn a_redirect_uri_not_registered_exactly_is_an_error_page_never_a_redirect(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = Rp::register(&app, json!({})).await;
    let mut unknown_client = rp.params("openid");
    unknown_client[1].1 = uuid::Uuid::now_v7().to_string();
    let mut cases = vec![unknown_client];
    for wrong in [
        "https://evil.example.com/callback",
        "https://rp.example.com/callback/../evil",
        "https://rp.example.com/callbackx",
        "https://rp.example.com/call",
        "https://rp.example.com@evil.example.com/callback",
        "https://rp.example.com/%63allback",
        "https://RP.example.com/callback",
    ] {
        let mut params = rp.params("openid");
        params[2].1 = wrong.into();
        cases.push(params);
    }
    for params in cases {
        let resp = Browser::new().get(&Rp::url(&app, &params)).await;
        assert_eq!(resp.status(), 400, "{params:?}");
        assert!(resp.headers().get("location").is_none());
        assert_eq!(header(resp.headers(), "x-frame-options"), "DENY");
        assert!(header(resp.headers(), "content-type").starts_with("text/html"));
    }
}

async fn pkce_is_required_and_only_s256(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = Rp::register(&app, json!({})).await;
    let mut without: Vec<_> = rp.params("openid");
    without.retain(|(k, _)| !k.starts_with("code_challenge"));
    let mut plain = rp.params("openid");
    plain[6].1 = rp.verifier.clone();
    plain[7].1 = "plain".into();
    for params in [without, plain] {
        let resp = Browser::new().get(&Rp::url(&app, &params)).await;
        let back = query_of(&location(&app, &resp));
        assert_eq!(back["error"], "invalid_request", "{back:?}");
        assert_eq!(back["state"], rp.state);
        assert!(back.contains_key("iss"));
    }
}

async fn a_wrong_verifier_or_another_clients_code_is_invalid_grant(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({})).await;
    let code = code_for(&app, &rp).await;
    let wrong = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", &"b".repeat(50)),
        ("client_id", &rp.client_id),
    ];
    let body = oauth_error(token_request(&app, &wrong).await, 400).await;
    assert_eq!(body["error"], "invalid_grant");
    let (_, admin) = app.account_with("other_admin", &["clients:write"]).await;
    let other = Rp::register_as(&app, &admin, json!({"name": "Other"})).await;
    let stolen = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", &rp.verifier),
        ("client_id", &other.client_id),
    ];
    let body = oauth_error(token_request(&app, &stolen).await, 400).await;
    assert_eq!(body["error"], "invalid_grant");
    // Neither refusal spent the code.
    expect_json(rp.exchange(&app, &code).await, 200).await;
}

/// RFC 6749 §3.2; found by the `token_form` fuzz target, which got a problem+json 400 (the
/// form failed to parse) where OAuth clients read `{"error"}`.
async fn a_parameter_given_twice_is_invalid_request_and_spends_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({})).await;
    let code = code_for(&app, &rp).await;
    let twice = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", &rp.verifier),
        ("client_id", &rp.client_id),
    ];
    let body = oauth_error(token_request(&app, &twice).await, 400).await;
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(body["error_description"], "code is given more than once");
    expect_json(rp.exchange(&app, &code).await, 200).await;
}

async fn a_replayed_code_is_refused_and_revokes_what_it_issued(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({})).await;
    let code = code_for(&app, &rp).await;
    let first = expect_json(rp.exchange(&app, &code).await, 200).await;
    let replay = oauth_error(rp.exchange(&app, &code).await, 400).await;
    assert_eq!(replay["error"], "invalid_grant");
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(app.get_me(access).await.status(), 401);
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", first["refresh_token"].as_str().unwrap()),
        ("client_id", rp.client_id.as_str()),
    ];
    let body = oauth_error(token_request(&app, &refresh).await, 400).await;
    assert_eq!(body["error"], "invalid_grant");
}

async fn an_expired_code_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({})).await;
    let code = code_for(&app, &rp).await;
    app.clock.advance(Duration::from_secs(61));
    let body = oauth_error(rp.exchange(&app, &code).await, 400).await;
    assert_eq!(body["error"], "invalid_grant");
}

async fn prompt_none_without_a_session_is_login_required(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = Rp::register(&app, json!({})).await;
    let mut params = rp.params("openid");
    params.push(("prompt".into(), "none".into()));
    let resp = Browser::new().get(&Rp::url(&app, &params)).await;
    let back = query_of(&location(&app, &resp));
    assert_eq!(back["error"], "login_required");
    assert_eq!(back["state"], rp.state);
}

async fn request_objects_are_refused_as_unsupported(backend: Backend) {
    let app = spawn_app(backend).await;
    let rp = Rp::register(&app, json!({})).await;
    for (param, error) in [
        ("request", "request_not_supported"),
        ("request_uri", "request_uri_not_supported"),
    ] {
        let mut params = rp.params("openid");
        params.push((param.into(), "eyJhbGciOiJub25lIn0.e30.".into()));
        let resp = Browser::new().get(&Rp::url(&app, &params)).await;
        let back = query_of(&location(&app, &resp));
        assert_eq!(back["error"], error);
        assert_eq!(back["state"], rp.state);
    }
}

async fn the_sign_in_form_needs_its_csrf_token(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({})).await;
    let mut browser = Browser::new();
    let page = open_sign_in(&app, &mut browser, &Rp::url(&app, &rp.params("openid"))).await;
    let request = hidden(&page, "request");
    for csrf in [None, Some("forged")] {
        let mut form = vec![
            ("request", request.as_str()),
            ("login", "alice"),
            ("password", crate::helpers::PASSWORD),
        ];
        form.extend(csrf.map(|csrf| ("csrf", csrf)));
        let resp = browser.post(&app.url("/oauth2/sign-in"), &form).await;
        assert_eq!(resp.status(), 403);
        assert!(resp.headers().get("set-cookie").is_none());
    }
    // Another browser (without the CSRF cookie) posting this page's token is refused too.
    let csrf = hidden(&page, "csrf");
    let form = [
        ("request", request.as_str()),
        ("csrf", csrf.as_str()),
        ("login", "alice"),
        ("password", crate::helpers::PASSWORD),
    ];
    let resp = Browser::new()
        .post(&app.url("/oauth2/sign-in"), &form)
        .await;
    assert_eq!(resp.status(), 403);
}

async fn a_confidential_client_with_a_wrong_secret_is_invalid_client(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({"client_type": "confidential"})).await;
    let code = code_for(&app, &rp).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", rp.verifier.as_str()),
    ];
    let resp = app
        .client
        .post(app.url("/oauth2/token"))
        .basic_auth(&rp.client_id, Some("wrong"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(resp.headers(), "www-authenticate"),
        r#"Basic realm="oauth2""#
    );
    assert_eq!(oauth_error(resp, 401).await["error"], "invalid_client");
    // Without any secret, as if it were public: invalid_client too.
    let mut public = form.to_vec();
    public.push(("client_id", &rp.client_id));
    let resp = token_request(&app, &public).await;
    assert_eq!(oauth_error(resp, 401).await["error"], "invalid_client");
    // The right secret by client_secret_post.
    let secret = rp.secret.clone().unwrap();
    public.push(("client_secret", &secret));
    expect_json(token_request(&app, &public).await, 200).await;
}
