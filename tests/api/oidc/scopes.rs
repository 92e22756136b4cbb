//! Permission scopes: a client's token carries only the permissions both granted and held,
//! on every request and every refresh; the token endpoint checks what binds a code.

use serde_json::json;

use super::{
    Browser, REDIRECT_URI, Rp, location, open_sign_in, query_of, sign_in, submit_sign_in,
    token_request,
};
use crate::helpers::{Backend, PASSWORD, expect_json, spawn_app};

both_backends!(
    a_token_carries_only_the_permissions_granted_and_held,
    the_code_is_bound_to_its_redirect_uri,
    max_age_past_asks_for_a_new_sign_in,
);

async fn a_token_carries_only_the_permissions_granted_and_held(backend: Backend) {
    let app = spawn_app(backend).await;
    app.account_with("alice", &["users:read", "audit:read"])
        .await;
    let rp = Rp::register(
        &app,
        json!({"allowed_scopes": ["openid", "offline_access", "users:read", "users:write"]}),
    )
    .await;
    let mut browser = Browser::new();
    let url = Rp::url(
        &app,
        &rp.params("openid offline_access users:read users:write"),
    );
    let back = sign_in(&app, &mut browser, &url).await;
    let tokens = expect_json(rp.exchange(&app, &back["code"]).await, 200).await;
    let access = tokens["access_token"].as_str().unwrap();
    let claims = crate::helpers::payload_of(access);
    assert_eq!(claims["scope"], "users:read", "held and granted only");
    let get = |path: &'static str, token: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url(path))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(get("/api/v1/admin/users", access.to_owned()).await, 200);
    assert_eq!(get("/api/v1/admin/audit", access.to_owned()).await, 403);
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
    let access = refreshed["access_token"].as_str().unwrap().to_owned();
    assert_eq!(crate::helpers::payload_of(&access)["scope"], "users:read");
    assert_eq!(get("/api/v1/admin/audit", access).await, 403);
}

async fn the_code_is_bound_to_its_redirect_uri(backend: Backend) {
    let app = spawn_app(backend).await;
    super::alice(&app).await;
    let rp = Rp::register(
        &app,
        json!({"redirect_uris": [REDIRECT_URI, "https://rp.example.com/other"]}),
    )
    .await;
    let mut browser = Browser::new();
    let back = sign_in(&app, &mut browser, &Rp::url(&app, &rp.params("openid"))).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", back["code"].as_str()),
        ("redirect_uri", "https://rp.example.com/other"),
        ("code_verifier", rp.verifier.as_str()),
        ("client_id", rp.client_id.as_str()),
    ];
    let refused = expect_json(token_request(&app, &form).await, 400).await;
    assert_eq!(refused["error"], "invalid_grant");
}

async fn max_age_past_asks_for_a_new_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    super::alice(&app).await;
    let rp = Rp::register(&app, json!({})).await;
    let mut browser = Browser::new();
    sign_in(&app, &mut browser, &Rp::url(&app, &rp.params("openid"))).await;
    app.clock.advance(std::time::Duration::from_secs(120));
    let mut params = rp.params("openid");
    params.push(("max_age".into(), "60".into()));
    let url = Rp::url(&app, &params);
    let page = open_sign_in(&app, &mut browser, &url).await;
    let back = submit_sign_in(&app, &mut browser, &page, "alice", PASSWORD).await;
    let back = query_of(&location(&app, &back));
    let tokens = expect_json(rp.exchange(&app, &back["code"]).await, 200).await;
    let id_token = crate::helpers::payload_of(tokens["id_token"].as_str().unwrap());
    assert_eq!(
        id_token["auth_time"].as_i64(),
        Some(app.clock.now().timestamp())
    );
}
