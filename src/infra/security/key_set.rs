//! The public keys that verify tokens, each named by its `kid` (its RFC 7638 thumbprint)
//! and bound to the one algorithm its kind serves: the current key and any retired ones
//! (of any kind), so tokens signed before a key or algorithm change keep working until they
//! expire. Also published as a JWK set (RFC 7517).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{
    DecodingKey,
    jwk::{AlgorithmParameters, Jwk, JwkSet, PublicKeyUse, ThumbprintHash},
};
use sha2::{Digest, Sha256};

use super::{keys::KeyError, signing::SigningAlgorithm};

/// A verifying key: its `kid`, the algorithm it alone verifies, the key.
pub(super) struct VerifyingKey {
    pub kid: String,
    pub algorithm: SigningAlgorithm,
    pub key: DecodingKey,
}

pub(crate) struct VerifyingKeys {
    /// The current key first.
    keys: Vec<VerifyingKey>,
    published: JwkSet,
}

impl VerifyingKeys {
    /// The current key and the retired ones, each with its algorithm.
    pub(super) fn new(
        current: (SigningAlgorithm, DecodingKey),
        retired: Vec<(SigningAlgorithm, DecodingKey)>,
    ) -> Result<Self, KeyError> {
        let mut keys = Vec::new();
        let mut published = JwkSet { keys: Vec::new() };
        for (algorithm, key) in std::iter::once(current).chain(retired) {
            let (kid, jwk) = describe(&key, algorithm)?;
            keys.push(VerifyingKey {
                kid,
                algorithm,
                key,
            });
            published.keys.push(jwk);
        }
        Ok(Self { keys, published })
    }

    /// The `kid` of the current key, which signs.
    pub(super) fn current_kid(&self) -> &str {
        &self.keys[0].kid
    }

    /// The key named `kid`; a token without one (issued before keys had ids) is checked
    /// against the current key.
    pub(super) fn find(&self, kid: Option<&str>) -> Option<&VerifyingKey> {
        match kid {
            None => self.keys.first(),
            Some(kid) => self.keys.iter().find(|key| key.kid == kid),
        }
    }

    /// Every algorithm some key verifies, the current one first.
    pub(super) fn algorithms(&self) -> impl Iterator<Item = SigningAlgorithm> + '_ {
        let mut seen = Vec::new();
        self.keys.iter().filter_map(move |key| {
            let new = !seen.contains(&key.algorithm);
            seen.push(key.algorithm);
            new.then_some(key.algorithm)
        })
    }

    pub(super) fn published(&self) -> &JwkSet {
        &self.published
    }
}

/// The key as a JWK (`kty`, `crv`, `alg`, `use`) with its thumbprint as `kid`.
fn describe(key: &DecodingKey, algorithm: SigningAlgorithm) -> Result<(String, Jwk), KeyError> {
    let mut jwk = Jwk::from_decoding_key(key, Some(algorithm.jwt())).map_err(KeyError::Jwk)?;
    let kid = match &jwk.algorithm {
        // jsonwebtoken has no RFC 8037 thumbprint: the required members, in order.
        AlgorithmParameters::OctetKeyPair(okp) => {
            let members = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, okp.x);
            URL_SAFE_NO_PAD.encode(Sha256::digest(members.as_bytes()))
        }
        _ => jwk
            .thumbprint(ThumbprintHash::SHA256)
            .map_err(KeyError::Jwk)?,
    };
    jwk.common.key_id = Some(kid.clone());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    Ok((kid, jwk))
}
