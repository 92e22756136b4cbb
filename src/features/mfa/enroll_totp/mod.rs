//! `POST /api/v1/mfa/totp`: start a TOTP enrolment, confirmed by the password; answers the
//! secret, its otpauth URI and a QR code of it.

mod dto;
mod handler;
mod route;

pub(crate) use route::EnrollTotpRoute;
