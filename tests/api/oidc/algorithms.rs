//! `JWT_ALGORITHM`: ES256 and EdDSA end to end with keys made by the openssl commands of
//! `.certs.example/README.md`; the `openidconnect` crate verifies each kind of id_token
//! (signature by the JWKS key, `at_hash` by the algorithm's hash); a move from RS256 to ES256
//! keeps the RS256 tokens working; and no token can switch a key to another algorithm.

use std::{path::PathBuf, process::Command};

use jsonwebtoken::{Algorithm, EncodingKey, Header, decode_header};
use openidconnect::{OAuth2TokenResponse, TokenResponse};
use serde_json::{Value, json};
use tempfile::TempDir;

use super::{
    Browser, Rp,
    relying_party::{authorization, discovered, exchange, http_client},
    sign_in,
};
use crate::helpers::{
    Backend, KEYS, TestApp, assert_token_rejected, expect_json, payload_of,
    spawn_app_at_own_issuer_with, valid_claims,
};
use accounts_api::infra::security::SigningAlgorithm;

both_backends!(es256_end_to_end, eddsa_end_to_end);

/// A key pair made with openssl, as the README tells an operator.
struct OpensslPair {
    _dir: TempDir,
    private: PathBuf,
    public: PathBuf,
}

fn openssl_pair(algorithm: SigningAlgorithm) -> OpensslPair {
    let dir = TempDir::new().unwrap();
    let (private, public) = (dir.path().join("key.pem"), dir.path().join("pub.pem"));
    let kind: &[&str] = match algorithm {
        SigningAlgorithm::Rs256 => &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        SigningAlgorithm::Es256 => &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        SigningAlgorithm::EdDsa => &["-algorithm", "ed25519"],
    };
    let made = Command::new("openssl")
        .arg("genpkey")
        .args(kind)
        .arg("-out")
        .arg(&private)
        .status()
        .expect("openssl is installed");
    assert!(made.success());
    let public_made = Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&private)
        .arg("-out")
        .arg(&public)
        .status()
        .unwrap();
    assert!(public_made.success());
    OpensslPair {
        _dir: dir,
        private,
        public,
    }
}

/// The JWKS key named `kid`.
async fn published(app: &TestApp, kid: &str) -> Value {
    let set = app
        .client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    let set = expect_json(set, 200).await;
    let keys = set["keys"].as_array().unwrap();
    keys.iter()
        .find(|key| key["kid"] == kid)
        .cloned()
        .expect("the kid is published")
}

/// An app signing with `algorithm` and a fresh openssl pair: the access token's header alg,
/// the published key, the API accepting the token, and a code flow whose id_token the
/// `openidconnect` crate verifies.
async fn end_to_end(backend: Backend, algorithm: SigningAlgorithm, shape: Value) {
    let pair = openssl_pair(algorithm);
    let app = spawn_app_at_own_issuer_with(backend, |s| {
        s.jwt.algorithm = algorithm;
        s.jwt.private_key_path = pair.private.clone();
        s.jwt.public_key_path = pair.public.clone();
    })
    .await;
    let (_, token) = app.alice().await;
    let header = decode_header(&token).unwrap();
    assert_eq!(header.alg, algorithm.jwt());
    let key = published(&app, header.kid.as_deref().unwrap()).await;
    for (field, value) in shape.as_object().unwrap() {
        assert_eq!(&key[field], value, "{key}");
    }
    assert_eq!(key["alg"], algorithm.to_string());
    expect_json(app.get_me(&token).await, 200).await;

    let rp = Rp::register(&app, json!({})).await;
    let http = http_client();
    let client = discovered(&app, &rp, &http).await;
    let (url, _, nonce, verifier) = authorization(&client, &["email"]);
    let back = sign_in(&app, &mut Browser::new(), url.as_str()).await;
    let tokens = exchange(&client, &http, &back["code"], verifier).await;
    let id_token = tokens.id_token().unwrap();
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .expect("the crate verifies the id_token with the published key");
    let at_hash = openidconnect::AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&client.id_token_verifier()).unwrap(),
    )
    .unwrap();
    assert_eq!(claims.access_token_hash(), Some(&at_hash));
}

async fn es256_end_to_end(backend: Backend) {
    let shape = json!({"kty": "EC", "crv": "P-256", "use": "sig"});
    end_to_end(backend, SigningAlgorithm::Es256, shape).await;
}

async fn eddsa_end_to_end(backend: Backend) {
    let shape = json!({"kty": "OKP", "crv": "Ed25519", "use": "sig"});
    end_to_end(backend, SigningAlgorithm::EdDsa, shape).await;
}

/// RS256 today, ES256 tomorrow with the RSA key retired: a token of yesterday still works,
/// new ones are ES256, both keys are published; no token makes a key verify another
/// algorithm.
#[tokio::test]
async fn a_move_from_rs256_to_es256_keeps_the_rs256_tokens_and_allows_no_alg_confusion() {
    let rs256 = crate::helpers::spawn_app(Backend::Sqlite).await;
    let (alice, old) = rs256.alice().await;
    let pair = openssl_pair(SigningAlgorithm::Es256);
    let es256 = rs256
        .second_instance_with(|s| {
            s.jwt.algorithm = SigningAlgorithm::Es256;
            s.jwt.retired_public_key_paths = vec![s.jwt.public_key_path.clone()];
            s.jwt.private_key_path = pair.private.clone();
            s.jwt.public_key_path = pair.public.clone();
        })
        .await;
    expect_json(es256.get_me(&old).await, 200).await;
    let new = es256.token_for("alice", crate::helpers::PASSWORD).await;
    assert_eq!(decode_header(&new).unwrap().alg, Algorithm::ES256);
    let (rsa_kid, ec_kid) = (kid_of(&old), kid_of(&new));
    assert_eq!(published(&es256, &rsa_kid).await["kty"], "RSA");
    assert_eq!(published(&es256, &ec_kid).await["kty"], "EC");

    // The same claims, under headers that try to make a key verify what it does not.
    let claims = valid_claims(
        alice["id"].as_str().unwrap(),
        payload_of(&old)["sid"].as_str().unwrap(),
    );
    let rsa = EncodingKey::from_rsa_pem(KEYS.private_pem.as_bytes()).unwrap();
    let signed = |alg: Algorithm, kid: &str, key: &EncodingKey| {
        let header = Header {
            kid: Some(kid.to_owned()),
            ..Header::new(alg)
        };
        jsonwebtoken::encode(&header, &claims, key).unwrap()
    };
    // The retired RSA key's own tokens pass; the same signature naming the EC key does not.
    expect_json(
        es256
            .get_me(&signed(Algorithm::RS256, &rsa_kid, &rsa))
            .await,
        200,
    )
    .await;
    assert_token_rejected(&es256, &signed(Algorithm::RS256, &ec_kid, &rsa)).await;
    // HS256 keyed with the published RSA public key (the classic confusion).
    let hmac = EncodingKey::from_secret(KEYS.public_pem.as_bytes());
    assert_token_rejected(&es256, &signed(Algorithm::HS256, &rsa_kid, &hmac)).await;
    // An RS256 signature labelled ES256, for either key.
    let relabelled = relabel(&signed(Algorithm::RS256, &rsa_kid, &rsa), "ES256");
    assert_token_rejected(&es256, &relabelled).await;
}

fn kid_of(token: &str) -> String {
    decode_header(token).unwrap().kid.unwrap()
}

/// `token` with its header's `alg` replaced, the signature kept.
fn relabel(token: &str, alg: &str) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let mut parts = token.splitn(2, '.');
    let header = URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap();
    let mut header: Value = serde_json::from_slice(&header).unwrap();
    header["alg"] = json!(alg);
    let header = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).unwrap());
    format!("{header}.{}", parts.next().unwrap())
}
