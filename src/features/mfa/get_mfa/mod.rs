//! `GET /api/v1/mfa`: the caller's second factors and the methods a login's second step takes.

mod dto;
mod route;

pub(crate) use route::GetMfaRoute;
