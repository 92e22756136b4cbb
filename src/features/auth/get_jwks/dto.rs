use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm};
use poem_openapi::Object;

/// The keys that verify access tokens and id_tokens (a JWK set, RFC 7517): the current key
/// and any retired ones whose tokens may still be live, possibly of another kind.
#[derive(Object)]
pub(super) struct KeySet {
    pub keys: Vec<PublicKey>,
}

/// A public key that verifies tokens of one algorithm; `kid` is its RFC 7638 thumbprint,
/// the `kid` in the header of the tokens it verifies. RSA keys carry `n` and `e`, P-256
/// keys `crv`, `x` and `y`, Ed25519 keys `crv` and `x`.
#[derive(Object)]
pub(super) struct PublicKey {
    /// `RSA`, `EC` or `OKP`.
    pub kty: String,
    /// Always `sig`.
    #[oai(rename = "use")]
    pub key_use: String,
    /// `RS256`, `ES256` or `EdDSA`: the only algorithm this key verifies.
    pub alg: String,
    pub kid: String,
    /// RSA: the modulus, base64url.
    #[oai(skip_serializing_if_is_none)]
    pub n: Option<String>,
    /// RSA: the public exponent, base64url.
    #[oai(skip_serializing_if_is_none)]
    pub e: Option<String>,
    /// EC and OKP: `P-256` or `Ed25519`.
    #[oai(skip_serializing_if_is_none)]
    pub crv: Option<String>,
    /// EC and OKP: the x coordinate or the public key, base64url.
    #[oai(skip_serializing_if_is_none)]
    pub x: Option<String>,
    /// EC: the y coordinate, base64url.
    #[oai(skip_serializing_if_is_none)]
    pub y: Option<String>,
}

impl From<&JwkSet> for KeySet {
    fn from(set: &JwkSet) -> Self {
        Self {
            keys: set.keys.iter().filter_map(PublicKey::from_jwk).collect(),
        }
    }
}

impl PublicKey {
    /// The token service's keys: RSA, P-256 and Ed25519, each with its `alg` and `kid`.
    fn from_jwk(jwk: &Jwk) -> Option<Self> {
        let alg = match jwk.common.key_algorithm? {
            KeyAlgorithm::RS256 => "RS256",
            KeyAlgorithm::ES256 => "ES256",
            KeyAlgorithm::EdDSA => "EdDSA",
            _ => return None,
        };
        let curve = |curve: &EllipticCurve| match curve {
            EllipticCurve::P256 => Some("P-256".to_owned()),
            EllipticCurve::Ed25519 => Some("Ed25519".to_owned()),
            _ => None,
        };
        let mut key = Self {
            kty: String::new(),
            key_use: "sig".into(),
            alg: alg.into(),
            kid: jwk.common.key_id.clone()?,
            n: None,
            e: None,
            crv: None,
            x: None,
            y: None,
        };
        match &jwk.algorithm {
            AlgorithmParameters::RSA(rsa) => {
                key.kty = "RSA".into();
                (key.n, key.e) = (Some(rsa.n.clone()), Some(rsa.e.clone()));
            }
            AlgorithmParameters::EllipticCurve(ec) => {
                key.kty = "EC".into();
                key.crv = curve(&ec.curve);
                (key.x, key.y) = (Some(ec.x.clone()), Some(ec.y.clone()));
            }
            AlgorithmParameters::OctetKeyPair(okp) => {
                key.kty = "OKP".into();
                key.crv = curve(&okp.curve);
                key.x = Some(okp.x.clone());
            }
            _ => return None,
        }
        Some(key)
    }
}
