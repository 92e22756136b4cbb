//! The public keys that verify access tokens, each named by its `kid` (its RFC 7638
//! thumbprint): the current key and any retired ones, so tokens signed before a key
//! rotation keep working until they expire. Also published as a JWK set (RFC 7517).

use jsonwebtoken::{
    Algorithm, DecodingKey,
    jwk::{Jwk, JwkSet, PublicKeyUse, ThumbprintHash},
};

use super::keys::KeyError;

pub(crate) struct VerifyingKeys {
    /// The current key first.
    keys: Vec<(String, DecodingKey)>,
    published: JwkSet,
}

impl VerifyingKeys {
    /// The current key and the retired ones.
    pub(super) fn new(current: DecodingKey, retired: Vec<DecodingKey>) -> Result<Self, KeyError> {
        let mut keys = Vec::new();
        let mut published = JwkSet { keys: Vec::new() };
        for key in std::iter::once(current).chain(retired) {
            let (kid, jwk) = describe(&key)?;
            keys.push((kid, key));
            published.keys.push(jwk);
        }
        Ok(Self { keys, published })
    }

    /// The `kid` of the current key, which signs.
    pub(super) fn current_kid(&self) -> &str {
        &self.keys[0].0
    }

    /// The key named `kid`; a token without one (issued before keys had ids) is checked
    /// against the current key.
    pub(super) fn find(&self, kid: Option<&str>) -> Option<&DecodingKey> {
        match kid {
            None => Some(&self.keys[0].1),
            Some(kid) => self.keys.iter().find(|(k, _)| k == kid).map(|(_, key)| key),
        }
    }

    pub(super) fn published(&self) -> &JwkSet {
        &self.published
    }
}

/// The key as a JWK with its thumbprint as `kid`.
fn describe(key: &DecodingKey) -> Result<(String, Jwk), KeyError> {
    let mut jwk = Jwk::from_decoding_key(key, Some(Algorithm::RS256)).map_err(KeyError::Jwk)?;
    let kid = jwk
        .thumbprint(ThumbprintHash::SHA256)
        .map_err(KeyError::Jwk)?;
    jwk.common.key_id = Some(kid.clone());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    Ok((kid, jwk))
}
