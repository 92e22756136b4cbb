use std::sync::Arc;

use chrono::{DateTime, Utc};
use jsonwebtoken::{EncodingKey, Header, Validation, errors::ErrorKind, jwk::JwkSet};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::Permission;

use super::{
    JwtSettings, OneTimeToken,
    key_set::VerifyingKeys,
    keys::{KeyError, read_public_key},
    signing::{KeyPair, SigningAlgorithm},
};

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Claims {
    pub sub: Uuid,
    /// The session the token belongs to; the token is honoured only while it is live.
    pub sid: Uuid,
    pub iat: u64,
    pub exp: u64,
    pub jti: Uuid,
    pub iss: String,
    pub aud: String,
    /// The account's permissions when the session opened or last refreshed, for services
    /// that verify with the JWKS (this one reads them fresh on every request).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// The same permissions as the standard space-separated `scope` claim (RFC 8693);
    /// absent when there are none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// How the session's login proved itself (RFC 8176: `pwd`, ...); kept by every refresh.
    #[serde(default)]
    pub amr: Vec<String>,
    /// When the session's login happened (seconds since the epoch, OpenID Connect's
    /// `auth_time`); kept by every refresh.
    #[serde(default)]
    pub auth_time: u64,
}

/// What an access token says of its session: its id, and how and when its login proved
/// itself.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SessionClaims<'a> {
    pub id: Uuid,
    /// RFC 8176 method values, space-separated.
    pub amr: &'a str,
    pub auth_time: DateTime<Utc>,
}

/// What an id_token names: the account, the client and the browser session.
#[derive(Debug, Deserialize)]
pub(crate) struct IdTokenHint {
    pub sub: Uuid,
    pub aud: Uuid,
    pub sid: Uuid,
}

/// A signed access token and its lifetime in seconds.
pub(crate) struct AccessToken {
    pub token: String,
    pub expires_in: u64,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum TokenError {
    #[error("the token has expired")]
    Expired,
    #[error("the token is invalid")]
    Invalid,
    #[error("cannot sign a token: {0}")]
    Sign(jsonwebtoken::errors::Error),
}

/// Separates the successor key from any other use of the signing key's bytes.
const SUCCESSOR_KEY_CONTEXT: &[u8] = b"accounts-api refresh-token successor v1\0";
/// Clock skew tolerated on `exp`, in seconds.
const LEEWAY_SECS: u64 = 5;
/// Verified tokens remembered at most (about 1 KB each).
const VERIFIED_CAPACITY: u64 = 10_000;

/// Signs access tokens and id_tokens with `JWT_ALGORITHM`'s key, and verifies them with the
/// key their `kid` names, by that key's algorithm alone (no `alg` confusion).
pub(crate) struct TokenService {
    algorithm: SigningAlgorithm,
    encoding: EncodingKey,
    keys: VerifyingKeys,
    /// The access-token checks, one per algorithm some key verifies.
    validations: Vec<(SigningAlgorithm, Validation)>,
    settings: JwtSettings,
    /// `JWT_ISSUER`, or its default when unset.
    issuer: String,
    /// Tokens whose signature, issuer and audience passed, with their claims: a client sends
    /// one access token for its whole lifetime, and the RS256 check was the costliest step
    /// of an authenticated request. Keyed by the whole token, so only the exact text that
    /// passed is found; expiry is checked on every use.
    verified: moka::sync::Cache<String, Arc<Claims>>,
    /// Derives a spent refresh token's successor (`successor_of`), keyed by the signing key
    /// so that every instance sharing the key derives the same one.
    successors: ring::hmac::Key,
}

impl TokenService {
    /// Loads the key pair named in `settings`, for tokens that `issuer` signs. When neither
    /// file exists and `allow_generated` holds (anything but production), makes a throw-away
    /// pair and says so.
    pub(crate) fn load(
        settings: &JwtSettings,
        issuer: String,
        allow_generated: bool,
    ) -> Result<Self, KeyError> {
        super::ring_crypto::install();
        let algorithm = settings.algorithm;
        let (private_path, public_path) = (&settings.private_key_path, &settings.public_key_path);
        let pair = if allow_generated && !private_path.exists() && !public_path.exists() {
            tracing::warn!(
                private_key = %private_path.display(),
                "no JWT key files: using a throw-away key pair; tokens die with this process"
            );
            KeyPair::generate(algorithm)?
        } else {
            KeyPair::read(private_path, public_path)?
        };
        let successors = ring::hmac::Key::new(
            ring::hmac::HMAC_SHA256,
            &Sha256::new()
                .chain_update(SUCCESSOR_KEY_CONTEXT)
                .chain_update(pair.private_pem.as_bytes())
                .finalize(),
        );
        let (encoding, decoding) = pair.into_keys(algorithm, private_path, public_path)?;
        let retired = settings
            .retired_public_key_paths
            .iter()
            .map(|path| read_public_key(path))
            .collect::<Result<_, _>>()?;
        let keys = VerifyingKeys::new((algorithm, decoding), retired)?;
        let validations = keys
            .algorithms()
            .map(|kind| {
                let mut validation = Validation::new(kind.jwt());
                validation.set_issuer(&[&issuer]);
                validation.set_audience(&[&settings.audience]);
                validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
                // Expiry is checked against the clock in `verify`, not the system time.
                validation.validate_exp = false;
                (kind, validation)
            })
            .collect();
        let verified = moka::sync::Cache::builder()
            .max_capacity(VERIFIED_CAPACITY)
            .time_to_live(settings.access_token_ttl + std::time::Duration::from_secs(LEEWAY_SECS))
            .build();
        Ok(Self {
            algorithm,
            encoding,
            keys,
            validations,
            settings: settings.clone(),
            issuer,
            verified,
            successors,
        })
    }

    /// The refresh token that follows `spent` in its session: derived, not random, so a
    /// replay of `spent` inside the reuse grace gets the same successor again instead of a
    /// chain of its own.
    pub(crate) fn successor_of(&self, spent: &str) -> OneTimeToken {
        OneTimeToken::derive(&self.successors, spent)
    }

    /// A token for `user_id` in `session`, carrying `permissions`, issued at `now`.
    pub(crate) fn issue(
        &self,
        user_id: Uuid,
        session: SessionClaims<'_>,
        permissions: &[Permission],
        now: DateTime<Utc>,
    ) -> Result<AccessToken, TokenError> {
        let permissions: Vec<String> = permissions.iter().map(ToString::to_string).collect();
        let now = now.timestamp().max(0) as u64;
        let ttl = self.settings.access_token_ttl.as_secs();
        let claims = Claims {
            sub: user_id,
            sid: session.id,
            iat: now,
            exp: now + ttl,
            jti: Uuid::now_v7(),
            iss: self.issuer.clone(),
            aud: self.settings.audience.clone(),
            scope: permissions.join(" "),
            permissions,
            amr: session.amr.split_whitespace().map(str::to_owned).collect(),
            auth_time: session.auth_time.timestamp().max(0) as u64,
        };
        let token = self.sign(&claims)?;
        Ok(AccessToken {
            token,
            expires_in: ttl,
        })
    }

    /// `claims` signed with the current key, its `kid` in the header (as in the JWKS).
    pub(crate) fn sign(&self, claims: &impl Serialize) -> Result<String, TokenError> {
        let header = Header {
            kid: Some(self.keys.current_kid().to_owned()),
            ..Header::new(self.algorithm.jwt())
        };
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(TokenError::Sign)
    }

    /// `ACCESS_TOKEN_TTL`.
    pub(crate) fn access_token_ttl(&self) -> std::time::Duration {
        self.settings.access_token_ttl
    }

    /// What an id_token this service signed says of its sign-in (`sub`, `aud`, `sid`),
    /// expired or not, for RP-initiated logout's `id_token_hint`; `None` for anything else.
    pub(crate) fn id_token_hint(&self, token: &str) -> Option<IdTokenHint> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        let key = self.keys.find(header.kid.as_deref())?;
        let mut validation = Validation::new(key.algorithm.jwt());
        validation.set_issuer(&[&self.issuer]);
        validation.validate_aud = false;
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["sub", "iss", "aud"]);
        let decoded = jsonwebtoken::decode::<IdTokenHint>(token, &key.key, &validation).ok()?;
        Some(decoded.claims)
    }

    /// The claims of a token signed by us for our issuer and audience, unexpired at `now`.
    pub(crate) fn verify(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Arc<Claims>, TokenError> {
        let claims = match self.verified.get(token) {
            Some(claims) => claims,
            None => {
                let claims = Arc::new(self.check_signature(token)?);
                self.verified.insert(token.to_owned(), claims.clone());
                claims
            }
        };
        let now = now.timestamp().max(0) as u64;
        if claims.exp.saturating_add(LEEWAY_SECS) < now {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }

    /// The claims of `token` if one of our keys signed it, for our issuer and audience.
    fn check_signature(&self, token: &str) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        let key = self
            .keys
            .find(header.kid.as_deref())
            .ok_or(TokenError::Invalid)?;
        let (_, validation) = (self.validations.iter())
            .find(|(kind, _)| *kind == key.algorithm)
            .ok_or(TokenError::Invalid)?;
        jsonwebtoken::decode::<Claims>(token, &key.key, validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }

    /// `JWT_ALGORITHM`: how new tokens are signed.
    pub(crate) fn algorithm(&self) -> SigningAlgorithm {
        self.algorithm
    }

    /// `JWT_ISSUER`: the `iss` of every token.
    pub(crate) fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The public keys that verify tokens, as a JWK set.
    pub(crate) fn public_keys(&self) -> &JwkSet {
        self.keys.published()
    }
}

#[cfg(test)]
mod tests;
