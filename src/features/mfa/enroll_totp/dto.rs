use poem_openapi::Object;

use crate::{http::JsonString, infra::security::totp::Enrolment};

/// Starts an enrolment, confirmed by the password.
#[derive(Object)]
pub(super) struct EnrollTotpRequest {
    /// The account's current password.
    #[oai(write_only)]
    pub current_password: JsonString,
}

/// What an authenticator app needs; shown once, never stored in the clear.
#[derive(Object)]
pub(super) struct TotpEnrolment {
    /// The shared secret in base32 (RFC 4648, no padding), for typing into an app.
    pub secret: String,
    /// `otpauth://totp/<issuer>:<username>?secret=...&issuer=...`: SHA-1, 6 digits, 30 s.
    pub otpauth_uri: String,
    /// An SVG image of a QR code of `otpauth_uri`, for an app to scan.
    pub qr_svg: String,
}

impl From<Enrolment> for TotpEnrolment {
    fn from(enrolment: Enrolment) -> Self {
        Self {
            secret: enrolment.secret_base32,
            otpauth_uri: enrolment.otpauth_uri,
            qr_svg: enrolment.qr_svg,
        }
    }
}
