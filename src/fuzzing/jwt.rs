//! The access-token check up to and past the signature: header and claims as the fuzzer
//! writes them, signed by the current key (ES256), a retired key of another kind (RS256), a
//! key that is not ours, or not signed at all. A token is accepted only when one of our keys
//! signed it under that key's own algorithm and `kid`, for our issuer and audience, and
//! every accepted token expires.

use std::sync::LazyLock;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::Value;

use crate::infra::security::{JwtSettings, KeyPair, SigningAlgorithm, TokenError, TokenService};

const ISSUER: &str = "https://accounts.fuzz.test";

/// The service's keys and the keys the fuzzer signs with.
struct Keys {
    tokens: TokenService,
    current: Signer,
    retired: Signer,
    foreign: Signer,
    now: DateTime<Utc>,
}

/// A private key, the algorithm it signs with and the `kid` its public key is published as.
struct Signer {
    key: EncodingKey,
    algorithm: Algorithm,
    kid: String,
}

static KEYS: LazyLock<Keys> = LazyLock::new(|| {
    // The service reads its keys from files: these live only until it has.
    let dir = std::env::temp_dir().join(format!("accounts-api-fuzz-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, pem: &str| {
        let path = dir.join(name);
        std::fs::write(&path, pem).unwrap();
        path
    };
    let current = KeyPair::generate(SigningAlgorithm::Es256).unwrap();
    let retired = KeyPair::generate(SigningAlgorithm::Rs256).unwrap();
    let foreign = KeyPair::generate(SigningAlgorithm::Es256).unwrap();
    let settings = JwtSettings {
        algorithm: SigningAlgorithm::Es256,
        private_key_path: write("current.pem", &current.private_pem),
        public_key_path: write("current.pub", &current.public_pem),
        retired_public_key_paths: vec![write("retired.pub", &retired.public_pem)],
        issuer: Some(ISSUER.into()),
        ..JwtSettings::default()
    };
    let tokens = TokenService::load(&settings, ISSUER.into(), false).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let kids: Vec<String> = (tokens.public_keys().keys.iter())
        .map(|jwk| jwk.common.key_id.clone().unwrap())
        .collect();
    let signer = |pair: &KeyPair, algorithm, kid: &str| Signer {
        key: match algorithm {
            Algorithm::RS256 => EncodingKey::from_rsa_pem(pair.private_pem.as_bytes()),
            _ => EncodingKey::from_ec_pem(pair.private_pem.as_bytes()),
        }
        .unwrap(),
        algorithm,
        kid: kid.to_owned(),
    };
    Keys {
        current: signer(&current, Algorithm::ES256, &kids[0]),
        retired: signer(&retired, Algorithm::RS256, &kids[1]),
        foreign: signer(&foreign, Algorithm::ES256, "not-ours"),
        tokens,
        now: Utc::now(),
    }
});

/// `data`: a byte choosing the signer (current, retired, foreign key, or the bytes after the
/// claims as the signature), then the header and the claims as text, separated by NUL. In
/// the texts `$current` and `$retired` stand for the keys' `kid`s, `$iss` for the issuer,
/// `$aud` for the audience and `$now` for the time of the check, so seeds can reach every
/// branch.
pub fn jwt(data: &[u8]) {
    let keys = &*KEYS;
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(3, |&b| b == 0);
    let (header, claims) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let (header, claims) = (expand(keys, header), expand(keys, claims));
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&header),
        URL_SAFE_NO_PAD.encode(&claims)
    );
    let signer = match choice % 4 {
        0 => Some(&keys.current),
        1 => Some(&keys.retired),
        2 => Some(&keys.foreign),
        _ => None,
    };
    let signature = match signer {
        Some(signer) => {
            jsonwebtoken::crypto::sign(message.as_bytes(), &signer.key, signer.algorithm).unwrap()
        }
        None => URL_SAFE_NO_PAD.encode(parts.next().unwrap_or_default()),
    };
    let token = format!("{message}.{signature}");
    let accepted = keys.tokens.verify(&token, keys.now);
    let hint = keys.tokens.id_token_hint(&token);
    let ours = signer.filter(|s| s.kid != keys.foreign.kid && matches_header(s, keys, &header));
    if let Ok(accepted) = accepted {
        assert!(
            ours.is_some(),
            "accepted a token not signed by its key: {token}"
        );
        assert_eq!(accepted.iss, ISSUER);
        assert_eq!(accepted.aud, audience());
        // An hour after its `exp`, when a clock can show that time.
        let later = (i64::try_from(accepted.exp).ok())
            .and_then(|exp| DateTime::from_timestamp(exp.checked_add(3600)?, 0));
        if let Some(later) = later {
            let expired = keys.tokens.verify(&token, later);
            assert!(
                matches!(expired, Err(TokenError::Expired)),
                "{token} never expires"
            );
        }
    }
    if hint.is_some() {
        assert!(
            ours.is_some(),
            "a logout hint from a token not ours: {token}"
        );
    }
}

/// `JWT_AUDIENCE`'s default, which the service checks.
fn audience() -> String {
    JwtSettings::default().audience
}

/// Whether the header names `signer`'s algorithm and its `kid` (or none, for the current key).
fn matches_header(signer: &Signer, keys: &Keys, header: &[u8]) -> bool {
    let Ok(header) = serde_json::from_slice::<Value>(header) else {
        return false;
    };
    let alg = header.get("alg").and_then(Value::as_str);
    let kid = header.get("kid").and_then(Value::as_str);
    let named = match kid {
        Some(kid) => kid == signer.kid,
        None => signer.kid == keys.current.kid,
    };
    alg == Some(algorithm_name(signer.algorithm)) && named
}

fn algorithm_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::RS256 => "RS256",
        _ => "ES256",
    }
}

/// `text` with the placeholders filled in.
fn expand(keys: &Keys, text: &[u8]) -> Vec<u8> {
    if !text.contains(&b'$') {
        return text.to_vec();
    }
    String::from_utf8_lossy(text)
        .replace("$current", &keys.current.kid)
        .replace("$retired", &keys.retired.kid)
        .replace("$iss", ISSUER)
        .replace("$aud", &audience())
        .replace("$now", &keys.now.timestamp().to_string())
        .into_bytes()
}
