use std::path::{Path, PathBuf};

use jsonwebtoken::{DecodingKey, EncodingKey};
use rsa::{
    RsaPrivateKey,
    pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding},
};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("JWT key file {path} is missing (see .certs.example/README.md)")]
    Missing { path: PathBuf },
    #[error("JWT key file {path} cannot be read: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("JWT key file {path} is not an RSA PEM key: {source}")]
    Invalid {
        path: PathBuf,
        source: jsonwebtoken::errors::Error,
    },
    #[error("cannot generate an RSA key pair: {0}")]
    Generate(String),
    #[error("cannot describe a JWT key as a JWK: {0}")]
    Jwk(jsonwebtoken::errors::Error),
}

/// An RSA key pair as PEM text (PKCS#8 private key, SPKI public key).
pub struct RsaKeyPair {
    pub private_pem: String,
    pub public_pem: String,
}

impl RsaKeyPair {
    /// A fresh 2048-bit pair; used for throw-away development keys and by tests.
    pub fn generate() -> Result<Self, KeyError> {
        let private = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)
            .map_err(|e| KeyError::Generate(e.to_string()))?;
        let private_pem = private
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| KeyError::Generate(e.to_string()))?;
        let public_pem = private
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| KeyError::Generate(e.to_string()))?;
        Ok(Self {
            private_pem: private_pem.to_string(),
            public_pem,
        })
    }

    pub(crate) fn read(private_path: &Path, public_path: &Path) -> Result<Self, KeyError> {
        Ok(Self {
            private_pem: read_pem(private_path)?,
            public_pem: read_pem(public_path)?,
        })
    }

    pub(super) fn into_keys(
        self,
        private_path: &Path,
        public_path: &Path,
    ) -> Result<(EncodingKey, DecodingKey), KeyError> {
        let encoding =
            EncodingKey::from_rsa_pem(self.private_pem.as_bytes()).map_err(|source| {
                KeyError::Invalid {
                    path: private_path.to_owned(),
                    source,
                }
            })?;
        let decoding = DecodingKey::from_rsa_pem(self.public_pem.as_bytes()).map_err(|source| {
            KeyError::Invalid {
                path: public_path.to_owned(),
                source,
            }
        })?;
        Ok((encoding, decoding))
    }
}

/// A public key file that verifies tokens (a retired key, kept for tokens it signed).
pub(super) fn read_public_key(path: &Path) -> Result<DecodingKey, KeyError> {
    DecodingKey::from_rsa_pem(read_pem(path)?.as_bytes()).map_err(|source| KeyError::Invalid {
        path: path.to_owned(),
        source,
    })
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
