//! `DELETE /api/v1/mfa/totp`: remove TOTP and the recovery codes, confirmed by the password
//! and a code; the caller's other sessions end.

mod handler;
mod route;

pub(crate) use route::DeleteTotpRoute;
