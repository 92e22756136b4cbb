use chrono::{TimeDelta, Utc};
use uuid::Uuid;

use super::{SessionClaims, TokenError, TokenService};
use crate::infra::security::{JwtSettings, KeyError, KeyPair, SigningAlgorithm};

/// A service with a throw-away key pair (no key files at these paths).
fn service() -> TokenService {
    service_of(SigningAlgorithm::Rs256)
}

fn service_of(algorithm: SigningAlgorithm) -> TokenService {
    let settings = JwtSettings {
        algorithm,
        private_key_path: "/nonexistent/private.pem".into(),
        public_key_path: "/nonexistent/public.pem".into(),
        ..JwtSettings::default()
    };
    TokenService::load(&settings, "https://accounts.example.com".into(), true).unwrap()
}

fn session(now: chrono::DateTime<Utc>) -> SessionClaims<'static> {
    SessionClaims {
        id: Uuid::now_v7(),
        amr: "pwd",
        auth_time: now,
    }
}

#[test]
fn each_algorithm_makes_a_throwaway_pair_that_signs_and_verifies() {
    let now = Utc::now();
    for algorithm in [
        SigningAlgorithm::Rs256,
        SigningAlgorithm::Es256,
        SigningAlgorithm::EdDsa,
    ] {
        let tokens = service_of(algorithm);
        let issued = tokens
            .issue(Uuid::now_v7(), session(now), &[], now)
            .unwrap();
        let header = jsonwebtoken::decode_header(&issued.token).unwrap();
        assert_eq!(header.alg, algorithm.jwt());
        assert!(tokens.verify(&issued.token, now).is_ok(), "{algorithm}");
        let published = &tokens.public_keys().keys[0];
        assert_eq!(published.common.key_id, header.kid, "{algorithm}");
        // Another service's key of the same kind does not verify it.
        assert!(service_of(algorithm).verify(&issued.token, now).is_err());
    }
}

#[test]
fn a_key_file_of_another_kind_is_refused_naming_the_file() {
    let dir = tempfile::TempDir::new().unwrap();
    let pair = KeyPair::generate(SigningAlgorithm::Rs256).unwrap();
    let (private, public) = (dir.path().join("k.pem"), dir.path().join("p.pem"));
    std::fs::write(&private, pair.private_pem).unwrap();
    std::fs::write(&public, pair.public_pem).unwrap();
    let settings = JwtSettings {
        algorithm: SigningAlgorithm::Es256,
        private_key_path: private.clone(),
        public_key_path: public,
        ..JwtSettings::default()
    };
    let refused = TokenService::load(&settings, "https://a.example".into(), false);
    let Err(err @ KeyError::Invalid { .. }) = refused else {
        panic!("an RSA pair loaded for ES256");
    };
    let message = err.to_string();
    assert!(
        message.contains(&private.display().to_string()),
        "{message}"
    );
    assert!(message.contains("P-256"), "{message}");
}

#[test]
fn a_remembered_token_still_expires_and_an_altered_one_is_still_checked() {
    let tokens = service();
    let now = Utc::now();
    let session = SessionClaims {
        id: Uuid::now_v7(),
        amr: "pwd",
        auth_time: now - TimeDelta::hours(1),
    };
    let issued = tokens.issue(Uuid::now_v7(), session, &[], now).unwrap();
    let claims = tokens.verify(&issued.token, now).unwrap();
    assert_eq!(claims.amr, ["pwd"]);
    assert_eq!(
        claims.auth_time,
        (now - TimeDelta::hours(1)).timestamp() as u64
    );
    // Found in the cache the second time: the same claims.
    assert_eq!(tokens.verify(&issued.token, now).unwrap().jti, claims.jti);
    let later = now + TimeDelta::seconds(issued.expires_in as i64 + 60);
    assert!(matches!(
        tokens.verify(&issued.token, later),
        Err(TokenError::Expired)
    ));
    // One character inside the signature changed: a different token, checked in full.
    let mut altered = issued.token.clone().into_bytes();
    let at = altered.len() - 10;
    altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    assert!(matches!(
        tokens.verify(&altered, now),
        Err(TokenError::Invalid)
    ));
}

/// openssl's SEC 1 encoding of a P-256 key (`BEGIN EC PRIVATE KEY`) is refused naming the
/// file and PKCS#8; converted with `openssl pkcs8 -topk8 -nocrypt`, it signs (on ring) and
/// its tokens verify.
#[test]
fn a_sec1_p256_key_is_refused_and_its_pkcs8_form_signs() {
    let dir = tempfile::TempDir::new().unwrap();
    let (sec1, pkcs8, public) = (
        dir.path().join("sec1.pem"),
        dir.path().join("pkcs8.pem"),
        dir.path().join("p.pem"),
    );
    let openssl = |args: &[&str]| {
        let done = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("openssl is installed");
        assert!(done.status.success(), "openssl {args:?}");
    };
    openssl(&[
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-noout",
        "-out",
        "sec1.pem",
    ]);
    openssl(&["ec", "-in", "sec1.pem", "-pubout", "-out", "p.pem"]);
    openssl(&[
        "pkcs8",
        "-topk8",
        "-nocrypt",
        "-in",
        "sec1.pem",
        "-out",
        "pkcs8.pem",
    ]);
    let settings = |private| JwtSettings {
        algorithm: SigningAlgorithm::Es256,
        private_key_path: private,
        public_key_path: public.clone(),
        ..JwtSettings::default()
    };
    let refused = TokenService::load(&settings(sec1.clone()), "https://a.example".into(), false);
    let Err(err) = refused else {
        panic!("a SEC 1 key loaded");
    };
    let message = err.to_string();
    assert!(message.contains(&sec1.display().to_string()) && message.contains("PKCS#8"));
    let tokens = TokenService::load(&settings(pkcs8), "https://a.example".into(), false).unwrap();
    let now = Utc::now();
    let issued = tokens
        .issue(Uuid::now_v7(), session(now), &[], now)
        .unwrap();
    assert!(tokens.verify(&issued.token, now).is_ok());
}
