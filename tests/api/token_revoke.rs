//! `POST /api/v1/token/revoke` (RFC 7009): a refresh token or an access token ends its
//! session, anything else is answered alike; and `GET /.well-known/oauth-authorization-server`
//! (RFC 8414), whose URLs lead to the token, revocation and key endpoints.

use accounts_api::config::ClientIpHeader;
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{
    Backend, ISSUER, PASSWORD, SessionTokens, TestApp, assert_problem, error_fields, expect_json,
    forge, header, spawn_app, spawn_app_with, valid_claims,
};

both_backends!(
    a_refresh_token_ends_its_session,
    an_access_token_ends_its_session,
    unknown_and_spent_tokens_are_answered_alike,
    a_wrong_or_unknown_hint_still_revokes,
    a_missing_or_mistyped_token_is_a_validation_error,
    the_metadata_names_endpoints_that_work,
);

async fn revoke_form(app: &TestApp, form: &[(&str, &str)]) -> Response {
    app.client
        .post(app.url("/api/v1/token/revoke"))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn revoke_json(app: &TestApp, body: &Value) -> Response {
    app.client
        .post(app.url("/api/v1/token/revoke"))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// 200, an empty body, `Cache-Control: no-store`.
async fn assert_revoked_answer(resp: Response) {
    assert_eq!(resp.status(), 200);
    assert_eq!(header(resp.headers(), "cache-control"), "no-store");
    assert!(resp.text().await.unwrap().is_empty(), "a body");
}

/// Registers alice and logs her in twice: two sessions.
async fn two_sessions(app: &TestApp) -> (SessionTokens, SessionTokens) {
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    (
        app.login_on("alice", "laptop").await,
        app.login_on("alice", "phone").await,
    )
}

async fn assert_ended(app: &TestApp, session: &SessionTokens) {
    assert_problem(app.get_me(&session.access).await, 401, "unauthorized").await;
    assert_problem(
        app.refresh(&session.refresh).await,
        401,
        "invalid-refresh-token",
    )
    .await;
}

async fn assert_alive(app: &TestApp, session: &SessionTokens) {
    expect_json(app.get_me(&session.access).await, 200).await;
}

async fn a_refresh_token_ends_its_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let (laptop, phone) = two_sessions(&app).await;

    assert_revoked_answer(revoke_form(&app, &[("token", &laptop.refresh)]).await).await;

    assert_ended(&app, &laptop).await;
    assert_alive(&app, &phone).await;

    // A refresh token already exchanged still names its session.
    let rotated = SessionTokens::from(&expect_json(app.refresh(&phone.refresh).await, 200).await);
    let form = [
        ("token", phone.refresh.as_str()),
        ("token_type_hint", "refresh_token"),
    ];
    assert_revoked_answer(revoke_form(&app, &form).await).await;
    assert_ended(&app, &rotated).await;
}

async fn an_access_token_ends_its_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let (laptop, phone) = two_sessions(&app).await;

    let body = json!({ "token": laptop.access, "token_type_hint": "access_token" });
    assert_revoked_answer(revoke_json(&app, &body).await).await;

    assert_ended(&app, &laptop).await;
    assert_alive(&app, &phone).await;
    // Without a hint too.
    assert_revoked_answer(revoke_json(&app, &json!({ "token": phone.access })).await).await;
    assert_ended(&app, &phone).await;
}

async fn unknown_and_spent_tokens_are_answered_alike(backend: Backend) {
    let app = spawn_app(backend).await;
    let (laptop, phone) = two_sessions(&app).await;
    let forged = forge(&valid_claims(
        "00000000-0000-7000-8000-000000000000",
        "00000000-0000-7000-8000-000000000001",
    ));

    for token in ["", "not-a-token", "a.b.c", &forged] {
        assert_revoked_answer(revoke_form(&app, &[("token", token)]).await).await;
    }
    assert_revoked_answer(revoke_form(&app, &[("token", &laptop.refresh)]).await).await;
    // Revoked already: the same answer.
    assert_revoked_answer(revoke_form(&app, &[("token", &laptop.refresh)]).await).await;
    assert_revoked_answer(revoke_form(&app, &[("token", &laptop.access)]).await).await;

    assert_ended(&app, &laptop).await;
    assert_alive(&app, &phone).await;
}

async fn a_wrong_or_unknown_hint_still_revokes(backend: Backend) {
    let app = spawn_app(backend).await;
    let (laptop, phone) = two_sessions(&app).await;
    let tablet = app.login_on("alice", "tablet").await;

    let cases = [
        (&laptop.refresh, "access_token"),
        (&phone.access, "refresh_token"),
        (&tablet.refresh, "id_token"),
    ];
    for (token, hint) in cases {
        let form = [("token", token.as_str()), ("token_type_hint", hint)];
        assert_revoked_answer(revoke_form(&app, &form).await).await;
    }

    for session in [&laptop, &phone, &tablet] {
        assert_ended(&app, session).await;
    }
}

async fn a_missing_or_mistyped_token_is_a_validation_error(backend: Backend) {
    let app = spawn_app(backend).await;
    let (laptop, _) = two_sessions(&app).await;

    let missing = revoke_form(&app, &[("token_type_hint", "refresh_token")]).await;
    let problem = assert_problem(missing, 422, "validation").await;
    assert_eq!(error_fields(&problem), ["token"]);
    let mistyped = revoke_json(&app, &json!({ "token": 42, "token_type_hint": true })).await;
    let problem = assert_problem(mistyped, 422, "validation").await;
    assert_eq!(error_fields(&problem), ["token", "token_type_hint"]);
    let not_json = app
        .client
        .post(app.url("/api/v1/token/revoke"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_problem(not_json, 400, "bad-request").await;
    let plain = app
        .client
        .post(app.url("/api/v1/token/revoke"))
        .header("content-type", "text/plain")
        .body(laptop.refresh.clone())
        .send()
        .await
        .unwrap();
    assert_problem(plain, 415, "unsupported-media-type").await;

    assert_alive(&app, &laptop).await;
}

async fn metadata(app: &TestApp, headers: &[(&str, &str)]) -> Value {
    let request = headers.iter().fold(
        app.client
            .get(app.url("/.well-known/oauth-authorization-server")),
        |req, (name, value)| req.header(*name, *value),
    );
    let resp = request.send().await.unwrap();
    assert_eq!(
        header(resp.headers(), "cache-control"),
        "public, max-age=300"
    );
    assert_eq!(header(resp.headers(), "ratelimit-limit"), "", "not limited");
    expect_json(resp, 200).await
}

async fn the_metadata_names_endpoints_that_work(backend: Backend) {
    let app = spawn_app(backend).await;
    let doc = metadata(&app, &[]).await;

    assert_eq!(
        doc,
        json!({
            "issuer": ISSUER,
            "token_endpoint": app.url("/api/v1/token/access"),
            "revocation_endpoint": app.url("/api/v1/token/revoke"),
            "jwks_uri": app.url("/.well-known/jwks.json"),
            "grant_types_supported": [
                "password",
                "refresh_token",
                "urn:accounts-api:params:oauth:grant-type:mfa",
                "urn:accounts-api:params:oauth:grant-type:passkey"
            ],
            "token_endpoint_auth_methods_supported": ["none"],
            "revocation_endpoint_auth_methods_supported": ["none"],
            "response_types_supported": [],
            "scopes_supported": [
                "users:read",
                "users:write",
                "sessions:revoke",
                "audit:read",
                "clients:write"
            ],
        })
    );
    let url = |field: &str| doc[field].as_str().unwrap().to_owned();
    let keys = app.client.get(url("jwks_uri")).send().await.unwrap();
    assert!(
        !expect_json(keys, 200).await["keys"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    let login = app
        .client
        .post(url("token_endpoint"))
        .form(&[("username", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let session = SessionTokens::from(&expect_json(login, 200).await);
    let revoke = app
        .client
        .post(url("revocation_endpoint"))
        .form(&[("token", session.refresh.as_str())])
        .send()
        .await
        .unwrap();
    assert_revoked_answer(revoke).await;
    assert_ended(&app, &session).await;
}

/// Behind a trusted proxy the URLs are the ones the client used; from anyone else the
/// forwarding headers are ignored.
#[tokio::test]
async fn the_metadata_urls_follow_a_trusted_proxy_only() {
    let forwarded = [
        ("x-forwarded-proto", "https"),
        ("x-forwarded-host", "accounts.example.com"),
    ];
    let direct = spawn_app(Backend::Sqlite).await;
    let doc = metadata(&direct, &forwarded).await;
    assert_eq!(doc["token_endpoint"], direct.url("/api/v1/token/access"));

    let proxied = spawn_app_with(Backend::Sqlite, |s| {
        s.server.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let doc = metadata(&proxied, &forwarded).await;
    assert_eq!(
        doc["jwks_uri"],
        "https://accounts.example.com/.well-known/jwks.json"
    );
    // `Forwarded` counts only when it is the header the proxy is said to write.
    let rfc7239 = [("forwarded", "for=192.0.2.1;proto=https;host=id.example.org")];
    let doc = metadata(&proxied, &rfc7239).await;
    assert_eq!(
        doc["revocation_endpoint"],
        proxied.url("/api/v1/token/revoke")
    );
    let rfc7239_proxy = spawn_app_with(Backend::Sqlite, |s| {
        s.server.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        s.server.client_ip_header = ClientIpHeader::Forwarded;
    })
    .await;
    let doc = metadata(&rfc7239_proxy, &rfc7239).await;
    assert_eq!(
        doc["revocation_endpoint"],
        "https://id.example.org/api/v1/token/revoke"
    );
}
