//! `POST /api/v1/token/access`: the OAuth2 password grant (the refresh-token grant is in
//! `refresh`).

use accounts_api::infra::security::HasherKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    AUDIENCE, Backend, ISSUER, KEYS, PASSWORD, assert_problem, error_fields, expect_json, header,
    now_secs, spawn_app, spawn_app_with,
};

both_backends!(
    form_login_returns_a_bearer_token,
    access_token_is_an_rs256_jwt_with_the_expected_claims,
    login_accepts_username_or_email_in_any_case,
    json_login_works_like_the_form,
    grant_type_is_password_or_refresh_token_each_with_its_fields,
    wrong_password_and_unknown_user_are_indistinguishable,
    a_login_holding_a_nul_is_an_unknown_account,
    login_without_a_password_is_a_bad_request,
);

async fn form_login_returns_a_bearer_token(backend: Backend) {
    let app = spawn_app(backend).await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;

    let body = expect_json(app.login("alice", PASSWORD).await, 200).await;

    assert_eq!(body["token_type"], "Bearer", "body: {body}");
    assert_eq!(body["expires_in"], 900, "body: {body}");
    let token = body["access_token"]
        .as_str()
        .expect("access_token is a string");
    assert_eq!(
        token.split('.').count(),
        3,
        "not a JWS compact token: {token}"
    );
    expect_json(app.get_me(token).await, 200).await;
}

async fn access_token_is_an_rs256_jwt_with_the_expected_claims(backend: Backend) {
    let app = spawn_app(backend).await;
    let (user, token) = app.alice().await;
    let before = now_secs();

    assert_eq!(
        decode_header(&token).expect("a JWT header").alg,
        Algorithm::RS256
    );
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["sub", "iat", "exp", "jti", "iss", "aud"]);
    let key = DecodingKey::from_rsa_pem(KEYS.public_pem.as_bytes()).expect("the test public key");
    let claims = decode::<Value>(&token, &key, &validation)
        .expect("a valid token")
        .claims;

    assert_eq!(claims["sub"], user["id"], "claims: {claims}");
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["aud"], AUDIENCE);
    let (iat, exp) = (
        claims["iat"].as_u64().unwrap(),
        claims["exp"].as_u64().unwrap(),
    );
    assert_eq!(exp - iat, 900, "claims: {claims}");
    assert!(iat.abs_diff(before) <= 5, "iat {iat} is not now ({before})");
    let jti = claims["jti"].as_str().expect("jti is a string");
    Uuid::parse_str(jti).expect("jti is a UUID");

    // Every token gets its own id.
    let second = app.token_for("alice", PASSWORD).await;
    let second = decode::<Value>(&second, &key, &validation).unwrap().claims;
    assert_ne!(second["jti"], claims["jti"]);
}

async fn login_accepts_username_or_email_in_any_case(backend: Backend) {
    let app = spawn_app(backend).await;
    expect_json(
        app.register("Alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;

    for login in [
        "Alice",
        "alice",
        "ALICE",
        "alice@example.com",
        "Alice@Example.COM",
    ] {
        let resp = app.login(login, PASSWORD).await;
        assert_eq!(resp.status(), 200, "logging in as {login:?}");
    }
}

async fn json_login_works_like_the_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let (user, _) = app.alice().await;

    let resp = app
        .client
        .post(app.url("/api/v1/token/access"))
        .json(&json!({ "username": "alice@example.com", "password": PASSWORD, "grant_type": "password" }))
        .send()
        .await
        .unwrap();
    let body = expect_json(resp, 200).await;

    assert_eq!(body["token_type"], "Bearer");
    let me = expect_json(
        app.get_me(body["access_token"].as_str().unwrap()).await,
        200,
    )
    .await;
    assert_eq!(me["id"], user["id"]);
}

type Form = Vec<(&'static str, &'static str)>;

async fn grant_type_is_password_or_refresh_token_each_with_its_fields(backend: Backend) {
    let app = spawn_app(backend).await;
    app.alice().await;
    let token_url = app.url("/api/v1/token/access");
    let post = |form: Form| app.client.post(&token_url).form(&form).send();

    let with_scope = vec![
        ("grant_type", "password"),
        ("username", "alice"),
        ("password", PASSWORD),
        ("scope", "anything"),
    ];
    let resp = post(with_scope).await.unwrap();
    assert_eq!(resp.status(), 200, "grant_type=password with a scope");

    // Each form, and the fields its 422 names.
    let refused: [(Form, &[&str]); 5] = [
        // Unknown grants, whatever else comes with them.
        (
            vec![
                ("grant_type", "client_credentials"),
                ("username", "alice"),
                ("password", PASSWORD),
            ],
            &["grant_type"],
        ),
        (
            vec![("grant_type", ""), ("refresh_token", "x")],
            &["grant_type"],
        ),
        // The refresh-token grant needs its token; a password does not stand in for it.
        (
            vec![
                ("grant_type", "refresh_token"),
                ("username", "alice"),
                ("password", PASSWORD),
            ],
            &["refresh_token"],
        ),
        // The password grant, named or by default, needs both of its fields.
        (
            vec![("grant_type", "password"), ("refresh_token", "x")],
            &["username", "password"],
        ),
        (vec![("password", PASSWORD)], &["username"]),
    ];
    for (form, fields) in refused {
        let problem = assert_problem(post(form.clone()).await.unwrap(), 422, "validation").await;
        assert_eq!(error_fields(&problem), fields, "form {form:?}");
    }

    let resp = app
        .client
        .post(&token_url)
        .json(&json!({ "grant_type": "refresh_token", "refresh_token": 42 }))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(resp, 422, "validation").await;
    assert_eq!(error_fields(&problem), ["refresh_token"]);
}

async fn wrong_password_and_unknown_user_are_indistinguishable(backend: Backend) {
    let app = spawn_app(backend).await;
    app.alice().await;

    let wrong_password = assert_problem(
        app.login("alice", "not-the-password").await,
        401,
        "invalid-credentials",
    )
    .await;
    let unknown_user = assert_problem(
        app.login("mallory", "not-the-password").await,
        401,
        "invalid-credentials",
    )
    .await;
    let unknown_email = assert_problem(
        app.login("mallory@example.com", PASSWORD).await,
        401,
        "invalid-credentials",
    )
    .await;

    assert_eq!(wrong_password, unknown_user);
    assert_eq!(wrong_password, unknown_email);
}

/// PostgreSQL refuses a NUL in a query; no account name holds one, so it is simply unknown.
async fn a_login_holding_a_nul_is_an_unknown_account(backend: Backend) {
    let app = spawn_app(backend).await;
    app.alice().await;

    for login in ["ali\0ce", "alice@example.com\0"] {
        let refused =
            assert_problem(app.login(login, PASSWORD).await, 401, "invalid-credentials").await;
        assert_eq!(
            refused["detail"], "incorrect login or password",
            "{login:?}"
        );
    }
    expect_json(app.login("alice", PASSWORD).await, 200).await;
}

async fn login_without_a_password_is_a_bad_request(backend: Backend) {
    let app = spawn_app(backend).await;
    app.alice().await;
    let token_url = app.url("/api/v1/token/access");

    let resp = app
        .client
        .post(&token_url)
        .form(&[("username", "alice")])
        .send()
        .await
        .unwrap();
    let problem = assert_problem(resp, 422, "validation").await;
    assert_eq!(error_fields(&problem), ["password"]);

    let resp = app
        .client
        .post(&token_url)
        .json(&json!({ "username": 42 }))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(resp, 422, "validation").await;
    assert_eq!(error_fields(&problem), ["username", "password"]);

    let resp = app
        .client
        .post(&token_url)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_problem(resp, 400, "bad-request").await;
}

/// The token response must not be cached by anything in between.
#[tokio::test]
async fn token_responses_are_not_cacheable() {
    let app = spawn_app(Backend::Sqlite).await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;

    let resp = app.login("alice", PASSWORD).await;

    assert_eq!(resp.status(), 200);
    assert!(header(resp.headers(), "cache-control").contains("no-store"));
}

/// Without the dummy-hash check an unknown name would answer in ~1 ms against ~60 ms for a
/// wrong password at cost 10 (a ratio of ~0.02); the fastest of each must be within 4x of
/// each other. The fastest, not the median: a busy machine only ever adds time, to either
/// kind at random (hashes run at the lowest CPU priority, so other tests starve them), and
/// the fastest of fifteen interleaved tries is close to the cost the server itself pays.
#[tokio::test]
async fn unknown_user_takes_as_long_as_a_wrong_password() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.password_hasher = HasherKind::Bcrypt;
        s.server.password_hash_cost = 10;
        // Thirty failed logins from one address: over the limits of a real client.
        s.rate_limit.enabled = false;
    })
    .await;
    app.alice().await;
    let time = |name: &'static str| {
        let app = &app;
        async move {
            let started = std::time::Instant::now();
            let answer = app.login(name, "not-the-password").await;
            let status = answer.status();
            assert_eq!(status, 401, "{}", answer.text().await.unwrap_or_default());
            started.elapsed().as_secs_f64()
        }
    };
    let (mut known, mut unknown) = (f64::MAX, f64::MAX);
    for _ in 0..15 {
        known = known.min(time("alice").await);
        unknown = unknown.min(time("mallory").await);
    }
    let ratio = unknown / known;
    assert!(
        (0.25..4.0).contains(&ratio),
        "unknown/known login time ratio {ratio:.2} (fastest {unknown:.3} s / {known:.3} s)"
    );
}
