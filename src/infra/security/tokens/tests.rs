use chrono::{TimeDelta, Utc};
use uuid::Uuid;

use super::{SessionClaims, TokenError, TokenService};
use crate::infra::security::JwtSettings;

/// A service with a throw-away key pair (no key files at these paths).
fn service() -> TokenService {
    let settings = JwtSettings {
        private_key_path: "/nonexistent/private.pem".into(),
        public_key_path: "/nonexistent/public.pem".into(),
        ..JwtSettings::default()
    };
    TokenService::load(&settings, "https://accounts.example.com".into(), true).unwrap()
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
