//! PKCE (RFC 7636) with `S256` only: `plain` would send the verifier's value in the clear.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// A `code_challenge` with method `S256`: BASE64URL(SHA256(verifier)), 43 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeChallenge(String);

impl CodeChallenge {
    /// The challenge of an authorization request: `method` must be `S256` (RFC 7636 §4.3;
    /// OAuth 2.1 makes it required here for every client), the value 43 base64url characters.
    pub fn parse(challenge: Option<&str>, method: Option<&str>) -> Result<Self, String> {
        let challenge = challenge.ok_or("code_challenge is required (PKCE S256)")?;
        match method {
            Some("S256") => {}
            None => return Err("code_challenge_method must be S256".into()),
            Some(other) => {
                return Err(format!(
                    "code_challenge_method {other:?} is not supported; use S256"
                ));
            }
        }
        let well_formed = challenge.len() == 43
            && challenge
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return Err("code_challenge must be 43 base64url characters (S256)".into());
        }
        Ok(Self(challenge.to_owned()))
    }

    /// A challenge as stored with its code.
    pub fn stored(challenge: String) -> Self {
        Self(challenge)
    }

    /// The challenge's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `verifier` is well formed (43 to 128 characters of the unreserved set,
    /// RFC 7636 §4.1) and hashes to this challenge; compared in constant time.
    pub fn verify(&self, verifier: &str) -> bool {
        well_formed_verifier(verifier)
            && constant_time_eq::constant_time_eq(
                challenge_of(verifier).as_bytes(),
                self.0.as_bytes(),
            )
    }
}

/// RFC 7636 §4.1: `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`, 43 to 128 characters.
pub fn well_formed_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The S256 challenge of `verifier`: BASE64URL-ENCODE(SHA256(ASCII(verifier))).
pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::{CodeChallenge, challenge_of, well_formed_verifier};

    /// RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc_7636_appendix_b() {
        assert_eq!(challenge_of(VERIFIER), CHALLENGE);
        let challenge = CodeChallenge::parse(Some(CHALLENGE), Some("S256")).unwrap();
        assert!(challenge.verify(VERIFIER));
        assert!(!challenge.verify(&VERIFIER.replace('d', "e")));
    }

    #[test]
    fn only_s256_and_a_well_formed_challenge() {
        assert!(CodeChallenge::parse(None, Some("S256")).is_err());
        assert!(CodeChallenge::parse(Some(CHALLENGE), None).is_err());
        assert!(CodeChallenge::parse(Some(VERIFIER), Some("plain")).is_err());
        assert!(CodeChallenge::parse(Some("short"), Some("S256")).is_err());
        assert!(CodeChallenge::parse(Some(&CHALLENGE.replace('-', "+")), Some("S256")).is_err());
    }

    #[test]
    fn a_verifier_is_43_to_128_unreserved_characters() {
        assert!(well_formed_verifier(&"a".repeat(43)));
        assert!(well_formed_verifier(&"~._-".repeat(32)));
        assert!(!well_formed_verifier(&"a".repeat(42)));
        assert!(!well_formed_verifier(&"a".repeat(129)));
        assert!(!well_formed_verifier(&format!("{}+", "a".repeat(43))));
        // A short verifier is refused even when it hashes to the challenge.
        let short = "abc";
        let challenge = CodeChallenge::stored(challenge_of(short));
        assert!(!challenge.verify(short));
    }
}
