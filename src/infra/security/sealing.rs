//! Secrets the service must read back (TOTP secrets), sealed at rest with AES-256-GCM under
//! `MFA_ENCRYPTION_KEY`: `id:base64-key` pairs, comma-separated, the first sealing and all
//! opening, so a new key can be put first and the old one retired once nothing needs it.

use std::{fmt, sync::Arc};

use base64::{Engine, engine::general_purpose::STANDARD};
use rand::{RngCore, rngs::OsRng};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use serde::{Deserialize, Deserializer, de::Error};

/// Why a sealed secret could not be opened.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SealError {
    #[error("the secret was sealed with key `{0}`, which MFA_ENCRYPTION_KEY no longer lists")]
    UnknownKey(String),
    #[error(
        "the sealed secret does not open with key `{0}` (altered, or sealed for another account)"
    )]
    Corrupt(String),
}

/// A secret sealed by one of the keys, as stored.
pub(crate) struct Sealed {
    pub key_id: String,
    /// Base64 of the nonce followed by the ciphertext and tag.
    pub text: String,
}

struct SealingKey {
    id: String,
    key: LessSafeKey,
}

/// The keys of `MFA_ENCRYPTION_KEY`, the first one current.
#[derive(Clone)]
pub struct SealingKeys(Arc<Vec<SealingKey>>);

impl fmt::Debug for SealingKeys {
    /// The key ids only: the keys are secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|k| &k.id))
            .finish()
    }
}

impl SealingKeys {
    /// A random key that lives as long as the process (development without a key).
    pub fn throwaway() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        let id = format!("dev-{}", hex::encode(&bytes[..4]));
        Self(Arc::new(vec![sealing_key(id, &bytes)]))
    }

    /// The id of the key that seals.
    pub(crate) fn current_id(&self) -> &str {
        &self.0[0].id
    }

    /// Seals `plain` with the current key; `context` (the owner's id) must be given again
    /// to open it, so a sealed secret copied to another account does not open.
    pub(crate) fn seal(&self, plain: &[u8], context: &[u8]) -> Sealed {
        let current = &self.0[0];
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let mut data = plain.to_vec();
        current
            .key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                &mut data,
            )
            .expect("AES-GCM seals any secret shorter than 64 GiB");
        let mut text = nonce.to_vec();
        text.extend_from_slice(&data);
        Sealed {
            key_id: current.id.clone(),
            text: STANDARD.encode(text),
        }
    }

    /// Opens what `seal` made with the same `context`, with whichever listed key sealed it.
    pub(crate) fn open(&self, sealed: &Sealed, context: &[u8]) -> Result<Vec<u8>, SealError> {
        let key = self
            .0
            .iter()
            .find(|k| k.id == sealed.key_id)
            .ok_or_else(|| SealError::UnknownKey(sealed.key_id.clone()))?;
        let corrupt = || SealError::Corrupt(sealed.key_id.clone());
        let mut data = STANDARD.decode(&sealed.text).map_err(|_| corrupt())?;
        if data.len() < NONCE_LEN {
            return Err(corrupt());
        }
        let mut ciphertext = data.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&data).map_err(|_| corrupt())?;
        let plain = key
            .key
            .open_in_place(nonce, Aad::from(context), &mut ciphertext)
            .map_err(|_| corrupt())?;
        Ok(plain.to_vec())
    }
}

impl std::str::FromStr for SealingKeys {
    type Err = String;

    /// `id:base64,id:base64`: each key 32 bytes of standard base64, ids unique. Errors never
    /// quote a key.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let mut keys: Vec<SealingKey> = Vec::new();
        for item in raw.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (id, key) = item
                .split_once(':')
                .ok_or("expected `id:base64-key` pairs separated by commas")?;
            let id = id.trim();
            if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_graphic()) {
                return Err("a key id must be 1 to 64 visible ASCII characters".into());
            }
            if keys.iter().any(|k| k.id == id) {
                return Err(format!("key id `{id}` is listed twice"));
            }
            let bytes = STANDARD
                .decode(key.trim())
                .ok()
                .filter(|b| b.len() == 32)
                .ok_or_else(|| {
                    format!("key `{id}` must be 32 bytes in base64 (openssl rand -base64 32)")
                })?;
            keys.push(sealing_key(id.to_owned(), &bytes));
        }
        if keys.is_empty() {
            return Err("expected at least one `id:base64-key` pair".into());
        }
        Ok(Self(Arc::new(keys)))
    }
}

/// `MFA_ENCRYPTION_KEY` as `SealingKeys`, or `None` when unset.
pub(crate) fn sealing_keys<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<SealingKeys>, D::Error> {
    let raw = String::deserialize(d)?;
    raw.parse().map(Some).map_err(D::Error::custom)
}

fn sealing_key(id: String, bytes: &[u8]) -> SealingKey {
    let unbound = UnboundKey::new(&AES_256_GCM, bytes).expect("a 32-byte key is an AES-256 key");
    SealingKey {
        id,
        key: LessSafeKey::new(unbound),
    }
}

#[cfg(test)]
mod tests {
    use super::{SealError, SealingKeys};

    const A: &str = "a:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    const B: &str = "b:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";

    #[test]
    fn a_sealed_secret_opens_only_with_its_context() {
        let keys: SealingKeys = A.parse().unwrap();
        let sealed = keys.seal(b"secret", b"alice");
        assert_eq!(sealed.key_id, "a");
        assert!(!sealed.text.contains("secret"));
        assert_eq!(keys.open(&sealed, b"alice").unwrap(), b"secret");
        assert!(matches!(
            keys.open(&sealed, b"bob"),
            Err(SealError::Corrupt(_))
        ));
    }

    #[test]
    fn sealing_twice_gives_different_texts() {
        let keys: SealingKeys = A.parse().unwrap();
        assert_ne!(keys.seal(b"s", b"c").text, keys.seal(b"s", b"c").text);
    }

    #[test]
    fn a_new_first_key_seals_and_the_retired_one_still_opens() {
        let old: SealingKeys = A.parse().unwrap();
        let sealed = old.seal(b"secret", b"ctx");
        let rotated: SealingKeys = format!("{B},{A}").parse().unwrap();
        assert_eq!(rotated.current_id(), "b");
        assert_eq!(rotated.open(&sealed, b"ctx").unwrap(), b"secret");
        let retired: SealingKeys = B.parse().unwrap();
        assert!(
            matches!(retired.open(&sealed, b"ctx"), Err(SealError::UnknownKey(id)) if id == "a")
        );
    }

    #[test]
    fn malformed_settings_are_refused_without_quoting_the_key() {
        for raw in [
            "",
            "nokey",
            "a:short",
            "a:!!!",
            ":AAAA",
            &format!("{A},{A}"),
        ] {
            let err = raw.parse::<SealingKeys>().unwrap_err();
            assert!(!err.contains("AAAAAAAA"), "{err}");
        }
    }

    #[test]
    fn debug_shows_ids_only() {
        let keys: SealingKeys = format!("{A},{B}").parse().unwrap();
        assert_eq!(format!("{keys:?}"), r#"["a", "b"]"#);
    }
}
