//! TOTP as every authenticator app reads it (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps),
//! on `totp-rs`; the enrolment's otpauth URI and its QR code as SVG.

use chrono::{DateTime, Utc};
use qrcode::{QrCode, render::svg};
use rand::{RngCore, rngs::OsRng};
use totp_rs::{Algorithm, TOTP};

/// Seconds per step.
pub(crate) const STEP_SECONDS: u64 = 30;
const DIGITS: usize = 6;
/// 160 bits, the size RFC 4226 recommends.
const SECRET_BYTES: usize = 20;

/// What an authenticator app needs to add the account.
pub(crate) struct Enrolment {
    pub secret_base32: String,
    pub otpauth_uri: String,
    pub qr_svg: String,
}

/// A fresh random secret.
pub(crate) fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut secret);
    secret
}

fn totp(secret: &[u8], issuer: &str, account: &str) -> TOTP {
    // The otpauth label is `issuer:account`: a colon in either would split it wrongly.
    let (issuer, account) = (issuer.replace(':', " "), account.replace(':', " "));
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP_SECONDS,
        secret.to_vec(),
        Some(issuer),
        account,
    )
}

/// The secret in base32, the otpauth URI naming `issuer` and `account`, and its QR code.
pub(crate) fn enrolment(secret: &[u8], issuer: &str, account: &str) -> Enrolment {
    let totp = totp(secret, issuer, account);
    let otpauth_uri = totp.get_url();
    let qr_svg = QrCode::new(otpauth_uri.as_bytes())
        .map(|qr| qr.render::<svg::Color>().min_dimensions(200, 200).build())
        // An otpauth URI is a few hundred bytes; a QR code holds up to 2,953.
        .unwrap_or_default();
    Enrolment {
        secret_base32: totp.get_secret_base32(),
        otpauth_uri,
        qr_svg,
    }
}

/// The step `at` falls in.
pub(crate) fn step_at(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP_SECONDS as i64)
}

/// The newest step within one either side of `now` whose code is `code` (compared in
/// constant time), if any.
pub(crate) fn matching_step(secret: &[u8], code: &str, now: DateTime<Utc>) -> Option<i64> {
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "", "");
    let current = step_at(now);
    (current - 1..=current + 1).rev().find(|&step| {
        let time = u64::try_from(step).unwrap_or(0) * STEP_SECONDS;
        constant_time_eq::constant_time_eq(totp.generate(time).as_bytes(), code.as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};

    use super::{enrolment, matching_step, step_at};

    /// RFC 6238's SHA-1 test secret.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    /// RFC 6238 appendix B, the last six digits of its SHA-1 vectors: an independent check of
    /// the crate.
    #[test]
    fn codes_match_the_rfc_vectors() {
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(
                matching_step(RFC_SECRET, code, at(time)),
                Some(step_at(at(time)))
            );
        }
    }

    #[test]
    fn one_step_either_side_is_accepted_and_no_further() {
        let now = at(1_234_567_890);
        let code = "005924";
        assert!(matching_step(RFC_SECRET, code, now + Duration::seconds(30)).is_some());
        assert!(matching_step(RFC_SECRET, code, now - Duration::seconds(30)).is_some());
        assert!(matching_step(RFC_SECRET, code, now + Duration::seconds(60)).is_none());
        assert!(matching_step(RFC_SECRET, code, now - Duration::seconds(60)).is_none());
    }

    #[test]
    fn anything_but_six_digits_matches_nothing() {
        for code in ["", "00592", "0059244", "00592a", " 05924", "٠٠٥٩٢٤"] {
            assert_eq!(matching_step(RFC_SECRET, code, at(1_234_567_890)), None);
        }
    }

    #[test]
    fn the_enrolment_names_issuer_and_account_and_draws_the_uri() {
        let e = enrolment(RFC_SECRET, "Acme: Accounts", "alice");
        assert_eq!(e.secret_base32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            e.otpauth_uri,
            "otpauth://totp/Acme%20%20Accounts:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20%20Accounts"
        );
        assert!(e.qr_svg.starts_with("<?xml") && e.qr_svg.contains("<svg"));
    }
}
