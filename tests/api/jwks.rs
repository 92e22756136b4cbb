//! `GET /.well-known/jwks.json` and key rotation: tokens name their key by `kid`, the key
//! set publishes every key that verifies, retired keys keep their tokens working, and an
//! RS256 check written independently of the server's JWT library accepts its tokens.

use std::path::PathBuf;

use accounts_api::infra::security::{KeyPair, SigningAlgorithm};
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header,
    jwk::{Jwk, JwkSet},
};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::helpers::{
    AUDIENCE, Backend, ISSUER, KEYS, TestApp, assert_token_rejected, base64url, expect_json,
    header, now_secs, payload_of, spawn_app, spawn_app_with, valid_claims,
};

async fn key_set(app: &TestApp) -> (JwkSet, String) {
    let resp = app
        .client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    let cache = header(resp.headers(), "cache-control");
    let body = expect_json(resp, 200).await;
    (serde_json::from_value(body).expect("a JWK set"), cache)
}

fn claims_of(token: &str, jwk: &Jwk) -> Value {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[AUDIENCE]);
    let key = DecodingKey::from_jwk(jwk).expect("an RSA JWK");
    decode::<Value>(token, &key, &validation)
        .expect("the published key verifies the token")
        .claims
}

#[tokio::test]
async fn the_published_key_verifies_the_tokens_that_name_it() {
    let app = spawn_app(Backend::Sqlite).await;
    let (user, token) = app.alice().await;
    let (set, cache) = key_set(&app).await;

    assert_eq!(cache, "public, max-age=300");
    assert_eq!(set.keys.len(), 1, "one key pair, no retired ones");
    let kid = decode_header(&token)
        .unwrap()
        .kid
        .expect("the token names its key");
    let jwk = set.find(&kid).expect("the token's kid is published");
    assert_eq!(
        jwk.thumbprint(jsonwebtoken::jwk::ThumbprintHash::SHA256)
            .unwrap(),
        kid,
        "the kid is the key's RFC 7638 thumbprint"
    );
    assert_eq!(claims_of(&token, jwk)["sub"], user["id"]);
}

/// A second key pair on disk, as an operator rotating keys would have.
struct NewPair {
    _dir: TempDir,
    private: PathBuf,
    public: PathBuf,
}

fn new_pair() -> NewPair {
    let pair = KeyPair::generate(SigningAlgorithm::Rs256).unwrap();
    let dir = TempDir::new().unwrap();
    let (private, public) = (dir.path().join("new.pem"), dir.path().join("new-pub.pem"));
    std::fs::write(&private, pair.private_pem).unwrap();
    std::fs::write(&public, pair.public_pem).unwrap();
    NewPair {
        _dir: dir,
        private,
        public,
    }
}

/// A token the old key (the test pair) signed, naming it by its kid, for the session of the
/// access token `current` (signed with the new key).
fn token_of_the_old_key(sub: &str, current: &str) -> String {
    let old = DecodingKey::from_rsa_pem(KEYS.public_pem.as_bytes()).unwrap();
    let jwk = Jwk::from_decoding_key(&old, Some(Algorithm::RS256)).unwrap();
    let header = Header {
        kid: Some(
            jwk.thumbprint(jsonwebtoken::jwk::ThumbprintHash::SHA256)
                .unwrap(),
        ),
        ..Header::new(Algorithm::RS256)
    };
    let key = EncodingKey::from_rsa_pem(KEYS.private_pem.as_bytes()).unwrap();
    let sid = payload_of(current)["sid"].as_str().unwrap().to_owned();
    jsonwebtoken::encode(&header, &valid_claims(sub, &sid), &key).unwrap()
}

#[tokio::test]
async fn after_a_rotation_the_retired_key_still_verifies_its_tokens() {
    let pair = new_pair();
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.jwt.retired_public_key_paths = vec![s.jwt.public_key_path.clone()];
        s.jwt.private_key_path = pair.private.clone();
        s.jwt.public_key_path = pair.public.clone();
    })
    .await;
    let (user, new_token) = app.alice().await;
    let old_token = token_of_the_old_key(user["id"].as_str().unwrap(), &new_token);

    expect_json(app.get_me(&old_token).await, 200).await;
    expect_json(app.get_me(&new_token).await, 200).await;
    let (set, _) = key_set(&app).await;
    assert_eq!(set.keys.len(), 2, "the current key and the retired one");
    let new_kid = decode_header(&new_token).unwrap().kid.unwrap();
    let old_kid = decode_header(&old_token).unwrap().kid.unwrap();
    assert_ne!(new_kid, old_kid, "new tokens are signed with the new key");
    assert_eq!(set.keys[0].common.key_id.as_deref(), Some(new_kid.as_str()));
    assert!(set.find(&old_kid).is_some());
}

#[tokio::test]
async fn without_the_retired_key_its_tokens_and_unknown_kids_are_refused() {
    let pair = new_pair();
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.jwt.private_key_path = pair.private.clone();
        s.jwt.public_key_path = pair.public.clone();
    })
    .await;
    let (user, token) = app.alice().await;
    let old_token = token_of_the_old_key(user["id"].as_str().unwrap(), &token);
    assert_token_rejected(&app, &old_token).await;
}

/// RS256 checked by hand, sharing none of the server's JWT code (jsonwebtoken) and only the
/// RSA primitive with it: the key rebuilt from the published JWK's `n` and `e`, PKCS#1 v1.5
/// over the SHA-256 of `header.payload`; the claims, once the signature holds, as plain JSON.
fn verify_independently(token: &str, key_set: &Value) -> Result<Value, String> {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
    use sha2::{Digest, Sha256};

    let b64 = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|e| e.to_string());
    let json = |bytes: Vec<u8>| serde_json::from_slice::<Value>(&bytes).map_err(|e| e.to_string());
    let [head, payload, signature]: [&str; 3] = token
        .split('.')
        .collect::<Vec<_>>()
        .try_into()
        .map_err(|_| "not three segments")?;
    let header = json(b64(head)?)?;
    if header["alg"] != "RS256" {
        return Err(format!("alg {}", header["alg"]));
    }
    let jwk = key_set["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["kid"] == header["kid"]))
        .ok_or("no published key has the token's kid")?;
    if jwk["kty"] != "RSA" {
        return Err(format!("kty {}", jwk["kty"]));
    }
    let number = |field: &str| {
        let text = jwk[field].as_str().ok_or(format!("no {field}"))?;
        Ok::<_, String>(BigUint::from_bytes_be(&b64(text)?))
    };
    let key = RsaPublicKey::new(number("n")?, number("e")?).map_err(|e| e.to_string())?;
    let digest = Sha256::digest(format!("{head}.{payload}").as_bytes());
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &b64(signature)?)
        .map_err(|e| format!("bad signature: {e}"))?;
    json(b64(payload)?)
}

#[tokio::test]
async fn an_independent_rs256_check_verifies_access_tokens_with_the_published_key() {
    let app = spawn_app(Backend::Sqlite).await;
    let (user, token) = app.alice().await;
    let key_set = expect_json(
        app.client
            .get(app.url("/.well-known/jwks.json"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;

    let claims = verify_independently(&token, &key_set).expect("the token verifies");

    assert_eq!(claims["sub"], user["id"]);
    assert_eq!(claims["sid"], app.sessions().await[0].id.to_string());
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["aud"], AUDIENCE);
    let (iat, exp) = (
        claims["iat"].as_u64().unwrap(),
        claims["exp"].as_u64().unwrap(),
    );
    assert_eq!(exp - iat, 900);
    assert!(iat.abs_diff(now_secs()) < 300, "iat {iat} is now");

    // The check is not vacuous: another payload under the same signature fails it, and so
    // does the token checked against another key published under its kid.
    let [head, _, signature]: [&str; 3] = token.split('.').collect::<Vec<_>>().try_into().unwrap();
    let mut forged = claims.clone();
    forged["sub"] = json!(uuid::Uuid::now_v7().to_string());
    let tampered = format!(
        "{head}.{}.{signature}",
        base64url(forged.to_string().as_bytes())
    );
    assert!(verify_independently(&tampered, &key_set).is_err());
    let other = KeyPair::generate(SigningAlgorithm::Rs256).unwrap();
    let other = DecodingKey::from_rsa_pem(other.public_pem.as_bytes()).unwrap();
    let mut other =
        serde_json::to_value(Jwk::from_decoding_key(&other, Some(Algorithm::RS256)).unwrap())
            .unwrap();
    other["kid"] = key_set["keys"][0]["kid"].clone();
    assert!(verify_independently(&token, &json!({ "keys": [other] })).is_err());
}
