//! jsonwebtoken's RS256 signatures and ES256 signing on ring (already in the tree through
//! rustls). ring verifies an RS256 signature in a small fraction of the pure-Rust `rsa`
//! crate's time (that verification was a quarter of the machine's CPU under load), and the
//! signing keys are parsed once rather than on every signature. ES256 verification, EdDSA
//! (fast on RustCrypto), every other algorithm and the JWK helpers (startup only) stay on
//! RustCrypto, so other users of jsonwebtoken in the process keep working.

use std::sync::{Arc, LazyLock};

use jsonwebtoken::{
    Algorithm, DecodingKey, DecodingKeyKind, EncodingKey,
    crypto::{CryptoProvider, JwtSigner, JwtVerifier, rust_crypto},
    errors::{ErrorKind, Result},
    signature::{self, Signer, Verifier},
};
use parking_lot::Mutex;
use ring::{rand::SystemRandom, signature as ring_signature};

static PROVIDER: LazyLock<CryptoProvider> = LazyLock::new(|| CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    key_utils: rust_crypto::DEFAULT_PROVIDER.key_utils.clone(),
});

/// Makes this module jsonwebtoken's provider for the process. Call it before any token is
/// signed or verified; once a provider is in place (a second service in one test process),
/// this does nothing.
pub(super) fn install() {
    let _ = PROVIDER.install_default();
}

fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    match algorithm {
        Algorithm::RS256 => {
            let key_pair = parsed_key_pair(key.as_bytes())
                .map_err(|e| ErrorKind::InvalidRsaKey(e.to_string()))?;
            Ok(Box::new(Rs256Signer(key_pair)))
        }
        // The PKCS#8 P-256 key (the only encoding the key loader takes) on ring.
        Algorithm::ES256 => {
            let key_pair =
                parsed_ecdsa_key_pair(key.as_bytes()).ok_or(ErrorKind::InvalidEcdsaKey)?;
            Ok(Box::new(Es256Signer(key_pair)))
        }
        _ => (rust_crypto::DEFAULT_PROVIDER.signer_factory)(algorithm, key),
    }
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    if *algorithm != Algorithm::RS256 {
        return (rust_crypto::DEFAULT_PROVIDER.verifier_factory)(algorithm, key);
    }
    Ok(Box::new(Rs256Verifier(key.clone())))
}

/// The signing key parsed from its PKCS#1 DER, remembered for the next signature: a service
/// signs with one key, and parsing runs ring's consistency checks on it every time.
fn parsed_key_pair(
    der: &[u8],
) -> std::result::Result<Arc<ring_signature::RsaKeyPair>, ring::error::KeyRejected> {
    static LAST: Mutex<Option<(Vec<u8>, Arc<ring_signature::RsaKeyPair>)>> = Mutex::new(None);
    let mut last = LAST.lock();
    if let Some((cached_der, key_pair)) = last.as_ref()
        && cached_der == der
    {
        return Ok(key_pair.clone());
    }
    let key_pair = Arc::new(ring_signature::RsaKeyPair::from_der(der)?);
    *last = Some((der.to_vec(), key_pair.clone()));
    Ok(key_pair)
}

/// The P-256 signing key parsed from its PKCS#8 DER, remembered as the RSA one is; `None`
/// for bytes that are not one.
fn parsed_ecdsa_key_pair(der: &[u8]) -> Option<Arc<ring_signature::EcdsaKeyPair>> {
    static LAST: Mutex<Option<(Vec<u8>, Arc<ring_signature::EcdsaKeyPair>)>> = Mutex::new(None);
    let mut last = LAST.lock();
    if let Some((cached_der, key_pair)) = last.as_ref()
        && cached_der == der
    {
        return Some(key_pair.clone());
    }
    let signing = &ring_signature::ECDSA_P256_SHA256_FIXED_SIGNING;
    let parsed = ring_signature::EcdsaKeyPair::from_pkcs8(signing, der, &SystemRandom::new());
    let key_pair = Arc::new(parsed.ok()?);
    *last = Some((der.to_vec(), key_pair.clone()));
    Some(key_pair)
}

/// ES256: the fixed-length `r || s` signature JWS wants (RFC 7518 §3.4).
struct Es256Signer(Arc<ring_signature::EcdsaKeyPair>);

impl Signer<Vec<u8>> for Es256Signer {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        let signed = self.0.sign(&SystemRandom::new(), message);
        signed
            .map(|signature| signature.as_ref().to_vec())
            .map_err(|_| signature::Error::new())
    }
}

impl JwtSigner for Es256Signer {
    fn algorithm(&self) -> Algorithm {
        Algorithm::ES256
    }
}

struct Rs256Signer(Arc<ring_signature::RsaKeyPair>);

impl Signer<Vec<u8>> for Rs256Signer {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        let mut signature = vec![0; self.0.public().modulus_len()];
        self.0
            .sign(
                &ring_signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|_| signature::Error::new())?;
        Ok(signature)
    }
}

impl JwtSigner for Rs256Signer {
    fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}

struct Rs256Verifier(DecodingKey);

impl Verifier<Vec<u8>> for Rs256Verifier {
    fn verify(
        &self,
        message: &[u8],
        signature: &Vec<u8>,
    ) -> std::result::Result<(), signature::Error> {
        let parameters = &ring_signature::RSA_PKCS1_2048_8192_SHA256;
        match self.0.kind() {
            DecodingKeyKind::SecretOrDer(der) => {
                ring_signature::UnparsedPublicKey::new(parameters, der).verify(message, signature)
            }
            DecodingKeyKind::RsaModulusExponent { n, e } => {
                ring_signature::RsaPublicKeyComponents { n, e }
                    .verify(parameters, message, signature)
            }
        }
        .map_err(|_| signature::Error::new())
    }
}

impl JwtVerifier for Rs256Verifier {
    fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}
