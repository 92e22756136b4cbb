//! `GET /.well-known/jwks.json` and key rotation: tokens name their key by `kid`, the key
//! set publishes every key that verifies, and retired keys keep their tokens working.

use std::path::PathBuf;

use accounts_api::infra::security::RsaKeyPair;
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header,
    jwk::{Jwk, JwkSet},
};
use serde_json::Value;
use tempfile::TempDir;

use crate::helpers::{
    AUDIENCE, Backend, KEYS, TestApp, assert_token_rejected, expect_json, header, spawn_app,
    spawn_app_with, valid_claims,
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
    let pair = RsaKeyPair::generate().unwrap();
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

/// A token the old key (the test pair) signed, naming it by its kid.
fn token_of_the_old_key(sub: &str) -> String {
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
    jsonwebtoken::encode(&header, &valid_claims(sub), &key).unwrap()
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
    let old_token = token_of_the_old_key(user["id"].as_str().unwrap());

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
    let (user, _) = app.alice().await;
    let old_token = token_of_the_old_key(user["id"].as_str().unwrap());
    assert_token_rejected(&app, &old_token).await;
}
