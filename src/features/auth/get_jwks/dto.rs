use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet};
use poem_openapi::Object;

/// The keys that verify access tokens (a JWK set, RFC 7517): the current key and any
/// retired ones whose tokens may still be live.
#[derive(Object)]
pub(super) struct KeySet {
    pub keys: Vec<PublicKey>,
}

/// An RSA public key that verifies RS256 access tokens; `kid` is its RFC 7638 thumbprint,
/// the `kid` in the header of the tokens it verifies.
#[derive(Object)]
pub(super) struct PublicKey {
    /// Always `RSA`.
    pub kty: String,
    /// Always `sig`.
    #[oai(rename = "use")]
    pub key_use: String,
    /// Always `RS256`.
    pub alg: String,
    pub kid: String,
    /// The modulus, base64url.
    pub n: String,
    /// The public exponent, base64url.
    pub e: String,
}

impl From<&JwkSet> for KeySet {
    fn from(set: &JwkSet) -> Self {
        Self {
            keys: set.keys.iter().filter_map(PublicKey::from_jwk).collect(),
        }
    }
}

impl PublicKey {
    /// RSA keys only: the token service holds no other kind.
    fn from_jwk(jwk: &Jwk) -> Option<Self> {
        let AlgorithmParameters::RSA(rsa) = &jwk.algorithm else {
            return None;
        };
        Some(Self {
            kty: "RSA".into(),
            key_use: "sig".into(),
            alg: "RS256".into(),
            kid: jwk.common.key_id.clone()?,
            n: rsa.n.clone(),
            e: rsa.e.clone(),
        })
    }
}
