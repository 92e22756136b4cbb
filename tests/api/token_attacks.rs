//! Bearer tokens the API must refuse. Each attack starts from a token the app would accept
//! (`forged_token_with_valid_claims_is_accepted` proves the forging works) and breaks one
//! thing.

use std::time::Duration;

use accounts_api::infra::security::RsaKeyPair;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{
    Backend, KEYS, TestApp, assert_problem, assert_token_rejected, base64url, expect_json, forge,
    now_secs, spawn_app, valid_claims,
};

both_backends!(
    forged_token_with_valid_claims_is_accepted,
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

/// An app with `alice` registered; returns her id and a genuine token.
async fn app_with_alice(backend: Backend) -> (TestApp, String, String) {
    let app = spawn_app(backend).await;
    let (user, token) = app.alice().await;
    let id = user["id"].as_str().unwrap().to_owned();
    (app, id, token)
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
    let (app, id, _) = app_with_alice(backend).await;

    let me = expect_json(app.get_me(&forge(&valid_claims(&id))).await, 200).await;

    assert_eq!(me["id"], id.as_str());
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
    let (app, id, _) = app_with_alice(backend).await;
    let claims = valid_claims(&id);

    for alg in ["none", "None", "NONE"] {
        let token = unsigned(&json!({ "alg": alg, "typ": "JWT" }), &claims);
        assert_token_rejected(&app, &token).await;
        assert_token_rejected(&app, token.trim_end_matches('.')).await;
    }
}

async fn hs256_token_keyed_with_the_public_key_is_rejected(backend: Backend) {
    let (app, id, _) = app_with_alice(backend).await;
    // The classic algorithm confusion: HMAC keyed with the (public) RSA verification key.
    let key = EncodingKey::from_secret(KEYS.public_pem.as_bytes());

    let token =
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &valid_claims(&id), &key).unwrap();

    assert_token_rejected(&app, &token).await;
}

async fn tampered_payload_is_rejected(backend: Backend) {
    let (app, alice_id, alice_token) = app_with_alice(backend).await;
    let (bob, _) = app.register_and_login("bob", "bob@example.com").await;
    let [header, _, signature]: [&str; 3] = alice_token
        .split('.')
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();

    // Alice's signed token, re-pointed at Bob.
    let mut claims = valid_claims(&alice_id);
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
    let (app, id, _) = app_with_alice(backend).await;
    let mut claims = valid_claims(&id);
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
    let (app, id, _) = app_with_alice(backend).await;
    let mut claims = valid_claims(&id);
    claims["aud"] = json!("some-other-api");
    assert_token_rejected(&app, &forge(&claims)).await;

    claims.as_object_mut().unwrap().remove("aud");
    assert_token_rejected(&app, &forge(&claims)).await;
}

async fn token_from_another_issuer_is_rejected(backend: Backend) {
    let (app, id, _) = app_with_alice(backend).await;
    let mut claims = valid_claims(&id);
    claims["iss"] = json!("https://evil.example");
    assert_token_rejected(&app, &forge(&claims)).await;

    claims.as_object_mut().unwrap().remove("iss");
    assert_token_rejected(&app, &forge(&claims)).await;
}

async fn token_signed_with_another_key_is_rejected(backend: Backend) {
    let (app, id, _) = app_with_alice(backend).await;
    let other = RsaKeyPair::generate().expect("generate a second key pair");
    let key = EncodingKey::from_rsa_pem(other.private_pem.as_bytes()).unwrap();

    let token =
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &valid_claims(&id), &key).unwrap();

    assert_token_rejected(&app, &token).await;
}

async fn token_for_an_unknown_user_is_rejected(backend: Backend) {
    let (app, _, _) = app_with_alice(backend).await;

    let never_existed = uuid::Uuid::now_v7().to_string();
    assert_token_rejected(&app, &forge(&valid_claims(&never_existed))).await;
    assert_token_rejected(&app, &forge(&valid_claims("not-a-uuid"))).await;
}
