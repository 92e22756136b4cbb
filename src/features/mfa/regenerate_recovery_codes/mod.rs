//! `POST /api/v1/mfa/recovery-codes`: ten new recovery codes, confirmed by the password and a
//! code; the old ones stop working.

mod handler;
mod route;

pub(crate) use route::RegenerateRecoveryCodesRoute;
