//! The code flow's happy paths: sign-in, exchange, id_token, userinfo, refresh; the second
//! step; a browser session reused without a page.

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header, jwk::JwkSet};
use serde_json::{Value, json};

use super::{
    Browser, Rp, alice, hidden, location, open_sign_in, query_of, sign_in, submit_sign_in,
    token_request,
};
use crate::{
    helpers::{Backend, ISSUER, PASSWORD, TestApp, expect_json, header, spawn_app},
    mfa::code_at,
};

both_backends!(
    the_code_flow_signs_in_and_issues_verifiable_tokens,
    a_signed_in_browser_gets_a_code_without_a_page,
    the_second_step_takes_a_totp_code,
    the_discovery_document_names_the_endpoints,
    logout_ends_the_browser_session_and_goes_back,
);

/// The id_token's claims, its signature checked with the JWKS's key of its `kid`.
async fn verified_id_token(app: &TestApp, token: &str, audience: &str) -> Value {
    let keys: JwkSet = app
        .client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kid = decode_header(token).unwrap().kid.expect("a kid");
    let jwk = keys.find(&kid).expect("the kid is in the JWKS");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[ISSUER]);
    validation.validate_exp = false;
    decode::<Value>(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
        .expect("the id_token verifies")
        .claims
}

async fn the_code_flow_signs_in_and_issues_verifiable_tokens(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let own = app.token_for("alice", PASSWORD).await;
    expect_json(app.patch_me(&own, &json!({"locale": "de-AT"})).await, 200).await;
    let rp = Rp::register(&app, json!({})).await;
    let mut browser = Browser::new();
    let url = Rp::url(&app, &rp.params("openid profile email offline_access"));
    let page = open_sign_in(&app, &mut browser, &url).await;
    assert!(page.contains(r#"for="login""#) && page.contains("Test RP"));
    let back = submit_sign_in(&app, &mut browser, &page, "alice", PASSWORD).await;
    assert_eq!(header(back.headers(), "x-frame-options"), "DENY");
    assert_eq!(header(back.headers(), "cache-control"), "no-store");
    let set_cookie = header(back.headers(), "set-cookie");
    assert!(set_cookie.starts_with("accounts_session="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
    let back = query_of(&location(&app, &back));
    assert_eq!(back["state"], rp.state);
    assert_eq!(back["iss"], ISSUER);
    let tokens = expect_json(rp.exchange(&app, &back["code"]).await, 200).await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "openid profile email offline_access");
    let access = tokens["access_token"].as_str().unwrap();
    let id_token =
        verified_id_token(&app, tokens["id_token"].as_str().unwrap(), &rp.client_id).await;
    assert_eq!(id_token["nonce"], rp.nonce);
    assert_eq!(id_token["email"], "alice@example.com");
    assert_eq!(id_token["preferred_username"], "alice");
    assert_eq!(id_token["locale"], "de-AT");
    assert_eq!(id_token["amr"], json!(["pwd"]));
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    use sha2::{Digest, Sha256};
    let at_hash = URL_SAFE_NO_PAD.encode(&Sha256::digest(access.as_bytes())[..16]);
    assert_eq!(id_token["at_hash"], at_hash);
    // The access token is an ordinary bearer token of this service.
    let me = expect_json(app.get_me(access).await, 200).await;
    assert_eq!(me["id"], id_token["sub"]);
    let userinfo = app
        .client
        .get(app.url("/oauth2/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    let userinfo = expect_json(userinfo, 200).await;
    assert_eq!(userinfo["sub"], id_token["sub"]);
    assert_eq!(userinfo["email_verified"], id_token["email_verified"]);
    assert_eq!(userinfo["locale"], "de-AT");
    let posted = app
        .client
        .post(app.url("/oauth2/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(expect_json(posted, 200).await, userinfo);
    // A token of the password grant is no client's: userinfo refuses it.
    let password_grant = app.token_for("alice", PASSWORD).await;
    let refused = app
        .client
        .get(app.url("/oauth2/userinfo"))
        .bearer_auth(&password_grant)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let refreshed = token_request(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
            ("client_id", &rp.client_id),
        ],
    )
    .await;
    let refreshed = expect_json(refreshed, 200).await;
    assert_ne!(refreshed["refresh_token"], tokens["refresh_token"]);
    assert_eq!(refreshed["scope"], tokens["scope"]);
}

async fn a_signed_in_browser_gets_a_code_without_a_page(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({})).await;
    let mut browser = Browser::new();
    sign_in(&app, &mut browser, &Rp::url(&app, &rp.params("openid"))).await;
    let mut params = rp.params("openid");
    params.push(("prompt".into(), "none".into()));
    let again = browser.get(&Rp::url(&app, &params)).await;
    let again = query_of(&location(&app, &again));
    assert!(again.contains_key("code"), "{again:?}");
    // prompt=login shows the page again.
    let mut params = rp.params("openid");
    params.push(("prompt".into(), "login".into()));
    let page = browser.get(&Rp::url(&app, &params)).await;
    assert!(location(&app, &page).contains("/oauth2/sign-in?request="));
}

async fn the_second_step_takes_a_totp_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    let enrolled = app.enrol(&token).await;
    let rp = Rp::register(&app, json!({})).await;
    let mut browser = Browser::new();
    let page = open_sign_in(&app, &mut browser, &Rp::url(&app, &rp.params("openid"))).await;
    let second = submit_sign_in(&app, &mut browser, &page, "alice", PASSWORD).await;
    assert_eq!(second.status(), 200);
    let second = second.text().await.unwrap();
    assert!(second.contains(r#"for="code""#), "{second}");
    app.clock.advance(std::time::Duration::from_secs(30));
    let code = code_at(&enrolled.secret, app.clock.now());
    let form = [
        ("request", hidden(&second, "request")),
        ("csrf", hidden(&second, "csrf")),
        ("mfa_token", hidden(&second, "mfa_token")),
        ("code", code),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let back = browser
        .post(&app.url("/oauth2/sign-in/second-step"), &form)
        .await;
    let back = query_of(&location(&app, &back));
    let tokens = expect_json(rp.exchange(&app, &back["code"]).await, 200).await;
    let id_token =
        verified_id_token(&app, tokens["id_token"].as_str().unwrap(), &rp.client_id).await;
    assert_eq!(id_token["amr"], json!(["pwd", "otp", "mfa"]));
}

async fn the_discovery_document_names_the_endpoints(backend: Backend) {
    let app = spawn_app(backend).await;
    let resp = app
        .client
        .get(app.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap();
    let document = expect_json(resp, 200).await;
    assert_eq!(document["issuer"], ISSUER);
    assert_eq!(
        document["authorization_endpoint"],
        app.url("/oauth2/authorize")
    );
    assert_eq!(document["token_endpoint"], app.url("/oauth2/token"));
    assert_eq!(
        document["code_challenge_methods_supported"],
        json!(["S256"])
    );
    assert_eq!(document["response_types_supported"], json!(["code"]));
    assert_eq!(document["request_parameter_supported"], false);
    assert_eq!(document["request_uri_parameter_supported"], false);
    assert_eq!(document["userinfo_endpoint"], app.url("/oauth2/userinfo"));
    assert_eq!(document["end_session_endpoint"], app.url("/oauth2/logout"));
    assert_eq!(document["jwks_uri"], app.url("/.well-known/jwks.json"));
}

async fn logout_ends_the_browser_session_and_goes_back(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let back_to = "https://rp.example.com/signed-out";
    let rp = Rp::register(&app, json!({"post_logout_redirect_uris": [back_to]})).await;
    let mut browser = Browser::new();
    let back = sign_in(&app, &mut browser, &Rp::url(&app, &rp.params("openid"))).await;
    let tokens = expect_json(rp.exchange(&app, &back["code"]).await, 200).await;
    let id_token = tokens["id_token"].as_str().unwrap();
    let logout = |uri: &str| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("id_token_hint", id_token),
                ("post_logout_redirect_uri", uri),
                ("state", "bye"),
            ])
            .finish();
        app.url(&format!("/oauth2/logout?{query}"))
    };
    let refused = browser.get(&logout("https://evil.example.com/")).await;
    assert_eq!(refused.status(), 400);
    assert!(refused.headers().get("location").is_none());
    let out = browser.get(&logout(back_to)).await;
    assert_eq!(location(&app, &out), format!("{back_to}?state=bye"));
    // The browser session is over: prompt=none now answers login_required.
    let mut params = rp.params("openid");
    params.push(("prompt".into(), "none".into()));
    let again = browser.get(&Rp::url(&app, &params)).await;
    assert_eq!(query_of(&location(&app, &again))["error"], "login_required");
}
