//! Bearer tokens the API must refuse. Each attack starts from a token the app would accept
//! (`forged_token_with_valid_claims_is_accepted` proves the forging works: the claims of a
//! real login, `sid` included) and breaks one thing.

use std::time::Duration;

use accounts_api::infra::security::{KeyPair, SigningAlgorithm};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{
    Backend, KEYS, TestApp, assert_problem, assert_token_rejected, base64url, expect_json, forge,
    now_secs, payload_of, spawn_app, valid_claims,
};

both_backends!(
    forged_token_with_valid_claims_is_accepted,
    forged_token_naming_another_users_session_is_rejected,
    forged_token_without_a_live_session_is_rejected,
    missing_or_malformed_authorization_is_rejected,
    alg_none_token_is_rejected,
    hs256_token_keyed_with_the_public_key_is_rejected,
    tampered_payload_is_rejected,
    expired_token_is_rejected,
    an_issued_token_expires_when_the_clock_passes_its_lifetime,
    token_for_another_audience_is_rejected,
    token_from_another_issuer_is_rejected,
    token_signed_with_another_key_is_rejected,
    token_for_an_unknown_user_is_rejected,
);

/// An app with `alice` logged in; returns the claims the app would accept for her (her id
/// and her session's) and her genuine token.
async fn app_with_alice(backend: Backend) -> (TestApp, Value, String) {
    let app = spawn_app(backend).await;
    let (user, token) = app.alice().await;
    let claims = valid_claims(user["id"].as_str().unwrap(), &sid_of(&token));
    (app, claims, token)
}

fn sid_of(token: &str) -> String {
    payload_of(token)["sid"].as_str().unwrap().to_owned()
}

/// `header.payload.` with the given JSON parts and no signature.
fn unsigned(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}.",
        base64url(header.to_string().as_bytes()),
        base64url(claims.to_string().as_bytes())
    )
}

async fn forged_token_with_valid_claims_is_accepted(backend: Backend) {
    let (app, claims, _) = app_with_alice(backend).await;

    let me = expect_json(app.get_me(&forge(&claims)).await, 200).await;

    assert_eq!(me["id"], claims["sub"]);
}

async fn forged_token_naming_another_users_session_is_rejected(backend: Backend) {
    let (app, alice, _) = app_with_alice(backend).await;
    let (bob, bob_token) = app.register_and_login("bob", "bob@example.com").await;

    // Alice's id with Bob's live session, and Bob's id with Alice's.
    let alice_in_bobs = valid_claims(alice["sub"].as_str().unwrap(), &sid_of(&bob_token));
    assert_token_rejected(&app, &forge(&alice_in_bobs)).await;
    let bob_in_alices = valid_claims(bob["id"].as_str().unwrap(), alice["sid"].as_str().unwrap());
    assert_token_rejected(&app, &forge(&bob_in_alices)).await;

    // Both sessions are still there for their owners.
    expect_json(app.get_me(&forge(&alice)).await, 200).await;
    expect_json(app.get_me(&bob_token).await, 200).await;
}

async fn forged_token_without_a_live_session_is_rejected(backend: Backend) {
    let (app, claims, _) = app_with_alice(backend).await;

    let mut unknown = claims.clone();
    unknown["sid"] = json!(uuid::Uuid::now_v7().to_string());
    assert_token_rejected(&app, &forge(&unknown)).await;

    for sid in [json!("not-a-uuid"), json!(42), Value::Null] {
        let mut malformed = claims.clone();
        malformed["sid"] = sid;
        assert_token_rejected(&app, &forge(&malformed)).await;
    }

    let mut without = claims;
    without.as_object_mut().unwrap().remove("sid");
    assert_token_rejected(&app, &forge(&without)).await;
}

async fn missing_or_malformed_authorization_is_rejected(backend: Backend) {
    let (app, _, token) = app_with_alice(backend).await;
    let me = app.url("/api/v1/users");

    let resp = app.client.get(&me).send().await.unwrap();
    assert_problem(resp, 401, "unauthorized").await;

    let malformed = [
        "Basic YWxpY2U6Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5".to_owned(),
        format!("Token {token}"),
        token.clone(),
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        "Bearer not-a-jwt".to_owned(),
        "Bearer a.b.c".to_owned(),
    ];
    for authorization in malformed {
        let resp = app
            .client
            .get(&me)
            .header("authorization", &authorization)
            .send()
            .await
            .unwrap();
        assert_problem(resp, 401, "unauthorized").await;
    }
}

async fn alg_none_token_is_rejected(backend: Backend) {
    let (app, claims, _) = app_with_alice(backend).await;

    for alg in ["none", "None", "NONE"] {
        let token = unsigned(&json!({ "alg": alg, "typ": "JWT" }), &claims);
        assert_token_rejected(&app, &token).await;
        assert_token_rejected(&app, token.trim_end_matches('.')).await;
    }
}

async fn hs256_token_keyed_with_the_public_key_is_rejected(backend: Backend) {
    let (app, claims, _) = app_with_alice(backend).await;
    // The classic algorithm confusion: HMAC keyed with the (public) RSA verification key.
    let key = EncodingKey::from_secret(KEYS.public_pem.as_bytes());

    let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap();

    assert_token_rejected(&app, &token).await;
}

async fn tampered_payload_is_rejected(backend: Backend) {
    let (app, alice, alice_token) = app_with_alice(backend).await;
    let (bob, _) = app.register_and_login("bob", "bob@example.com").await;
    let [header, _, signature]: [&str; 3] = alice_token
        .split('.')
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();

    // Alice's signed token, re-pointed at Bob.
    let mut claims = alice;
    claims["sub"] = bob["id"].clone();
    let tampered = format!(
        "{header}.{}.{signature}",
        base64url(claims.to_string().as_bytes())
    );
    assert_token_rejected(&app, &tampered).await;

    // One signature character changed (mid-way: the last one partly encodes padding bits).
    let payload = alice_token.split('.').nth(1).unwrap();
    let mut flipped = signature.to_owned().into_bytes();
    flipped[10] = if flipped[10] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    assert_token_rejected(&app, &format!("{header}.{payload}.{flipped}")).await;
}

async fn expired_token_is_rejected(backend: Backend) {
    let (app, mut claims, _) = app_with_alice(backend).await;
    claims["iat"] = json!(now_secs() - 25 * 60);
    claims["exp"] = json!(now_secs() - 10 * 60);

    assert_token_rejected(&app, &forge(&claims)).await;
}

async fn an_issued_token_expires_when_the_clock_passes_its_lifetime(backend: Backend) {
    let (app, _, token) = app_with_alice(backend).await;
    // 900 s of lifetime and 5 s of tolerated skew: still good at the edge, gone past it.
    app.clock.advance(Duration::from_secs(905));
    expect_json(app.get_me(&token).await, 200).await;
    app.clock.advance(Duration::from_secs(2));
    let body = assert_problem(app.get_me(&token).await, 401, "unauthorized").await;
    assert_eq!(body["detail"], "the token has expired", "{body}");
}

async fn token_for_another_audience_is_rejected(backend: Backend) {
    let (app, mut claims, _) = app_with_alice(backend).await;
    claims["aud"] = json!("some-other-api");
    assert_token_rejected(&app, &forge(&claims)).await;

    claims.as_object_mut().unwrap().remove("aud");
    assert_token_rejected(&app, &forge(&claims)).await;
}

async fn token_from_another_issuer_is_rejected(backend: Backend) {
    let (app, mut claims, _) = app_with_alice(backend).await;
    claims["iss"] = json!("https://evil.example");
    assert_token_rejected(&app, &forge(&claims)).await;

    claims.as_object_mut().unwrap().remove("iss");
    assert_token_rejected(&app, &forge(&claims)).await;
}

async fn token_signed_with_another_key_is_rejected(backend: Backend) {
    let (app, claims, _) = app_with_alice(backend).await;
    let other = KeyPair::generate(SigningAlgorithm::Rs256).expect("generate a second key pair");
    let key = EncodingKey::from_rsa_pem(other.private_pem.as_bytes()).unwrap();

    let token = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key).unwrap();

    assert_token_rejected(&app, &token).await;
}

async fn token_for_an_unknown_user_is_rejected(backend: Backend) {
    // Alice's live session, named with an id no account has.
    let (app, claims, _) = app_with_alice(backend).await;
    let sid = claims["sid"].as_str().unwrap();

    let never_existed = uuid::Uuid::now_v7().to_string();
    assert_token_rejected(&app, &forge(&valid_claims(&never_existed, sid))).await;
    assert_token_rejected(&app, &forge(&valid_claims("not-a-uuid", sid))).await;
}
