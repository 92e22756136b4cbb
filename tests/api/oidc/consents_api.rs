//! The account's view of its consents: listed with their client and scopes, withdrawn with
//! the client's sessions; both audited. A replayed code is audited too.

use serde_json::json;

use super::{Browser, Rp, alice, hidden, location, query_of, token_request};
use crate::helpers::{Backend, PASSWORD, TestApp, assert_problem, expect_json, spawn_app};

both_backends!(
    consents_are_listed_and_withdrawing_one_ends_the_clients_sessions,
    a_replayed_code_is_audited,
);

/// `method /api/v1/consents{suffix}` as `token`.
async fn consents(
    app: &TestApp,
    method: reqwest::Method,
    suffix: &str,
    token: &str,
) -> reqwest::Response {
    app.client
        .request(method, app.url(&format!("/api/v1/consents{suffix}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Alice signs in to `rp` and approves `scope` on its consent page: the client's tokens.
async fn consented_tokens(app: &TestApp, rp: &Rp, scope: &str) -> serde_json::Value {
    let mut browser = Browser::new();
    let page = super::open_sign_in(app, &mut browser, &Rp::url(app, &rp.params(scope))).await;
    let to_consent = super::submit_sign_in(app, &mut browser, &page, "alice", PASSWORD).await;
    let page = browser
        .get(&location(app, &to_consent))
        .await
        .text()
        .await
        .unwrap();
    let (request, csrf) = (hidden(&page, "request"), hidden(&page, "csrf"));
    let form = [
        ("request", request.as_str()),
        ("csrf", csrf.as_str()),
        ("decision", "approve"),
    ];
    let back = browser.post(&app.url("/oauth2/consent"), &form).await;
    let code = query_of(&location(app, &back))["code"].clone();
    expect_json(rp.exchange(app, &code).await, 200).await
}

async fn consents_are_listed_and_withdrawing_one_ends_the_clients_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({"first_party": false})).await;
    let tokens = consented_tokens(&app, &rp, "openid email offline_access").await;
    let own = app.token_for("alice", PASSWORD).await;

    let listed = expect_json(consents(&app, reqwest::Method::GET, "", &own).await, 200).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["client_id"], rp.client_id);
    assert_eq!(listed[0]["client_name"], "Test RP");
    assert_eq!(
        listed[0]["scopes"],
        json!(["openid", "email", "offline_access"])
    );
    assert!(listed[0]["granted_at"].is_string());
    let granted = app.audit_rows_of("consent.granted").await;
    assert_eq!(granted.len(), 1);
    assert_eq!(granted[0].detail["client_id"], rp.client_id);
    assert_eq!(granted[0].detail["scopes"], "openid email offline_access");

    let path = format!("/{}", rp.client_id);
    let withdrawn = consents(&app, reqwest::Method::DELETE, &path, &own).await;
    assert_eq!(withdrawn.status(), 204);
    // The client's tokens stop at once; the account's own session does not.
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(app.get_me(access).await.status(), 401);
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ("client_id", rp.client_id.as_str()),
    ];
    let refused = expect_json(token_request(&app, &refresh).await, 400).await;
    assert_eq!(refused["error"], "invalid_grant");
    let listed = expect_json(consents(&app, reqwest::Method::GET, "", &own).await, 200).await;
    assert_eq!(listed, json!([]));
    let revoked = app.audit_rows_of("consent.revoked").await;
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].detail["sessions"], 1);

    // Gone, another client's id, and not a UUID: the same 404.
    for suffix in [
        path.as_str(),
        "/0190b5c4-1111-7000-8000-000000000000",
        "/not-a-uuid",
    ] {
        let again = consents(&app, reqwest::Method::DELETE, suffix, &own).await;
        assert_problem(again, 404, "not-found").await;
    }
    // Asked again: with prompt=none that is consent_required.
    let mut params = rp.params("openid email");
    params.push(("prompt".into(), "none".into()));
    let mut browser = Browser::new();
    let page = super::open_sign_in(&app, &mut browser, &Rp::url(&app, &rp.params("openid"))).await;
    super::submit_sign_in(&app, &mut browser, &page, "alice", PASSWORD).await;
    let again = browser.get(&Rp::url(&app, &params)).await;
    assert_eq!(
        query_of(&location(&app, &again))["error"],
        "consent_required"
    );
}

async fn a_replayed_code_is_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({})).await;
    let mut browser = Browser::new();
    let code =
        super::sign_in(&app, &mut browser, &Rp::url(&app, &rp.params("openid"))).await["code"]
            .clone();
    let first = expect_json(rp.exchange(&app, &code).await, 200).await;
    assert_eq!(rp.exchange(&app, &code).await.status(), 400);
    let replayed = app.audit_rows_of("oauth.code_replayed").await;
    assert_eq!(replayed.len(), 1);
    assert_eq!(replayed[0].detail["client_id"], rp.client_id);
    let sid = crate::helpers::payload_of(first["access_token"].as_str().unwrap())["sid"].clone();
    assert_eq!(replayed[0].detail["session_id"], sid);
}
