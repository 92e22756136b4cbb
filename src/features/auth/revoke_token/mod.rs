//! `POST /api/v1/token/revoke`: token revocation (RFC 7009). A refresh token, or a live
//! access token, ends the session it belongs to; unknown tokens are answered alike.

mod command;
mod dto;
mod handler;
mod route;

pub(crate) use route::RevokeTokenRoute;
