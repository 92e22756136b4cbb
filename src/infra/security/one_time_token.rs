use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::{RngCore, rngs::OsRng};
use sha2::{Digest, Sha256};

/// A random single-use secret (32 bytes, URL-safe base64) that is mailed, never stored:
/// only its SHA-256 goes to the database, so a leaked table confirms nothing.
pub struct OneTimeToken {
    pub token: String,
    pub hash: String,
}

impl OneTimeToken {
    pub(crate) fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        let token = URL_SAFE_NO_PAD.encode(bytes);
        let hash = Self::hash(&token);
        Self { token, hash }
    }

    /// The token `key` derives from `seed` (HMAC-SHA256): the same seed and key give the same
    /// token again, and nobody without the key can compute it.
    pub(crate) fn derive(key: &ring::hmac::Key, seed: &str) -> Self {
        let tag = ring::hmac::sign(key, seed.as_bytes());
        let token = URL_SAFE_NO_PAD.encode(tag.as_ref());
        let hash = Self::hash(&token);
        Self { token, hash }
    }

    /// The stored form of `token`.
    pub(crate) fn hash(token: &str) -> String {
        sha256_hex(token)
    }
}

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &str) -> String {
    hex::encode(Sha256::digest(data.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::OneTimeToken;

    #[test]
    fn tokens_are_random_and_only_their_hash_matches() {
        let (a, b) = (OneTimeToken::generate(), OneTimeToken::generate());
        assert_ne!(a.token, b.token);
        assert_eq!(a.token.len(), 43);
        assert_eq!(a.hash.len(), 64);
        assert_eq!(OneTimeToken::hash(&a.token), a.hash);
        assert_ne!(a.hash, b.hash);
    }

    #[test]
    fn derived_tokens_repeat_for_their_seed_and_key_only() {
        use ring::hmac::{HMAC_SHA256, Key};
        let (key, other) = (Key::new(HMAC_SHA256, b"one"), Key::new(HMAC_SHA256, b"two"));
        let derived = OneTimeToken::derive(&key, "seed");
        assert_eq!(derived.token, OneTimeToken::derive(&key, "seed").token);
        assert_eq!(derived.token.len(), 43);
        assert_eq!(derived.hash, OneTimeToken::hash(&derived.token));
        assert_ne!(derived.token, OneTimeToken::derive(&key, "seeds").token);
        assert_ne!(derived.token, OneTimeToken::derive(&other, "seed").token);
    }

    #[test]
    fn sha256_is_lower_case_hex() {
        assert_eq!(
            super::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
