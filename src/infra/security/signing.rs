//! `JWT_ALGORITHM`: how tokens are signed (RS256, ES256 or EdDSA with Ed25519), and a fresh
//! key pair of each kind as PEM for development and tests.

use std::{fmt, str::FromStr};

use base64::{Engine, engine::general_purpose::STANDARD};
use jsonwebtoken::Algorithm;
use ring::{
    rand::SystemRandom,
    signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _},
};
use rsa::{
    RsaPrivateKey,
    pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding},
};

use super::keys::KeyError;
use crate::infra::setting::deserialize_from_str;

/// The SubjectPublicKeyInfo DER before a P-256 point (id-ecPublicKey, prime256v1).
const P256_SPKI_PREFIX: &[u8] = &[
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
/// The SubjectPublicKeyInfo DER before an Ed25519 key (id-Ed25519).
const ED25519_SPKI_PREFIX: &[u8] = &[
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// The signing algorithm of new tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SigningAlgorithm {
    /// RSA PKCS#1 v1.5 with SHA-256 (RSA 2048 or larger keys).
    #[default]
    Rs256,
    /// ECDSA on P-256 with SHA-256.
    Es256,
    /// EdDSA with Ed25519.
    EdDsa,
}

impl SigningAlgorithm {
    /// The JOSE algorithm.
    pub fn jwt(self) -> Algorithm {
        match self {
            Self::Rs256 => Algorithm::RS256,
            Self::Es256 => Algorithm::ES256,
            Self::EdDsa => Algorithm::EdDSA,
        }
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Rs256 => "RS256",
            Self::Es256 => "ES256",
            Self::EdDsa => "EdDSA",
        })
    }
}

impl FromStr for SigningAlgorithm {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw {
            "RS256" => Ok(Self::Rs256),
            "ES256" => Ok(Self::Es256),
            "EdDSA" => Ok(Self::EdDsa),
            _ => Err("expected RS256, ES256 or EdDSA".into()),
        }
    }
}

deserialize_from_str!(SigningAlgorithm);

/// A key pair as PEM text (PKCS#8 private key, SPKI public key).
pub struct KeyPair {
    pub private_pem: String,
    pub public_pem: String,
}

impl KeyPair {
    /// A fresh pair for `algorithm` (RSA 2048, P-256, Ed25519); throw-away development keys
    /// and tests.
    pub fn generate(algorithm: SigningAlgorithm) -> Result<Self, KeyError> {
        let failed = |e: &dyn fmt::Display| KeyError::Generate(e.to_string());
        let rng = SystemRandom::new();
        match algorithm {
            SigningAlgorithm::Rs256 => {
                let private =
                    RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).map_err(|e| failed(&e))?;
                let private_pem = private
                    .to_pkcs8_pem(LineEnding::LF)
                    .map_err(|e| failed(&e))?;
                let public_pem = (private.to_public_key())
                    .to_public_key_pem(LineEnding::LF)
                    .map_err(|e| failed(&e))?;
                Ok(Self {
                    private_pem: private_pem.to_string(),
                    public_pem,
                })
            }
            SigningAlgorithm::Es256 => {
                let signing = &ECDSA_P256_SHA256_FIXED_SIGNING;
                let pkcs8 = EcdsaKeyPair::generate_pkcs8(signing, &rng).map_err(|e| failed(&e))?;
                let pair = EcdsaKeyPair::from_pkcs8(signing, pkcs8.as_ref(), &rng)
                    .map_err(|e| failed(&e))?;
                Ok(Self::from_der(
                    pkcs8.as_ref(),
                    P256_SPKI_PREFIX,
                    pair.public_key().as_ref(),
                ))
            }
            SigningAlgorithm::EdDsa => {
                let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|e| failed(&e))?;
                let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|e| failed(&e))?;
                Ok(Self::from_der(
                    pkcs8.as_ref(),
                    ED25519_SPKI_PREFIX,
                    pair.public_key().as_ref(),
                ))
            }
        }
    }

    fn from_der(pkcs8: &[u8], spki_prefix: &[u8], public: &[u8]) -> Self {
        Self {
            private_pem: pem("PRIVATE KEY", pkcs8),
            public_pem: pem("PUBLIC KEY", &[spki_prefix, public].concat()),
        }
    }
}

/// `der` as PEM with `label`, 64 characters a line.
fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|chunk| std::str::from_utf8(chunk).expect("base64 is ASCII"))
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}
