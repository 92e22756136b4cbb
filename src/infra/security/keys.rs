//! The JWT key files: the current pair for `JWT_ALGORITHM`, and retired public keys of any
//! supported kind (read by what they are), each turned into jsonwebtoken's keys.

use std::path::{Path, PathBuf};

use jsonwebtoken::{
    DecodingKey, EncodingKey,
    jwk::{AlgorithmParameters, EllipticCurve, Jwk},
};

use super::signing::{KeyPair, SigningAlgorithm};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("JWT key file {path} is missing (see .certs.example/README.md)")]
    Missing { path: PathBuf },
    #[error("JWT key file {path} cannot be read: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("JWT key file {path} is not {expected} in PEM (see .certs.example/README.md)")]
    Invalid {
        path: PathBuf,
        expected: &'static str,
    },
    #[error("cannot generate a key pair: {0}")]
    Generate(String),
    #[error("cannot describe a JWT key as a JWK: {0}")]
    Jwk(jsonwebtoken::errors::Error),
}

impl KeyPair {
    pub(crate) fn read(private_path: &Path, public_path: &Path) -> Result<Self, KeyError> {
        Ok(Self {
            private_pem: read_pem(private_path)?,
            public_pem: read_pem(public_path)?,
        })
    }

    /// The pair as jsonwebtoken's keys for `algorithm`; a file of another kind is refused.
    pub(super) fn into_keys(
        self,
        algorithm: SigningAlgorithm,
        private_path: &Path,
        public_path: &Path,
    ) -> Result<(EncodingKey, DecodingKey), KeyError> {
        let expected = expected(algorithm);
        let private = self.private_pem.as_bytes();
        let encoding = match algorithm {
            SigningAlgorithm::Rs256 => EncodingKey::from_rsa_pem(private),
            SigningAlgorithm::Es256 => EncodingKey::from_ec_pem(private),
            SigningAlgorithm::EdDsa => EncodingKey::from_ed_pem(private),
        }
        .map_err(|_| KeyError::Invalid {
            path: private_path.to_owned(),
            expected,
        })?;
        let decoding = public_key(&self.public_pem)
            .filter(|(kind, _)| *kind == algorithm)
            .map(|(_, key)| key)
            .ok_or_else(|| KeyError::Invalid {
                path: public_path.to_owned(),
                expected,
            })?;
        Ok((encoding, decoding))
    }
}

/// A public key file that verifies tokens (a retired key, kept for tokens it signed), of
/// whichever supported kind it is.
pub(super) fn read_public_key(path: &Path) -> Result<(SigningAlgorithm, DecodingKey), KeyError> {
    public_key(&read_pem(path)?).ok_or_else(|| KeyError::Invalid {
        path: path.to_owned(),
        expected: "an RSA, P-256 or Ed25519 public key",
    })
}

/// The algorithm a public key's kind serves, and the key; `None` for any other kind.
fn public_key(pem: &str) -> Option<(SigningAlgorithm, DecodingKey)> {
    let pem = pem.as_bytes();
    if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
        return Some((SigningAlgorithm::Rs256, key));
    }
    if let Ok(key) = DecodingKey::from_ed_pem(pem) {
        return Some((SigningAlgorithm::EdDsa, key));
    }
    let key = DecodingKey::from_ec_pem(pem).ok()?;
    // ES256 alone: a P-384 or P-521 key would need ES384 or ES512.
    let jwk = Jwk::from_decoding_key(&key, None).ok()?;
    match jwk.algorithm {
        AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
            Some((SigningAlgorithm::Es256, key))
        }
        _ => None,
    }
}

fn expected(algorithm: SigningAlgorithm) -> &'static str {
    match algorithm {
        SigningAlgorithm::Rs256 => "an RSA key (JWT_ALGORITHM=RS256)",
        SigningAlgorithm::Es256 => "a P-256 key in PKCS#8 (JWT_ALGORITHM=ES256)",
        SigningAlgorithm::EdDsa => "an Ed25519 key in PKCS#8 (JWT_ALGORITHM=EdDSA)",
    }
}

fn read_pem(path: &Path) -> Result<String, KeyError> {
    std::fs::read_to_string(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => KeyError::Missing {
            path: path.to_owned(),
        },
        _ => KeyError::Unreadable {
            path: path.to_owned(),
            source,
        },
    })
}
