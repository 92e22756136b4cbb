use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha512};

use crate::{
    domain::oauth::Scope,
    infra::{
        db::entities::{oauth_authorization_code as code, user},
        security::{SigningAlgorithm, TokenError, TokenService},
    },
    services::oidc::scoped_claims,
};

/// An id_token's claims (OpenID Connect Core §2, §3.1.3.6).
#[derive(Serialize)]
struct IdTokenClaims<'a> {
    iss: &'a str,
    sub: String,
    aud: String,
    exp: i64,
    iat: i64,
    auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    amr: Vec<&'a str>,
    /// The browser session the sign-in opened (front- and back-channel logout name it).
    sid: String,
    at_hash: String,
    /// The claims of the granted scopes.
    #[serde(flatten)]
    scoped: Map<String, Value>,
}

/// What the id_token says: the account, the redeemed code (its client, nonce, session and
/// sign-in time), how the sign-in was proven and the access token issued beside it.
pub(super) struct IdToken<'a> {
    pub account: &'a user::Model,
    pub code: &'a code::Model,
    pub scopes: &'a [Scope],
    pub amr: &'a str,
    pub access_token: &'a str,
    pub now: DateTime<Utc>,
}

impl IdToken<'_> {
    /// The id_token, signed like the access tokens (`JWT_ALGORITHM`, the JWKS's current
    /// `kid`), living as long as an access token.
    pub(super) fn sign(&self, tokens: &TokenService) -> Result<String, TokenError> {
        let mut scoped = scoped_claims(self.account, self.scopes);
        scoped.remove("sub");
        let ttl = i64::try_from(tokens.access_token_ttl().as_secs()).unwrap_or(i64::MAX);
        let iat = self.now.timestamp();
        let claims = IdTokenClaims {
            iss: tokens.issuer(),
            sub: self.account.id.to_string(),
            aud: self.code.client_id.to_string(),
            exp: iat.saturating_add(ttl),
            iat,
            auth_time: self.code.auth_time.timestamp(),
            nonce: self.code.nonce.as_deref(),
            amr: self.amr.split_whitespace().collect(),
            sid: self.code.session_id.to_string(),
            at_hash: at_hash(self.access_token, tokens.algorithm()),
            scoped,
        };
        tokens.sign(&claims)
    }
}

/// `at_hash`: the left half of the access token's hash by the id_token algorithm's hash,
/// base64url: SHA-256 for RS256 and ES256, SHA-512 for EdDSA with Ed25519 (as certified
/// relying parties compute it).
fn at_hash(access_token: &str, algorithm: SigningAlgorithm) -> String {
    let bytes = access_token.as_bytes();
    match algorithm {
        SigningAlgorithm::Rs256 | SigningAlgorithm::Es256 => {
            URL_SAFE_NO_PAD.encode(&Sha256::digest(bytes)[..16])
        }
        SigningAlgorithm::EdDsa => URL_SAFE_NO_PAD.encode(&Sha512::digest(bytes)[..32]),
    }
}

#[cfg(test)]
mod tests {
    use super::at_hash;
    use crate::infra::security::SigningAlgorithm;

    #[test]
    fn at_hash_is_the_left_half_of_the_algorithms_hash() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223 b00361a396177a9cb410ff61f20015ad.
        for algorithm in [SigningAlgorithm::Rs256, SigningAlgorithm::Es256] {
            assert_eq!(at_hash("abc", algorithm), "ungWv48Bz-pBQUDeXa4iIw");
        }
        // SHA-512("abc") begins ddaf35a193617aba cc417349ae204131 12e6fa4e89a97ea2 0a9eeee64b55d39a.
        assert_eq!(
            at_hash("abc", SigningAlgorithm::EdDsa),
            "3a81oZNherrMQXNJriBBMRLm-k6JqX6iCp7u5ktV05o"
        );
    }
}
