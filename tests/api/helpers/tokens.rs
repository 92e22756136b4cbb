//! Tokens made or taken apart by the tests: forged claims, JWT payloads.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use uuid::Uuid;

use super::*;

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// Claims the app would accept for `sub` in its live session `sid` (take it from a real
/// login with `payload_of`): right issuer and audience, valid for 15 minutes.
pub fn valid_claims(sub: &str, sid: &str) -> Value {
    let now = now_secs();
    json!({
        "sub": sub,
        "sid": sid,
        "iat": now,
        "exp": now + 900,
        "jti": Uuid::now_v7().to_string(),
        "iss": ISSUER,
        "aud": AUDIENCE,
    })
}

/// Signs `claims` with RS256 and the test binary's private key, as the app does.
pub fn forge(claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(KEYS.private_pem.as_bytes()).expect("the test private key");
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &key).expect("sign the claims")
}

/// The payload of a JWT, decoded without any check: what the app put in it.
pub fn payload_of(token: &str) -> Value {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let payload = token.split('.').nth(1).expect("a JWS compact token");
    let json = URL_SAFE_NO_PAD
        .decode(payload)
        .expect("a base64url payload");
    serde_json::from_slice(&json).expect("a JSON payload")
}

/// Unpadded base64url, as JWT segments are written.
pub fn base64url(bytes: &[u8]) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Asserts that the app refuses `refresh_token` (401 `invalid-refresh-token`); the problem.
pub async fn assert_refresh_refused(app: &TestApp, refresh_token: &str) -> Value {
    assert_problem(
        app.refresh(refresh_token).await,
        401,
        "invalid-refresh-token",
    )
    .await
}

/// `REFRESH_TOKEN_REUSE_GRACE` as the test apps have it (the default).
pub fn reuse_grace() -> std::time::Duration {
    accounts_api::infra::security::SessionSettings::default().reuse_grace
}

/// Asserts that the app refuses `token` as `unauthorized` on `GET /api/v1/users`.
pub async fn assert_token_rejected(app: &TestApp, token: &str) {
    assert_problem(app.get_me(token).await, 401, "unauthorized").await;
}
