//! `POST /api/v1/mfa/totp/confirm`: confirm the pending enrolment with a code; TOTP is on and
//! the answer holds ten recovery codes.

mod dto;
mod route;

pub(crate) use route::ConfirmTotpRoute;
